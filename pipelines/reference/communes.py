"""Agency names → communes (GSO code) within the deployment's own area.

"UBND xã Mỹ Tân", "Ủy ban nhân dân xã Mỹ Tân", "Bộ phận một cửa xã Mỹ Tân" and "Xã Mỹ Tân"
all name Mỹ Tân; a name is only resolved inside the configured province/district, and a
name that matches nothing, or two units, stays unresolved (reported, never guessed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.rules.text import match_key
from pipelines.rules.vocab import agency_prefixes, unit_types

if TYPE_CHECKING:
    from pipelines.config import Settings


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    unit_type: str
    district: str | None
    province: str | None


@dataclass(frozen=True)
class Resolution:
    code: str | None
    name: str | None
    problem: str | None  # None, "unresolved" or "ambiguous"


class Registry:
    """Resolves agency names to the units in scope: the old communes of the configured
    province/district and the units that succeeded them on 01/07/2025."""

    def __init__(self, communes: list[Commune]):
        self.communes = communes
        self._full: dict[str, list[Commune]] = {}
        self._name: dict[str, list[Commune]] = {}
        for c in communes:
            self._full.setdefault(match_key(c.unit_type) + match_key(c.name), []).append(c)
            self._name.setdefault(match_key(c.name), []).append(c)
            self._full.setdefault(c.code, []).append(c)
        self._cache: dict[str, Resolution] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Registry:
        old, new = scoped_units(settings)
        units = [
            Commune(
                r["commune_code"], r["commune_name"], r["unit_type"], r.get("district_name"), r.get("province_name")
            )
            for r in list(old) + list(new)
        ]
        return cls(units)

    def resolve(self, agency: str | None) -> Resolution:
        if agency is None:
            return Resolution(None, None, "unresolved")
        hit = self._cache.get(agency)
        if hit is None:
            hit = self._cache[agency] = self._resolve(agency)
        return hit

    def _resolve(self, agency: str) -> Resolution:
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
        candidates = _distinct(self._full.get(key, []))
        if not candidates:
            for type_key in sorted(unit_types(), key=len, reverse=True):
                if key.startswith(type_key) and key[len(type_key) :] in self._name:
                    wanted = unit_types()[type_key]
                    candidates = _distinct([c for c in self._name[key[len(type_key) :]] if c.unit_type == wanted])
                    break
        if not candidates:
            candidates = _distinct(self._name.get(key, []))
        if len(candidates) == 1:
            c = candidates[0]
            return Resolution(c.code, c.name, None)
        return Resolution(None, None, "ambiguous" if candidates else "unresolved")


def _distinct(cands: list[Commune]) -> list[Commune]:
    seen: dict[tuple[str, str], Commune] = {}
    for c in cands:
        seen.setdefault((c.code, c.name), c)
    return list(seen.values())


def scoped_units(settings: Settings) -> tuple[list[dict], list[dict]]:
    """Old units of the configured province (and district, when set) and their successors."""
    from pipelines.reference.registry import build_registry

    all_old, new = build_registry(settings.province, settings.communes_file)
    old = [
        r
        for r in all_old
        if not settings.district
        or (r["district_name"] and match_key(r["district_name"]) == match_key(settings.district))
    ]
    successors = {r["successor_code"] for r in old}
    return old, [r for r in new if r["commune_code"] in successors]
