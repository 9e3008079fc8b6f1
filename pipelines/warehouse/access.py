"""Opening the published warehouse for reading, whatever an analyst's session did to it.

DuckDB lets one process write a file or many read it. DBeaver and the DuckDB CLI open read-write
unless told otherwise, so a forgotten session holds the file's write lock and every reader
(`tthc report`, the run's "which files are known") would fail. Such a file is read through a
private copy instead (its published content is what the last run wrote; the session's own
changes were never ours), and the holder is named so the user can close it.

A write-ahead log (`<db>.wal`) next to a file it does not belong to (an analyst process killed
after the run replaced the file) can never be replayed onto it: DuckDB refuses to open the pair.
The log is set aside (`<db>.wal.stale-<time>`, kept, never deleted) and the file opened again.
A file DuckDB cannot open as a database is a damaged warehouse: one line that says so and names the
way out. Anything else (memory, a full disk, permissions) is said as what it is (`explain`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")
WAY_OUT = "dùng 'tthc restore' để đặt lại bản sao lưu gần nhất, hoặc 'tthc rebuild' để dựng lại từ kho lưu tệp nhập"


class WarehouseUnreadable(RuntimeError):
    """The published file cannot be opened: missing or damaged. The message is one line."""


@dataclass
class Opened:
    con: duckdb.DuckDBPyConnection
    warnings: list[str] = field(default_factory=list)


def writer_of(db: Path) -> str | None:
    """ "PID 1234 (duckdb)" when another process holds the file read-write, else None."""
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.Error as exc:
        m = _HOLDER.search(str(exc))
        if m:
            return f"PID {m.group(2)} ({Path(m.group(1)).name})"
    return None


def held_warning(holder: str) -> str:
    return (
        f"kho dữ liệu đang được mở ghi (read-write) bởi tiến trình {holder}: những gì phiên đó ghi vào tệp sẽ "
        "không có trong bản công bố của lần chạy; hãy mở bằng 'duckdb -readonly' hoặc đặt read_only trong DBeaver"
    )


def set_aside_wal(db: Path) -> Path | None:
    """Move a write-ahead log that does not belong to `db` out of its way (kept, renamed)."""
    wal = db.with_name(db.name + ".wal")
    if not wal.exists():
        return None
    target = wal.with_name(f"{wal.name}.stale-{datetime.now():%Y%m%dT%H%M%S}")
    os.replace(wal, target)
    return target


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:240]


# what DuckDB says of a file it cannot open or read as a database: the only errors called "damaged"
_DAMAGED = (
    "not a valid DuckDB database file",
    "Corrupt database file",
    "Could not read enough bytes",
    "does not match stored checksum",
    "Failed to load metadata",
)
_DISK_FULL = ("No space left on device", "Disk quota exceeded", "Could not write")


def is_damaged(exc: BaseException) -> bool:
    """A file DuckDB cannot open or read as a database: restore or rebuild it. Nothing else is:
    a full disk, memory running out, a path without permission, a setting are the environment, and
    telling an operator to put an old backup over a healthy warehouse for them would lose a night."""
    text = str(exc)
    return any(w in text for w in _DAMAGED)


def explain(exc: BaseException) -> str:
    """One line for a DuckDB failure (or memory running out), saying what it really was."""
    from pipelines.handover import is_memory_error

    line = _one_line(exc)
    if is_damaged(exc):
        return f"kho dữ liệu bị hỏng hoặc không đọc được ({line}): {WAY_OUT} — damaged warehouse"
    if is_memory_error(exc):
        return (
            f"lỗi môi trường: hết bộ nhớ ({line}); chưa công bố gì, kho dữ liệu giữ nguyên. Hãy giảm memory_limit, "
            "chạy khi máy rảnh hơn hoặc nới giới hạn bộ nhớ của tiến trình — out of memory"
        )
    if any(w in line for w in _DISK_FULL):
        return f"lỗi môi trường: đĩa đầy ({line}); chưa công bố gì, kho dữ liệu giữ nguyên — disk full"
    return f"lỗi môi trường: {line}; chưa công bố gì, kho dữ liệu giữ nguyên — environment failure"


def open_read(db: Path) -> Opened:
    """A read-only connection to the published warehouse, with what the reader should know."""
    db = Path(db)
    if not db.exists():
        raise WarehouseUnreadable(f"chưa có kho dữ liệu '{db}': hãy chạy 'tthc run' trước — no warehouse yet")
    warnings: list[str] = []
    for attempt in (1, 2):
        try:
            return Opened(duckdb.connect(str(db), read_only=True), warnings)
        except duckdb.Error as exc:
            text = str(exc)
            m = _HOLDER.search(text)
            if m:
                holder = f"PID {m.group(2)} ({Path(m.group(1)).name})"
                warnings.append(held_warning(holder))
                return Opened(_private_copy(db), warnings)
            if attempt == 1 and "wal" in text.lower():
                moved = set_aside_wal(db)
                if moved is not None:
                    warnings.append(
                        f"nhật ký ghi (WAL) không thuộc tệp kho hiện tại đã được chuyển sang {moved.name} "
                        "— stale WAL set aside"
                    )
                    continue
            raise WarehouseUnreadable(_cannot_open(db, exc)) from None
    raise AssertionError("unreachable")


def _cannot_open(db: Path, exc: BaseException) -> str:
    if is_damaged(exc):
        return f"kho dữ liệu '{db}' bị hỏng hoặc không đọc được ({_one_line(exc)}): {WAY_OUT} — damaged warehouse"
    return f"không mở được kho dữ liệu '{db}': {explain(exc)}"


def _private_copy(db: Path) -> duckdb.DuckDBPyConnection:
    """Open a copy of a file someone holds read-write; the copy's name is unlinked once open."""
    tmp = Path(tempfile.mkdtemp(prefix="tthc-read-"))
    copy = tmp / db.name
    try:
        shutil.copy2(db, copy)
        con = duckdb.connect(str(copy), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseUnreadable(_cannot_open(db, exc)) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the open file lives on until the connection closes
    return con
