"""The deployment's units (scope) and agency names → units, by the date of the case.

Scope: `province` is today's province (one of the 34: "Ninh Bình" covers its 129 units and every
old unit of the provinces merged into it, old Ninh Bình, Nam Định and Hà Nam), or an old province
(its old units and their successors), so a configuration written before 07/2025 keeps running.
`district` is history: it narrows the old units (their names repeat across districts) and keeps
today's units of the province. `units` (a list of names, codes or keys) narrows the scope to those
units and their predecessors or successors.

Resolution: "UBND xã Mỹ Tân", "Ủy ban nhân dân xã Mỹ Tân", "Bộ phận một cửa xã Mỹ Tân",
"Trung tâm Phục vụ hành chính công phường Thiên Trường", "Xã Mỹ Tân" all name one unit; a name is
matched among the units in scope valid on the case's received date (era 2024 before 01/07/2025,
2025 after). A case received before the reform but listed by today's unit (the provincial
one-stop system re-listed open cases under their new unit) is matched among today's units when
no unit of its own era has that name. A name that matches nothing, or two units, stays unresolved
(reported, never guessed).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pipelines.reference.registry import NEW, OLD, Unit, national_registry
from pipelines.rules.text import match_key
from pipelines.rules.vocab import agency_prefixes, unit_types

if TYPE_CHECKING:
    from pipelines.config import Settings


class ScopeError(ValueError):
    """The configured province, district or units name nothing in the registry."""


@dataclass(frozen=True)
class Resolution:
    unit_key: str | None
    code: str | None
    name: str | None
    problem: str | None  # None, "unresolved" or "ambiguous"


UNRESOLVED = Resolution(None, None, None, "unresolved")


def _find_units(text: str, units: list[Unit]) -> list[Unit]:
    """Units a user names by key (13684@2025), GSO code or name, with or without unit type."""
    t = text.strip()
    key = match_key(t)
    by_key = [u for u in units if u.unit_key == t]
    if by_key:
        return by_key
    by_code = [u for u in units if u.commune_code == t]
    if by_code:
        return by_code
    return [u for u in units if key in (match_key(u.commune_name), match_key(f"{u.unit_type} {u.commune_name}"))]


@lru_cache(maxsize=16)
def _scope(province: str, district: str, units: tuple[str, ...], overrides: str | None) -> tuple[Unit, ...]:
    from pathlib import Path

    reg = national_registry(Path(overrides) if overrides else None)
    pkey = match_key(province)
    new_province = next(
        (
            k
            for k, (code, name, _) in reg.new_provinces.items()
            if pkey in (match_key(name), k) or province.strip() == code
        ),
        None,
    )
    if new_province:
        merged = set(reg.new_provinces[new_province][2])
        new = [u for u in reg.of_era(NEW) if u.province_key == new_province]
        old = [u for u in reg.of_era(OLD) if u.province_key in merged]
    else:
        old = [u for u in reg.of_era(OLD) if pkey in (match_key(u.province_name), match_key(u.province_key))]
        if not old:
            known = ", ".join(sorted(name for _, name, _ in reg.new_provinces.values()))
            raise ScopeError(
                f"không có tỉnh '{province}' (hiện nay: {known}; hoặc tên một tỉnh trước 01/07/2025) — unknown province"
            )
        keys = {k for u in old for k in u.successors}
        new = [reg.units[k] for k in sorted(keys)]
    if district:
        dkey = match_key(district)
        narrowed = [u for u in old if u.district_name and match_key(u.district_name) == dkey]
        if not narrowed:
            raise ScopeError(f"không có huyện '{district}' trong tỉnh '{province}' — unknown district")
        old = narrowed
        if not new_province:
            keys = {k for u in old for k in u.successors}
            new = [reg.units[k] for k in sorted(keys)]
    if units:
        chosen_old: set[str] = set()
        chosen_new: set[str] = set()
        for item in units:
            hits = _find_units(item, old + new)
            if not hits:
                raise ScopeError(f"không có đơn vị '{item}' trong phạm vi tỉnh '{province}' — unknown unit")
            for u in hits:
                (chosen_new if u.era == NEW else chosen_old).add(u.unit_key)
        chosen_new |= {k for u in old if u.unit_key in chosen_old for k in u.successors}
        chosen_old |= {u.unit_key for u in old if set(u.successors) & chosen_new}
        old = [u for u in old if u.unit_key in chosen_old]
        new = [u for u in new if u.unit_key in chosen_new]
    return tuple(sorted(old, key=lambda u: u.unit_key)) + tuple(sorted(new, key=lambda u: u.unit_key))


def scoped_units(settings: Settings) -> list[Unit]:
    """The units in scope of the deployment, both eras (old first)."""
    return list(
        _scope(
            settings.province,
            settings.district or "",
            tuple(settings.units or ()),
            str(settings.communes_file) if settings.communes_file else None,
        )
    )


def scope_summary(settings: Settings) -> str:
    """One line for `tthc config`: which units the deployment resolves agencies to."""
    units = scoped_units(settings)
    new = [u for u in units if u.era == NEW]
    old = [u for u in units if u.era == OLD]
    provinces = ", ".join(sorted({u.province_name for u in old}))
    where = f"tỉnh {settings.province}" + (f", huyện (cũ) {settings.district}" if settings.district else "")
    listed = f", chỉ các đơn vị {', '.join(settings.units)}" if settings.units else ""
    return (
        f"{where}{listed}: {len(new)} đơn vị từ 01/07/2025 và {len(old)} đơn vị đến 30/06/2025 (tỉnh cũ: {provinces})"
    )


class Registry:
    """Resolves agency names to the units in scope, era by era."""

    def __init__(self, units: list[Unit]):
        self.units = {u.unit_key: u for u in units}
        self._full: dict[tuple[str, str], list[Unit]] = {}
        self._name: dict[tuple[str, str], list[Unit]] = {}
        for u in units:
            self._full.setdefault((u.era, match_key(u.unit_type) + match_key(u.commune_name)), []).append(u)
            self._name.setdefault((u.era, match_key(u.commune_name)), []).append(u)
            self._full.setdefault((u.era, u.commune_code), []).append(u)
        self._cache: dict[tuple[str, str], Resolution] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Registry:
        return _registry(
            settings.province,
            settings.district or "",
            tuple(settings.units or ()),
            str(settings.communes_file) if settings.communes_file else None,
        )

    def resolve(self, agency: str | None, era: str = NEW) -> Resolution:
        """The unit an agency names among the units of `era`; a case of the old era named by
        today's unit (re-listed after the merger) falls back to today's units."""
        if agency is None:
            return UNRESOLVED
        hit = self._cache.get((agency, era))
        if hit is None:
            hit = self._resolve(agency, era)
            if hit.problem == "unresolved" and era == OLD:
                later = self._resolve(agency, NEW)
                hit = later if later.problem is None else hit
            self._cache[(agency, era)] = hit
        return hit

    def _resolve(self, agency: str, era: str) -> Resolution:
        # "UBND xã Mỹ Tân, huyện Mỹ Lộc" / "Xã Mỹ Tân - Mỹ Lộc": the unit is the first part
        first = agency.replace(" - ", ",").split(",")[0]
        key = match_key(first)
        stripped = True
        while stripped:  # "Bộ phận một cửa UBND xã …" carries two prefixes
            stripped = False
            for prefix in agency_prefixes():
                if key.startswith(prefix) and len(key) > len(prefix):
                    key, stripped = key[len(prefix) :], True
                    break
        candidates = self._full.get((era, key), [])
        if not candidates:
            for type_key in sorted(unit_types(), key=len, reverse=True):
                if key.startswith(type_key) and (era, key[len(type_key) :]) in self._name:
                    wanted = unit_types()[type_key]
                    candidates = [u for u in self._name[(era, key[len(type_key) :])] if u.unit_type == wanted]
                    break
        if not candidates:
            candidates = self._name.get((era, key), [])
        distinct = {u.unit_key: u for u in candidates}
        if len(distinct) == 1:
            u = next(iter(distinct.values()))
            return Resolution(u.unit_key, u.commune_code, u.commune_name, None)
        return Resolution(None, None, None, "ambiguous" if distinct else "unresolved")


@lru_cache(maxsize=16)
def _registry(province: str, district: str, units: tuple[str, ...], overrides: str | None) -> Registry:
    return Registry(list(_scope(province, district, units, overrides)))


def unit_name_problem(text: str, settings: Settings) -> str | None:
    """Why `text` (`tthc run --unit`, a folder_units entry) names no unit in scope, with the closest
    names; None when it resolves as an agency would, in one era or the other."""
    from pipelines.rules.text import closest

    registry = Registry.from_settings(settings)
    if any(registry.resolve(text, era).problem is None for era in (NEW, OLD)):
        return None
    labels = {
        f"{u.unit_type} {u.commune_name}": f"{u.unit_type} {u.commune_name} ({u.unit_key})"
        for u in registry.units.values()
    }
    labels |= {u.commune_name: f"{u.unit_type} {u.commune_name} ({u.unit_key})" for u in registry.units.values()}
    near = closest(text, labels)
    hint = f"; có phải {', '.join(near)}?" if near else ""
    return f"không có đơn vị '{text}' trong phạm vi {scope_summary(settings).split(':')[0]}{hint} — unknown unit"


def given_units_problem(settings: Settings) -> str | None:
    """The first of `unit` (`tthc run --unit`) and the units of `folder_units` that names no unit
    in scope, in words; None when all do."""
    names = ([settings.unit] if settings.unit else []) + [
        name for item in settings.folder_units if (name := item.partition("=")[2].strip())
    ]
    return next((p for p in (unit_name_problem(n, settings) for n in names) if p), None)


def find_units(text: str, settings_units: list[Unit]) -> list[Unit]:
    """Public form of the user-facing lookup (reports, sheets, catalogue rows)."""
    return _find_units(text, settings_units)
