"""Provinces on Prefect's own work pool (issue 21): one deployment per province, one worker per
province machine (here two local process workers, each on its province's queue), the national
roll-up as one more deployment on the same pool. Nothing here dispatches runs: Prefect's server
and workers do."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.children import die_with_parent
from pipelines.config import Settings
from pipelines.prefect_server import free_port, start_server, stop_server
from tests.integration.prefect_api import prefect_api

pytestmark = pytest.mark.slow  # a Prefect server, two workers and three flow-run processes (~1–2 min)

BIN = Path(sys.executable).parent
HEADER = (
    "Mã hồ sơ;Tên thủ tục;Lĩnh vực;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
)
CASES = {  # (province, unit as the export names it): received 01/10/2026, due 06/10, finished early
    "ninh-binh": ("Ninh Bình", "UBND phường Thiên Trường", 3),
    "ha-noi": ("Hà Nội", "UBND phường Ba Đình", 2),
}


def _province(root: Path, queue: str, shared: Path) -> Path:
    province, unit, n = CASES[queue]
    site = root / queue
    (site / "inbox").mkdir(parents=True)
    rows = [
        f"{queue.upper()}-{i};Đăng ký khai sinh;Hộ tịch;{unit};Trực tuyến;01/10/2026 08:00;06/10/2026;"
        f"02/10/2026 09:00;Đã trả kết quả"
        for i in range(n)
    ]
    (site / "inbox" / f"ho-so-{queue}.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    config = site / "tthc.toml"
    config.write_text(
        textwrap.dedent(f"""
        [tthc]
        province = "{province}"
        db = "{site / "warehouse.duckdb"}"
        inbox = "{site / "inbox"}"
        out = "{site / "out"}"
        stage = "{site / "stage"}"
        backups = "{site / "backups"}"
        input_archive = "{site / "archive" / "inputs"}"
        inbox_archive = ""
        prefect_home = "{root / "prefect"}"
        settle_seconds = 0
        aggregates_out = "{shared}"
        """),
        encoding="utf-8",
    )
    return config


def _wait_runs(api: str, ids: list[str], timeout: float) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    runs: dict[str, dict] = {}
    while time.monotonic() < deadline:
        runs = {i: prefect_api(api, f"/flow_runs/{i}") for i in ids}  # type: ignore[misc]
        if all(r["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for r in runs.values()):
            return runs
        time.sleep(1)
    pytest.fail(f"flow runs not finished within {timeout:.0f} s: {[r.get('state_type') for r in runs.values()]}")


def test_two_provinces_on_two_workers_then_the_national_roll_up(tmp_path):
    home = tmp_path / "prefect"
    server = start_server(
        Settings.load(config_file=tmp_path / "none.toml", prefect_home=home), free_port(), scheduler=False, source="t"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TTHC_"))}
    env.update(
        PREFECT_API_URL=server.api_url,
        PREFECT_HOME=str(home),
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_WORKER_PREFETCH_SECONDS="1",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    shared = tmp_path / "shared"
    workers: list[subprocess.Popen] = []
    try:
        configs = {q: _province(tmp_path, q, shared) for q in CASES}
        for queue, config in configs.items():
            out = subprocess.run(
                [str(BIN / "tthc"), "deploy", "--pool", "tinh", "--queue", queue, "--config", str(config)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert out.returncode == 0, out.stderr
            assert f"tthc-nightly/{queue}" in out.stdout and f"--work-queue {queue}" in out.stdout
        for queue in CASES:  # one worker per province machine, each polling its province's queue
            workers.append(
                subprocess.Popen(
                    die_with_parent(
                        [sys.executable, "-m", "prefect", "worker", "start", "--pool", "tinh", "--work-queue", queue],
                    ),
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deployments = {d["name"]: d["id"] for d in prefect_api(server.api_url, "/deployments/filter", {})}  # type: ignore[union-attr]
        assert set(deployments) == set(CASES)
        ids = [
            prefect_api(server.api_url, f"/deployments/{deployments[q]}/create_flow_run", {})["id"]  # type: ignore[index]
            for q in CASES
        ]
        runs = _wait_runs(server.api_url, ids, timeout=300)
        assert {r["state_type"] for r in runs.values()} == {"COMPLETED"}, runs
        # each run was taken from its own province's queue
        assert sorted(r["work_queue_name"] for r in runs.values()) == sorted(CASES)
        for queue, (_, _, n) in CASES.items():
            con = duckdb.connect(str(tmp_path / queue / "warehouse.duckdb"), read_only=True)
            got = con.execute(
                "select sum(resolved_early) from report_form where period = '2026Q4' and sector is null"
            ).fetchone()
            con.close()
            assert got == (n,)
        # the roll-up as one more deployment on the pool, taken by whichever worker serves its queue
        out = subprocess.run(
            [
                str(BIN / "tthc"), "deploy", "--pool", "tinh", "--queue", "ninh-binh", "--national", str(shared),
                "--national-db", str(tmp_path / "national.duckdb"), "--config", str(configs["ninh-binh"]),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        national = {d["name"]: d["id"] for d in prefect_api(server.api_url, "/deployments/filter", {})}["toan-quoc"]  # type: ignore[union-attr]
        run = prefect_api(server.api_url, f"/deployments/{national}/create_flow_run", {})["id"]  # type: ignore[index]
        assert _wait_runs(server.api_url, [run], timeout=180)[run]["state_type"] == "COMPLETED"
        con = duckdb.connect(str(tmp_path / "national.duckdb"), read_only=True)
        by_province = con.execute(
            "select province_code, resolved_early from report_form_provinces where period = '2026Q4' "
            "and sector is null order by 1"
        ).fetchall()
        con.close()
        assert by_province == [("01", 2), ("37", 3)]
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=20)
            except subprocess.TimeoutExpired:
                w.kill()
        stop_server(server)
