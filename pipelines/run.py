"""The steps of a run as plain functions, and their sequence written once (`run_steps`).

discover → fingerprint → skip known → stage (groups, parallel-safe) → load all + rebuild + check →
publish. `Direct` runs the steps in this process (no server up, tests, rebuild); flows.py hands
`run_steps` a `Steps` whose methods are Prefect tasks (retries, parallel workers, the run's history).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import duckdb

from pipelines import __version__
from pipelines.config import Settings, duckdb_memory_limit
from pipelines.crashpoints import checkpoint
from pipelines.handover import FileOutcome, RunSummary, StagedFile, file_in_words
from pipelines.inbox import Discovery, archive, discover, safe_fingerprint, unreadable_key
from pipelines.inputs_archive import keep_inputs
from pipelines.reference.communes import Registry
from pipelines.rules.vocab import column_source_notes, flag_notes, missing_column_notes
from pipelines.run_guard import for_run, remove_run_folder, run_lock
from pipelines.transform.scrub import Scrubber, display_name, display_path
from pipelines.warehouse import (
    build,
    building,
    init_schema,
    known_files,
    load_communes,
    load_staged_many,
    next_file_seq,
    rules_hash,
)
from pipelines.warehouse.access import held_warning, open_read, writer_of
from pipelines.warehouse.load import insert_row
from pipelines.warehouse.publish import same_format, storage_version


def local_now(settings: Settings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone)).replace(tzinfo=None, microsecond=0)


def discover_for(paths: list[Path], settings: Settings) -> Discovery:
    """The files of a run: inbox files still being written wait (settle_seconds)."""
    return discover(paths, settings.inbox, settings.settle_seconds)


Fingerprint = tuple[str | None, bool, str | None]  # sha256, stable while read, why unreadable


def sort_fingerprints(
    paths: list[Path], prints: list[Fingerprint]
) -> tuple[list[str], list[str], list[str], list[tuple[Path, str]]]:
    """(paths, sha256) of the files that did not change while read, the paths that did, and the
    files that could not be read at all (path, reason)."""
    files: list[str] = []
    shas: list[str] = []
    changing: list[str] = []
    unreadable: list[tuple[Path, str]] = []
    for p, (sha, stable, problem) in zip(paths, prints, strict=True):
        if problem:
            unreadable.append((Path(p), problem))
        elif stable and sha:
            files.append(str(p))
            shas.append(sha)
        else:
            changing.append(str(p))
    return files, shas, changing, unreadable


def unreadable_files(items: list[tuple[Path, str]], settings: Settings) -> list[StagedFile]:
    """A rejected record for each file or folder that could not be read: the run goes on, the
    summary and ingested_files say what and why (its name scrubbed), the next run tries again."""
    scrub = Scrubber.from_settings(settings)
    return [
        scrub.staged(
            StagedFile(str(p), display_name(p), unreadable_key(p), 0, "rejected", reason, shown_path=display_path(p))
        )
        for p, reason in items
    ]


def shown_names(paths: Sequence[str | Path], settings: Settings) -> list[str]:
    """File names as the summary may print them: one line, personal data scrubbed."""
    return [v or "" for v in Scrubber.from_settings(settings).many([display_name(p) for p in paths])]


def split_known(files: list[str], shas: list[str], known: set[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(path, sha256) of the files to stage, and the paths to skip: bytes already loaded by an
    earlier run, or seen earlier in this run (the same bytes twice load once)."""
    todo, skipped, seen = [], [], set(known)
    for path, sha in zip(files, shas, strict=True):
        if sha in seen:
            skipped.append(path)
        else:
            todo.append((path, sha))
            seen.add(sha)
    return todo, skipped


def already_loaded(db: Path) -> set[str]:
    """SHA-256 of the files the published warehouse holds, read without ever waiting on an
    analyst's read-write session (warehouse/access.py reads a private copy then)."""
    if not Path(db).exists():
        return set()
    con = open_read(Path(db)).con
    try:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        return known_files(con) if "ingested_files" in tables else set()
    finally:
        con.close()


def context_hash(settings: Settings) -> str:
    """SHA-256 over what the figures depend on besides the loaded files: the rules (sql/, schemas/),
    the code version, the storage format, the reference files and the scope and time-zone settings.
    Equal to the published warehouse's and no file to load: the run has nothing to change."""
    h = hashlib.sha256()
    parts: list[object] = [rules_hash(), __version__, settings.storage_version, settings.timezone]
    parts += [settings.province, settings.district, settings.units, settings.procedures_units]
    for part in parts:
        h.update(f"{part}\n".encode())
    for path in (settings.communes_file, settings.procedures_file):
        h.update(Path(path).read_bytes() if Path(path).is_file() else b"-")
    return h.hexdigest()


def changes_nothing(staged: list[StagedFile], settings: Settings) -> bool:
    """No file to load, every rejection already recorded as it is, the same rules and references:
    publishing would only rotate a backup out (an empty inbox every 30 s would push out a week of
    backups), so nothing is published. The figures stay as of the last run that had data."""
    if any(s.status == "staged" for s in staged) or not Path(settings.db).exists():
        return False
    if not same_format(storage_version(Path(settings.db)), settings.storage_version):
        return False  # a file in another format is rewritten in the pinned one (publish.py)
    con = open_read(Path(settings.db)).con
    try:
        last = con.execute("select context_hash from runs order by started_at desc, rowid desc limit 1").fetchone()
        recorded = dict(con.execute("select sha256, message from ingested_files where status = 'rejected'").fetchall())
    except duckdb.Error:  # a warehouse of an older release (no context_hash): publish once
        return False
    finally:
        con.close()
    if last is None or last[0] != context_hash(settings):
        return False
    return all(s.sha256 in recorded and recorded[s.sha256] == s.message for s in staged)


def publish(
    staged: list[StagedFile], skipped: list[str], settings: Settings, run_id: str, started: datetime
) -> RunSummary:
    """Load every staged file, rebuild, check and publish, all in one private copy; or, when the run
    changes nothing, publish nothing."""
    summary = RunSummary(run_id, str(settings.db))
    summary.files.extend(FileOutcome(n, "skipped") for n in shown_names(skipped, settings))
    now = local_now(settings)
    if changes_nothing(staged, settings):
        summary.published = False
        summary.files.extend(_outcome(s, {"read": s.rows_read}) for s in staged)
        _finish(staged, skipped, settings, summary, now)
        return summary
    from pipelines.reference.catalogue import load_catalogue  # here: a run with nothing new never needs it

    # every input the new warehouse will hold is archived before it is published (tthc rebuild)
    keep_inputs(
        [(Path(s.path), s.sha256, s.name) for s in staged if s.status == "staged"], settings.input_archive, now.date()
    )
    holder = writer_of(Path(settings.db)) if Path(settings.db).exists() else None
    if holder:
        summary.warnings.append(held_warning(holder))
    with building(
        settings.db,
        memory_limit=duckdb_memory_limit(settings),
        version=settings.storage_version,
        backups=Path(settings.backups),
        keep=settings.backups_keep,
        stamp=run_id,
    ) as con:
        init_schema(con, settings)
        load_communes(con, settings)
        load_catalogue(con, settings.procedures_file, Registry.from_settings(settings), settings.procedures_units)
        checkpoint("staged")
        first_seq = next_file_seq(con)
        for batch in load_batches(staged):
            for s, counts in zip(batch, load_staged_many(con, batch, run_id, now), strict=True):
                summary.files.append(_outcome(s, counts))
            checkpoint("file_loaded")
        mode = build(con, now, incremental=True, new_since_seq=first_seq)
        checkpoint("built")
        insert_row(
            con,
            "runs",
            {
                "run_id": run_id,
                "started_at": started,
                "finished_at": local_now(settings),
                "status": "succeeded",
                "files_seen": len(summary.files),
                "files_loaded": summary.count("loaded"),
                "files_skipped": summary.count("skipped"),
                "files_rejected": summary.count("rejected"),
                "rows_read": summary.total("read"),
                "rows_loaded": summary.total("loaded"),
                "rows_quarantined": summary.total("quarantined"),
                "rows_duplicate": summary.total("duplicate"),
                "rows_rejected": summary.total("rejected"),
                "as_of": now,
                "code_version": __version__,
                "rules_hash": rules_hash(),
                "build_mode": mode,
                "context_hash": context_hash(settings),
            },
        )
    _finish(staged, skipped, settings, summary, now)
    return summary


def _outcome(s: StagedFile, counts: dict[str, int]) -> FileOutcome:
    """What the summary says of one file. The rows of a rejected file are neither loaded nor in the
    quarantine table (nothing of it is kept): they count as the file's, so the line still balances
    (read = loaded + quarantined + duplicate + rows of rejected files)."""
    rejected = s.status != "staged"
    return FileOutcome(
        s.name,
        "rejected" if rejected else "loaded",
        counts["read"],
        0 if rejected else counts["loaded"],
        0 if rejected else counts["quarantined"],
        0 if rejected else counts["duplicate"],
        s.message,
        file_notes(s),
        rejected=counts["read"] if rejected else 0,
    )


def _finish(staged: list[StagedFile], skipped: list[str], settings: Settings, summary: RunSummary, now) -> None:
    """After the run: its own stage folder removed, the inbox files it loaded or had loaded moved."""
    remove_run_folder(Path(settings.stage))
    done = [Path(s.path) for s in staged if s.status == "staged"] + [Path(p) for p in skipped]
    summary.archived = [str(p) for p in archive(done, settings.inbox, settings.inbox_archive, now.date())]


BATCH_ROWS = 200_000  # rows loaded in one pass; a bigger file is loaded alone


def load_batches(staged: list[StagedFile]) -> list[list[StagedFile]]:
    """Consecutive files loaded together (in order) while their rows stay under BATCH_ROWS."""
    batches: list[list[StagedFile]] = []
    rows = 0
    for s in staged:
        if batches and rows + s.rows_read <= BATCH_ROWS:
            batches[-1].append(s)
            rows += s.rows_read
        else:
            batches.append([s])
            rows = s.rows_read
    return batches


def file_notes(s: StagedFile) -> list[str]:
    """One warning line per kind of oddity in a file (unknown columns, unresolved agencies…)."""
    notes = []
    if s.report_form and s.status == "staged":  # their figures, not cases
        what = "Biểu 06" if s.report_form == "bieu06" else "số liệu 766"
        units = sum(1 for u in s.report_units if u["unit_key"])
        notes.append(f"báo cáo {what} ({s.report_layout}), kỳ {s.period_start} – {s.period_end}: {units} đơn vị")
        notes += [f"báo cáo không tự khớp: {f}" for u in s.report_units for f in u["findings"]][:5]
    if s.unknown_columns:
        notes.append("cột không nhận diện, bỏ qua: " + ", ".join(s.unknown_columns))
    if s.shadowed_columns:
        notes.append("cột trùng nghĩa, bỏ qua: " + ", ".join(s.shadowed_columns))
    if s.unresolved_agencies:
        notes.append("cơ quan không xác định được xã: " + ", ".join(sorted(s.unresolved_agencies)[:5]))
    if s.status == "staged":
        notes += column_source_notes(s.column_sources)
        notes += missing_column_notes(s.missing_columns)
        if s.sector_sources:
            notes.append("không có cột Lĩnh vực: lĩnh vực lấy từ " + ", ".join(s.sector_sources))
    if s.flags:
        notes.append("cần kiểm tra: " + "; ".join(flag_notes(s.flags)))
    return notes


def new_run_id(settings: Settings) -> str:
    return local_now(settings).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


class Steps(Protocol):
    """How the work of a run is carried out: in this process (`Direct`) or as Prefect tasks
    (flows.PrefectSteps). The sequence is `run_steps`, the same for both."""

    workers: int

    def fingerprint(self, paths: list[Path]) -> list[Fingerprint]: ...
    def stage(self, plan: list[list[tuple[str, str]]], settings: Settings) -> list[list[StagedFile]]: ...
    def publish(
        self, staged: list[StagedFile], skipped: list[str], settings: Settings, run_id: str, started: datetime
    ) -> RunSummary: ...
    def say(self, text: str) -> None: ...


class Direct:
    """The steps one after another in this process: no server, no task bookkeeping."""

    workers = 1

    def __init__(self, say: Callable[[str], None] | None = None):
        self._say = say

    def fingerprint(self, paths: list[Path]) -> list[Fingerprint]:
        return [safe_fingerprint(p) for p in paths]

    def stage(self, plan: list[list[tuple[str, str]]], settings: Settings) -> list[list[StagedFile]]:
        if not plan:
            return []
        from pipelines.transform.stage_many import stage_items  # pandas + pandera: only with files to read

        return [stage_items(group, settings) for group in plan]

    def publish(
        self, staged: list[StagedFile], skipped: list[str], settings: Settings, run_id: str, started: datetime
    ) -> RunSummary:
        return publish(staged, skipped, settings, run_id, started)

    def say(self, text: str) -> None:
        if self._say:
            self._say(text)


def plan_of(todo: list[tuple[str, str]], workers: int) -> list[list[tuple[str, str]]]:
    """The staging groups; with nothing to stage, no staging code is imported (a no-op run is
    mostly interpreter start, and pandas + pandera cost ~0.5 s to import)."""
    if not todo:
        return []
    from pipelines.transform.stage_many import stage_plan

    return stage_plan(todo, workers)


def run_steps(paths: list[Path], settings: Settings, steps: Steps) -> RunSummary:
    """The one sequence of a run; the caller holds the run lock."""
    t0 = time.perf_counter()
    run_id, started = new_run_id(settings), local_now(settings)
    settings = for_run(settings, run_id)
    found = discover_for(paths, settings)
    files, shas, changing, unreadable = sort_fingerprints(found.files, steps.fingerprint(found.files))
    todo, skipped = split_known(files, shas, already_loaded(settings.db))
    steps.say(
        f"{len(found.files) + len(found.waiting)} tệp: {len(todo)} mới, {len(skipped)} đã nạp trước đó, "
        f"{len(found.waiting) + len(changing)} đang chép dở"
    )
    by_path = {s.path: s for group in steps.stage(plan_of(todo, steps.workers), settings) for s in group}
    staged = [by_path[p] for p, _ in todo] + unreadable_files(found.unreadable + unreadable, settings)
    for s in staged:
        if s.status == "rejected":
            steps.say(f"Từ chối tệp {s.name}: {s.message}")
    summary = steps.publish(staged, skipped, settings, run_id, started)
    summary.waiting = shown_names([*found.waiting, *changing], settings)
    summary.seconds = round(time.perf_counter() - t0, 2)
    for f in summary.files:
        steps.say(file_in_words(f))
    steps.say(summary.in_words())
    return summary


def run_local(paths: list[Path], settings: Settings) -> RunSummary:
    """The whole run in this process (`tthc run` with no Prefect server up, tests, benchmarks)."""
    with run_lock(settings):
        return run_steps(paths, settings, Direct())


def run_unlocked(paths: list[Path], settings: Settings) -> RunSummary:
    """The run in this process; the caller holds the run lock (tthc rebuild)."""
    return run_steps(paths, settings, Direct())
