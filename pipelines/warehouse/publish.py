"""Build in a private copy, publish atomically.

DuckDB allows one writer or many readers per file. A run therefore writes into a copy
(`<db>.building`) and swaps it in with os.replace only after every check passed: readers
never see a half-built warehouse and a killed run leaves the published file untouched.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.crashpoints import checkpoint


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
        yield con
        con.execute("checkpoint")
        con.close()
        checkpoint("before_replace")
        os.replace(work, db)
    except BaseException:
        con.close()
        work.unlink(missing_ok=True)
        raise
