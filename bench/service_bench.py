"""Benchmark of the nightly service (issue 11): Prefect's cost once its server is running.

    .venv/bin/python bench/service_bench.py          # writes bench/SERVICE.md

Targets, each against a floor measured in the same run:
- with `tthc serve` running, `tthc run data/sample` ≤ 1.5 × `tthc run data/sample --no-prefect` + 5 s;
- with `tthc serve` running, `tthc run` of the 1M-row CSV (whole command) ≤ the CSV floor + 10 s
  (floor: pyarrow all-text read + one DuckDB group-by, bench/run_bench.py);
- `tthc serve --cron "* * * * *"` from its start to the first scheduled run's file loaded ≤ 90 s
  (once with an empty Prefect database, whose migrations run first, once with a used one).
Every command runs in a fresh process; times are medians of the repeats.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run_bench import ensure_inputs, floor_csv  # noqa: E402

from pipelines.prefect_server import free_port, healthy  # noqa: E402

TTHC = str(Path(sys.executable).with_name("tthc"))
SAMPLE = ROOT / "data" / "sample"


def site(tmp: Path, name: str, home: Path) -> tuple[Path, dict, int]:
    d = tmp / name
    (d / "inbox").mkdir(parents=True)
    port = free_port()
    (d / "tthc.toml").write_text(
        textwrap.dedent(f"""
        [tthc]
        db = "{d / "w.duckdb"}"
        inbox = "{d / "inbox"}"
        out = "{d / "out"}"
        stage = "{d / "stage"}"
        prefect_home = "{home}"
        prefect_port = {port}
        settle_seconds = 0
        inbox_archive = "{d / "archive"}"
        max_file_mb = 4096
    """),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TTHC_"))}
    env.update(TTHC_CONFIG=str(d / "tthc.toml"), PREFECT_HOME=str(home))
    return d, env, port


def timed(cmd: list[str], env: dict, cwd: Path) -> float:
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - t
    if done.returncode != 0:
        raise RuntimeError(f"{cmd}: {done.stdout[-800:]}{done.stderr[-800:]}")
    return took


def fresh_runs(cmd: list[str], env: dict, d: Path, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for p in d.glob("w.duckdb*"):
            p.unlink()
        out.append(round(timed(cmd, env, d), 2))
    return out


def start_serve(env: dict, d: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [TTHC, "serve", *args], env=env, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def first_scheduled_run(tmp: Path, home: Path, label: str) -> float:
    d, env, _ = site(tmp, f"cron-{label}", home)
    shutil.copy(SAMPLE / "2025-01-06_dvcqg_my-phuc_my-thuan.csv", d / "inbox")
    t = time.perf_counter()
    serve = start_serve(env, d, "--cron", "* * * * *")
    try:
        while time.perf_counter() - t < 300:
            if any((d / "archive").rglob("*.csv")):  # loaded, published, moved out of the inbox
                return round(time.perf_counter() - t, 1)
            time.sleep(0.5)
        raise RuntimeError("no scheduled run within 300 s")
    finally:
        stop(serve)


def main() -> None:
    files = ensure_inputs(1_000_000, 20_000, 0)
    r: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="tthc-service-bench-") as tmp_name:
        tmp = Path(tmp_name)
        home = tmp / "prefect-home"
        print("first scheduled run, empty Prefect database …", flush=True)
        r["serve_to_first_run_cold_s"] = first_scheduled_run(tmp, home, "cold")
        print("first scheduled run, used Prefect database …", flush=True)
        r["serve_to_first_run_warm_s"] = first_scheduled_run(tmp, home, "warm")
        d, env, port = site(tmp, "runs", home)
        print("sample without Prefect …", flush=True)
        r["sample_no_prefect_s"] = fresh_runs([TTHC, "run", str(SAMPLE), "--no-prefect"], env, d, 3)
        print("sample with a temporary server …", flush=True)
        r["sample_temporary_server_s"] = fresh_runs([TTHC, "run", str(SAMPLE)], env, d, 3)
        serve = start_serve(env, d, "--cron", "0 2 * * *")
        try:
            t = time.perf_counter()
            while not healthy(f"http://127.0.0.1:{port}/api"):
                if time.perf_counter() - t > 120:
                    raise RuntimeError("tthc serve's server did not start")
                time.sleep(0.3)
            print("sample with tthc serve running …", flush=True)
            r["sample_with_serve_s"] = fresh_runs([TTHC, "run", str(SAMPLE)], env, d, 3)
            print("1M-row CSV with tthc serve running …", flush=True)
            r["csv_1m_with_serve_s"] = fresh_runs([TTHC, "run", str(files["csv"])], env, d, 2)
        finally:
            stop(serve)
        print("1M-row CSV without Prefect …", flush=True)
        r["csv_1m_no_prefect_s"] = fresh_runs([TTHC, "run", str(files["csv"]), "--no-prefect"], env, d, 2)
    print("1M-row CSV floor …", flush=True)
    floor = floor_csv(files["csv"])
    r["csv_floor_s"] = floor["runs"]
    write(r)


def write(r: dict) -> None:
    med = lambda k: statistics.median(r[k])
    sample_target = 1.5 * med("sample_no_prefect_s") + 5
    csv_target = med("csv_floor_s") + 10
    ok = lambda b: "met" if b else "**missed**"
    lines = [
        "# Nightly service benchmark (issue 11)",
        "",
        f"Machine: {os.cpu_count()} cores; `python bench/service_bench.py` on {time.strftime('%Y-%m-%d %H:%M')}. "
        "Whole commands in fresh processes, median of the repeats (all runs in the raw figures).",
        "",
        "| measurement | seconds | target | |",
        "|---|---|---|---|",
        f"| `tthc run data/sample --no-prefect` | {med('sample_no_prefect_s'):.2f} | (floor) | |",
        f"| `tthc run data/sample`, no server up (temporary server of its own) | "
        f"{med('sample_temporary_server_s'):.2f} | | |",
        f"| `tthc run data/sample` with `tthc serve` running | {med('sample_with_serve_s'):.2f} | "
        f"≤ 1.5 × floor + 5 = {sample_target:.2f} | {ok(med('sample_with_serve_s') <= sample_target)} |",
        f"| 1M-row CSV floor (pyarrow read + DuckDB group-by) | {med('csv_floor_s'):.2f} | (floor) | |",
        f"| 1M-row CSV `tthc run --no-prefect` | {med('csv_1m_no_prefect_s'):.2f} | | |",
        f"| 1M-row CSV `tthc run` with `tthc serve` running | {med('csv_1m_with_serve_s'):.2f} | "
        f"≤ floor + 10 = {csv_target:.2f} | {ok(med('csv_1m_with_serve_s') <= csv_target)} |",
        f"| `tthc serve --cron '* * * * *'` → first scheduled run loaded, empty Prefect database | "
        f"{r['serve_to_first_run_cold_s']} | ≤ 90 | {ok(r['serve_to_first_run_cold_s'] <= 90)} |",
        f"| same, Prefect database already migrated | {r['serve_to_first_run_warm_s']} | ≤ 90 | "
        f"{ok(r['serve_to_first_run_warm_s'] <= 90)} |",
        "",
        "Raw figures:",
        "",
        "```json",
        json.dumps(r, indent=2),
        "```",
        "",
    ]
    (ROOT / "bench" / "SERVICE.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
