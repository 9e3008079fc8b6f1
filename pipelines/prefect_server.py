"""The Prefect server the flows report to: found when one is up, started when none is.

Which server a command uses, in order:

1. `PREFECT_API_URL` (the environment or the active Prefect profile): a site's own server;
2. the server `tthc serve` started on this machine (its address is in
   `<prefect_home>/tthc-server.json` while it runs);
3. a server answering on 127.0.0.1:<prefect_port> (e.g. started by its own systemd unit);
4. none: `tthc run` starts a temporary one of its own for the run (the runs then still appear in
   the same database, so the UI shows them later); `tthc serve` starts the long-lived one.

A server this module starts is a child that dies with its parent (children.die_with_parent):
a `tthc` killed with SIGKILL never leaves a Prefect server behind. Nothing here imports Prefect
(1.7 s): the address is settled first, then flows run with it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipelines.children import die_with_parent
from pipelines.config import Settings

STATE_FILE = "tthc-server.json"
START_TIMEOUT = 120.0  # the first start of a new database runs its migrations (~15 s here)


class ServerError(RuntimeError):
    """The Prefect server could not be started or reached (the message says why, in Vietnamese)."""


@dataclass
class Server:
    api_url: str
    source: str  # configured | serve | local | temporary | started
    pid: int | None = None
    process: subprocess.Popen | None = None

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")

    def describe(self) -> str:
        words = {
            "configured": "máy chủ Prefect cấu hình (PREFECT_API_URL)",
            "serve": "máy chủ Prefect của tthc serve",
            "local": "máy chủ Prefect trên máy này",
            "temporary": "máy chủ Prefect tạm thời (không có máy chủ nào đang chạy)",
            "started": "máy chủ Prefect do tthc serve khởi động",
        }
        return f"{words.get(self.source, self.source)} {self.ui_url}"


def prefect_home(settings: Settings) -> Path:
    """PREFECT_HOME: the environment's if set, else the setting (next to the warehouse)."""
    env = os.environ.get("PREFECT_HOME")
    return Path(env) if env else Path(settings.prefect_home).absolute()


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout) as r:
            return r.status == 200
    except (OSError, urllib.error.URLError, ValueError):
        return False


def configured_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile (without importing
    Prefect when the environment has it)."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url
    profiles = Path(
        os.environ.get("PREFECT_PROFILES_PATH")
        or Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect")) / "profiles.toml"
    )
    if not profiles.exists():
        return None
    import tomllib

    try:
        data = tomllib.loads(profiles.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or data.get("active", "ephemeral")
    return data.get("profiles", {}).get(active, {}).get("PREFECT_API_URL") or None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_state(settings: Settings) -> dict | None:
    path = prefect_home(settings) / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and "api_url" in state else None


def find_server(settings: Settings) -> Server | None:
    """The server that is up, by the order of the module docstring; None when none is."""
    url = configured_url()
    if url:
        return Server(url, "configured")
    state = read_state(settings)
    if state and _pid_alive(int(state.get("pid", 0))) and healthy(state["api_url"]):
        return Server(state["api_url"], "serve", int(state["pid"]))
    local = f"http://127.0.0.1:{settings.prefect_port}/api"
    if healthy(local, timeout=0.5):
        return Server(local, "local")
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(settings: Settings, port: int, *, scheduler: bool, source: str) -> Server:
    """`prefect server start` on 127.0.0.1:port as a child that dies with this process; returns
    once it answers /api/health."""
    home = prefect_home(settings)
    home.mkdir(parents=True, exist_ok=True)
    log = open(home / f"server-{port}.log", "ab")  # noqa: SIM115 - the child writes it; closed in stop()
    env = dict(
        os.environ,
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED=str(scheduler).lower(),
        PREFECT_SERVER_UI_ENABLED="true",
        PREFECT_LOGGING_LEVEL="WARNING",
        # the UI asks the server where its API is (/ui-settings): without this it says 4200 whatever
        # the port (prefect 3.9 settings ServerUISettings.api_url, default from PREFECT_SERVER_API_PORT)
        PREFECT_SERVER_UI_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT_SERVER_API_PORT=str(port),
    )
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    # its own session: a SIGTERM or Ctrl+C to the command's process group (a terminal, a service
    # manager) reaches the command, which stops its runs first and the server last; the server
    # still dies with the command (die_with_parent)
    proc = subprocess.Popen(
        die_with_parent(cmd, signal.SIGTERM),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}/api", source, proc.pid, proc)
    server._log = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            stop_server(server)
            raise ServerError(
                f"máy chủ Prefect dừng ngay khi khởi động (mã {proc.returncode}); "
                f"xem {home / f'server-{port}.log'} — the Prefect server exited at start"
            )
        if healthy(server.api_url, timeout=1.0):
            return server
        time.sleep(0.2)
    stop_server(server)
    raise ServerError(f"máy chủ Prefect không sẵn sàng sau {START_TIMEOUT:.0f} giây — the Prefect server did not start")


def stop_server(server: Server, timeout: float = 20.0) -> None:
    """Stop a server this process started (SIGTERM, then SIGKILL)."""
    proc = server.process
    if proc is None:
        return
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log = getattr(server, "_log", None)
    if log is not None:
        log.close()


def write_state(settings: Settings, server: Server) -> Path:
    path = prefect_home(settings) / STATE_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        json.dumps(
            {
                "api_url": server.api_url,
                "pid": os.getpid(),
                "server_pid": server.pid,
                "started_at": datetime.now().isoformat(timespec="seconds"),
            }
        ),
        encoding="utf-8",
    )
    os.replace(tmp, path)
    return path


def clear_state(settings: Settings) -> None:
    state = read_state(settings)
    if state and int(state.get("pid", 0)) == os.getpid():
        (prefect_home(settings) / STATE_FILE).unlink(missing_ok=True)
