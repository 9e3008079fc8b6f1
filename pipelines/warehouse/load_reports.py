"""Load staged reports (their figures) into portal_reports and portal_figures.

Called by load.load_staged_many in the same transaction as the case files of the batch; the
newest export wins per unit, form and period (sql/staging/load_portal_figures.sql).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pyarrow as pa

from pipelines.handover import StagedFile
from pipelines.sqlfiles import run_file


def load_reports(
    con: duckdb.DuckDBPyConnection, files: list[tuple[StagedFile, int]], run_id: str, now: datetime
) -> None:
    batch = pa.table(
        {
            "sha": [s.sha256 for s, _ in files],
            "file": [s.name for s, _ in files],
            "system": [s.report_system for s, _ in files],
            "form": [s.report_form for s, _ in files],
            "layout": [s.report_layout for s, _ in files],
            "period_start": pa.array([date.fromisoformat(s.period_start or "") for s, _ in files], pa.date32()),
            "period_end": pa.array([date.fromisoformat(s.period_end or "") for s, _ in files], pa.date32()),
            "exported_at": pa.array([_ts(s.exported_at) for s, _ in files], pa.timestamp("us")),
            "exported_source": [s.snapshot_source if s.exported_at else None for s, _ in files],
            "snapshot_at": pa.array([_ts(s.snapshot_at) for s, _ in files], pa.timestamp("us")),
            "file_seq": pa.array([seq for _, seq in files], pa.int64()),
            "figures_path": [s.figures_path for s, _ in files],
        }
    )
    units = pa.table(
        {
            "sha": [s.sha256 for s, _ in files for _ in s.report_units],
            "unit_key": [u["unit_key"] for s, _ in files for u in s.report_units],
            "unit_name": [u["unit_name"] for s, _ in files for u in s.report_units],
            "findings": pa.array(
                [list(u["findings"]) for s, _ in files for u in s.report_units], pa.list_(pa.string())
            ),
        }
    )
    for name, table in (("report_batch", batch), ("report_units", units)):
        con.register(f"{name}_arrow", table)
        try:
            con.execute(f"create or replace temp table {name} as select * from {name}_arrow")
        finally:
            con.unregister(f"{name}_arrow")
    run_file(
        con,
        "staging/load_portal_figures.sql",
        figures_paths=[s.figures_path for s, _ in files],
        run_id=run_id,
        ingested_at=now,
    )


def _ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
