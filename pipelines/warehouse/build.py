"""Rebuild the marts (periods, report_form, indicators) and check them before anything is published.

A build is full (every period) or incremental (only the periods a run can have changed). It is
incremental only when the previous run was made by the same rules: the rules hash stored in
`runs` (pipelines/sqlfiles.py, `rules_hash`) covers the SQL and the rule files, so an upgrade that changes how
cases count rebuilds every period. After the build the Biểu 06 identities, the keys declared in
the manifest and the uniqueness of case ids are checked; any failure stops the run.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from pipelines.sqlfiles import manifest, rules_hash, run_file, scalar
from pipelines.warehouse.comments import apply_comments


class IdentityError(RuntimeError):
    """A Biểu 06 identity or a declared key does not hold: the figures must not be published."""


def build(con: duckdb.DuckDBPyConnection, as_of: datetime, incremental: bool = False, new_since_seq: int = 0) -> str:
    """Rebuild the periods and the marts (all of them, or only the periods the run can have
    changed), then check them, and the uniqueness of the case ids of the files numbered
    new_since_seq and later (0: of every case). Returns "full" or "incremental"."""
    since = incremental_since(con) if incremental else None
    run_file(con, "build/statutory_dues.sql")
    run_file(con, "build/periods.sql", as_of=as_of)
    if since is None:
        run_file(con, "build/full.sql", as_of=as_of)
        mode = "full"
    else:
        run_file(con, "build/increment.sql", as_of=as_of, since=since)
        mode = "incremental"
    con.execute("drop table if exists touched_since")
    check(con, new_since_seq)
    apply_comments(con)  # CREATE OR REPLACE drops comments: every object gets its own again
    return mode


def check(con: duckdb.DuckDBPyConnection, new_since_seq: int = 0) -> None:
    """Every check of a build; raises IdentityError with the first broken rows."""
    broken = run_file(con, "checks/report_form_identities.sql").fetchall()
    if broken:
        sample = "; ".join(f"{c} {p} {s or 'tổng'}: {b}" for c, p, s, b in broken[:5])
        raise IdentityError(f"{len(broken)} dòng Biểu 06 sai đẳng thức — identities broken: {sample}")
    for obj in manifest().checked_keys():
        key = ", ".join(obj.key)
        dupes = con.execute(
            f"select {key}, count(*) from {obj.name} group by all having count(*) > 1 limit 3"
        ).fetchall()
        if dupes:
            raise IdentityError(f"{obj.name}: khóa ({key}) bị lặp — duplicate key: {dupes}")
    dupes = run_file(con, "checks/unique_case_ids.sql", since_seq=new_since_seq).fetchall()
    if dupes:
        raise IdentityError(f"mã hồ sơ lặp trong bảng cases — duplicate case ids: {dupes}")


def incremental_since(con: duckdb.DuckDBPyConnection) -> date | None:
    """The date from which periods must be rebuilt, or None when only a full rebuild is right:
    first run, no marts yet, or the previous run was made by other rules (another rules hash)."""
    prev = con.execute("select as_of, rules_hash from runs order by started_at desc, rowid desc limit 1").fetchone()
    has_marts = (
        scalar(con, "select count(*) from duckdb_tables() where table_name in ('report_form', 'indicators')") == 2
    )
    if prev is None or prev[1] != rules_hash() or not has_marts:
        return None
    has_touched = scalar(con, "select count(*) from duckdb_tables() where table_name = 'touched_since'")
    touched = scalar(con, "select min(ts) from touched_since") if has_touched else None
    since = prev[0].date()
    return min(since, touched.date()) if touched else since
