"""Benchmark of what users run (issue 21): whole `tthc` commands against floors measured in the
same run, peak memory of the whole process tree, written to bench/RESULTS.md.

    .venv/bin/python bench/run_bench.py             # everything (~30–60 min on 2 cores)
    .venv/bin/python bench/run_bench.py --quick     # 100k-row inputs, 1M/2M-case warehouses
    .venv/bin/python bench/run_bench.py --only run_csv_direct,noop

Every command runs in a fresh process, as a user types it, from a scratch folder under
bench/work/ (settings through TTHC_* variables: nothing of data/ is touched). Wall time is the
command's (interpreter start, imports and any Prefect server included). Memory is sampled every
20 ms over the command and all its descendants (/proc, resident set summed over the tree), so a
worker process or a Prefect server counts. Inputs are written by the project's own generator
(tools/sample/) into bench/data/ once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
WORK = ROOT / "bench" / "work"
PY = sys.executable
TTHC = str(Path(PY).with_name("tthc"))
sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------------------------------------
# measuring a command: wall time and the peak resident memory of its whole process tree


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _tree_rss_kb(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, IndexError, ValueError):
            continue
        todo += _children(pid)
    return total


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 3600) -> dict:
    """Run `cmd` once; wall seconds, peak tree RSS (MB), exit code and the tail of its output."""
    env = env or os.environ.copy()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    return {"seconds": round(seconds, 2), "tree_mb": round(peak[0] / 1024), "rc": proc.returncode, "out": out[-3000:]}


def median_of(n: int, fn: Callable[[], dict]) -> dict:
    runs = sorted((fn() for _ in range(n)), key=lambda r: r["seconds"])
    mid = dict(runs[len(runs) // 2])
    mid["runs"] = [r["seconds"] for r in runs]
    mid["tree_mb"] = max(r["tree_mb"] for r in runs)
    return mid


def work_seconds(out: str) -> float | None:
    """The run's own time as `tthc run` prints it: "Thời gian: 6,2 s" on a terminal, "…; 6,2 s; kho dữ
    liệu …" in the one-line summary of a log."""
    flat = " ".join(out.split())
    found = re.search(r"Thời gian: ([\d.,]+) s", flat) or re.search(r"; ([\d.,]+) s; kho dữ liệu", flat)
    return float(found.group(1).replace(".", "").replace(",", ".")) if found else None


# ---------------------------------------------------------------------------------------------
# the environment of a command: a scratch site, never data/


def site(name: str, **extra: str) -> dict[str, str]:
    root = WORK / name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TTHC_", "PREFECT_"))}
    env.update(
        TTHC_CONFIG=str(root / "none.toml"),
        TTHC_DB=str(root / "warehouse.duckdb"),
        TTHC_STAGE=str(root / "stage"),
        TTHC_OUT=str(root / "out"),
        TTHC_INBOX=str(root / "inbox"),
        TTHC_BACKUPS=str(root / "backups"),
        TTHC_INPUT_ARCHIVE=str(root / "archive" / "inputs"),
        TTHC_INBOX_ARCHIVE="",
        TTHC_PREFECT_HOME=str(root / "prefect"),
        TTHC_PREFECT_PORT=str(_free_port()),
        TTHC_SETTLE_SECONDS="0",
        TTHC_MAX_FILE_MB="8192",
        PREFECT_HOME=str(root / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    env.update(extra)
    return env


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tthc(*args: str) -> list[str]:
    return [TTHC, *args]


# ---------------------------------------------------------------------------------------------
# inputs


NEEDS = {  # which generated input each measurement reads: only those are written (10M rows take minutes)
    "csv": {"floor_csv", "run_csv_direct", "run_csv", "run_csv_serve", "noop"},
    "xlsx": {"floor_xlsx", "run_xlsx"},
    "big_csv": {"run_big_csv"},
    "inc": {"increment_small", "increment_big"},
    "year": {"year"},
}


def inputs(quick: bool, names: list[str] | None = None) -> dict[str, Path]:
    """The generated inputs, written once into bench/data/; with `names`, only those they need."""
    from tools.sample import write_big_csv, write_big_xlsx

    DATA.mkdir(parents=True, exist_ok=True)
    csv_rows, xlsx_rows, big_rows, year_rows = (
        (100_000, 20_000, 1_000_000, 600_000) if quick else (1_000_000, 200_000, 10_000_000, 5_000_000)
    )
    f = {
        "csv": DATA / f"cases_{csv_rows}.csv",
        "xlsx": DATA / f"cases_{xlsx_rows}.xlsx",
        "big_csv": DATA / f"cases_{big_rows}.csv",
        "inc": DATA / "increment_10000.csv",
        "year": DATA / f"year_{year_rows}",
    }
    wanted = {k for k, users in NEEDS.items() if names is None or users & set(names)}

    def missing(key: str) -> bool:
        return key in wanted and not f[key].exists()

    if missing("csv"):
        write_big_csv(f["csv"], csv_rows, seed=1)
    if missing("xlsx"):
        write_big_xlsx(f["xlsx"], xlsx_rows, seed=2)
    if missing("big_csv"):
        write_big_csv(f["big_csv"], big_rows, seed=3)
    if missing("inc"):
        write_big_csv(f["inc"], 10_000, seed=4)
    if missing("year"):
        _year_files(f["year"], year_rows)
    return f


def _year_files(folder: Path, rows: int, files: int = 60) -> None:
    """A large province's year as its offices send it: `files` exports (one per sector and
    month), cut from one generated export so every case id stays unique."""
    from tools.sample import write_big_csv

    whole = folder.with_suffix(".csv")
    write_big_csv(whole, rows, seed=5)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with whole.open(encoding="utf-8-sig", newline="") as src:
        head = [src.readline() for _ in range(6)]  # title block, blank line, header
        per = rows // files + 1
        for i in range(files):
            with (tmp / f"ho-so-{i + 1:02d}.csv").open("w", encoding="utf-8-sig", newline="") as out:
                out.writelines(head)
                for _ in range(per):
                    line = src.readline()
                    if not line or not line[0].isdigit():
                        break
                    out.write(line)
    whole.unlink()
    tmp.rename(folder)


# ---------------------------------------------------------------------------------------------
# floors: the least work anyone could do with the same bytes, in a fresh process


def floor_csv(path: Path) -> dict:
    code = f"""
        import pyarrow as pa, pyarrow.csv as pc, duckdb
        ro = pc.ReadOptions(skip_rows=5, block_size=1 << 24)
        po = pc.ParseOptions(delimiter=';', invalid_row_handler=lambda r: 'skip')
        names = pc.open_csv({str(path)!r}, read_options=ro, parse_options=po).schema.names
        t = pc.read_csv({str(path)!r}, read_options=ro, parse_options=po,
                        convert_options=pc.ConvertOptions(column_types={{n: pa.string() for n in names}}))
        duckdb.sql('select "Don vi xu ly", count(*) from t group by 1').fetchall()
    """
    return median_of(3, lambda: measure([PY, "-c", textwrap.dedent(code)]))


def floor_xlsx(path: Path) -> dict:
    code = f"""
        import fastexcel, duckdb
        t = fastexcel.read_excel({str(path)!r}).load_sheet(0, header_row=None, dtypes='string').to_arrow()
        duckdb.sql('select count(*) from t').fetchall()
    """
    return median_of(3, lambda: measure([PY, "-c", textwrap.dedent(code)]))


# ---------------------------------------------------------------------------------------------
# a big warehouse made directly in DuckDB (the registry's units of today, three years of dates)


def big_warehouse(db: Path, n: int) -> dict:
    code = f"""
        import duckdb, time
        from datetime import datetime
        from pathlib import Path
        from pipelines.config import Settings
        from pipelines.sqlfiles import rules_hash
        from pipelines.warehouse import build, init_schema, load_communes
        s = Settings.load(config_file=Path('/nonexistent'))
        con = duckdb.connect({str(db)!r}, config={{'storage_compatibility_version': s.storage_version}})
        init_schema(con, s); load_communes(con, s)
        units = con.execute("select unit_key, commune_code, commune_name from communes "
                            "where era = '2025' order by unit_key").fetchall()
        con.execute('''insert into cases by name
            select 'BENCH-' || i as case_id, (['1.001193','2.000815','1.004859'])[(i % 3) + 1] as procedure_code,
                (['Đăng ký khai sinh','Chứng thực bản sao','Thay đổi, cải chính hộ tịch'])[(i % 3) + 1] as procedure_name,
                (['Hộ tịch','Chứng thực','Bảo trợ xã hội','Đất đai','Người có công'])[(i % 5) + 1] as sector,
                'UBND ' || ($names)[(i % $n) + 1] as agency, ($codes)[(i % $n) + 1] as commune_code,
                ($names)[(i % $n) + 1] as commune_name, ($keys)[(i % $n) + 1] as unit_key,
                case when i % 6 = 0 then 'offline' else 'online' end as channel, 'full' as service_level,
                r as received_at, r + interval 3 day as due_at,
                case when i % 50 = 0 then null else r + to_minutes((i * 7919) % 6000) end as finished_at,
                case when i % 50 = 0 then null else r + to_minutes((i * 7919) % 6000 + 600) end as returned_at,
                case when i % 50 = 0 then 'processing' else 'returned' end as status,
                i % 10 <> 0 as is_digitized, case when i % 3 = 0 then 20000 else 0 end as fee_amount,
                case when i % 3 = 0 then i % 4 <> 0 end as is_paid_online, i % 7 <> 0 as has_e_result,
                null as note, 'ho-so-' || (i % 60) || '.csv' as source_file, sha256((i % 60)::varchar) as source_sha256,
                'Sheet1' as source_sheet, i as source_row, timestamp '2026-11-06 07:30' as snapshot_at,
                (i % 60) + 1 as file_seq, timestamp '2026-11-06 08:00' as ingested_at
            from (select i, timestamp '2023-12-01 07:00' + to_seconds((i * 97) % (3 * 365 * 86400)) as r
                  from range({n}) t(i))''',
            {{'codes': [u[1] for u in units], 'names': [u[2] for u in units], 'keys': [u[0] for u in units],
              'n': len(units)}})
        con.execute('''insert into runs by name select 'bench' as run_id, now() as started_at, now() as finished_at,
            'succeeded' as status, timestamp '2026-11-06 08:00' as as_of, 'bench' as code_version,
            ? as rules_hash, 'full' as build_mode''', [rules_hash()])
        t = time.perf_counter(); build(con, datetime(2026, 11, 6, 8, 0)); print('rebuild', time.perf_counter() - t)
        con.execute('checkpoint'); con.close()
    """
    db.unlink(missing_ok=True)
    res = measure([PY, "-c", textwrap.dedent(code)], cwd=ROOT)
    found = re.search(r"rebuild ([\d.]+)", res["out"])
    res["rebuild_s"] = round(float(found.group(1)), 2) if found else None
    res["size_mb"] = round(db.stat().st_size / 2**20) if db.exists() else None
    return res


# ---------------------------------------------------------------------------------------------
# synthetic provincial aggregates for the national roll-up


def national_inputs(folder: Path, provinces: int = 34, units: int = 3321, months: int = 36) -> Path:
    """Per-unit aggregates as `tthc aggregates` writes them, for every unit of the country and
    `months` months (4 sector rows a unit and month, 11 indicators), made directly in DuckDB."""
    import duckdb

    if folder.exists():
        return folder
    folder.mkdir(parents=True)
    tail = "'0.6.0' as code_version, 'bench' as rules_hash, timestamp '2026-12-01 02:00' as as_of"
    opts = "(format parquet, partition_by (province_code, period), write_partition_columns true)"
    con = duckdb.connect()
    con.execute(
        f"create table u as select i as n, lpad((i % {provinces} + 1)::varchar, 2, '0') as province_code, "
        f"lpad(i::varchar, 5, '0') || '@2025' as unit_key from range({units}) t(i)"
    )
    con.execute(
        "create table p as select strftime(d, '%Y-%m') as period, d::date as period_start, "
        "(d + interval 1 month - interval 1 day)::date as period_end "
        f"from range(date '2024-01-01', date '2024-01-01' + interval {months} month, interval 1 month) t(d)"
    )
    con.execute(
        "copy (select u.unit_key, split_part(u.unit_key, '@', 1) as commune_code, 'Đơn vị ' || u.n as commune_name, "
        "p.period, p.period_start, p.period_end, s.sector, (u.n * 7 + 13) % 300 as received_total, "
        "(u.n * 5) % 200 as received_online, (u.n * 2) % 100 as received_offline, u.n % 20 as carried_over, "
        "(u.n * 3) % 250 as resolved_total, (u.n * 3) % 200 as resolved_early, u.n % 40 as resolved_on_time, "
        "u.n % 10 as resolved_late, u.n % 30 as in_progress_total, u.n % 25 as in_progress_on_time, "
        "u.n % 5 as in_progress_overdue, 0 as withdrawn_stopped, 0 as refused_at_intake, "
        "0 as received_channel_unknown, u.province_code, 'Tỉnh ' || u.province_code as province_name, "
        f"{tail} from u, p, (select unnest([null, 'Hộ tịch', 'Chứng thực', 'Đất đai']) as sector) s) "
        f"to '{folder.as_posix()}/report_form' {opts}"
    )
    indicators = [
        "early_pct", "on_time_pct", "late_pct", "timely_pct", "online_pct", "digitized_pct", "paid_online_pct",
        "e_result_pct", "avg_resolution_days", "resolved_online", "resolved_digitized",
    ]  # fmt: skip
    con.execute(
        "copy (select u.unit_key, split_part(u.unit_key, '@', 1) as commune_code, 'Đơn vị ' || u.n as commune_name, "
        "p.period, p.period_start, p.period_end, null::varchar as sector, i.indicator, "
        "((u.n * 3) % 200)::double as numerator, ((u.n * 3) % 250 + 1)::double as denominator, 0.0 as value, "
        f"u.province_code, 'Tỉnh ' || u.province_code as province_name, {tail} "
        "from u, p, (select unnest($i) as indicator) i) "
        f"to '{folder.as_posix()}/indicators' {opts}",
        {"i": indicators},
    )
    con.close()
    return folder


# ---------------------------------------------------------------------------------------------
# a running `tthc serve` (the nightly set-up) for the measurements that need one


class Serve:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.api = f"http://127.0.0.1:{env['TTHC_PREFECT_PORT']}/api"
        self.proc = subprocess.Popen(
            tthc("serve", "--cron", "0 3 1 1 *"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def __enter__(self) -> Serve:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.api + "/health", timeout=1) as r:
                    if r.status == 200:
                        time.sleep(3)  # the deployment registers after the server answers
                        return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("tthc serve did not bring its server up")

    def __exit__(self, *exc: object) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------------
# the measurements


def measurements(f: dict[str, Path], quick: bool) -> dict[str, Callable[[], dict]]:
    wh_small, wh_big = (1_000_000, 2_000_000) if quick else (10_000_000, 50_000_000)

    def run(name: str, path: Path, *opts: str, **extra: str) -> dict:
        env = site(name, **extra)
        r = measure(tthc("run", str(path), *opts), env=env)
        r["work_s"] = work_seconds(r["out"])
        return r

    def run_serve() -> dict:
        env = site("serve")
        with Serve(env):
            r = measure(tthc("run", str(f["csv"])), env=env)
        r["work_s"] = work_seconds(r["out"])
        return r

    def noop() -> dict:
        env = site("noop")
        first = measure(tthc("run", str(f["csv"]), "--no-prefect"), env=env)
        db = Path(env["TTHC_DB"])
        before = (db.stat().st_ino, db.stat().st_mtime_ns)
        backups = sorted(os.listdir(env["TTHC_BACKUPS"])) if Path(env["TTHC_BACKUPS"]).is_dir() else []
        r = median_of(3, lambda: measure(tthc("run", str(f["csv"])), env=env))
        after = (db.stat().st_ino, db.stat().st_mtime_ns)
        r["published_again"] = before != after
        r["backups_changed"] = backups != (
            sorted(os.listdir(env["TTHC_BACKUPS"])) if Path(env["TTHC_BACKUPS"]).is_dir() else []
        )
        r["first_rc"] = first["rc"]
        return r

    def increment(n: int) -> Callable[[], dict]:
        def go() -> dict:
            env = site(f"inc{n}")
            db = Path(env["TTHC_DB"])
            cached = DATA / f"warehouse_{n}.duckdb"
            made = {}
            if not cached.exists():
                made = big_warehouse(cached, n)
            shutil.copy2(cached, db)
            r = measure(tthc("run", str(f["inc"])), env=env)
            r["work_s"] = work_seconds(r["out"])
            r["warehouse_mb"] = round(cached.stat().st_size / 2**20)
            r["made"] = {k: v for k, v in made.items() if k != "out"}
            return r

        return go

    def national() -> dict:
        src = national_inputs(DATA / "national_aggregates")
        env = site("national")
        return median_of(
            3, lambda: measure(tthc("rollup", str(src), "--db", str(WORK / "national" / "n.duckdb")), env=env)
        )

    def year_curve() -> dict:
        files = sorted(f["year"].glob("*.csv"))
        points = []
        for k in (6, 15, 30, 60):
            env = site(f"year{k}")
            inbox = Path(env["TTHC_INBOX"])
            inbox.mkdir(parents=True)
            for p in files[:k]:
                os.link(p, inbox / p.name)
            r = measure(tthc("run"), env=env)
            r["files"], r["work_s"] = k, work_seconds(r["out"])
            r["rows"] = sum(sum(1 for _ in p.open(encoding="utf-8-sig")) - 6 for p in files[:k])
            points.append({k2: v for k2, v in r.items() if k2 != "out"})
        return {"seconds": points[-1]["seconds"], "tree_mb": points[-1]["tree_mb"], "rc": 0, "out": "", "curve": points}

    return {
        "floor_csv": lambda: floor_csv(f["csv"]),
        "run_csv_direct": lambda: run("direct", f["csv"], "--no-prefect"),
        "run_csv": lambda: run("typed", f["csv"]),
        "run_csv_serve": run_serve,
        "floor_xlsx": lambda: floor_xlsx(f["xlsx"]),
        "run_xlsx": lambda: run("xlsx", f["xlsx"]),
        "run_sample_direct": lambda: median_of(3, lambda: run("sample-d", ROOT / "data" / "sample", "--no-prefect")),
        "run_sample": lambda: median_of(3, lambda: run("sample", ROOT / "data" / "sample")),
        "run_big_csv": lambda: run("big", f["big_csv"], "--no-prefect"),
        "noop": noop,
        "increment_small": increment(wh_small),
        "increment_big": increment(wh_big),
        "national": national,
        "year": year_curve,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small inputs, for trying a change")
    ap.add_argument("--only", default="", help="comma-separated names of measurements")
    ap.add_argument("--rewrite", action="store_true", help="RESULTS.md again from bench/work/results.json")
    args = ap.parse_args()
    raw = WORK / "results.json"
    if args.rewrite:
        r = json.loads(raw.read_text(encoding="utf-8"))
    else:
        WORK.mkdir(parents=True, exist_ok=True)
        only = [n for n in args.only.split(",") if n]
        files = inputs(args.quick, only or None)
        todo = measurements(files, args.quick)
        names = only or list(todo)
        r = json.loads(raw.read_text(encoding="utf-8")) if args.only and raw.exists() else {}
        r["_meta"] = {"quick": args.quick, "when": time.strftime("%Y-%m-%d %H:%M"), "load": os.getloadavg()[0]}
        for name in names:
            print(f"{name} …", flush=True)
            r[name] = todo[name]()
            if r[name].get("rc") not in (0, None):
                print(f"  exit {r[name]['rc']}: {r[name]['out'][-800:]}", flush=True)
            raw.write_text(json.dumps(r, indent=1, ensure_ascii=False), encoding="utf-8")
    write_results(r)


def write_results(r: dict) -> None:
    from bench.results import render

    text = render(r, platform.machine(), os.cpu_count() or 0, platform.python_version())
    (ROOT / "bench" / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
