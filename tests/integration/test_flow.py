"""The Prefect flow end to end on small exports, under one session-scoped test harness."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.flows import run_flow, stage_task

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"


@pytest.mark.slow  # the Prefect tests start a test backend (~12 s, once a session)
def test_flow_loads_rejects_and_skips(tmp_path, settings, prefect_harness):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.csv").write_text(
        HEADER + "\n"
        "HS-1;Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả\n"
        "HS-2;Khai tử;UBND xã Mỹ Hà;Trực tiếp;06/01/2024 08:00;09/01/2024;;Đang xử lý\n",
        encoding="utf-8",
    )
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    summary = run_flow([str(inbox)], settings)
    by_name = {f.name: f for f in summary.files}
    assert by_name["good.csv"].status == "loaded" and by_name["good.csv"].loaded == 2
    assert by_name["broken.xlsx"].status == "rejected" and "hỏng" in by_name["broken.xlsx"].message
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        assert con.execute("select count(*) from cases").fetchone()[0] == 2
        statuses = dict(con.execute("select file_name, status from ingested_files").fetchall())
        assert statuses == {"good.csv": "loaded", "broken.xlsx": "rejected"}
        assert con.execute("select status from runs").fetchall() == [("succeeded",)]
    finally:
        con.close()
    again = run_flow([str(inbox)], settings)
    assert {f.name: f.status for f in again.files}["good.csv"] == "skipped"


def test_stage_task_is_a_plain_function(tmp_path, settings):
    """Tasks stay testable without any Prefect server: .fn is the function itself."""
    path = tmp_path / "x.csv"
    path.write_text(
        HEADER + "\nHS-1;Khai sinh;UBND xã Mỹ Tân;2;05/01/2024;09/01/2024;08/01/2024;10\n", encoding="utf-8"
    )
    staged = stage_task.fn([(str(path), "0" * 64)], settings)[0]
    assert staged.status == "staged" and staged.rows_valid == 1


@pytest.mark.slow
def test_nightly_flow_ingests_the_inbox_and_writes_sheets(tmp_path, monkeypatch, prefect_harness):
    from datetime import date, timedelta

    from pipelines.config import Settings
    from pipelines.flows import current_quarter, tthc_nightly

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    received = date.today() - timedelta(days=1)  # a case of this quarter's first day at the latest …
    received = max(received, date(received.year, 3 * ((received.month - 1) // 3) + 1, 1))
    due = received + timedelta(days=5)
    (inbox / "today.csv").write_text(
        HEADER + f"\nHS-9;Khai sinh;UBND phường Thiên Trường;Trực tuyến;{received:%d/%m/%Y} 08:00;{due:%d/%m/%Y};;"
        "Đang xử lý\n",
        encoding="utf-8",
    )
    for key, value in {
        "DB": tmp_path / "w.duckdb",
        "INBOX": inbox,
        "OUT": tmp_path / "out",
        "STAGE": tmp_path / "stage",
        "CONFIG": tmp_path / "none.toml",
        "SETTLE_SECONDS": 0,
    }.items():
        monkeypatch.setenv(f"TTHC_{key}", str(value))
    summary = tthc_nightly()
    assert [f.status for f in summary.files] == ["loaded"]
    quarter = current_quarter(Settings.load())
    # … so this quarter's sheet is written, for today's unit
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"bieu06_13684_thien-truong_{quarter}.xlsx",
        "dashboard",
    ]
    # and the dashboard of the last whole month before the run (the run's as_of is today)
    first = date.today().replace(day=1)
    last_month = (first - timedelta(days=1)).strftime("%Y-%m")
    assert (tmp_path / "out" / "dashboard" / last_month / "index.html").is_file()


def test_export_and_config_commands(tmp_path, settings, monkeypatch):
    import duckdb
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.run import run_local

    path = tmp_path / "x.csv"
    path.write_text(
        HEADER + "\nHS-1;Khai sinh;UBND xã Mỹ Tân;2;05/01/2024;09/01/2024;08/01/2024;10\n"
        "HS-2;Khai sinh;UBND xã Mỹ Hà;2;05/05/2024;09/05/2024;08/05/2024;10\n",
        encoding="utf-8",
    )
    run_local([path], settings)
    runner = CliRunner()
    res = runner.invoke(app, ["export", "--out", str(tmp_path / "pq"), "--db", str(settings.db)])
    assert res.exit_code == 0, res.output
    rows = duckdb.sql(
        f"select year, quarter, count(*) from read_parquet('{tmp_path}/pq/cases/**/*.parquet', "
        "hive_partitioning = true) group by all order by all"
    ).fetchall()
    assert rows == [(2024, 1, 1), (2024, 2, 1)]
    quarters = duckdb.sql(
        f"select distinct quarter from read_parquet('{tmp_path}/pq/report_form/**/*.parquet', "
        "hive_partitioning = true) order by 1"
    ).fetchall()
    assert quarters == [(0,), (1,), (2,)]
    monkeypatch.setenv("TTHC_REJECT_SHARE", "0.35")
    (tmp_path / "c.toml").write_text('[tthc]\ndistrict = ""\n', encoding="utf-8")
    out = runner.invoke(app, ["config", "--config", str(tmp_path / "c.toml")]).output
    assert "0.35" in out and "TTHC_REJECT_SHARE" in out and "c.toml" in out


@pytest.mark.slow
def test_flow_on_two_local_worker_processes(tmp_path, settings, prefect_harness, monkeypatch):
    """The scale-out path: the same flow with files parsed by two worker processes."""
    import pipelines.flows as flows

    monkeypatch.setattr(flows, "PROCESS_POOL_BYTES", 0)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"f{i}.csv").write_text(
            HEADER
            + f"\nP-{i};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024;Đã trả kết quả\n",
            encoding="utf-8",
        )
    settings.workers = 2
    summary = flows.run_flow([str(inbox)], settings)
    assert sorted((f.name, f.status, f.loaded) for f in summary.files) == [
        ("f0.csv", "loaded", 1),
        ("f1.csv", "loaded", 1),
        ("f2.csv", "loaded", 1),
    ]


def _mixed_inbox(folder):
    """Three small exports (staged as one group), the same bytes twice, a broken workbook."""
    folder.mkdir()
    rows = {
        "a.csv": "A-1;Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả",
        "b.csv": "B-1;Khai tử;UBND xã Mỹ Hà;Trực tiếp;06/01/2024 08:00;09/01/2024;;Đang xử lý",
        "c.csv": "C-1;Chứng thực;UBND xã Mỹ Tân;Trực tiếp;31/02/2024 08:00;09/01/2024;;Đang xử lý",
    }
    for name, row in rows.items():
        (folder / name).write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    (folder / "a-copy.csv").write_bytes((folder / "a.csv").read_bytes())
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")


def _outcomes(summary):
    return sorted((f.name, f.status, f.read, f.loaded, f.quarantined, f.duplicate) for f in summary.files)


@pytest.mark.slow  # the Prefect test backend
def test_the_flow_and_the_direct_run_are_one_sequence(tmp_path, settings, prefect_harness):
    """run.run_steps is the one sequence: through Prefect's tasks and in this process, the same
    inputs give the same outcome for every file and the same cases."""
    from dataclasses import replace

    from pipelines.run import run_local

    _mixed_inbox(tmp_path / "in")
    direct = replace(settings, db=tmp_path / "direct.duckdb", stage=tmp_path / "stage-direct")
    by_flow = run_flow([str(tmp_path / "in")], settings)
    by_hand = run_local([tmp_path / "in"], direct)
    assert _outcomes(by_flow) == _outcomes(by_hand)
    statuses = {name: status for name, status, *_ in _outcomes(by_hand)}
    assert statuses["broken.xlsx"] == "rejected" and sorted(statuses.values()).count("skipped") == 1
    cases = []
    for db in (settings.db, direct.db):
        con = duckdb.connect(str(db), read_only=True)
        cases.append(con.execute("select case_id, status, received_at from cases order by case_id").fetchall())
        con.close()
    assert cases[0] == cases[1] and [c[0] for c in cases[0]] == ["A-1", "B-1"]  # C-1: 31/02 quarantined


def test_tthc_run_with_no_server_up_runs_at_once_and_says_so(tmp_path):
    """As a user types it with no Prefect server up: no server is started (none of the command's
    children is one), the run is published and one line says it ran directly."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.site import site_env

    (tmp_path / "a.csv").write_text(
        HEADER
        + "\nA-1;Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả\n",
        encoding="utf-8",
    )
    from pipelines.prefect_server import free_port

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TTHC_"))}
    env.update(site_env(tmp_path), TTHC_PREFECT_PORT=str(free_port()))
    tthc = str(Path(sys.executable).with_name("tthc"))
    done = subprocess.run([tthc, "run", str(tmp_path / "a.csv")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Prefect: chạy trực tiếp, không qua Prefect (không có máy chủ Prefect nào đang chạy" in done.stdout
    assert not list(Path(env["TTHC_PREFECT_HOME"]).glob("server-*.log"))  # no server was started
    con = duckdb.connect(env["TTHC_DB"], read_only=True)
    assert con.execute("select case_id from cases").fetchall() == [("A-1",)]
    con.close()
