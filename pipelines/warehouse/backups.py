"""Backups of the published warehouse: kept whole or not at all, checked before they go back.

A backup is `backups/<stem>-<stamp><suffix>`, the file a publish replaced. It is written under a
temporary name (`.part`: a hard link when the folder is on the warehouse's disk, else a copy, synced)
and renamed only when complete, with its SHA-256 beside it (`.sha256`): a backup cut short by a
full disk never stays under a backup's name. `check_warehouse` is what `tthc restore` asks before it
puts one back: the SHA-256 still matches, DuckDB opens the file, every block of every table reads
(DuckDB verifies each block's checksum when it reads it) and the tables a warehouse has are there.
`describe` is what `tthc restore --list` shows of each: the run it holds, when that run published,
its files, cases and periods.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

# the tables every command reads: a file without one of them is not a warehouse to restore
WAREHOUSE_TABLES = ("cases", "quarantine", "ingested_files", "runs", "report_form", "indicators")
RECOVERY = "-before-"  # stamps of the backups `tthc restore` / `tthc rebuild` keep (never rotated)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def keep_backup(db: Path, backups: Path, keep: int, stamp: str) -> Path | None:
    """The published file, about to be replaced, kept as backups/<name>-<stamp>.duckdb; then only
    the newest `keep` nightly backups remain (the ones a recovery kept are never rotated out)."""
    if keep <= 0 or not db.exists():
        return None
    backups.mkdir(parents=True, exist_ok=True)
    target = backups / f"{db.stem}-{stamp}{db.suffix}"
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        try:
            os.link(db, part)
        except OSError:
            shutil.copyfile(db, part)
            with open(part, "rb+") as fh:
                os.fsync(fh.fileno())
        digest = _sha256(part)
        side = _sidecar(target)
        side.with_name(side.name + ".part").write_text(f"{digest}  {target.name}\n", encoding="utf-8")
        os.replace(side.with_name(side.name + ".part"), side)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    nightly = [p for p in list_backups(backups, db) if RECOVERY not in p.name]
    for old in nightly[keep:]:
        old.unlink(missing_ok=True)
        _sidecar(old).unlink(missing_ok=True)
    return target


def list_backups(backups: Path, db: Path) -> list[Path]:
    """Complete backups of `db`, newest first (a `.part` left by a kill is none)."""
    if not backups.is_dir():
        return []
    found = [p for p in backups.glob(f"{db.stem}-*{db.suffix}") if p.is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def check_warehouse(path: Path) -> str | None:
    """None when `path` is a whole warehouse; else what is wrong with it, in one line."""
    side = _sidecar(path)
    if side.exists():
        recorded = side.read_text(encoding="utf-8").split()[0]
        if _sha256(path) != recorded:
            return f"SHA-256 của {path.name} khác với lúc lưu (tệp đã bị thay đổi hoặc hỏng)"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return f"DuckDB không mở được {path.name} ({' '.join(str(exc).split())[:200]})"
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        missing = [t for t in WAREHOUSE_TABLES if t not in tables]
        if missing:
            return f"{path.name} thiếu bảng {', '.join(missing)}: không phải một kho dữ liệu tthc"
        for table in sorted(tables):
            # hash of every row: every column's blocks are read, so DuckDB checks every checksum
            con.execute(f'select bit_xor(hash(t)) from "{table}" as t').fetchall()
    except duckdb.Error as exc:
        return f"{path.name} hỏng ({' '.join(str(exc).split())[:200]})"
    finally:
        con.close()
    return None


@dataclass
class BackupInfo:
    path: Path
    size: int
    run_id: str | None = None
    published_at: str | None = None  # local time of the run it holds (runs.finished_at)
    files: int | None = None
    cases: int | None = None
    periods: tuple[str, str] | None = None  # first and last materialised quarter
    problem: str | None = None


def describe(path: Path) -> BackupInfo:
    """What a backup holds, read-only and without reading its data: the last run, its files,
    cases and quarters; a backup DuckDB cannot open says so."""
    info = BackupInfo(path, path.stat().st_size)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        info.problem = f"không mở được ({' '.join(str(exc).split())[:120]})"
        return info
    try:
        last = con.execute("select run_id, finished_at from runs order by finished_at desc limit 1").fetchone()
        if last:
            info.run_id, info.published_at = last[0], f"{last[1]:%d/%m/%Y %H:%M:%S}"
        info.files = _count(con, "select count(*) from ingested_files where status = 'loaded'")
        info.cases = _count(con, "select count(*) from cases")
        span = con.execute(
            "select min(period_start), max(period_start) from report_form where period like '____Q_'"
        ).fetchone()
        if span and span[0] is not None:
            info.periods = (_quarter(span[0]), _quarter(span[1]))
    except duckdb.Error as exc:
        info.problem = f"không đọc được ({' '.join(str(exc).split())[:120]})"
    finally:
        con.close()
    return info


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def _quarter(day) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
