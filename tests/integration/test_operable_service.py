"""The nightly service is operable (issue 18): the Prefect UI works on any port, the banner's command
works as printed, a SIGTERM during a run ends it without a traceback, the run summary reads in a log,
messages use words not internal codes, `tthc export` honours `out`, and a PDF or a DOCX inside a
folder is listed as not an export, as it is when named."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.children import descendants
from pipelines.config import Settings
from pipelines.prefect_server import free_port, start_server, stop_server
from pipelines.transform.stage import stage_file
from tests.integration.prefect_api import prefect_api

TTHC = str(Path(sys.executable).with_name("tthc"))
HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
ROW = "{id};Khai sinh;UBND phường Thiên Trường;Trực tuyến;06/07/2026 08:00;09/07/2026;08/07/2026 10:00;Đã trả kết quả"
LONG_NAME = "2026-12-07_phuong-thien-truong_danh-sach-ho-so-da-tiep-nhan-thang-11.csv"


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    """One Prefect database for the module's servers: its migrations run once (~15 s)."""
    return tmp_path_factory.mktemp("prefect")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TTHC_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), TTHC_CONFIG=str(tmp_path / "none.toml"))
    return env


def _alive(pids: list[int]) -> list[int]:
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] != "Z":
                    out.append(pid)
        except OSError:
            pass
    return out


@pytest.mark.slow
def test_headless_chromium_loads_a_run_in_the_ui_on_another_port(tmp_path, prefect_home):
    """The real client: a run reported to a server on a port other than 4200 shows in Prefect's UI
    as Chromium renders it. The UI asks its server for the API address (/ui-settings): it must be
    the server's own port, not Prefect's default 4200 ("Can't connect to Server API")."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("headless Chromium is needed: apt-get install chromium")
    port = free_port()
    config = tmp_path / "tthc.toml"
    config.write_text(f'[tthc]\nprefect_port = {port}\nprefect_home = "{prefect_home}"\n', encoding="utf-8")
    env = dict(_env(tmp_path), TTHC_CONFIG=str(config), PREFECT_HOME=str(prefect_home))
    assert port != 4200
    server = start_server(Settings.load(config), port, scheduler=False, source="temporary")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui-settings", timeout=10) as r:
            assert json.load(r)["api_url"] == f"http://127.0.0.1:{port}/api"
        f = tmp_path / "today.csv"
        f.write_text(HEADER + "\n" + ROW.format(id="U-1") + "\n", encoding="utf-8")
        done = subprocess.run(
            [TTHC, "run", str(f), "--db", str(tmp_path / "w.duckdb")],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0 and f"127.0.0.1:{port}" in done.stdout, done.stdout + done.stderr
        [flow_run] = prefect_api(
            f"http://127.0.0.1:{port}/api", "/flow_runs/filter", {"flows": {"name": {"any_": ["tthc-run"]}}}
        )  # type: ignore[misc]
        page = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'chromium'}",
             "--virtual-time-budget=15000", "--dump-dom", f"http://127.0.0.1:{port}/runs/flow-run/{flow_run['id']}"],
            capture_output=True, text=True, timeout=180,
        ).stdout  # fmt: skip
    finally:
        stop_server(server)
    text = " ".join(re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page, flags=re.S).split())
    assert flow_run["name"] in text and "Completed" in text and "tthc-run" in text, text[:2000]
    assert "Can't connect" not in text and "Unable to connect" not in text


@pytest.mark.slow
def test_sigterm_during_a_run_ends_it_without_a_traceback(tmp_path):
    """`tthc run` (no Prefect server up: the steps run in the command's process) paused while
    staging, its process group sent SIGTERM (a terminal's or a service manager's stop): one line,
    exit 143, nothing published, no process left, no traceback."""
    f = tmp_path / "today.csv"
    f.write_text(HEADER + "\n" + ROW.format(id="T-1") + "\n", encoding="utf-8")
    env = dict(_env(tmp_path), TTHC_PAUSE_AT="staging", TTHC_PAUSE_SECONDS="120")
    proc = subprocess.Popen(
        [TTHC, "run", str(f), "--db", str(tmp_path / "w.duckdb")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    kids: list[int] = []
    try:
        stage = tmp_path / "data" / "stage"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (stage.is_dir() and any(stage.iterdir())):
            time.sleep(0.2)  # the run's own stage folder: it is staging (and paused there)
        assert stage.is_dir() and any(stage.iterdir()), "the run never reached staging"
        time.sleep(1)
        kids = descendants(proc.pid)
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 143, out
    assert "Traceback" not in out and "Error" not in out, out
    assert "Đã dừng (SIGTERM)" in out
    assert not (tmp_path / "w.duckdb").exists()  # nothing published
    deadline = time.monotonic() + 15
    while _alive(kids) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _alive(kids), kids


@pytest.fixture(scope="module")
def logged_run(tmp_path_factory):
    """One `tthc run --no-prefect` over a folder, its output captured as a log would (not a
    terminal): a long-named export, a file with a fee in words and a case finished only by its
    hand-over date, a PDF and a Word file put there by mistake; then `tthc export` with only the
    setting `out`."""
    tmp = tmp_path_factory.mktemp("logged")
    folder = tmp / "nop"
    folder.mkdir()
    (folder / LONG_NAME).write_text(
        HEADER + "\n" + "\n".join(ROW.format(id=f"L-{i}") for i in range(1200)) + "\n", encoding="utf-8"
    )
    (folder / "phi.csv").write_text(
        "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày trả kết quả;Trạng thái;"
        "Lệ phí\n"
        "P-1;Chứng thực;UBND phường Thiên Trường;Trực tiếp;06/07/2026 08:00;06/07/2026 17:00;06/07/2026 10:00;"
        "Đã trả kết quả;mười nghìn\n",
        encoding="utf-8",
    )
    (folder / "bao-cao-quy-3.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    from docx import Document

    Document().save(str(folder / "bao-cao.docx"))
    config = tmp / "tthc.toml"
    config.write_text(f'[tthc]\ndb = "{tmp / "w.duckdb"}"\nout = "{tmp / "ra"}"\n', encoding="utf-8")
    env = dict(_env(tmp), TTHC_CONFIG=str(config))
    run = subprocess.run(
        [TTHC, "run", "--no-prefect", str(folder)], cwd=tmp, env=env, capture_output=True, text=True, timeout=300
    )
    export = subprocess.run([TTHC, "export"], cwd=tmp, env=env, capture_output=True, text=True, timeout=120)
    return tmp, folder, run, export


def test_the_summary_reads_in_a_log(logged_run):
    """Not on a terminal (journalctl, a cron mail, a pipe): one line per file, the name in full,
    numbers Vietnamese style, the DuckDB command as it runs here."""
    _, _, run, _ = logged_run
    assert run.returncode == 1, run.stdout + run.stderr  # the PDF and the DOCX are rejected files
    out = run.stdout
    assert f"{LONG_NAME}: đã nạp, đọc 1.200 = nạp 1.200 + cách ly 0 + trùng 0" in out, out
    assert "┃" not in out and "…" not in out.split("Kho dữ liệu")[0]
    opener = re.search(r"\(mở: (\S+) -readonly", out)
    assert opener and Path(opener[1]).is_file(), out  # the printed command exists as printed


def test_flags_are_words_not_codes(logged_run):
    """A fee that is not a number and a case finished only by its hand-over date: the run summary
    says so in words (schemas/flags.csv), never flag_bad_fee or finished_from_returned."""
    _, _, run, _ = logged_run
    out = run.stdout
    notes = out[out.index("phi.csv: đã nạp") :].split("\n\n")[0]
    assert "phí, lệ phí không phải số" in notes and "thiếu ngày có kết quả nên lấy ngày trả kết quả" in notes, out
    assert not re.search(r"flag_|finished_from|finished_not", out), out


def test_tthc_export_writes_under_the_out_setting(logged_run):
    tmp, _, _, export = logged_run
    assert export.returncode == 0, export.stdout + export.stderr
    assert (tmp / "ra" / "parquet" / "cases").is_dir()
    assert not (tmp / "data" / "out").exists()  # 0.5.0 wrote to data/out/parquet whatever `out` said


def test_a_pdf_or_docx_in_a_folder_is_listed_as_not_an_export(logged_run, settings):
    tmp, folder, run, _ = logged_run
    for name in ("bao-cao-quy-3.pdf", "bao-cao.docx"):
        line = next((x for x in run.stdout.splitlines() if x.startswith(f"{name}: ")), "")
        assert line.startswith(f"{name}: từ chối"), run.stdout
        # as when named: `tthc run bao-cao.docx` stages the file it is given (transform/stage.py)
        named = stage_file(folder / name, replace(settings, stage=tmp / "named"))
        assert named.status == "rejected" and line.endswith(f"lý do: {named.message}"), (line, named.message)


def test_settings_of_the_names_are_read_from_the_file(tmp_path):
    config = tmp_path / "tthc.toml"
    config.write_text(
        '[tthc]\nreport_to = ["UBND tỉnh Ninh Bình"]\nsigner_name = "Nguyễn Hữu Lệ"\n'
        'folder_units = { "data/inbox/tt" = "phường Thiên Trường" }\n',
        encoding="utf-8",
    )
    s = Settings.load(config)
    assert s.report_to == ["UBND tỉnh Ninh Bình"] and s.signer_name == "Nguyễn Hữu Lệ"
    assert s.folder_units == ["data/inbox/tt = phường Thiên Trường"]
