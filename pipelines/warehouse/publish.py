"""Build in a private copy, publish atomically, in a storage format analysts' tools can read.

DuckDB allows one writer or many readers per file. A run therefore writes into a copy
(`<db>.building`) and swaps it in with os.replace only after every check passed: readers
never see a half-built warehouse and a killed run leaves the published file untouched.

The copy is written in the storage format of the `storage_version` setting (default v1.4.0):
DuckDB 2.0 writes format 69 by default, which the DuckDB CLI, JDBC (DBeaver), R and BI drivers
of the 1.4 and 1.5 series refuse. A warehouse in another format (written by an older release of
this project, or before the setting changed) is rewritten once in the pinned one
(`COPY FROM DATABASE`, tables, macros, comments and sequences included).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.clone import clone_file
from pipelines.crashpoints import checkpoint
from pipelines.warehouse.access import set_aside_wal
from pipelines.warehouse.backups import keep_backup


def storage_version(path: Path) -> str | None:
    """The storage format a DuckDB file was written in, e.g. 'v1.4.0+' (None if unreadable)."""
    con = duckdb.connect()
    try:
        con.execute("attach ? as f (read_only)", [str(path)])  # a parameter: a folder may be named it's
        return con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'f'"
        ).fetchall()[0][0]
    except duckdb.Error:
        return None
    finally:
        con.close()


def same_format(found: str | None, wanted: str) -> bool:
    return found is not None and found.rstrip("+") == wanted.rstrip("+")


def rewrite(src: Path, dst: Path, version: str, memory_limit: str = "1GB") -> None:
    """Copy the whole database `src` into a new file `dst` written in storage `version`."""
    dst.unlink(missing_ok=True)
    con = duckdb.connect(config={"memory_limit": memory_limit})
    try:
        con.execute("attach ? as src (read_only)", [str(src)])
        con.execute("attach ? as dst (storage_version ?)", [str(dst), version])
        con.execute("copy from database src to dst")
        con.execute("detach dst")
    finally:
        con.close()


@contextmanager
def building(
    db: Path,
    memory_limit: str = "1GB",
    version: str = "v1.4.0",
    backups: Path | None = None,
    keep: int = 0,
    stamp: str = "",
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a private copy of the warehouse; publish it atomically if the block succeeds.

    Before the swap, the file being replaced is kept as a backup (`keep` of them) and a
    write-ahead log next to it (an analyst's read-write session) is set aside: it belongs to the
    old file and could never be replayed onto the new one."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    work = db.with_name(db.name + ".building")
    for stale in (work, work.with_name(work.name + ".wal"), work.with_name(work.name + ".old")):
        stale.unlink(missing_ok=True)
    if db.exists():
        clone_file(db, work)  # a reflink where the filesystem has them, else a kernel copy
        if not same_format(storage_version(work), version):
            old = work.with_name(work.name + ".old")
            os.replace(work, old)
            rewrite(old, work, version, memory_limit)
            old.unlink()
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": memory_limit,
        "preserve_insertion_order": False,
        "storage_compatibility_version": version,
    }
    con = duckdb.connect(str(work), config=config)
    try:
        con.execute("set enable_progress_bar = false")  # nightly logs, not a terminal
        yield con
        con.execute("checkpoint")
        con.close()
        checkpoint("before_replace")
        if backups is not None:
            keep_backup(db, backups, keep, stamp)
        set_aside_wal(db)
        os.replace(work, db)
    except BaseException:
        con.close()
        work.unlink(missing_ok=True)
        raise
