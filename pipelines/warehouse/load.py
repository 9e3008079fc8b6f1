"""Load staged files into the warehouse: the single writer of `cases`, `quarantine`, `ingested_files`.

One batch of files, one transaction: their quarantined rows, their valid rows merged by snapshot
(sql/staging/load_file.sql) and one row each in ingested_files. Row conservation
(read = loaded + quarantined + duplicate) is checked per file before it is recorded.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pyarrow as pa

from pipelines.handover import StagedFile
from pipelines.sqlfiles import run_file, scalar
from pipelines.warehouse.load_reports import load_reports


def known_files(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select sha256 from ingested_files where status = 'loaded'").fetchall()}


def insert_row(con: duckdb.DuckDBPyConnection, table: str, row: dict[str, object]) -> None:
    """Insert one row by column name (never by position)."""
    names = ", ".join(row)
    marks = ", ".join("?" * len(row))
    con.execute(f"insert into {table} ({names}) values ({marks})", list(row.values()))


def next_file_seq(con: duckdb.DuckDBPyConnection) -> int:
    """The file_seq the next loaded file will get (the sequence is not advanced)."""
    return int(scalar(con, "select coalesce(max(file_seq), 0) + 1 from ingested_files"))


def load_staged_many(
    con: duckdb.DuckDBPyConnection, staged: list[StagedFile], run_id: str, now: datetime
) -> list[dict[str, int]]:
    """Load staged files in one transaction and record each; returns the row counts of each.

    The files are merged as loading them one by one in this order would (file_seq in order, the
    newest snapshot wins, sql/staging/load_file.sql), in one pass: a night of 2,000 small files
    pays for one load, not 2,000."""
    counts = [{"read": s.rows_read, "loaded": 0, "quarantined": s.rows_quarantined, "duplicate": 0} for s in staged]
    con.execute("begin transaction")
    try:
        shas = [s.sha256 for s in staged]
        con.execute("delete from ingested_files where sha256 in (select unnest(?::varchar[]))", [shas])
        con.execute("delete from quarantine where source_sha256 in (select unnest(?::varchar[]))", [shas])
        for table in ("portal_reports", "portal_figures"):  # a report retried after a rejection
            con.execute(f"delete from {table} where source_sha256 in (select unnest(?::varchar[]))", [shas])
        seqs = [
            int(r[0]) for r in con.execute("select nextval('file_seq_counter') from range(?)", [len(staged)]).fetchall()
        ]
        loadable = [(i, s) for i, s in enumerate(staged) if s.status == "staged" and not s.report_form]
        if loadable:
            _load_rows(con, [(s, seqs[i]) for i, s in loadable], run_id, now, [counts[i] for i, _ in loadable])
        reports = [(i, s) for i, s in enumerate(staged) if s.status == "staged" and s.report_form]
        if reports:  # their figures; an older export than the one stored counts as loaded, as an older snapshot
            load_reports(con, [(s, seqs[i]) for i, s in reports], run_id, now)
            for i, s in reports:
                counts[i]["loaded"] = s.rows_read
        for i, s in enumerate(staged):
            _record_file(con, s, run_id, now, seqs[i], counts[i])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def _load_rows(
    con: duckdb.DuckDBPyConnection,
    files: list[tuple[StagedFile, int]],
    run_id: str,
    now: datetime,
    counts: list[dict[str, int]],
) -> None:
    for s, _ in files:
        assert s.snapshot_at is not None  # every staged file has one (stage.py)
    batch = pa.table(
        {
            "rows_path": [s.rows_path for s, _ in files],
            "q_path": [s.quarantine_path for s, _ in files],
            "sha": [s.sha256 for s, _ in files],
            "file": [s.name for s, _ in files],
            "snapshot_at": pa.array(
                [datetime.fromisoformat(s.snapshot_at or "") for s, _ in files], pa.timestamp("us")
            ),
            "file_seq": pa.array([seq for _, seq in files], pa.int64()),
        }
    )
    con.register("load_batch_arrow", batch)
    try:
        con.execute("create or replace temp table load_batch as select * from load_batch_arrow")
    finally:
        con.unregister("load_batch_arrow")
    q_paths = [s.quarantine_path for s, _ in files if s.quarantine_path]
    if q_paths:
        run_file(con, "staging/load_quarantine.sql", q_paths=q_paths, run_id=run_id)
    rows_paths = [s.rows_path for s, _ in files if s.rows_path]
    if not rows_paths:
        return
    run_file(con, "staging/load_file.sql", rows_paths=rows_paths, run_id=run_id, ingested_at=now)
    finals = dict(
        con.execute("select sha, count(*) from incoming_final($p) group by sha", {"p": rows_paths}).fetchall()
    )
    groups = {
        sha: (int(conflict), int(dup))
        for sha, conflict, dup in con.execute(
            "select sha, coalesce(sum(n) filter (where variants > 1), 0), "
            "coalesce(sum(n - 1) filter (where variants = 1), 0) from incoming_groups group by sha"
        ).fetchall()
    }
    for (s, _), c in zip(files, counts, strict=True):
        conflict, dup = groups.get(s.sha256, (0, 0))
        c.update(loaded=int(finals.get(s.sha256, 0)), duplicate=dup, quarantined=s.rows_quarantined + conflict)


def _record_file(
    con: duckdb.DuckDBPyConnection, s: StagedFile, run_id: str, now: datetime, seq: int, counts: dict[str, int]
) -> None:
    status = "loaded" if s.status == "staged" else "rejected"
    if status == "loaded" and counts["read"] != counts["loaded"] + counts["quarantined"] + counts["duplicate"]:
        raise RuntimeError(
            f"{s.name}: row conservation broken: read {counts['read']} ≠ loaded {counts['loaded']} + "
            f"quarantined {counts['quarantined']} + duplicate {counts['duplicate']}"
        )
    if status == "rejected":  # nothing of a rejected file is kept; quarantined = rows that failed the rules
        counts.update(loaded=0, quarantined=s.rows_quarantined, duplicate=0)
    insert_row(
        con,
        "ingested_files",
        {
            "sha256": s.sha256,
            "file_name": s.name,
            "file_path": s.shown_path,  # scrubbed like the name (transform/scrub.py), never the path as read
            "size_bytes": s.size,
            "kind": s.kind,
            "encoding": s.encoding,
            "sheets": s.sheets,
            "exported_at": s.exported_at,
            "snapshot_at": s.snapshot_at,
            "snapshot_source": s.snapshot_source,
            "rows_read": counts["read"],
            "rows_loaded": counts["loaded"],
            "rows_quarantined": counts["quarantined"],
            "rows_duplicate": counts["duplicate"],
            "rows_skipped": s.rows_skipped,
            "status": status,
            "message": s.message,
            "unknown_columns": s.unknown_columns,
            "personal_columns_dropped": s.personal_columns,
            "shadowed_columns": s.shadowed_columns,
            "missing_columns": s.missing_columns,
            "column_sources": json.dumps(s.column_sources, ensure_ascii=False),
            "unresolved_agencies": json.dumps(s.unresolved_agencies, ensure_ascii=False),
            "flags": json.dumps(s.flags),
            "reason_counts": json.dumps(s.reason_counts),
            "examples": json.dumps(s.examples, ensure_ascii=False),
            "columns": json.dumps(s.columns, ensure_ascii=False),
            "family": s.family,
            "file_seq": seq,
            "run_id": run_id,
            "ingested_at": now,
        },
    )
