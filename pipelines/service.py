"""`tthc run` and `tthc serve` with a Prefect server under them (prefect_server.py finds or starts it).

The address is settled before Prefect is imported; a server started here stops when the command
ends, and dies with it when the command is killed.
"""

from __future__ import annotations

import math
import os
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.config import Settings
from pipelines.handover import RunSummary
from pipelines.prefect_server import (
    Server,
    ServerError,
    clear_state,
    find_server,
    healthy,
    prefect_home,
    read_state,
    start_server,
    stop_server,
    write_state,
)


def local_clock(settings: Settings) -> None:
    """Log times in the deployment's time zone (Prefect's log lines, this process and the ones it
    starts): a server's clock is often UTC, and 01:37 in a log is 08:37 in Việt Nam."""
    os.environ["TZ"] = settings.timezone
    time.tzset()


def run_now_command(server: Server, deployment: str) -> str:
    """A command that triggers the nightly deployment now, working as printed from any shell: the
    server's address and the prefect executable of this installation spelled out."""
    prefect = shlex.quote(str(Path(sys.executable).with_name("prefect")))
    return f"PREFECT_API_URL={shlex.quote(server.api_url)} {prefect} deployment run '{deployment}/{deployment}'"


@contextmanager
def prefect_api(server: Server, settings: Settings) -> Iterator[None]:
    """Point Prefect (this process and the ones it starts) at `server`."""
    os.environ["PREFECT_API_URL"] = server.api_url
    os.environ.setdefault("PREFECT_HOME", str(prefect_home(settings)))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if "prefect" in sys.modules:  # already imported (tests): its settings were read at import
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    else:
        yield


DIRECT = (
    "chạy trực tiếp, không qua Prefect (không có máy chủ Prefect nào đang chạy; lịch chạy và lịch sử "
    "các lần chạy nằm ở máy chủ của tthc serve)"
)


def run_command(targets: list[str], settings: Settings) -> RunSummary:
    """`tthc run`: as a Prefect flow on the server that is up (tthc serve's, a configured one, one on
    prefect_port), so the run is in its history; with none up, the same steps in this process at
    once (a temporary server cost ~15 s before any work; README "Decisions")."""
    server = find_server(settings)
    if server is not None and server.source == "configured" and not healthy(server.api_url):
        raise ServerError(
            f"không kết nối được máy chủ Prefect {server.api_url} (PREFECT_API_URL) — "
            "the configured Prefect server does not answer"
        )
    if server is None:
        from pipelines.run import run_local

        summary = run_local([Path(t) for t in targets], settings)
        summary.orchestration = DIRECT
        return summary
    with prefect_api(server, settings):
        summary = _in_worker_thread(targets, settings)
    summary.orchestration = server.describe()
    return summary


def _in_worker_thread(targets: list[str], settings: Settings) -> RunSummary:
    """The flow in a thread of its own, this (main) thread waiting for it. In the main thread
    Prefect's engine would take SIGTERM over and, on it, wait for every running task to finish
    (a file being staged: minutes) before giving the signal back; here the command's own handler
    gets it at once and ends the command (cli.main), the run unpublished."""
    import contextvars
    import threading

    from pipelines.flows import run_flow

    done: dict[str, object] = {}

    def work() -> None:
        try:
            done["summary"] = run_flow(targets, settings)
        except BaseException as exc:  # handed to the main thread as it is
            done["error"] = exc

    # with this thread's context: Prefect's settings (the server's address, when Prefect was imported
    # before prefect_api set it) live in a context variable a new thread would not see
    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(work,), name="tthc-run-flow", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
    if "error" in done:
        raise done["error"]  # type: ignore[misc]
    return done["summary"]  # type: ignore[return-value]


def serve_forever(settings: Settings, cron: str | None, every: float | None, echo=print) -> None:
    """Serve the nightly deployment until stopped (Ctrl+C, SIGTERM), on the configured server or
    on one started here (scheduler on, UI on 127.0.0.1:prefect_port), stopped on the way out."""
    local_clock(settings)
    state = read_state(settings)
    if state and state.get("pid") != os.getpid():
        try:
            os.kill(int(state["pid"]), 0)
            raise ServerError(f"tthc serve đã chạy (tiến trình {state['pid']}) — tthc serve is already running")
        except (ProcessLookupError, ValueError):
            pass  # a serve that was killed left its state file
    server = find_server(settings)
    started = None
    if server is None or server.source == "serve":
        started = server = start_server(settings, settings.prefect_port, scheduler=True, source="started")
    elif not healthy(server.api_url):
        raise ServerError(f"không kết nối được máy chủ Prefect {server.api_url} — the Prefect server does not answer")
    write_state(settings, server)
    echo(f"Máy chủ Prefect: {server.describe()} (giao diện: {server.ui_url})")
    try:
        with prefect_api(server, settings):
            from pipelines.flows import DEPLOYMENT, serve

            echo(f"Chạy ngay một lần (từ một cửa sổ khác): {run_now_command(server, DEPLOYMENT)}")
            serve(cron, settings.timezone, every)
    finally:
        clear_state(settings)
        if started is not None:
            stop_server(started)


def schedule_problem(cron: str | None, every: float | None, timezone: str) -> str | None:
    """What is wrong with `tthc serve --cron/--every`, in one line, before any server starts
    (Prefect's own schedule model checks the cron: one definition of what it accepts)."""
    if every is not None:
        if not math.isfinite(every) or every < 1:
            return f"--every {every:g} không hợp lệ: cần số giây ≥ 1 — invalid interval"
        return None
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron or "", timezone=timezone)
    except (ValidationError, ValueError) as exc:
        why = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        return f"--cron '{cron}' không hợp lệ ({why}); ví dụ '0 2 * * *' = 2 giờ sáng mỗi ngày — invalid cron"
    return None


def ensure_inbox(settings: Settings) -> Path:
    Path(settings.inbox).mkdir(parents=True, exist_ok=True)
    return Path(settings.inbox)
