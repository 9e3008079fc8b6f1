"""Load staged files into the warehouse: the single writer of `cases`, `quarantine`, `ingested_files`.

One file, one transaction: its quarantined rows, its valid rows merged by snapshot
(sql/staging/load_file.sql) and its row in ingested_files. Row conservation
(read = loaded + quarantined + duplicate) is checked before the file is recorded.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb

from pipelines.handover import StagedFile
from pipelines.sqlfiles import run_file, scalar


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


def load_staged(con: duckdb.DuckDBPyConnection, staged: StagedFile, run_id: str, now: datetime) -> dict[str, int]:
    """Load one staged file in its own transaction and record it; returns its row counts."""
    counts = {"read": staged.rows_read, "loaded": 0, "quarantined": staged.rows_quarantined, "duplicate": 0}
    con.execute("begin transaction")
    try:
        con.execute("delete from ingested_files where sha256 = ?", [staged.sha256])
        con.execute("delete from quarantine where source_sha256 = ?", [staged.sha256])
        seq = scalar(con, "select nextval('file_seq_counter')")
        if staged.status == "staged":
            counts.update(_load_rows(con, staged, run_id, now, seq))
        _record_file(con, staged, run_id, now, seq, counts)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def _load_rows(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, run_id: str, now: datetime, seq: int
) -> dict[str, int]:
    if staged.quarantine_path:
        run_file(
            con,
            "staging/load_quarantine.sql",
            q_path=staged.quarantine_path,
            run_id=run_id,
            file=staged.name,
            sha=staged.sha256,
        )
    if not staged.rows_path:
        return {"loaded": 0, "duplicate": 0}
    assert staged.snapshot_at is not None  # every staged file has one (stage.py)
    run_file(
        con,
        "staging/load_file.sql",
        rows_path=staged.rows_path,
        sha=staged.sha256,
        file=staged.name,
        snapshot_at=datetime.fromisoformat(staged.snapshot_at),
        file_seq=seq,
        run_id=run_id,
        ingested_at=now,
    )
    n_final = scalar(con, "select count(*) from incoming_final")
    n_conflict, n_dup = con.execute(
        "select coalesce(sum(n) filter (where variants > 1), 0), "
        "coalesce(sum(n - 1) filter (where variants = 1), 0) from incoming_groups"
    ).fetchall()[0]
    return {"loaded": int(n_final), "duplicate": int(n_dup), "quarantined": staged.rows_quarantined + int(n_conflict)}


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
            "file_path": s.path,
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
