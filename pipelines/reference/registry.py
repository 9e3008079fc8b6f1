"""The commune registry, built from the unit lists of the `vietnamadminunits` package (MIT).

Old units (the 10,040 communes valid until 30/06/2025) of the configured province, each with
its successor among the 3,321 units valid from 01/07/2025 (the package's conversion data),
plus those successors themselves. A commune split between several new units rolls up into the
package's default successor: case exports do not say which part a case belongs to.

Local corrections (e.g. the 2024 district of a commune that moved to another district in early
2025) come from data/reference/communes.csv, matched by GSO code.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3
from functools import lru_cache
from pathlib import Path

from pipelines.rules.text import match_key

# Only the package's data files are read. Importing the package itself loads its address
# parsers (0.6 s per process, paid again by every worker), so its folder is found without it.
_SPEC = importlib.util.find_spec("vietnamadminunits")
if _SPEC is None or not _SPEC.submodule_search_locations:
    raise ImportError("the vietnamadminunits package is required for the commune registry")
PACKAGE_DATA = Path(list(_SPEC.submodule_search_locations)[0]) / "data"
FIELDS = [
    "commune_code",
    "commune_name",
    "unit_type",
    "district_code",
    "district_name",
    "province_code",
    "province_name",
    "valid_from",
    "valid_to",
    "successor_code",
    "successor_name",
    "successor_type",
]
NEW_FIELDS = ["commune_code", "commune_name", "unit_type", "province_code", "province_name", "valid_from"]
REFORM_DAY_BEFORE, REFORM_DAY = "2025-06-30", "2025-07-01"


def _legacy_units(province: str) -> list[dict[str, str]]:
    with sqlite3.connect(PACKAGE_DATA / "dataset.db") as con:
        con.row_factory = sqlite3.Row
        rows = [
            dict(r)
            for r in con.execute(
                "select wardCode, wardShort, wardType, districtCode, districtShort, provinceCode, provinceShort, "
                "provinceKey, districtKey, wardKey from admin_units_legacy"
            )
        ]
    key = match_key(province)
    return [r for r in rows if match_key(r["provinceShort"]) == key]


def _new_units() -> dict[tuple[str, str], dict[str, str]]:
    with sqlite3.connect(PACKAGE_DATA / "dataset.db") as con:
        con.row_factory = sqlite3.Row
        rows = [
            dict(r)
            for r in con.execute(
                "select wardCode, wardShort, wardType, provinceCode, provinceShort, provinceKey, wardKey "
                "from admin_units"
            )
        ]
    return {(r["provinceKey"], r["wardKey"]): r for r in rows}


def _successors() -> dict[str, tuple[str, str]]:
    """old 'province_district_ward' key -> (new province key, new ward key)."""
    data = json.loads((PACKAGE_DATA / "converter_2025.json").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str]] = {}
    for new_province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                out[old] = (new_province, new_ward)
    for new_province, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            default = next((p for p in parts if p.get("isDefaultNewWard")), parts[0] if parts else None)
            if default:
                out.setdefault(old, (new_province, default["newWardKey"]))
    return out


@lru_cache(maxsize=8)
def build_registry(province: str, overrides: Path | None = None) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """(old units of the province with their successor, the successor units from 01/07/2025).

    GSO kept one merged unit's code for each new unit (phường Lộc Hạ 13684 → phường Thiên Trường
    13684), so old and new units live in two lists: a code alone does not say which one.
    """
    new_units, successors = _new_units(), _successors()
    old: dict[str, dict[str, str | None]] = {}
    new: dict[str, dict[str, str | None]] = {}
    for u in _legacy_units(province):
        succ = successors.get(f"{u['provinceKey']}_{u['districtKey']}_{u['wardKey']}")
        n = new_units.get(succ) if succ else None
        old[u["wardCode"]] = {
            "commune_code": u["wardCode"],
            "commune_name": u["wardShort"],
            "unit_type": u["wardType"].lower(),
            "district_code": u["districtCode"],
            "district_name": u["districtShort"],
            "province_code": u["provinceCode"],
            "province_name": u["provinceShort"],
            "valid_from": None,
            "valid_to": REFORM_DAY_BEFORE,
            "successor_code": n["wardCode"] if n else None,
            "successor_name": n["wardShort"] if n else None,
            "successor_type": n["wardType"].lower() if n else None,
        }
        if n:
            new[n["wardCode"]] = {
                "commune_code": n["wardCode"],
                "commune_name": n["wardShort"],
                "unit_type": n["wardType"].lower(),
                "province_code": n["provinceCode"],
                "province_name": n["provinceShort"],
                "valid_from": REFORM_DAY,
            }
    if overrides and Path(overrides).exists():
        with open(overrides, encoding="utf-8", newline="") as fh:
            for o in csv.DictReader(fh):
                row = old.setdefault(o["commune_code"], dict.fromkeys(FIELDS))
                row.update({k: v for k, v in o.items() if k in FIELDS and v})
    by_code = lambda r: r["commune_code"]
    return tuple(sorted(old.values(), key=by_code)), tuple(sorted(new.values(), key=by_code))


def write_registry(rows: list[dict[str, str | None]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    return path
