"""The nightly service as an operator runs it: `tthc serve` brings its Prefect server, a scheduled
run really fires and ingests the inbox, `tthc run` and `tthc status` use that server, and no
process outlives the command that started it, SIGKILL included."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.children import descendants
from pipelines.prefect_server import free_port, healthy
from tests.integration.prefect_api import prefect_api

pytestmark = pytest.mark.slow  # each test starts a real Prefect server (5–15 s)

TTHC = str(Path(sys.executable).with_name("tthc"))
HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
ROW = "{id};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả"


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    """One Prefect database for the module: its migrations run once (~15 s), later starts ~5 s."""
    return tmp_path_factory.mktemp("prefect")


@pytest.fixture
def site(tmp_path, prefect_home) -> dict:
    """A deployment folder with its own config, as on the office's server."""
    port = free_port()
    config = tmp_path / "tthc.toml"
    config.write_text(
        textwrap.dedent(f"""
        [tthc]
        db = "{tmp_path / "w.duckdb"}"
        inbox = "{tmp_path / "inbox"}"
        out = "{tmp_path / "out"}"
        stage = "{tmp_path / "stage"}"
        prefect_home = "{prefect_home}"
        prefect_port = {port}
        settle_seconds = 2
        inbox_archive = "{tmp_path / "archive"}"
    """),
        encoding="utf-8",
    )
    (tmp_path / "inbox").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TTHC_"))}
    env.update(TTHC_CONFIG=str(config), PREFECT_HOME=str(prefect_home))
    return {"dir": tmp_path, "env": env, "port": port, "api": f"http://127.0.0.1:{port}/api"}


def _wait(predicate, timeout: float, what: str, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    pytest.fail(f"not within {timeout:.0f} s: {what}")


def _loaded(db: Path) -> list[str]:
    if not db.exists():
        return []
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return []
    try:
        return [r[0] for r in con.execute("select file_name from ingested_files where status = 'loaded'").fetchall()]
    except duckdb.Error:
        return []
    finally:
        con.close()


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except OSError:
            pass
    return alive


def _serve(site: dict, every: int = 5) -> subprocess.Popen:
    return subprocess.Popen(
        [TTHC, "serve", "--every", str(every)],
        cwd=site["dir"],
        env=site["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_served_schedule_fires_ingests_the_inbox_and_stops_clean(site):
    d = site["dir"]
    (d / "inbox" / "today.csv").write_text(HEADER + "\n" + ROW.format(id="S-1") + "\n", encoding="utf-8")
    os.utime(d / "inbox" / "today.csv", (time.time() - 60, time.time() - 60))  # copied a minute ago
    serve = _serve(site)
    banner: list[str] = []
    try:
        _wait(lambda: healthy(site["api"]), 60, "the Prefect server of tthc serve answers")
        children = descendants(serve.pid)
        assert children, "tthc serve started no Prefect server"
        assert serve.stdout is not None
        while not any("deployment run" in line for line in banner):  # the banner, before any run
            banner.append(serve.stdout.readline())
        _wait(lambda: "today.csv" in _loaded(d / "w.duckdb"), 90, "a scheduled run loads the inbox file")

        # the banner's command works as printed, from a shell that knows nothing of this server
        command = next(line for line in banner if "deployment run" in line).split(": ", 1)[1].strip()
        clean = {"PATH": "/usr/bin:/bin", "HOME": str(d)}
        fired = subprocess.run(["sh", "-c", command], env=clean, capture_output=True, text=True, timeout=60)
        assert fired.returncode == 0 and "Created flow run" in fired.stdout, command + fired.stdout + fired.stderr
        _wait(
            lambda: (d / "archive").exists() and any((d / "archive").rglob("today.csv")),
            30,
            "the loaded file moves to the archive",
        )
        assert not (d / "inbox" / "today.csv").exists()

        # tthc run uses the server tthc serve started, and its run is recorded there
        (d / "more.csv").write_text(HEADER + "\n" + ROW.format(id="S-2") + "\n", encoding="utf-8")
        run = subprocess.run(
            [TTHC, "run", str(d / "more.csv")], cwd=d, env=site["env"], capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "của tthc serve" in run.stdout
        runs = prefect_api(site["api"], "/flow_runs/filter", {"flows": {"name": {"any_": ["tthc-run"]}}})
        assert any(fr["state"]["type"] == "COMPLETED" for fr in runs)  # type: ignore[union-attr]

        status = subprocess.run(
            [TTHC, "status", "--format", "json"], cwd=d, env=site["env"], capture_output=True, text=True, timeout=60
        )
        report = json.loads(status.stdout)
        assert status.returncode == 0, status.stdout
        assert report["server_ok"] and report["serve_pid"] == serve.pid and report["deployment"]
        assert report["last_runs"][0]["type"] == "COMPLETED" and report["next_run"]
    finally:
        serve.send_signal(signal.SIGTERM)
        out, _ = serve.communicate(timeout=60)
    out = "".join(banner) + out
    assert serve.returncode == 0, out
    # the service's log: sentences in the deployment's local time, never a Python dict
    assert "Lần chạy " in out and " tệp nạp, " in out and "{'run_id'" not in out, out
    assert "Traceback" not in out, out
    _wait(lambda: not _alive(children), 10, "the Prefect server stops with tthc serve")
    assert not healthy(site["api"])


def test_kill_9_of_serve_leaves_no_process(site):
    serve = _serve(site, every=3600)
    _wait(lambda: healthy(site["api"]), 60, "the Prefect server of tthc serve answers")
    children = descendants(serve.pid)
    assert children
    serve.kill()
    serve.wait()
    _wait(lambda: not _alive(children), 10, f"no process of the killed tthc serve left ({children})")


def test_kill_9_of_run_leaves_no_process(site):
    """tthc run through a Prefect server it started (as tthc serve does), killed: it leaves neither
    that server nor its process-pool workers behind."""
    d = site["dir"]
    for i in range(3):
        (d / f"f{i}.csv").write_text(HEADER + "\n" + ROW.format(id=f"K-{i}") + "\n", encoding="utf-8")
    driver = d / "driver.py"  # tthc run, with the process pool for any size (the scale-out path)
    driver.write_text(
        textwrap.dedent(f"""
        import pipelines.flows as flows
        from pipelines.children import supervise
        from pipelines.config import Settings
        from pipelines.prefect_server import start_server
        from pipelines.service import run_command
        supervise()
        settings = Settings.load()
        start_server(settings, settings.prefect_port, scheduler=False, source="local")
        flows.PROCESS_POOL_BYTES = 0
        run_command({[str(d / f"f{i}.csv") for i in range(3)]!r}, settings)
    """),
        encoding="utf-8",
    )
    env = dict(site["env"], TTHC_PAUSE_AT="staging")  # the workers wait while staging: killed meanwhile
    proc = subprocess.Popen(
        [sys.executable, str(driver)], cwd=d, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        # the server and at least one pool worker
        kids = _wait(lambda: (k := descendants(proc.pid)) and len(k) >= 3 and k, 90, "server and workers started")
    finally:
        proc.kill()
        proc.wait()
    _wait(lambda: not _alive(kids), 15, f"no process of the killed run left ({kids})")
