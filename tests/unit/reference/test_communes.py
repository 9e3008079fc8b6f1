"""The registry of both eras, the scope of today's province, and agency names resolved by date;
never guessed."""

import unicodedata

import pytest

from pipelines.config import Settings
from pipelines.reference.communes import Registry, ScopeError, scoped_units
from pipelines.reference.registry import NEW, OLD, Unit, national_registry


def _settings(**kw) -> Settings:
    return Settings.load(config_file=None, **kw)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_settings(_settings())


@pytest.fixture(scope="module")
def national():
    return national_registry()


# ---------------------------------------------------------------------------- the registry


def test_both_eras_are_in_the_registry_with_keys_unique_across_them(national):
    old, new = national.of_era(OLD), national.of_era(NEW)
    assert len(new) == 3321 and len(old) == 10035  # 10,040 legacy rows, 5 island districts have no commune
    assert len(national.units) == len(old) + len(new)
    assert {u.unit_key for u in old}.isdisjoint({u.unit_key for u in new})
    assert len({u.commune_code for u in new} & {u.commune_code for u in old}) > 3000  # codes reused


def test_the_two_reused_codes_of_the_seed_area(national):
    """GSO gave the new units the codes of old ones: a code alone never says which unit."""
    assert (national.units["13684@2024"].unit_type, national.units["13684@2024"].commune_name) == ("phường", "Lộc Hạ")
    assert national.units["13684@2025"].commune_name == "Thiên Trường"
    assert national.units["13669@2024"].commune_name == "Cửa Bắc"
    assert national.units["13669@2025"].commune_name == "Nam Định"
    for old in ("13723@2024", "13720@2024", "13684@2024"):  # Mỹ Tân, Mỹ Trung, Lộc Hạ → Thiên Trường
        assert national.units[old].successor_key == "13684@2025"
    t = national.units["13684@2025"]
    assert (t.province_name, t.district_name, t.valid_from.isoformat()) == ("Ninh Bình", None, "2025-07-01")
    assert national.units["13723@2024"].valid_to.isoformat() == "2025-06-30"


def test_a_divided_commune_keeps_every_part_and_a_default(national):
    unit = national.units["13285@2024"]  # phường Quang Trung (old Phủ Lý), split between two new phường
    assert unit.divided and set(unit.successors) == {"13366@2025", "13285@2025"}
    assert unit.successor_key == unit.successors[0]  # the package's default part first
    assert national.units["13723@2024"].divided is False


def test_a_unit_that_kept_its_name_is_still_two_units(national):
    old, new = national.units["13318@2024"], national.units["13318@2025"]
    assert (old.unit_type, old.commune_name) == (new.unit_type, new.commune_name) == ("phường", "Châu Sơn")
    assert old.successor_key == new.unit_key and old.unit_key != new.unit_key


# ---------------------------------------------------------------------------- the scope


def test_todays_province_covers_its_units_and_the_old_provinces_merged_into_it():
    units = scoped_units(_settings(province="Ninh Bình"))
    new = {u.unit_key for u in units if u.era == NEW}
    old = [u for u in units if u.era == OLD]
    assert len(new) == 129
    assert {u.province_name for u in old} == {"Ninh Bình", "Nam Định", "Hà Nam"}
    assert "13723@2024" in {u.unit_key for u in old}


def test_an_old_province_keeps_working():
    units = scoped_units(_settings(province="Nam Định"))
    assert {u.province_name for u in units if u.era == OLD} == {"Nam Định"}
    assert all(u.province_name == "Ninh Bình" for u in units if u.era == NEW)
    assert "13684@2025" in {u.unit_key for u in units}  # the successors come along


def test_district_is_history_and_units_narrow_the_scope():
    by_district = scoped_units(_settings(province="Ninh Bình", district="Mỹ Lộc"))
    assert {u.commune_code for u in by_district if u.era == OLD} == {
        "13711",
        "13717",
        "13720",
        "13723",
        "13726",
        "13732",
        "13735",
    }  # the 2024 district
    assert len([u for u in by_district if u.era == NEW]) == 129  # today's units are not narrowed by a district
    few = scoped_units(_settings(units=["phường Thiên Trường"]))
    assert {u.unit_key for u in few} == {"13684@2025", "13723@2024", "13720@2024", "13684@2024"}


def test_an_unknown_scope_is_an_error_not_an_empty_registry():
    with pytest.raises(ScopeError, match="không có tỉnh"):
        scoped_units(_settings(province="Atlantis"))
    with pytest.raises(ScopeError, match="không có đơn vị"):
        scoped_units(_settings(units=["xã Không Có"]))


# ---------------------------------------------------------------------------- resolution by date


@pytest.mark.parametrize(
    "agency",
    [
        "UBND xã Mỹ Tân",
        "Ủy ban nhân dân xã Mỹ Tân",
        "Uỷ ban nhân dân xã Mỹ Tân",
        "Bộ phận một cửa xã Mỹ Tân",
        "Bộ phận một cửa UBND xã Mỹ Tân",
        "Xã Mỹ Tân",
        "UBND XÃ MỸ TÂN",
        "ubnd xa my tan",
        "Mỹ Tân",
        "UBND xã Mỹ Tân, huyện Mỹ Lộc",
        unicodedata.normalize("NFD", "UBND xã Mỹ Tân"),
        "13723",
    ],
)
def test_spellings_of_my_tan_in_2024(registry, agency):
    r = registry.resolve(agency, OLD)
    assert (r.unit_key, r.code, r.name, r.problem) == ("13723@2024", "13723", "Mỹ Tân", None)


@pytest.mark.parametrize(
    ("agency", "key"),
    [
        ("UBND phường Thiên Trường", "13684@2025"),
        ("Ủy ban nhân dân phường Thiên Trường", "13684@2025"),
        ("Trung tâm Phục vụ hành chính công phường Thiên Trường", "13684@2025"),
        ("UBND phường Phủ Lý", "13285@2025"),
        ("UBND xã Gia Viễn", "14464@2025"),
        ("phường Nam Định", "13669@2025"),  # named like a former province and city
        ("Phường Mỹ Lộc", "13708@2025"),
    ],
)
def test_todays_forms_resolve_among_todays_units(registry, agency, key):
    assert registry.resolve(agency, NEW).unit_key == key


def test_the_same_code_or_name_resolves_by_era(registry):
    assert registry.resolve("13684", OLD).name == "Lộc Hạ"
    assert registry.resolve("13684", NEW).name == "Thiên Trường"
    # "Mỹ Lộc": xã Mỹ Lộc until 30/06/2025, phường Mỹ Lộc after
    assert registry.resolve("UBND xã Mỹ Lộc", OLD).unit_key == "13735@2024"
    assert registry.resolve("UBND phường Mỹ Lộc", NEW).unit_key == "13708@2025"


def test_a_case_of_2025h1_listed_by_todays_unit_resolves_to_it(registry):
    """The provincial system re-listed cases open on 30/06/2025 under their new unit."""
    assert registry.resolve("UBND phường Thiên Trường", OLD).unit_key == "13684@2025"


def test_an_old_name_after_the_reform_is_not_guessed(registry):
    assert registry.resolve("UBND xã Mỹ Tân", NEW).problem == "unresolved"


def test_outside_the_area_and_wrong_types_are_unresolved(registry):
    assert registry.resolve("UBND xã Mỹ Hưng", OLD).problem == "unresolved"  # no such unit in Ninh Bình
    assert registry.resolve("UBND thị trấn Mỹ Tân", OLD).problem == "unresolved"


def test_same_name_twice_in_scope_is_ambiguous():
    units = [
        Unit("1@2024", "1", OLD, "An Bình", "xã", "01", "P", "p"),
        Unit("2@2024", "2", OLD, "An Bình", "xã", "01", "P", "p"),
    ]
    assert Registry(units).resolve("UBND xã An Bình", OLD).problem == "ambiguous"
