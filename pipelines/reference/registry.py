"""The national registry of commune-level units of both eras, from the `vietnamadminunits` data (MIT).

- era "2024": the 10,040 units valid until 30/06/2025 (xã, phường, thị trấn under 63 provinces
  and their districts), as the package's legacy list has them;
- era "2025": the 3,321 units valid from 01/07/2025 (xã, phường, đặc khu under 34 provinces, no
  districts);
- successor links from the package's conversion data: each old unit to the new unit(s) it became;
  a unit divided between several new units keeps all of them, one marked default (the case
  exports never say which part a case belongs to, so roll-ups use the default).

GSO reused old codes for new units (3,316 of the 3,321 new codes are also old codes: 13684 was
phường Lộc Hạ and is phường Thiên Trường), so a code is never a key across eras: every unit is
keyed `<code>@<era>` (`13684@2024`, `13684@2025`).

Local corrections (e.g. the 2024 district of a commune that moved to another district in early
2025) come from data/reference/communes.csv, matched by GSO code among the 2024 units.
Only the package's data files are read: importing the package loads its address parsers (0.6 s
per process, paid again by every worker). Building the whole registry costs ~0.15 s, once per
process.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

_SPEC = importlib.util.find_spec("vietnamadminunits")
if _SPEC is None or not _SPEC.submodule_search_locations:
    raise ImportError("the vietnamadminunits package is required for the commune registry")
PACKAGE_DATA = Path(list(_SPEC.submodule_search_locations)[0]) / "data"

OLD, NEW = "2024", "2025"
REFORM_DAY = date(2025, 7, 1)  # Nghị quyết 202/2025/QH15: two-level local government
LAST_OLD_DAY = date(2025, 6, 30)


def era_of(day: date | None) -> str:
    """The era of the units valid on `day` (None: today's units): a report names its unit for the
    last day of its period (transform/reports.py)."""
    return NEW if day is None or day >= REFORM_DAY else OLD


def unit_key(code: str, era: str) -> str:
    return f"{code}@{era}"


@dataclass(frozen=True)
class Unit:
    unit_key: str
    commune_code: str
    era: str
    commune_name: str
    unit_type: str  # xã | phường | thị trấn | đặc khu
    province_code: str
    province_name: str
    province_key: str  # the package's key of the province of the unit's era (e.g. tinhnamdinh)
    district_code: str | None = None  # era 2024 only
    district_name: str | None = None
    successors: tuple[str, ...] = ()  # era 2024: the new unit keys it became, default first
    divided: bool = False  # era 2024: split between several new units
    province_type: str = "tỉnh"  # tỉnh | thành phố (a centrally governed city)
    district_type: str | None = None  # era 2024: huyện | quận | thị xã | thành phố

    @property
    def valid_from(self) -> date | None:
        return REFORM_DAY if self.era == NEW else None

    @property
    def valid_to(self) -> date | None:
        return LAST_OLD_DAY if self.era == OLD else None

    @property
    def successor_key(self) -> str | None:
        return self.successors[0] if self.successors else None


@dataclass(frozen=True)
class NationalRegistry:
    units: dict[str, Unit] = field(hash=False)  # unit_key -> unit
    new_provinces: dict[str, tuple[str, str, tuple[str, ...]]] = field(hash=False)
    # new province key -> (code, short name, the old province keys merged into it)

    def of_era(self, era: str) -> list[Unit]:
        return [u for u in self.units.values() if u.era == era]

    def predecessors(self, key: str) -> list[Unit]:
        return [u for u in self.units.values() if key in u.successors]


def _connect() -> sqlite3.Connection:
    con = sqlite3.connect(PACKAGE_DATA / "dataset.db")
    con.row_factory = sqlite3.Row
    return con


def _successors() -> tuple[dict[str, list[tuple[str, str, bool]]], dict[str, list[str]]]:
    """old 'province_district_ward' key -> [(new province key, new ward key, is default)], and
    new province key -> the old province keys merged into it."""
    data = json.loads((PACKAGE_DATA / "converter_2025.json").read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for new_province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                out.setdefault(old, []).append((new_province, new_ward, True))
    for new_province, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            has_default = any(p.get("isDefaultNewWard") for p in parts)
            for i, p in enumerate(parts):
                default = bool(p.get("isDefaultNewWard")) or (not has_default and i == 0)
                out.setdefault(old, []).append((new_province, p["newWardKey"], default))
    return out, {k: list(v) for k, v in data["DICT_PROVINCE"].items()}


def _province_type(full: str | None, short: str) -> str:
    """ "Tỉnh Ninh Bình", "Thành phố Hà Nội" → "tỉnh", "thành phố" (how "Địa bàn" is written in full)."""
    kind = (full or "").removesuffix(short).strip().lower()
    return kind or "tỉnh"


@lru_cache(maxsize=4)
def national_registry(overrides: Path | None = None) -> NationalRegistry:
    """Every unit of both eras with its successor links (cached per process)."""
    with _connect() as con:
        new_rows = [
            dict(r)
            for r in con.execute(
                "select wardCode, wardShort, wardType, provinceCode, provinceShort, provinceKey, wardKey, province "
                "from admin_units"
            )
        ]
        old_rows = [
            dict(r)
            for r in con.execute(
                "select wardCode, wardShort, wardType, districtCode, districtShort, provinceCode, provinceShort, "
                "provinceKey, districtKey, wardKey, province, districtType from admin_units_legacy"
            )
        ]
    links, merged = _successors()
    units: dict[str, Unit] = {}
    new_by_ward: dict[tuple[str, str], str] = {}
    provinces: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for r in new_rows:
        key = unit_key(r["wardCode"], NEW)
        units[key] = Unit(
            key,
            r["wardCode"],
            NEW,
            r["wardShort"],
            r["wardType"].lower(),
            r["provinceCode"],
            r["provinceShort"],
            r["provinceKey"],
            province_type=_province_type(r["province"], r["provinceShort"]),
        )
        new_by_ward[(r["provinceKey"], r["wardKey"])] = key
        provinces.setdefault(
            r["provinceKey"], (r["provinceCode"], r["provinceShort"], tuple(merged.get(r["provinceKey"], [])))
        )
    for r in old_rows:
        if not r["wardCode"]:  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, …): no commune level
            continue
        parts = links.get(f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}", [])
        found = [(new_by_ward.get((p, w)), d) for p, w, d in parts]
        keys = [k for k, d in found if k and d] + [k for k, d in found if k and not d]
        key = unit_key(r["wardCode"], OLD)
        units[key] = Unit(
            key,
            r["wardCode"],
            OLD,
            r["wardShort"],
            r["wardType"].lower(),
            r["provinceCode"],
            r["provinceShort"],
            r["provinceKey"],
            r["districtCode"],
            r["districtShort"],
            tuple(dict.fromkeys(keys)),
            len(set(keys)) > 1,
            _province_type(r["province"], r["provinceShort"]),
            (r["districtType"] or "").lower() or None,
        )
    if overrides and Path(overrides).exists():
        with open(overrides, encoding="utf-8", newline="") as fh:
            for o in csv.DictReader(fh):
                key = unit_key(o["commune_code"], o.get("era") or OLD)
                if key in units:
                    changes = {
                        k: v
                        for k, v in o.items()
                        if k in ("district_code", "district_name", "district_type", "commune_name", "unit_type") and v
                    }
                    units[key] = replace(units[key], **changes)  # type: ignore[arg-type]
    return NationalRegistry(units, provinces)
