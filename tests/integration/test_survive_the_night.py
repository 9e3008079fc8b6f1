"""The nights an office's server meets: an analyst's read-write session, a killed analyst's WAL,
unreadable inputs, a full disk, bad settings, a symlinked warehouse, a damaged warehouse; the
run finishes or fails with one line and the right exit code, and nothing is lost."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import EXIT_DATA, EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE, app
from pipelines.config import Settings, SettingsError
from pipelines.handover import EnvironmentFailure
from pipelines.run import run_local
from pipelines.run_guard import run_lock

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
ROW = "{id};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;0{d}/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả"
TTHC = str(Path(sys.executable).with_name("tthc"))


def _export(path: Path, *ids: str) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(ROW.format(id=i, d=1 + n % 5) for n, i in enumerate(ids)) + "\n", "utf-8")
    return path


def _settings(tmp: Path, **kw) -> Settings:
    return Settings.load(
        config_file=tmp / "none.toml",
        db=tmp / "w.duckdb",
        stage=tmp / "stage",
        out=tmp / "out",
        backups=tmp / "backups",
        input_archive=tmp / "inputs",
        **kw,
    )


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env.update(
        TTHC_CONFIG=str(tmp / "none.toml"),
        TTHC_DB=str(tmp / "w.duckdb"),
        TTHC_STAGE=str(tmp / "stage"),
        TTHC_BACKUPS=str(tmp / "backups"),
        TTHC_INPUT_ARCHIVE=str(tmp / "inputs"),
        TTHC_OUT=str(tmp / "out"),
    )
    return env


ANALYST = textwrap.dedent("""
    import duckdb, sys, time
    con = duckdb.connect(sys.argv[1])          # read-write, as DBeaver and the CLI open by default
    if sys.argv[2] == "write-now":
        con.execute("create table my_notes as select 1 as x")
    print("open", flush=True)
    sys.stdin.readline()                       # the test says when to write
    con.execute("create table later_notes as select 2 as x")
    print("wrote", flush=True)
    time.sleep(60)
""")


def _analyst(db: Path, when: str = "write-now") -> subprocess.Popen:
    p = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(db), when], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "open"
    return p


def test_an_analysts_read_write_session_never_blocks_the_run_and_is_named(tmp_path):
    s = _settings(tmp_path)
    run_local([_export(tmp_path / "a.csv", "A-1")], s)
    analyst = _analyst(s.db)
    try:
        from pipelines.status import Status, _warehouse

        st = Status()
        assert len(_warehouse(st, s)) == 1 and any(f"PID {analyst.pid}" in w for w in st.warnings)
        summary = run_local([_export(tmp_path / "b.csv", "B-1")], s)
        assert summary.status == "succeeded" and summary.count("loaded") == 1
        assert any(f"PID {analyst.pid}" in w and "duckdb -readonly" in w for w in summary.warnings), summary.warnings
    finally:
        analyst.kill()
        analyst.wait()
    con = duckdb.connect(str(s.db), read_only=True)
    assert con.execute("select count(*) from cases").fetchone() == (2,)
    con.close()


def test_a_killed_analysts_wal_is_set_aside_never_replayed(tmp_path):
    """The analyst opened the old file read-write; the run replaced it; the analyst then wrote and
    was killed: its WAL now sits next to a file it does not belong to."""
    s = _settings(tmp_path)
    run_local([_export(tmp_path / "a.csv", "A-1")], s)
    analyst = _analyst(s.db, "write-later")
    run_local([_export(tmp_path / "b.csv", "B-1")], s)
    assert analyst.stdin is not None and analyst.stdout is not None
    analyst.stdin.write("go\n")
    analyst.stdin.flush()
    assert analyst.stdout.readline().strip() == "wrote"
    analyst.send_signal(signal.SIGKILL)
    analyst.wait()
    wal = s.db.with_name(s.db.name + ".wal")
    assert wal.exists()
    with pytest.raises(duckdb.Error, match="WAL"):
        duckdb.connect(str(s.db), read_only=True)  # what every command met before

    result = CliRunner().invoke(app, ["quality", "--db", str(s.db), "--config", str(_empty_config(tmp_path))])
    assert result.exit_code == EXIT_OK, result.output
    assert not wal.exists() and list(tmp_path.glob("w.duckdb.wal.stale-*"))  # kept, renamed
    summary = run_local([_export(tmp_path / "c.csv", "C-1")], s)
    assert summary.status == "succeeded"


def _empty_config(tmp: Path) -> Path:
    p = tmp / "tthc.toml"
    p.write_text("[tthc]\n", encoding="utf-8")
    return p


def _drop_file_permission_override() -> None:
    """In the child: root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH obeys file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl")


def test_unreadable_inputs_are_rejected_one_by_one_and_the_run_goes_on(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    _export(inbox / "good.csv", "G-1")
    _export(inbox / "secret.csv", "S-1").chmod(0)
    locked = inbox / "locked"
    locked.mkdir()
    _export(locked / "inner.csv", "L-1")
    locked.chmod(0)
    os.mkfifo(inbox / "pipe.csv")
    (inbox / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    fifo_arg = tmp_path / "arg.csv"
    os.mkfifo(fifo_arg)
    try:
        r = subprocess.run(
            [TTHC, "run", "--no-prefect", str(inbox), str(fifo_arg)],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=_drop_file_permission_override,
        )
    finally:
        locked.chmod(0o755)
    out = " ".join(r.stdout.split())
    assert r.returncode == EXIT_DATA, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    files = dict(
        con.execute("select file_name, status || ': ' || coalesce(message, '') from ingested_files").fetchall()
    )
    cases = con.execute("select case_id from cases").fetchall()
    con.close()
    assert cases == [("G-1",)]
    assert files["good.csv"].startswith("loaded")
    assert "quyền đọc" in files["secret.csv"]
    assert "thư mục" in files["locked"]
    assert "FIFO" in files["pipe.csv"] and "FIFO" in files["arg.csv"]
    assert "liên kết hỏng" in files["gone.csv"]
    assert "từ chối" in out


def test_a_full_disk_is_the_environment_not_a_rejected_file(tmp_path, monkeypatch):
    import pipelines.transform.stage as stage

    s = _settings(tmp_path)
    run_local([_export(tmp_path / "a.csv", "A-1")], s)
    before = s.db.read_bytes()

    class Full:
        def __init__(self, *a, **k):
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "stage" / "rows.parquet"))

    monkeypatch.setattr(stage.pq, "ParquetWriter", Full)
    with pytest.raises(EnvironmentFailure, match="No space left"):
        run_local([_export(tmp_path / "b.csv", "B-1")], s)
    assert s.db.read_bytes() == before  # nothing published
    result = CliRunner().invoke(
        app,
        ["run", "--no-prefect", "--db", str(s.db), "--config", str(_empty_config(tmp_path)), str(tmp_path / "b.csv")],
    )
    assert result.exit_code == EXIT_ENVIRONMENT
    assert "No space left" in result.output and "từ chối" not in result.output


@pytest.mark.parametrize(
    "env, message",
    [
        ({"TTHC_REJECT_SHARE": "abc"}, "reject_share = 'abc'"),
        ({"TTHC_REJECT_SHARE": "20"}, "(0; 1]"),
        ({"TTHC_REJECT_SHARE": "-1"}, "reject_share"),
        ({"TTHC_WORKERS": "0"}, "workers = '0'"),
        ({"TTHC_TIMEZONE": "Mars/Olympus"}, "múi giờ"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(tmp_path, monkeypatch, env, message):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    result = CliRunner().invoke(app, ["config", "--config", str(_empty_config(tmp_path))])
    assert result.exit_code == EXIT_USAGE
    assert message in result.output and "Traceback" not in result.output


def test_settings_accept_the_decimal_comma_refuse_unknown_keys_and_missing_files(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_REJECT_SHARE", "0,25")
    assert Settings.load(config_file=tmp_path / "none.toml").reject_share == 0.25
    bad = tmp_path / "bad.toml"
    bad.write_text("[tthc]\nreject_shar = 0.3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="reject_shar.*reject_share"):
        Settings.load(config_file=bad)
    result = CliRunner().invoke(app, ["config", "--config", str(tmp_path / "missing.toml")])
    assert result.exit_code == EXIT_USAGE and "missing.toml" in result.output.replace("\n", "")


def test_a_symlinked_warehouse_is_locked_and_replaced_where_it_lives(tmp_path):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    link = tmp_path / "link.duckdb"
    link.symlink_to(real_dir / "w.duckdb")
    s = Settings.load(config_file=tmp_path / "none.toml", db=link, stage=tmp_path / "stage", backups=tmp_path / "b")
    assert s.db == (real_dir / "w.duckdb").resolve()
    run_local([_export(tmp_path / "a.csv", "A-1")], s)
    run_local([_export(tmp_path / "b.csv", "B-1")], s)
    assert link.is_symlink() and (real_dir / "w.duckdb").is_file()
    con = duckdb.connect(str(link), read_only=True)
    assert con.execute("select count(*) from cases").fetchone() == (2,)
    con.close()
    through_real = Settings.load(config_file=tmp_path / "none.toml", db=real_dir / "w.duckdb", lock_wait_seconds=0)
    with run_lock(s):  # a run through the link holds the lock of the real file
        from pipelines.run_guard import RunLocked

        with pytest.raises(RunLocked), run_lock(through_real):
            pass


FIGURES = (
    "select unit_key, period, coalesce(sector, '∑'), received_total, resolved_total, resolved_early, "
    "in_progress_total from report_form_between(date '2024-01-01', date '2024-12-31', "
    "as_of := timestamp '2024-12-31 00:00') order by all"
)


def _figures(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(FIGURES).fetchall()
    finally:
        con.close()


def test_restore_and_rebuild_give_the_same_figures(tmp_path):
    s = _settings(tmp_path)
    run_local([_export(tmp_path / "a.csv", "A-1", "A-2")], s)
    first = _figures(s.db)
    run_local([_export(tmp_path / "b.csv", "B-1", "B-2", "B-3")], s)
    second = _figures(s.db)
    assert first != second
    assert len(list((tmp_path / "backups").glob("*.duckdb"))) == 1  # the first night's file, kept

    runner = CliRunner()
    config = str(_empty_config(tmp_path))
    env = {k: str(v) for k, v in _env(tmp_path).items()}
    result = runner.invoke(app, ["restore", "--config", config], env=env)
    assert result.exit_code == EXIT_OK, result.output
    assert _figures(s.db) == first
    for f in ("a.csv", "b.csv"):
        (tmp_path / f).unlink()  # the inputs are gone: the archive alone must do
    result = runner.invoke(app, ["rebuild", "--config", config], env=env)
    assert result.exit_code == EXIT_OK, result.output
    assert _figures(s.db) == second  # every input ever loaded


def test_every_command_on_a_damaged_warehouse_says_so_in_one_line(tmp_path):
    s = _settings(tmp_path)
    run_local([_export(tmp_path / "a.csv", "A-1")], s)
    data = s.db.read_bytes()
    s.db.write_bytes(data[: len(data) // 3])  # truncated by a full disk or a bad copy
    env = _env(tmp_path)
    for args in (
        ["report", "--commune", "Mỹ Tân", "--period", "2024Q1"],
        ["quality"],
        ["sheets", "--period", "2024Q1"],
        ["export", "--out", str(tmp_path / "pq")],
        ["run", "--no-prefect", str(_export(tmp_path / "b.csv", "B-1"))],
    ):
        r = subprocess.run([TTHC, *args], env=env, capture_output=True, text=True, timeout=120)
        text = r.stdout + r.stderr
        assert r.returncode == EXIT_ENVIRONMENT, (args, text)
        assert "Traceback" not in text and "tthc restore" in text, (args, text)


def test_status_json_lists_a_held_warehouse(tmp_path):
    s = _settings(tmp_path)
    run_local([_export(tmp_path / "a.csv", "A-1")], s)
    analyst = _analyst(s.db)
    try:
        r = subprocess.run(
            [TTHC, "status", "--format", "json"], env=_env(tmp_path), capture_output=True, text=True, timeout=60
        )
        report = json.loads(r.stdout)
        assert any(f"PID {analyst.pid}" in w for w in report["warnings"])
    finally:
        analyst.kill()
        analyst.wait()


def test_the_documented_example_configuration_is_valid():
    from tests.paths import REPO

    s = Settings.load(config_file=REPO / "tthc.example.toml")
    assert s.backups_keep == 7 and s.reject_share == 0.2
