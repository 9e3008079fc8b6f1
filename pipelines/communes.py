"""Agency names → communes (GSO code) within the deployment's own area.

"UBND xã Mỹ Tân", "Ủy ban nhân dân xã Mỹ Tân", "Bộ phận một cửa xã Mỹ Tân" and "Xã Mỹ Tân"
all name Mỹ Tân; a name is only resolved inside the configured province/district, and a
name that matches nothing, or two units, stays unresolved (reported, never guessed).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from pipelines.text import match_key
from pipelines.vocab import agency_prefixes, unit_types


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    unit_type: str
    district: str
    province: str


@dataclass(frozen=True)
class Resolution:
    code: str | None
    name: str | None
    problem: str | None  # None, "unresolved" or "ambiguous"


class Registry:
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
    def from_csv(cls, path: Path, province: str | None = None, district: str | None = None) -> "Registry":
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        keep = [
            Commune(r["commune_code"], r["commune_name"], r["unit_type"], r["district_name"], r["province_name"])
            for r in rows
            if (not province or match_key(r["province_name"]) == match_key(province))
            and (not district or match_key(r["district_name"]) == match_key(district))
        ]
        return cls(keep)

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
                    key, stripped = key[len(prefix):], True
                    break
        candidates = self._full.get(key)
        if not candidates:
            for type_key in sorted(unit_types(), key=len, reverse=True):
                if key.startswith(type_key) and key[len(type_key):] in self._name:
                    wanted = unit_types()[type_key]
                    candidates = [c for c in self._name[key[len(type_key):]] if c.unit_type == wanted]
                    break
        if not candidates:
            candidates = self._name.get(key, [])
        if len(candidates) == 1:
            c = candidates[0]
            return Resolution(c.code, c.name, None)
        return Resolution(None, None, "ambiguous" if candidates else "unresolved")
