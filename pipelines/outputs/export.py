"""Parquet export of the warehouse for other engines (Spark, Trino, Polars, another DuckDB).

Hive layout `table/year=YYYY/quarter=Q/…parquet`; report_form's annual rows use quarter=0.
Written into a temporary folder and swapped in, so a reader never sees half an export.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.outputs.figures import connect

QUERIES = {
    "cases": "select *, year(received_at) as year, quarter(received_at) as quarter from cases",
    "report_form": "select r.*, year(r.period_start) as year, "
    "case when p.period_kind = 'quarter' then quarter(r.period_start) else 0 end as quarter "
    "from report_form r join periods p using (period)",
}


def export_parquet(db: Path, out: Path) -> dict[str, int]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con = connect(db)
    written = {}
    try:
        for name, query in QUERIES.items():
            tmp = out / f".{name}.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            # the path as a parameter, never pasted into the SQL: a folder may be named it's
            con.execute(f"copy ({query}) to ? (format parquet, partition_by (year, quarter))", [str(tmp)])
            written[name] = con.execute(f"select count(*) from ({query})").fetchall()[0][0]
            target = out / name
            old = out / f".{name}.old"
            if target.exists():
                target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        con.close()
    return written
