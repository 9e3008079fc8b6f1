"""Benchmark harness (issue 5): the project's ingest against the raw floor, side by side.

    .venv/bin/python bench/run_bench.py            # all measurements, writes bench/RESULTS.md
    .venv/bin/python bench/run_bench.py --quick    # smaller inputs, for trying changes

Every measurement runs in its own child process (fresh memory, fresh caches of this process),
timed by wall clock and measured for peak RSS through a wrapper that reads RUSAGE_CHILDREN.
Inputs are written by the project's own generator (tools/sample/) into bench/data/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# what a measured run keeps (archived inputs, backups, the secret key) goes to bench/work/site, never
# to the checkout's data/ (the defaults are relative to the working folder); every child inherits it
for _name, _sub in {"INPUT_ARCHIVE": "inputs", "BACKUPS": "backups", "SECRET_KEY": "secret.key"}.items():
    os.environ.setdefault(f"TTHC_{_name}", str(ROOT / "bench" / "work" / "site" / _sub))
os.environ.setdefault("TTHC_INBOX_ARCHIVE", "")
DATA = ROOT / "bench" / "data"
WORK = ROOT / "bench" / "work"
PY = sys.executable

WRAP = (
    "import resource, subprocess, sys, time, json;"
    "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
    "dt = time.perf_counter() - t;"
    "print(json.dumps({'seconds': dt, 'rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,"
    " 'rc': r.returncode, 'out': r.stdout[-4000:], 'err': r.stderr[-2000:]}))"
)


def measure(cmd: list[str], env: dict | None = None, repeat: int = 1) -> dict:
    """Median wall time and max peak RSS of `cmd` over `repeat` runs, each in a fresh process."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([PY, "-c", WRAP, *cmd], capture_output=True, text=True, env=env or os.environ.copy())
        res = json.loads(out.stdout.strip().splitlines()[-1])
        if res["rc"] != 0:
            raise RuntimeError(f"{cmd} failed: {res['err']}")
        runs.append(res)
    runs.sort(key=lambda r: r["seconds"])
    mid = runs[len(runs) // 2]
    return {
        "seconds": round(mid["seconds"], 2),
        "rss_mb": round(max(r["rss_mb"] for r in runs)),
        "out": mid["out"],
        "runs": [round(r["seconds"], 2) for r in runs],
    }


def py(code: str) -> list[str]:
    return [PY, "-c", textwrap.dedent(code)]


def ensure_inputs(csv_rows: int, xlsx_rows: int, big_rows: int) -> dict[str, Path]:
    DATA.mkdir(parents=True, exist_ok=True)
    files = {
        "csv": DATA / f"cases_{csv_rows}.csv",
        "xlsx": DATA / f"cases_{xlsx_rows}.xlsx",
        "big_csv": DATA / f"cases_{big_rows}.csv",
        "inc": DATA / "increment_10000.csv",
    }
    sys.path.insert(0, str(ROOT))
    from tools.sample import write_big_csv, write_big_xlsx

    if not files["csv"].exists():
        write_big_csv(files["csv"], csv_rows, seed=1)
    if not files["xlsx"].exists():
        write_big_xlsx(files["xlsx"], xlsx_rows, seed=2)
    if big_rows and not files["big_csv"].exists():
        write_big_csv(files["big_csv"], big_rows, seed=3)
    if not files["inc"].exists():
        write_big_csv(files["inc"], 10_000, seed=4)
    return files


def floor_csv(path: Path) -> dict:
    return measure(
        py(f"""
        import time, json
        import pyarrow as pa, pyarrow.csv as pc, duckdb
        t0 = time.perf_counter()
        ro = pc.ReadOptions(skip_rows=5, block_size=1 << 24)
        names = pc.open_csv('{path}', read_options=ro, parse_options=pc.ParseOptions(delimiter=';', invalid_row_handler=lambda r: 'skip')).schema.names
        t = pc.read_csv('{path}', read_options=ro, parse_options=pc.ParseOptions(delimiter=';', invalid_row_handler=lambda r: 'skip'),
                        convert_options=pc.ConvertOptions(column_types={{n: pa.string() for n in names}}))
        duckdb.sql("select \\"Don vi xu ly\\", count(*) from t group by 1").fetchall()
        print(json.dumps({{'work_s': time.perf_counter() - t0, 'rows': t.num_rows}}))
    """),
        repeat=3,
    )


def floor_xlsx(path: Path) -> dict:
    return measure(
        py(f"""
        import time, json
        import fastexcel, duckdb
        t0 = time.perf_counter()
        t = fastexcel.read_excel('{path}').load_sheet(0, header_row=None, dtypes='string').to_arrow()
        duckdb.sql("select count(*) from t").fetchall()
        print(json.dumps({{'work_s': time.perf_counter() - t0, 'rows': t.num_rows}}))
    """),
        repeat=3,
    )


def stage_only(path: Path) -> dict:
    """Extract + parse + validate to Parquet (the per-file work), with pandera's own share."""
    return measure(
        py(f"""
        import time, json
        from pathlib import Path
        import pipelines.transform.stage as st
        spent = [0.0]
        inner = st.row_reasons
        def timed(frame):
            t = time.perf_counter(); r = inner(frame); spent[0] += time.perf_counter() - t; return r
        st.row_reasons = timed
        from pipelines.config import Settings
        s = Settings.load(config_file=Path('/nonexistent'), stage=Path('{WORK}/stage-only'))
        t = time.perf_counter(); res = st.stage_file(Path('{path}'), s)
        print(json.dumps({{'stage_s': time.perf_counter() - t, 'pandera_s': spent[0], 'rows': res.rows_read}}))
    """),
        repeat=1,
    )


def run_cmd(path: Path, db: Path, prefect: bool, api_url: str | None = None) -> dict:
    """The whole command in a fresh process; `work_s` is the run's own time as it prints it
    ("Thời gian: …"), i.e. without interpreter start, imports and (with Prefect) server start."""
    env = dict(
        os.environ, TTHC_DB=str(db), TTHC_STAGE=str(WORK / "stage"), TTHC_CONFIG="/nonexistent", TTHC_MAX_FILE_MB="4096"
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    if db.exists():
        db.unlink()
    cmd = [str(Path(PY).parent / "tthc"), "run", str(path)] + ([] if prefect else ["--no-prefect"])
    res = measure(cmd, env=env)
    found = re.search(r"Thời gian: ([\d.,]+) s", res["out"].replace("\n", " "))
    res["work_s"] = float(found.group(1).replace(".", "").replace(",", ".")) if found else None
    return res


@contextmanager
def prefect_server() -> Iterator[str]:
    """A Prefect server started for the measurement (as the nightly service would use one)."""
    home = WORK / "prefect-home"
    home.mkdir(parents=True, exist_ok=True)
    port = 4299
    env = dict(os.environ, PREFECT_HOME=str(home))
    proc = subprocess.Popen(
        [str(Path(PY).parent / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(url + "/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the Prefect server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def build_10m(db: Path, n: int) -> dict:
    """A warehouse of n cases made directly in DuckDB (realistic dates and mixes), then a rebuild."""
    return measure(
        py(f"""
        import time, json, duckdb
        from datetime import datetime
        from pipelines.warehouse import init_schema, build
        from pipelines.config import Settings
        from pipelines.warehouse import load_communes
        con = duckdb.connect('{db}')
        init_schema(con)
        load_communes(con, Settings.load(config_file=None))
        con.execute('''insert into cases (case_id, procedure_code, procedure_name, sector, agency, commune_code,
                commune_name, channel, service_level, received_at, due_at, finished_at, returned_at, status,
                is_digitized, fee_amount, is_paid_online, has_e_result, note, source_file, source_sha256,
                source_sheet, source_row, snapshot_at, file_seq, ingested_at, unit_key)
            select
                '000.' || (i % 7) || '.H40-' || i as case_id, '1.001193', 'Thủ tục đăng ký khai sinh',
                (['Hộ tịch','Chứng thực','Bảo trợ xã hội','Đất đai','Người có công'])[(i % 5) + 1],
                'UBND xã', (['13711','13717','13720','13723','13726','13732','13735'])[(i % 7) + 1],
                (['Mỹ Hà','Mỹ Thắng','Mỹ Trung','Mỹ Tân','Mỹ Phúc','Mỹ Thuận','Mỹ Lộc'])[(i % 7) + 1],
                case when i % 6 = 0 then 'direct' else 'online' end, 'full',
                r, r + interval 3 day,
                case when i % 50 = 0 then null else r + to_minutes((i * 7919) % 6000) end,
                null, case when i % 50 = 0 then 'processing' else 'returned' end,
                i % 10 <> 0, case when i % 3 = 0 then 20000 else 0 end, i % 3 = 0, true, null,
                'bench', 'x', null, i, timestamp '2025-01-06 07:30', 1, timestamp '2025-01-06 08:00',
                (['13711','13717','13720','13723','13726','13732','13735'])[(i % 7) + 1] || '@2024'
            from (select i, timestamp '2022-01-01 07:00' + to_seconds((i * 97) % (3 * 365 * 86400)) as r
                  from range({n}) t(i))''')
        con.execute('checkpoint')
        con.execute("set enable_progress_bar = false")
        new_seq = con.execute('select max(file_seq) + 1 from cases').fetchone()[0]
        t = time.perf_counter(); build(con, datetime(2025, 1, 6, 8, 0), new_since_seq=new_seq)
        rebuild = time.perf_counter() - t
        from pipelines.sqlfiles import run_file
        t = time.perf_counter(); run_file(con, 'checks/unique_case_ids.sql', since_seq=0).fetchall()
        unique_all = time.perf_counter() - t
        rows = con.execute('select count(*) from report_form').fetchone()[0]
        con.close()
        print(json.dumps({{'rebuild_s': rebuild, 'unique_all_s': unique_all, 'report_rows': rows}}))
    """)
    )


def increment(db: Path, inc: Path) -> dict:
    env = dict(os.environ, TTHC_DB=str(db), TTHC_STAGE=str(WORK / "stage"), TTHC_CONFIG="/nonexistent")
    res = measure([str(Path(PY).parent / "tthc"), "run", str(inc), "--no-prefect"], env=env)
    found = re.search(r"Thời gian: ([\d.,]+) s", res["out"].replace("\n", " "))
    res["work_s"] = float(found.group(1).replace(".", "").replace(",", ".")) if found else None
    return res


def last_json(out: str) -> dict:
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def versions() -> dict[str, str]:
    import importlib.metadata as md

    return {p: md.version(p) for p in ("pandas", "pandera", "duckdb", "pyarrow", "fastexcel", "prefect")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="100k csv, 20k xlsx, 1M warehouse")
    ap.add_argument("--skip-10m-csv", action="store_true", help="skip the 10M-row CSV memory check")
    ap.add_argument("--rewrite", action="store_true", help="rewrite RESULTS.md from its raw figures and NOTES.md")
    args = ap.parse_args()
    if args.rewrite:
        rewrite()
        return
    csv_rows, xlsx_rows, wh_rows = (100_000, 20_000, 1_000_000) if args.quick else (1_000_000, 200_000, 10_000_000)
    big_rows = 0 if (args.quick or args.skip_10m_csv) else 10_000_000
    WORK.mkdir(parents=True, exist_ok=True)
    files = ensure_inputs(csv_rows, xlsx_rows, big_rows)
    r: dict[str, dict] = {}
    print("floor csv …", flush=True)
    r["floor_csv"] = floor_csv(files["csv"])
    print("stage csv …", flush=True)
    r["stage_csv"] = stage_only(files["csv"])
    print("tthc run csv (no prefect) …", flush=True)
    r["run_csv"] = run_cmd(files["csv"], WORK / "csv.duckdb", False)
    print("tthc run csv (prefect, temporary server) …", flush=True)
    r["run_csv_prefect"] = run_cmd(files["csv"], WORK / "csvp.duckdb", True)
    print("tthc run csv (prefect, running server) …", flush=True)
    with prefect_server() as url:
        r["run_csv_prefect_server"] = run_cmd(files["csv"], WORK / "csvs.duckdb", True, api_url=url)
    print("floor xlsx …", flush=True)
    r["floor_xlsx"] = floor_xlsx(files["xlsx"])
    print("stage xlsx …", flush=True)
    r["stage_xlsx"] = stage_only(files["xlsx"])
    if big_rows:
        print("tthc run 10M csv (memory) …", flush=True)
        r["run_big_csv"] = run_cmd(files["big_csv"], WORK / "big.duckdb", False)
    print(f"warehouse of {wh_rows:,} cases …", flush=True)
    db = WORK / "wh.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    r["build_wh"] = build_10m(db, wh_rows)
    print("nightly increment …", flush=True)
    r["increment"] = increment(db, files["inc"])
    write_results(r, csv_rows, xlsx_rows, wh_rows, big_rows)


def rewrite() -> None:
    """RESULTS.md again from its own raw figures (after editing bench/NOTES.md): no re-measuring."""
    text = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    raw = json.loads(text[text.index("```json") + 7 : text.rindex("```")])
    r = {
        k: {kk: vv for kk, vv in v.items() if kk != "detail"} | {"out": json.dumps(v["detail"])} for k, v in raw.items()
    }
    sizes = re.search(r"\(([\d,]+) rows\) \|", text), re.search(r"XLSX floor.*?\(([\d,]+) rows\)", text)
    wh = re.search(r"over ([\d,]+) cases", text)
    n = lambda m: int(m.group(1).replace(",", ""))
    write_results(r, n(sizes[0]), n(sizes[1]), n(wh), 10_000_000 if "run_big_csv" in r else 0)


def write_results(r: dict, csv_rows: int, xlsx_rows: int, wh_rows: int, big_rows: int) -> None:
    d = {k: last_json(v["out"]) for k, v in r.items()}
    fc_work, fx_work = d["floor_csv"].get("work_s", 0), d["floor_xlsx"].get("work_s", 0)
    fc, fx = r["floor_csv"]["seconds"], r["floor_xlsx"]["seconds"]
    st_csv, st_xlsx, wh = d["stage_csv"], d["stage_xlsx"], d["build_wh"]
    run, pref, serv = r["run_csv"], r["run_csv_prefect"], r["run_csv_prefect_server"]
    yes = lambda ok: "yes" if ok else "no"
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        + ", ".join(f"{k} {v}" for k, v in versions().items())
        + ".",
        "Command: `.venv/bin/python bench/run_bench.py`" + (" --quick" if csv_rows < 1_000_000 else "") + ". "
        "Every measurement is a fresh process: *whole* is its wall time (interpreter start and imports "
        "included), *work* the time of the work itself, measured inside it (for `tthc run`, the "
        "`Thời gian` it prints: hashing, extract, parse, validate, stage, load, rebuild, checks, publish). "
        "Floors: median of 3.",
        "",
        "| measurement | work s | whole s | rows/s (work) | peak RSS MB | ratio | target | met |",
        "|---|---|---|---|---|---|---|---|",
        f"| CSV floor: pyarrow all-text read + one DuckDB group-by ({csv_rows:,} rows) | {fc_work:.2f} | {fc} | "
        f"{csv_rows / max(fc_work, 1e-9):,.0f} | {r['floor_csv']['rss_mb']} | 1 | | |",
        f"| CSV stage only: extract + parse + validate → Parquet | {st_csv.get('stage_s', 0):.2f} | "
        f"{r['stage_csv']['seconds']} | {csv_rows / max(st_csv.get('stage_s', 1), 1e-9):,.0f} | "
        f"{r['stage_csv']['rss_mb']} | {st_csv.get('stage_s', 0) / fc_work:.1f}× | | |",
        f"| of which pandera row rules | {st_csv.get('pandera_s', 0):.2f} | | | | "
        f"{100 * st_csv.get('pandera_s', 0) / max(st_csv.get('stage_s', 1), 1e-9):.0f} % of stage | must not dominate "
        f"| {yes(st_csv.get('pandera_s', 0) < 0.5 * st_csv.get('stage_s', 1))} |",
        f"| `tthc run --no-prefect` CSV: data work | {run['work_s']} | {run['seconds']} | "
        f"{csv_rows / max(run['work_s'] or 1, 1e-9):,.0f} | {run['rss_mb']} | {(run['work_s'] or 0) / fc_work:.1f}× "
        f"(whole {run['seconds'] / fc:.1f}×) | ≤ 2× floor | {yes((run['work_s'] or 99) <= 2 * fc_work)} |",
        f"| `tthc run` CSV, Prefect temporary server (whole command) | {pref['work_s']} | {pref['seconds']} | | "
        f"{pref['rss_mb']} | floor + {pref['seconds'] - fc:.1f} s | ≤ floor + 10 s | {yes(pref['seconds'] <= fc + 10)} |",
        f"| `tthc run` CSV, Prefect server already running (whole command) | {serv['work_s']} | {serv['seconds']} | | "
        f"{serv['rss_mb']} | floor + {serv['seconds'] - fc:.1f} s | ≤ floor + 10 s | {yes(serv['seconds'] <= fc + 10)} |",
        f"| peak RSS of `tthc run` on the CSV | | | | {run['rss_mb']} | | ≤ 1536 MB | {yes(run['rss_mb'] <= 1536)} |",
        f"| XLSX floor: fastexcel → Arrow + one DuckDB query ({xlsx_rows:,} rows) | {fx_work:.2f} | {fx} | "
        f"{xlsx_rows / max(fx_work, 1e-9):,.0f} | {r['floor_xlsx']['rss_mb']} | 1 | | |",
        f"| XLSX ingest: extract + parse + validate → Parquet | {st_xlsx.get('stage_s', 0):.2f} | "
        f"{r['stage_xlsx']['seconds']} | {xlsx_rows / max(st_xlsx.get('stage_s', 1), 1e-9):,.0f} | "
        f"{r['stage_xlsx']['rss_mb']} | {st_xlsx.get('stage_s', 0) / fx_work:.2f}× (whole "
        f"{r['stage_xlsx']['seconds'] / fx:.2f}×) | ≤ 1.3× | {yes(st_xlsx.get('stage_s', 0) <= 1.3 * fx_work)} |",
    ]
    if big_rows:
        b = r["run_big_csv"]
        lines.append(
            f"| `tthc run --no-prefect` {big_rows:,}-row CSV | {b['work_s']} | {b['seconds']} | "
            f"{big_rows / max(b['work_s'] or b['seconds'], 1e-9):,.0f} | {b['rss_mb']} | | RSS ≤ 1536 MB "
            f"| {yes(b['rss_mb'] <= 1536)} |"
        )
    inc = r["increment"]
    lines += [
        f"| rebuild report_form + indicators + identity checks over {wh_rows:,} cases | {wh.get('rebuild_s', 0):.2f} "
        f"| | | {r['build_wh']['rss_mb']} | | ≤ 5 s | {yes(wh.get('rebuild_s', 99) <= 5)} |",
        f"| (not in a nightly run) uniqueness scan of all {wh_rows:,} case ids | {wh.get('unique_all_s', 0):.2f} | | | | "
        "| | |",
        f"| nightly increment: 10,000-row file onto the {wh_rows:,}-case warehouse | {inc.get('work_s')} | "
        f"{inc['seconds']} | | {inc['rss_mb']} | | ≤ 15 s end to end | {yes(inc['seconds'] <= 15)} |",
        "",
    ]
    notes = ROOT / "bench" / "NOTES.md"  # the reading of the figures, written by hand
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    lines += [
        "Raw figures:",
        "",
        "```json",
        json.dumps(
            {k: {kk: vv for kk, vv in v.items() if kk != "out"} | {"detail": d[k]} for k, v in r.items()},
            indent=1,
            ensure_ascii=False,
        ),
        "```",
        "",
    ]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[:24]))


if __name__ == "__main__":
    main()
