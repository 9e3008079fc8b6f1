"""A province's per-unit aggregates for a national roll-up: additive figures only, never a case.

Biểu 06 counts and every indicator's numerator and denominator add up over units, so a national
(or multi-province) view needs each province's per-unit rows and nothing else: no case, no person,
a few thousand rows a month. Each provincial warehouse writes them as Parquet in Hive layout

    <out>/<table>/province_code=<code>/period=<label>/data_0.parquet

for `report_form` and `indicators` as materialised in the warehouse (the same rows an analyst sees
there), plus the province's today's code and name, the code version and rules hash of the run
that built them and its `as_of`; the partition columns stay in the files too (their types, and
readers that ignore the folder names). A province's folders are replaced whole and only after
they are written: a roll-up reading the shared folder sees a province's old export or its new one.
The roll-up itself is `outputs/national.py`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.outputs.figures import FiguresError, connect

# the tables exported, each with the unit rows as the warehouse materialises them
TABLES = ("report_form", "indicators")

# today's province of every unit (an old unit: the province of the unit it became), through the
# one definition of the roll-up, reporting_units(units := 'current')
_PROVINCE_OF_UNIT = """
    select r.recorded_key as unit_key, c.province_code, c.province_name
    from reporting_units(units := 'current') as r
    join communes as c on c.unit_key = r.unit_key
"""


@dataclass
class AggregatesExport:
    out: Path
    provinces: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    code_version: str | None = None
    rules_hash: str | None = None


def _quoted(path: Path) -> str:
    """A path as a SQL string literal (COPY … TO takes no parameter)."""
    return "'" + Path(path).as_posix().replace("'", "''") + "'"


def export_aggregates(db: Path, out: Path) -> AggregatesExport:
    """Write the warehouse's per-unit aggregates under `out`, one folder per today's province."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    con = connect(db)
    try:
        last = con.execute(
            "select code_version, rules_hash, as_of from runs order by started_at desc limit 1"
        ).fetchone()
        if last is None:
            raise FiguresError(f"kho dữ liệu '{db}' chưa có lần nạp nào: hãy chạy 'tthc run' trước — no run yet")
        result = AggregatesExport(out, code_version=last[0], rules_hash=last[1])
        tmp = out / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        tmp.mkdir()
        try:
            for table in TABLES:
                query = f"""
                    select t.*, p.province_code, p.province_name,
                           ?::varchar as code_version, ?::varchar as rules_hash, ?::timestamp as as_of
                    from {table} as t
                    join ({_PROVINCE_OF_UNIT}) as p using (unit_key)
                """
                params = [last[0], last[1], last[2]]
                con.execute(f"create or replace temp table export_rows as {query}", params)
                result.rows[table] = int(con.execute("select count(*) from export_rows").fetchone()[0])  # type: ignore[index]
                con.execute(
                    f"copy export_rows to {_quoted(tmp / table)} "
                    "(format parquet, partition_by (province_code, period), write_partition_columns true)"
                )
                for (code,) in con.execute("select distinct province_code from export_rows order by 1").fetchall():
                    if code not in result.provinces:
                        result.provinces.append(code)
            for table in TABLES:
                for part in sorted((tmp / table).glob("province_code=*")):
                    _swap(part, out / table / part.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        con.close()
    return result


def _swap(new: Path, target: Path) -> None:
    """Put a province's freshly written folder in place of its previous export."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".old-{target.name}-{uuid.uuid4().hex[:6]}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
