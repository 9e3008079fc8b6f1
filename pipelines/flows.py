"""Prefect flows: thin wrappers around the plain steps in pipelines/run.py.

Tasks take and return paths and small dataclasses (never DataFrames), so each is a plain
function under test and Prefect only adds retries, parallelism, logs and scheduling.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from pipelines.children import watch_parent
from pipelines.config import Settings
from pipelines.handover import RunSummary, StagedFile
from pipelines.inbox import safe_fingerprint
from pipelines.rules.periods import quarter_of
from pipelines.run import Fingerprint, discover_for, local_now, publish, run_steps
from pipelines.run_guard import run_lock
from pipelines.transform.stage_many import stage_items

# a process-pool task worker, or a flow run started by `tthc serve`, ends with the tthc process
# that started it (children.py)
watch_parent()


@task(name="fingerprint", retries=2, retry_delay_seconds=2)
def fingerprint_task(path: str) -> Fingerprint:
    """Hash a file's bytes; False when it changed while read (still arriving: the next run takes
    it); a reason when it cannot be read (the run goes on without it)."""
    return safe_fingerprint(Path(path))


@task(name="extract-validate", retries=2, retry_delay_seconds=2)
def stage_task(items: list[tuple[str, str]], settings: Settings) -> list[StagedFile]:
    """Extract, parse and validate one group of the plan (a big file, or small files together)
    into Parquet; bad input comes back as 'rejected'."""
    return stage_items(items, settings)


@task(name="load-build-publish")
def publish_task(
    staged: list[StagedFile], skipped: list[str], settings: Settings, run_id: str, started: str
) -> RunSummary:
    """The single writer: load every staged file, rebuild, check, publish atomically."""
    return publish(staged, skipped, settings, run_id, datetime.fromisoformat(started))


class PrefectSteps:
    """The steps of run.run_steps as Prefect tasks: files hashed and staged in parallel by the
    flow's task runner, each with retries, every step in the run's history on the server."""

    def __init__(self, workers: int):
        self.workers = workers

    def fingerprint(self, paths: list[Path]) -> list[Fingerprint]:
        return [f.result() for f in fingerprint_task.map([str(p) for p in paths])] if paths else []

    def stage(self, plan: list[list[tuple[str, str]]], settings: Settings) -> list[list[StagedFile]]:
        futures = [stage_task.submit(group, settings) for group in plan]
        return [f.result() for f in futures]

    def publish(
        self, staged: list[StagedFile], skipped: list[str], settings: Settings, run_id: str, started: datetime
    ) -> RunSummary:
        # submitted, not called: in the flow's own (main) thread a SIGTERM (tthc serve stopping) would
        # interrupt DuckDB mid-query and the task would fail with a traceback; in a worker thread the
        # load and publish finish or never start, and the flow ends quietly
        return publish_task.submit(staged, skipped, settings, run_id, started.isoformat()).result()

    def say(self, text: str) -> None:
        (get_run_logger().warning if text.startswith("Từ chối") else get_run_logger().info)("%s", text)


@flow(name="tthc-run", log_prints=True)
def tthc_run(paths: list[str], settings: Settings | None = None) -> RunSummary:
    """Ingest the given exports, rebuild the indicators and publish the warehouse."""
    settings = settings or Settings.load()
    with run_lock(settings):
        return run_steps([Path(p) for p in paths], settings, PrefectSteps(max(1, settings.workers)))


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
        sheets_task.submit(settings, current_quarter(settings)).result()  # a worker thread: see PrefectSteps.publish
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
