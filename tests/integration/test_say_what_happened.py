"""Say what really happened (issue 17): only a file DuckDB cannot open as a database is "damaged";
a full disk, memory running out, an unknown storage version are the environment or a setting, said
as such, nothing published. Memory pressure stays inside the configured limits (a clean one-line
exit, never a C++ abort). Settings, schedules and periods are checked whole before anything starts,
a broken lock link and a failed report write are one sentence."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import EXIT_DATA, EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE, app
from pipelines.config import Settings
from pipelines.run import run_local

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
ROW = "{id};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả"
TTHC = str(Path(sys.executable).with_name("tthc"))
DAMAGED = "tthc restore"  # what the "damaged warehouse" line tells the operator to do


def _export(path: Path, *ids: str) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(ROW.format(id=i) for i in ids) + "\n", encoding="utf-8")
    return path


def _sha(path: Path) -> bytes:
    return Path(path).read_bytes()


def _one_line_error(text: str) -> None:
    """The failure is said once, in one sentence, and nothing else is dumped."""
    assert "Traceback" not in text and "Exception ignored" not in text and "terminate called" not in text, text
    assert text.count("Lỗi:") == 1, text


@pytest.mark.slow
@pytest.mark.parametrize(
    "failure, said",
    [
        (duckdb.IOException('Could not write file "w.duckdb.building": No space left on device'), "đĩa đầy"),
        (duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 256.0 MiB"), "hết bộ nhớ"),
        (duckdb.IOException('Cannot open file "/srv/x.duckdb.building": Permission denied'), "Permission denied"),
    ],
)
def test_a_failure_of_the_machine_is_never_called_a_damaged_warehouse(tmp_path, monkeypatch, failure, said):
    import pipelines.run as run

    s = Settings.load()
    run_local([_export(tmp_path / "a.csv", "A-1")], s)
    published = _sha(s.db)

    def fails(*args, **kwargs):
        raise failure

    monkeypatch.setattr(run, "build", fails)  # while building, after the copy was made
    result = CliRunner().invoke(app, ["run", "--no-prefect", str(_export(tmp_path / "b.csv", "B-1"))])
    assert result.exit_code == EXIT_ENVIRONMENT, result.output
    text = " ".join(result.output.split())
    assert said in text and "lỗi môi trường" in text and DAMAGED not in text and "bị hỏng" not in text
    assert _sha(s.db) == published  # nothing published


@pytest.mark.slow
def test_a_file_duckdb_cannot_open_is_damaged(tmp_path):
    s = Settings.load()
    run_local([_export(tmp_path / "a.csv", "A-1")], s)
    s.db.write_bytes(s.db.read_bytes()[:5000])
    result = CliRunner().invoke(app, ["quality"])
    assert result.exit_code == EXIT_ENVIRONMENT and DAMAGED in result.output


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("prlimit") is None, reason="util-linux prlimit")
@pytest.mark.parametrize("limit", [600_000_000, 1_000_000_000, 1_500_000_000])
def test_memory_pressure_is_a_clean_exit_never_an_abort(tmp_path, limit):
    """Under `prlimit --as`: the run completes within its limits, or stops with one line saying
    memory ran out (exit 3, nothing published); never std::bad_alloc, exit 134 or a traceback."""
    s = Settings.load()
    rows = [HEADER] + [ROW.format(id=f"M-{i}") for i in range(2000)]
    path = tmp_path / "m.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = subprocess.run(
        ["prlimit", f"--as={limit}", TTHC, "run", "--no-prefect", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    text = done.stdout + done.stderr
    assert done.returncode in (EXIT_OK, EXIT_ENVIRONMENT), (done.returncode, text[-3000:])
    assert (
        "Traceback" not in text
        and "terminate called" not in text
        and "bad_alloc" not in text.replace("bad allocation", "")
    ), text[-3000:]
    if done.returncode == EXIT_OK:
        con = duckdb.connect(str(s.db), read_only=True)
        assert con.execute("select count(*) from cases").fetchone() == (2000,)
        con.close()
    else:
        _one_line_error(done.stderr)
        assert "bộ nhớ" in text and DAMAGED not in text
        assert not s.db.exists()  # nothing published


@pytest.mark.parametrize(
    "env, said",
    [
        ({"TTHC_STORAGE_VERSION": "v9.9.9"}, "storage_version = 'v9.9.9'"),
        ({"TTHC_MEMORY_LIMIT": "lots"}, "memory_limit = 'lots'"),
        ({"TTHC_PROVINCE": "Nam Mỹ"}, "không có tỉnh 'Nam Mỹ'"),
        ({"TTHC_UNITS": "Mỹ Tân,Xã Không Có"}, "không có đơn vị 'Xã Không Có'"),
    ],
)
def test_a_setting_is_checked_before_the_run_starts(tmp_path, env, said):
    s = Settings.load()
    result = CliRunner().invoke(app, ["run", "--no-prefect", str(_export(tmp_path / "a.csv", "A-1"))], env=env)
    assert result.exit_code == EXIT_USAGE, result.output
    assert said in " ".join(result.output.split())
    assert not s.db.exists()


@pytest.mark.slow
def test_a_configuration_file_in_utf16_is_one_line(tmp_path):
    config = tmp_path / "tthc.toml"
    config.write_bytes("[tthc]\nreject_share = 0.3\n".encode("utf-16"))  # Notepad's "Unicode"
    done = subprocess.run([TTHC, "config", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_USAGE
    _one_line_error(done.stderr)
    assert "UTF-16" in done.stderr and "UTF-8" in done.stderr
    config.write_bytes("\ufeff[tthc]\nreject_share = 0.3\n".encode())  # UTF-8 with a BOM is fine
    done = subprocess.run([TTHC, "config", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_OK and "reject_share" in done.stdout and "0.3" in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--cron", "99 99 * * *"], ["--every", "-1"], ["--every", "nan"], ["--every", "0"]])
def test_a_wrong_schedule_stops_serve_before_any_server_starts(args):
    s = Settings.load()
    started = time.monotonic()
    done = subprocess.run([TTHC, "serve", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == EXIT_USAGE, done.stdout + done.stderr
    _one_line_error(done.stderr)
    assert args[1] in done.stderr.replace("\n", " ")
    assert "Máy chủ Prefect" not in done.stdout and not (Path(s.prefect_home) / "tthc-server.json").exists()
    assert not Path(s.prefect_home).exists() or not any(Path(s.prefect_home).iterdir())
    assert time.monotonic() - started < 120


@pytest.mark.parametrize("period", ["0000", "9999Q4", "31/12/9999-01/01/2024", "2024Q5"])
def test_a_period_out_of_reach_is_one_line(period):
    result = CliRunner().invoke(app, ["report", "--commune", "Mỹ Tân", "--period", period])
    assert result.exit_code == EXIT_DATA, result.output
    assert isinstance(result.exception, SystemExit)  # no ValueError escaping
    assert "kỳ báo cáo không hợp lệ" in result.output


@pytest.mark.slow
def test_a_lock_that_is_a_broken_link_is_one_sentence(tmp_path):
    s = Settings.load()
    lock = Path(str(s.db) + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.symlink_to(tmp_path / "gone" / "w.lock")
    done = subprocess.run(
        [TTHC, "run", "--no-prefect", str(_export(tmp_path / "a.csv", "A-1"))], capture_output=True, text=True
    )
    assert done.returncode == EXIT_ENVIRONMENT, done.stdout + done.stderr
    _one_line_error(done.stderr)
    assert "liên kết hỏng" in done.stderr and "rm" in done.stderr


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="Linux /dev/full")
def test_a_failed_report_write_is_one_line(tmp_path):
    run_local([_export(tmp_path / "a.csv", "A-1")], Settings.load())
    done = subprocess.run(
        [TTHC, "report", "-c", "Mỹ Tân", "-p", "2024Q1", "--format", "docx", "--out", "/dev/full"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == EXIT_ENVIRONMENT, done.stdout + done.stderr
    _one_line_error(done.stderr)
    assert "/dev/full" in done.stderr
