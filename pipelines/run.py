"""The steps of a run as plain functions; flows.py wraps them in Prefect tasks.

discover → skip known → stage each file (parallel-safe) → load all + rebuild + check → publish.
"""

from __future__ import annotations

import fcntl
import os
import signal
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from pipelines import __version__
from pipelines.reference.catalogue import load_catalogue
from pipelines.reference.communes import Registry
from pipelines.config import Settings
from pipelines.crashpoints import checkpoint
from pipelines.transform.stage import StagedFile, file_sha256, stage_file
from pipelines.warehouse import build, building, known_files, load_communes, load_staged

EXPORT_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv", ".htm", ".html", ".ods"}


@dataclass
class FileOutcome:
    name: str
    status: str  # loaded | skipped | rejected
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicate: int = 0
    message: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    run_id: str
    db: str
    files: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    status: str = "succeeded"
    message: str | None = None

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)


def local_now(settings: Settings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)


def discover(paths: list[Path]) -> list[Path]:
    """Files given, and export files inside folders given (sorted: a stable load order)."""
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in EXPORT_SUFFIXES
                                and not f.name.startswith((".", "~$"))))
        elif p.exists():
            found.append(p)
        else:
            raise FileNotFoundError(f"không tìm thấy '{p}' — no such file or folder")
    return found


def fingerprint(paths: list[Path]) -> list[tuple[str, str]]:
    return [(str(p), file_sha256(p)) for p in paths]


def already_loaded(db: Path) -> set[str]:
    if not Path(db).exists():
        return set()
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        return known_files(con) if "ingested_files" in tables else set()
    finally:
        con.close()


def publish(staged: list[StagedFile], skipped: list[str], settings: Settings, run_id: str,
            started: datetime) -> RunSummary:
    """Load every staged file, rebuild, check and publish, all in one private copy."""
    summary = RunSummary(run_id, str(settings.db))
    summary.files.extend(FileOutcome(Path(n).name, "skipped") for n in skipped)
    now = local_now(settings)
    with building(settings.db) as con:
        load_communes(con, settings)
        load_catalogue(con, settings.procedures_file, Registry.from_settings(settings))
        checkpoint("staged")
        first_seq = _next_seq(con)
        for s in staged:
            counts = load_staged(con, s, run_id, now)
            checkpoint("file_loaded")
            summary.files.append(FileOutcome(
                s.name, "loaded" if s.status == "staged" else "rejected", counts["read"], counts["loaded"],
                counts["quarantined"], counts["duplicate"], s.message, file_notes(s),
            ))
        build(con, now, incremental=True, new_since_seq=first_seq)
        checkpoint("built")
        con.execute(
            "insert into runs values (?, ?, ?, 'succeeded', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, started, local_now(settings), len(summary.files), summary.count("loaded"),
             summary.count("skipped"), summary.count("rejected"), summary.total("read"),
             summary.total("loaded"), summary.total("quarantined"), summary.total("duplicate"), now,
             __version__, None],
        )
    shutil.rmtree(settings.stage, ignore_errors=True)
    return summary


def _next_seq(con: duckdb.DuckDBPyConnection) -> int:
    """The file_seq the next loaded file will get (the sequence is not advanced)."""
    return int(con.execute("select coalesce(max(file_seq), 0) + 1 from ingested_files").fetchone()[0])


def file_notes(s: StagedFile) -> list[str]:
    """One warning line per kind of oddity in a file (unknown columns, unresolved agencies…)."""
    notes = []
    if s.unknown_columns:
        notes.append("cột không nhận diện, bỏ qua: " + ", ".join(s.unknown_columns))
    if s.shadowed_columns:
        notes.append("cột trùng nghĩa, bỏ qua: " + ", ".join(s.shadowed_columns))
    if s.unresolved_agencies:
        notes.append("cơ quan không xác định được xã: " + ", ".join(sorted(s.unresolved_agencies)[:5]))
    if s.flags:
        notes.append("cần kiểm tra: " + ", ".join(f"{k} {v}" for k, v in sorted(s.flags.items())))
    return notes


def new_run_id(settings: Settings) -> str:
    return local_now(settings).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


class RunLocked(RuntimeError):
    """Another run holds the warehouse."""


@contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    """One run at a time per warehouse. flock is released by the OS when a process dies, even by
    SIGKILL, so a killed run never leaves a stale lock behind."""
    path = Path(settings.db).with_name(Path(settings.db).name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(f"một lần chạy khác đang ghi kho dữ liệu {settings.db} — another run is in progress")
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def for_run(settings: Settings, run_id: str) -> Settings:
    """The run's own staging folder, so two runs (or a killed one) never mix their files.

    Called under the run lock: any other folder there was left by a run that was killed.
    """
    shutil.rmtree(settings.stage, ignore_errors=True)
    return replace(settings, stage=Path(settings.stage) / run_id)


def run_local(paths: list[Path], settings: Settings) -> RunSummary:
    """The whole run without Prefect (tests, benchmarks, debugging)."""
    with run_lock(settings):
        return _run_local(paths, settings)


def _run_local(paths: list[Path], settings: Settings) -> RunSummary:
    t0 = time.perf_counter()
    run_id, started = new_run_id(settings), local_now(settings)
    settings = for_run(settings, run_id)
    files = discover(paths)
    known = already_loaded(settings.db)
    todo, skipped = [], []
    for path, sha in fingerprint(files):
        (skipped if sha in known else todo).append((path, sha))
        known.add(sha)  # the same bytes twice in one run load once
    staged = [stage_file(Path(p), settings, sha) for p, sha in todo]
    summary = publish(staged, [p for p, _ in skipped], settings, run_id, started)
    summary.seconds = round(time.perf_counter() - t0, 2)
    return summary
