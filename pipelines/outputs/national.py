"""The national (or multi-province) roll-up: provinces' per-unit aggregates → one DuckDB file.

Reads any number of export folders written by `tthc aggregates` (outputs/aggregates.py), never a
case: the per-unit rows as each province's warehouse holds them (`report_form`, `indicators`),
their sums per province and for the whole (`report_form_provinces`, `report_form_national`,
`indicators_provinces`, `indicators_national`), and what each province's export says about itself
(`province_exports`: code version, rules hash, as_of). Provinces built by other rules are named in
the summary: their figures are not comparable until they run the same version.

The file is written beside its destination and swapped in whole (readers see the old or the new),
in the storage format analysts' 1.x clients read (setting `storage_version`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.resources import SQL
from pipelines.sqlfiles import create_objects, run_file
from pipelines.warehouse.schema import load_reference

STEPS = sorted(p.name for p in (SQL / "national").glob("*.sql"))


class RollupError(ValueError):
    """Nothing to roll up: no export found under the folders given."""


@dataclass
class RollupSummary:
    db: Path
    provinces: list[tuple[str, str, str, str]] = field(default_factory=list)  # code, name, version, hash
    units: int = 0
    report_rows: int = 0
    conflicts: int = 0

    @property
    def mixed_rules(self) -> bool:
        return len({p[3] for p in self.provinces}) > 1


def _files(sources: list[Path], table: str) -> list[str]:
    found: list[str] = []
    for src in sources:
        found += sorted(p.as_posix() for p in (Path(src) / table).glob("province_code=*/period=*/*.parquet"))
    return found


def _first_of_each_province(paths: list[str]) -> list[str]:
    """One file of every province folder (a folder is written whole by one export)."""
    seen: dict[str, str] = {}
    for p in paths:
        seen.setdefault(str(Path(p).parent.parent), p)
    return list(seen.values())


def roll_up(sources: list[Path], db: Path, storage_version: str = "v1.4.0") -> RollupSummary:
    """Build the roll-up of every export found under `sources` into `db` (replaced whole)."""
    report_paths, indicator_paths = _files(sources, "report_form"), _files(sources, "indicators")
    if not report_paths:
        names = ", ".join(str(s) for s in sources)
        raise RollupError(
            f"không thấy số liệu tổng hợp nào trong {names} (cần thư mục report_form/province_code=…/period=… "
            "do 'tthc aggregates' ghi) — no aggregates found"
        )
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    work = db.with_name(db.name + ".building")
    work.unlink(missing_ok=True)
    con = duckdb.connect(str(work), config={"storage_compatibility_version": storage_version})
    try:
        # the warehouse's own rules: Biểu 06 columns, indicator kinds, how a value is computed
        create_objects(con, ["report_form_columns", "indicator_definitions", "tthc_indicator_value"])
        load_reference(con, "report_form_columns")
        load_reference(con, "indicator_definitions")
        params = {
            "report_paths": report_paths,
            "indicator_paths": indicator_paths,
            "first_paths": _first_of_each_province(report_paths),
        }
        for step in STEPS:
            run_file(con, f"national/{step}", **params)
        summary = RollupSummary(db)
        summary.provinces = [
            (str(c), str(n), str(v), str(h))
            for c, n, v, h in con.execute(
                "select province_code, province_name, code_version, rules_hash from province_exports"
            ).fetchall()
        ]
        units, rows = con.execute("select count(distinct unit_key), count(*) from report_form").fetchone()  # type: ignore[misc]
        summary.units, summary.report_rows = int(units), int(rows)
        summary.conflicts = int(con.execute("select count(*) from rollup_conflicts").fetchone()[0])  # type: ignore[index]
        con.execute("checkpoint")
        con.close()
        os.replace(work, db)
    except BaseException:
        con.close()
        work.unlink(missing_ok=True)
        raise
    return summary
