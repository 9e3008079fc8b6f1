"""Agency names → GSO codes within the deployment's area; never guessed."""

import unicodedata

import pytest

from pipelines.config import Settings
from pipelines.reference.communes import Commune, Registry, scoped_units


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_settings(Settings.load(config_file=None))


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
def test_spellings_of_my_tan(registry, agency):
    r = registry.resolve(agency)
    assert (r.code, r.name, r.problem) == ("13723", "Mỹ Tân", None)


def test_outside_the_area_is_unresolved(registry):
    # xã Mỹ Tân exists in Thanh Hóa, Tiền Giang, Đồng Tháp too; "Mỹ Hưng" is not in this district
    assert registry.resolve("UBND xã Mỹ Hưng").problem == "unresolved"
    assert registry.resolve("UBND phường Lộc Hạ").problem == "unresolved"  # TP Nam Định, not huyện Mỹ Lộc


def test_wrong_unit_type_is_not_guessed(registry):
    assert registry.resolve("UBND thị trấn Mỹ Tân").problem == "unresolved"


def test_new_units_resolve_by_type():
    reg = Registry.from_settings(Settings.load(config_file=None))
    assert reg.resolve("UBND phường Thiên Trường").code == "13684"
    # "Mỹ Lộc" names both xã Mỹ Lộc (to 30/06/2025) and phường Mỹ Lộc (from 01/07/2025)
    assert reg.resolve("UBND xã Mỹ Lộc").code == "13735"
    assert reg.resolve("UBND phường Mỹ Lộc").code == "13708"
    assert reg.resolve("Mỹ Lộc").problem == "ambiguous"


def test_same_name_twice_in_scope_is_ambiguous():
    reg = Registry([Commune("1", "An Bình", "xã", "A", "P"), Commune("2", "An Bình", "xã", "B", "P")])
    assert reg.resolve("UBND xã An Bình").problem == "ambiguous"


def test_scope_and_successors_from_the_package():
    old, new = scoped_units(Settings.load(config_file=None))
    assert {r["commune_code"] for r in old} == {"13711", "13717", "13720", "13723", "13726", "13732", "13735"}
    by_code = {r["commune_code"]: r for r in old}
    assert (by_code["13723"]["successor_code"], by_code["13723"]["successor_name"]) == ("13684", "Thiên Trường")
    assert by_code["13723"]["district_name"] == "Mỹ Lộc"  # the 2024 district, from data/reference/communes.csv
    assert {r["commune_code"] for r in new} == {"13669", "13684", "13693", "13708"}
    whole_province, _ = scoped_units(Settings.load(config_file=None, district=""))
    assert len(whole_province) > 100
