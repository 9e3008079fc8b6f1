"""Prefect flows: thin wrappers around the plain steps in pipelines/run.py.

Tasks take and return paths and small dataclasses (never DataFrames), so each is a plain
function under test and Prefect only adds retries, parallelism, logs and scheduling.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from pipelines.children import watch_parent
from pipelines.config import Settings
from pipelines.handover import RunSummary, StagedFile, file_in_words
from pipelines.inbox import safe_fingerprint
from pipelines.rules.periods import quarter_of
from pipelines.run import (
    already_loaded,
    discover_for,
    for_run,
    local_now,
    new_run_id,
    publish,
    run_lock,
    shown_names,
    split_known,
    unreadable_files,
)
from pipelines.transform.stage import stage_file
from pipelines.transform.stage_many import SMALL_BYTES, stage_group

# a process-pool task worker, or a flow run started by `tthc serve`, ends with the tthc process
# that started it (children.py)
watch_parent()


@task(name="fingerprint", retries=2, retry_delay_seconds=2)
def fingerprint_task(path: str) -> tuple[str | None, bool, str | None]:
    """Hash a file's bytes; False when it changed while read (still arriving: the next run takes
    it); a reason when it cannot be read (the run goes on without it)."""
    return safe_fingerprint(Path(path))


@task(name="extract-validate", retries=2, retry_delay_seconds=2)
def stage_task(path: str, sha256: str, settings: Settings) -> StagedFile:
    """Extract, parse and validate one file into Parquet; bad input comes back as 'rejected'."""
    return stage_file(Path(path), settings, sha256)


@task(name="extract-validate-small", retries=2, retry_delay_seconds=2)
def stage_group_task(items: list[tuple[str, str]], settings: Settings) -> list[StagedFile]:
    """Stage a group of small files through one parse and one validation (stage_many.py)."""
    if len(items) == 1:
        return [stage_file(Path(items[0][0]), settings, items[0][1])]
    done = stage_group(items, settings)
    return [done[p] for p, _ in items]


@task(name="load-build-publish")
def publish_task(
    staged: list[StagedFile], skipped: list[str], settings: Settings, run_id: str, started: str
) -> RunSummary:
    """The single writer: load every staged file, rebuild, check, publish atomically."""
    from datetime import datetime

    return publish(staged, skipped, settings, run_id, datetime.fromisoformat(started))


@flow(name="tthc-run", log_prints=True)
def tthc_run(paths: list[str], settings: Settings | None = None) -> RunSummary:
    """Ingest the given exports, rebuild the indicators and publish the warehouse."""
    settings = settings or Settings.load()
    with run_lock(settings):
        return _tthc_run(paths, settings)


def _tthc_run(paths: list[str], settings: Settings) -> RunSummary:
    logger = get_run_logger()
    t0 = time.perf_counter()
    run_id, started = new_run_id(settings), local_now(settings)
    settings = for_run(settings, run_id)
    found = discover_for([Path(p) for p in paths], settings)
    prints = [f.result() for f in fingerprint_task.map([str(p) for p in found.files])] if found.files else []
    stable = [(str(p), sha) for p, (sha, ok, bad) in zip(found.files, prints, strict=True) if ok and sha and not bad]
    changing = [str(p) for p, (_, ok, bad) in zip(found.files, prints, strict=True) if not ok and not bad]
    unreadable = found.unreadable + [(p, bad) for p, (_, _, bad) in zip(found.files, prints, strict=True) if bad]
    todo, skipped = split_known([p for p, _ in stable], [s for _, s in stable], already_loaded(settings.db))
    logger.info(
        "%d tệp: %d mới, %d đã nạp trước đó, %d đang chép dở",
        len(found.files) + len(found.waiting),
        len(todo),
        len(skipped),
        len(found.waiting) + len(changing),
    )
    small = [(p, sha) for p, sha in todo if Path(p).stat().st_size <= SMALL_BYTES]
    futures = {p: stage_task.submit(p, sha, settings) for p, sha in todo if (p, sha) not in small}
    # small files in a few groups (one per worker), each through one parse and one validation
    workers = max(1, min(settings.workers, len(small) // 2 or 1))
    groups = [stage_group_task.submit(small[i::workers], settings) for i in range(workers) if small[i::workers]]
    by_path = {p: f.result() for p, f in futures.items()}
    for g in groups:
        by_path.update((s.path, s) for s in g.result())
    staged = [by_path[p] for p, _ in todo] + unreadable_files(unreadable, settings)
    for s in staged:
        if s.status == "rejected":
            logger.warning("Từ chối tệp %s: %s", s.name, s.message)
    # submitted, not called: in the flow's own (main) thread a SIGTERM (tthc serve stopping) would
    # interrupt DuckDB mid-query and the task would fail with a traceback; in a worker thread the
    # load and publish finish or never start, and the flow ends quietly
    summary = publish_task.submit(staged, skipped, settings, run_id, started.isoformat()).result()
    summary.waiting = shown_names([*found.waiting, *changing], settings)
    summary.seconds = round(time.perf_counter() - t0, 2)
    for f in summary.files:
        logger.info("%s", file_in_words(f))
    logger.info("%s", summary.in_words())
    return summary


PROCESS_POOL_BYTES = 200 * 2**20


def run_flow(paths: list[str], settings: Settings) -> RunSummary:
    """Run the flow with a task runner sized to the settings.

    Big inputs are parsed in parallel processes (parsing holds the GIL in places: pandas, pandera,
    Python vocabularies), one per core; the single writer (load-build-publish) stays in the flow.
    A Prefect task process costs ~5 s to start (measured: the 3.7 MB sample took 23 s with
    processes, 10 s with threads), so small inputs use threads (DuckDB and Arrow release the GIL).
    """
    files = discover_for([Path(p) for p in paths], settings).files
    big = sum(f.stat().st_size for f in files) > PROCESS_POOL_BYTES
    runner: TaskRunner[Any]  # prefect's own annotation of with_options is narrower than its runners
    if settings.workers > 1 and len(files) > 1 and big:
        runner = ProcessPoolTaskRunner(max_workers=min(settings.workers, len(files)))
    else:
        runner = ThreadPoolTaskRunner(max_workers=max(1, settings.workers))
    return tthc_run.with_options(task_runner=runner)(paths, settings)  # type: ignore[arg-type]


@task(name="write-sheets", retries=1, retry_delay_seconds=5)
def sheets_task(settings: Settings, period_label: str) -> list[str]:
    """Indicator workbooks of every unit for one period, into settings.out; a quarter without data
    yet (its first night) writes none and says so in a sentence."""
    from pipelines.outputs.figures import NoFigures
    from pipelines.outputs.sheets import write_sheets
    from pipelines.outputs.signing import Signing
    from pipelines.rules.periods import parse_period

    skipped: list[str] = []
    try:
        paths = write_sheets(
            settings.db, parse_period(period_label), None, Path(settings.out), Signing.from_settings(settings), skipped
        )
    except NoFigures as exc:
        get_run_logger().info("Không ghi bảng tính: %s", exc)
        return []
    for problem in skipped:
        get_run_logger().info("Không ghi bảng tính: %s", problem)
    get_run_logger().info("Đã ghi %d bảng tính quý %s vào %s", len(paths), period_label, settings.out)
    return [str(p) for p in paths]


@task(name="write-dashboard", retries=1, retry_delay_seconds=5)
def dashboard_task(settings: Settings) -> list[str]:
    """The leaders' dashboard of the last whole month (pages and one-page PDF briefs) into
    settings.out/dashboard/; a missing browser costs the PDFs only (logged), never the pages."""
    from pipelines.outputs.dashboard import write_dashboard

    written = write_dashboard(settings)
    if written.pdf_skipped:
        get_run_logger().warning("Bảng điều hành: không in được bản tóm tắt PDF: %s", written.pdf_skipped)
    return [str(p) for p in written.pages + written.briefs]


def current_quarter(settings: Settings) -> str:
    return quarter_of(local_now(settings).date()).label


@flow(name="tthc-nightly", log_prints=True)
def tthc_nightly() -> RunSummary:
    """The scheduled job: ingest whatever landed in the inbox, rebuild, publish, write this
    quarter's sheets and the dashboard of the last whole month. Settings come from the config
    file and TTHC_* variables of the server."""
    settings = Settings.load()
    settings.inbox.mkdir(parents=True, exist_ok=True)
    summary = tthc_run.fn([str(settings.inbox)], settings)
    if Path(settings.db).exists():
        sheets_task.submit(settings, current_quarter(settings)).result()  # a worker thread: see _tthc_run
        dashboard_task.submit(settings).result()
        if settings.aggregates_out:
            aggregates_task.submit(settings).result()
    return summary


@task(name="write-aggregates", retries=1, retry_delay_seconds=5)
def aggregates_task(settings: Settings) -> list[str]:
    """The province's per-unit aggregates into the folder the national roll-up reads."""
    from pipelines.outputs.aggregates import export_aggregates

    return export_aggregates(settings.db, Path(settings.aggregates_out)).provinces


@flow(name="tthc-national", log_prints=True)
def tthc_national(sources: list[str], db: str) -> int:
    """The national roll-up of the provinces' aggregates folders (outputs/national.py); returns
    the number of units rolled up."""
    from pipelines.outputs.national import roll_up

    settings = Settings.load()
    summary = roll_up([Path(s) for s in sources], Path(db), settings.storage_version)
    get_run_logger().info(
        "Tổng hợp %d tỉnh, %d đơn vị → %s%s",
        len(summary.provinces),
        summary.units,
        db,
        " (các tỉnh tính theo quy tắc khác nhau)" if summary.mixed_rules else "",
    )
    return summary.units


DEPLOYMENT = "tthc-nightly"


def serve(cron: str | None, timezone: str, every: float | None = None) -> None:
    """Serve the nightly flow on a schedule (a cron in local time, or every N seconds) from this
    process, against the Prefect server in PREFECT_API_URL (tthc serve settles it first)."""
    from datetime import timedelta

    from prefect.schedules import Cron, Interval

    schedule = Interval(timedelta(seconds=every)) if every else Cron(cron or "0 2 * * *", timezone=timezone)
    # limit=1: one nightly run at a time; a run still going when the next is due makes that one
    # wait instead of stacking processes that fight for the warehouse lock (each run is a process)
    # Prefect's own banner suggests `prefect deployment run …`, which works only where PREFECT_API_URL
    # points at this server: tthc serve prints a command that works as printed instead
    tthc_nightly.serve(
        name=DEPLOYMENT, schedules=[schedule], pause_on_shutdown=False, limit=1, print_starting_message=False
    )
