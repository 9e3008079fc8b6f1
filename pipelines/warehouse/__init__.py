"""The DuckDB warehouse: open, load staged files, rebuild the marts, check, publish.

DuckDB allows one writer or many readers per file. A run therefore writes into a copy
(`<db>.building`) and swaps it in with os.replace only after every check passed: readers
never see a half-built warehouse and a killed run leaves the published file untouched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.crashpoints import checkpoint
from pipelines.resources import SQL
from pipelines.transform.stage import StagedFile
from pipelines.warehouse.docs import apply_comments
from pipelines.rules.vocab import reasons

if TYPE_CHECKING:
    from pipelines.config import Settings

SCHEMA_FILES = ("00_parse_macros.sql", "01_parse_helpers.sql", "20_tables.sql", "30_classification.sql",
                "35_period_counts.sql", "40_report_form.sql", "41_indicators.sql",
                "42_procedure_indicators.sql")


class IdentityError(RuntimeError):
    """A Biểu 06 identity does not hold: the figures must not be published."""


def sql_text(name: str) -> str:
    return (SQL / name).read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """Split an SQL file into statements (files here keep ';' out of strings and comments)."""
    text = "\n".join(line for line in sql_text(name).splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


@contextmanager
def building(db: Path, memory_limit: str = "1GB") -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a private copy of the warehouse; publish it atomically if the block succeeds."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    work = db.with_name(db.name + ".building")
    for stale in (work, work.with_name(work.name + ".wal")):
        stale.unlink(missing_ok=True)
    if db.exists():
        shutil.copy2(db, work)
    con = duckdb.connect(str(work), config={"memory_limit": memory_limit, "preserve_insertion_order": False})
    try:
        con.execute("set enable_progress_bar = false")  # nightly logs, not a terminal
        init_schema(con)
        yield con
        con.execute("checkpoint")
        con.close()
        checkpoint("before_replace")
        os.replace(work, db)
    except BaseException:
        con.close()
        work.unlink(missing_ok=True)
        raise


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    for name in SCHEMA_FILES:
        con.execute(sql_text(name))
    con.execute("delete from reasons")
    con.executemany("insert into reasons values (?, ?)", list(reasons().items()))


def load_communes(con: duckdb.DuckDBPyConnection, settings: "Settings") -> None:
    """The registry in scope: old communes (with successors) and the units from 01/07/2025."""
    from pipelines.reference.communes import scoped_units
    from pipelines.reference.registry import FIELDS, NEW_FIELDS

    old, new = scoped_units(settings)
    con.execute("delete from communes")
    con.execute("delete from communes_2025")
    if old:
        con.executemany(f"insert into communes ({', '.join(FIELDS)}) values ({', '.join('?' * len(FIELDS))})",
                        [[r.get(f) for f in FIELDS] for r in old])
    if new:
        con.executemany(f"insert into communes_2025 ({', '.join(NEW_FIELDS)}) values ({', '.join('?' * len(NEW_FIELDS))})",
                        [[r.get(f) for f in NEW_FIELDS] for r in new])


def known_files(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select sha256 from ingested_files where status = 'loaded'").fetchall()}


def load_staged(con: duckdb.DuckDBPyConnection, staged: StagedFile, run_id: str, now: datetime) -> dict[str, int]:
    """Load one staged file in its own transaction and record it; returns its row counts."""
    counts = {"read": staged.rows_read, "loaded": 0, "quarantined": staged.rows_quarantined, "duplicate": 0}
    con.execute("begin transaction")
    try:
        con.execute("delete from ingested_files where sha256 = ?", [staged.sha256])
        con.execute("delete from quarantine where source_sha256 = ?", [staged.sha256])
        seq = con.execute("select nextval('file_seq_counter')").fetchone()[0]
        if staged.status == "staged":
            counts.update(_load_rows(con, staged, run_id, now, seq))
        _record_file(con, staged, run_id, now, seq, counts)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def _load_rows(con: duckdb.DuckDBPyConnection, staged: StagedFile, run_id: str, now: datetime,
               seq: int) -> dict[str, int]:
    if staged.quarantine_path:
        con.execute(
            """
            insert into quarantine
            select ?, ?, ?, q.source_sheet, q.source_row, q.case_id, q.commune_code, q.reasons,
                   (select string_agg(coalesce(r.message, u.reason), '; ' order by u.pos)
                    from (select unnest(q.reasons) as reason, generate_subscripts(q.reasons, 1) as pos) u
                    left join reasons r on r.reason = u.reason),
                   q.raw_values::json
            from read_parquet(?) q
            """,
            [run_id, staged.name, staged.sha256, staged.quarantine_path],
        )
    if not staged.rows_path:
        return {"loaded": 0, "duplicate": 0}
    params = {
        "rows_path": staged.rows_path, "sha": staged.sha256, "file": staged.name,
        "snapshot_at": datetime.fromisoformat(staged.snapshot_at), "file_seq": seq,
        "run_id": run_id, "ingested_at": now,
    }
    for stmt in statements("25_load_file.sql"):
        used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", stmt)}
        con.execute(stmt, used)
    n_final = con.execute("select count(*) from incoming_final").fetchone()[0]
    n_conflict, n_dup = con.execute(
        "select coalesce(sum(n) filter (where variants > 1), 0), "
        "coalesce(sum(n - 1) filter (where variants = 1), 0) from incoming_groups"
    ).fetchone()
    return {"loaded": int(n_final), "duplicate": int(n_dup), "quarantined": staged.rows_quarantined + int(n_conflict)}


def _record_file(con: duckdb.DuckDBPyConnection, s: StagedFile, run_id: str, now: datetime, seq: int,
                 counts: dict[str, int]) -> None:
    status = "loaded" if s.status == "staged" else "rejected"
    if status == "loaded" and counts["read"] != counts["loaded"] + counts["quarantined"] + counts["duplicate"]:
        raise RuntimeError(
            f"{s.name}: row conservation broken: read {counts['read']} ≠ loaded {counts['loaded']} + "
            f"quarantined {counts['quarantined']} + duplicate {counts['duplicate']}"
        )
    if status == "rejected":  # nothing of a rejected file is kept; quarantined = rows that failed the rules
        counts.update(loaded=0, quarantined=s.rows_quarantined, duplicate=0)
    con.execute(
        "insert into ingested_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            s.sha256, s.name, s.path, s.size, s.kind, s.encoding, s.sheets,
            s.exported_at, s.snapshot_at, s.snapshot_source,
            counts["read"], counts["loaded"], counts["quarantined"], counts["duplicate"], s.rows_skipped,
            status, s.message, s.unknown_columns, s.personal_columns, s.shadowed_columns,
            json.dumps(s.unresolved_agencies, ensure_ascii=False), json.dumps(s.flags),
            json.dumps(s.reason_counts), json.dumps(s.examples, ensure_ascii=False), json.dumps(s.columns, ensure_ascii=False), s.family, seq, run_id, now,
        ],
    )


def build(con: duckdb.DuckDBPyConnection, as_of: datetime, incremental: bool = False,
          new_since_seq: int = 0) -> str:
    """Rebuild the periods and the marts (all of them, or only the periods the run can have
    changed), then check the identities, and the uniqueness of the case ids of the files
    numbered new_since_seq and later (0: of every case). Returns "full" or "incremental"."""
    def run(name: str, **params: object) -> None:
        for stmt in statements(name):
            con.execute(stmt, {k: v for k, v in params.items() if f"${k}" in stmt} or None)

    since = _incremental_since(con) if incremental else None
    run("50_periods.sql", as_of=as_of)
    if since is None:
        run("51_build_full.sql", as_of=as_of)
        mode = "full"
    else:
        run("52_build_increment.sql", as_of=as_of, since=since)
        mode = "incremental"
    con.execute("drop table if exists touched_since")
    broken = con.execute(sql_text("60_checks.sql")).fetchall()
    if broken:
        sample = "; ".join(f"{c} {p} {s or 'tổng'}: {b}" for c, p, s, b in broken[:5])
        raise IdentityError(f"{len(broken)} dòng Biểu 06 sai đẳng thức — identities broken: {sample}")
    dupes = con.execute(sql_text("61_check_unique_cases.sql"), {"since_seq": new_since_seq}).fetchall()
    if dupes:
        raise IdentityError(f"mã hồ sơ lặp trong bảng cases — duplicate case ids: {dupes}")
    apply_comments(con)  # CREATE OR REPLACE drops comments: every object gets its own again
    return mode


def _incremental_since(con: duckdb.DuckDBPyConnection):
    """The date from which periods must be rebuilt, or None when only a full rebuild is right
    (first run, or the previous run was made by another version of the code)."""
    from pipelines import __version__

    prev = con.execute("select as_of, code_version from runs order by started_at desc, rowid desc limit 1").fetchone()
    has_marts = con.execute("select count(*) from duckdb_tables() where table_name in ('report_form', 'indicators')"
                            ).fetchone()[0] == 2
    if prev is None or prev[1] != __version__ or not has_marts:
        return None
    touched = con.execute("select min(ts) from touched_since").fetchone()[0] if con.execute(
        "select count(*) from duckdb_tables() where table_name = 'touched_since'").fetchone()[0] else None
    since = prev[0].date()
    return min(since, touched.date()) if touched else since
