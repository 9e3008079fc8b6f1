"""The leaders' dashboard at province scale (issue 22): 130 of today's units, 36 months.

    .venv/bin/python bench/dashboard_bench.py [--units 130] [--per-month 150] [--keep]

Builds a warehouse directly in DuckDB (as run_bench.build_10m does): tỉnh Thanh Hóa's registry
(166 units today), `--per-month` cases a month for each of `--units` units from 12/2023 to
11/2026, cases before 01/07/2025 under an old unit that became the unit (so the series roll up as
in production), then, each in a fresh process:

- floor: the one classification the pages need (`period_counts` of every unit over the 36 months,
  `units := 'current'`), nothing else;
- pages: `write_pages` for 2026-11 (the province page and one page per unit, all queries included);
- briefs: every unit page printed to its A4 PDF by one headless Chromium;
- first paint of the province page and of the heaviest unit page in headless Chromium (median of
  5 loads each, `first-contentful-paint`), and the size of every page.

Targets: the province dashboard written in ≤ 10 s, every page ≤ 2 MB, first paint ≤ 1 s.
Prints one JSON line and writes bench/DASHBOARD.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "dashboard"
PY = sys.executable

BUILD = """
import duckdb
from datetime import datetime
from pathlib import Path
from pipelines.config import Settings
from pipelines.warehouse import init_schema, load_communes, build
s = Settings.load(config_file=Path('/nonexistent'), province='Thanh Hóa')
con = duckdb.connect({db!r})
init_schema(con, s)
load_communes(con, s)
con.execute('''create temp table picked as
    select n.unit_key as new_key, n.commune_code, n.commune_name, row_number() over (order by n.unit_key) - 1 as i,
           coalesce((select min(o.unit_key) from communes o where o.successor_key = n.unit_key), n.unit_key) as old_key
    from communes n where n.era = '2025' order by n.unit_key limit {units}''')
con.execute('''insert into cases by name
    select 'HS-' || p.i || '-' || m || '-' || k as case_id, 'Thủ tục ' || (k % 9) as procedure_name,
           (['Hộ tịch','Chứng thực','Đất đai','Bảo trợ xã hội','Người có công'])[(k % 5) + 1] as sector,
           'UBND ' || p.commune_name as agency, p.commune_code, p.commune_name,
           case when (k + m) % 5 = 0 then 'direct' else 'online' end as channel,
           r as received_at, r + interval 3 day as due_at,
           case when (k * 7 + m) % 23 = 0 then null else r + to_minutes(((k * 7919 + p.i * 31) % 6000)) end as finished_at,
           case when (k * 7 + m) % 23 = 0 then 'processing' else 'returned' end as status,
           k % 10 <> 0 as is_digitized, case when k % 3 = 0 then 20000 else 0 end as fee_amount,
           k % 3 = 0 as is_paid_online, true as has_e_result, 'bench' as source_file, 1 as file_seq,
           r as snapshot_at, timestamp '2026-12-01 08:00' as ingested_at,
           case when r < timestamp '2025-07-01' then p.old_key else p.new_key end as unit_key
    from picked p, range(36) t(m), range({per_month}) u(k),
         lateral (select timestamp '2023-12-01 07:30' + to_months(m) + to_minutes(((k * 9973 + p.i) % (27 * 1440)))) v(r)''')
con.execute("insert into runs (run_id, started_at, finished_at, status, files_loaded, as_of, code_version) "
            "values ('bench', timestamp '2026-12-07 02:00', timestamp '2026-12-07 02:05', 'succeeded', 1, "
            "timestamp '2026-12-07 02:00', 'bench')")
build(con, datetime(2026, 12, 7, 2, 0))
print(con.execute('select count(*) from cases').fetchone()[0])
con.close()
"""

FLOOR = """
import duckdb, json, time
from datetime import date
from pipelines.outputs.dashboard.series import months_until
con = duckdb.connect({db!r}, read_only=True)
months = [{{'period': m.label, 'period_start': m.start, 'period_end': m.end}} for m in months_until(date(2026, 11, 30), None)]
t = time.perf_counter()
n = con.execute("select count(*) from period_counts(?::struct(period varchar, period_start date, period_end date)[], "
                "timestamp '2026-12-07 02:00', units := 'current') where sector is null", [months]).fetchone()[0]
print(json.dumps({{'floor_s': time.perf_counter() - t, 'unit_months': n}}))
"""

PAGES = """
import json, time
from pathlib import Path
from pipelines.config import Settings
from pipelines.outputs.dashboard import write_pages, print_briefs
from pipelines.rules.periods import parse_period
s = Settings.load(config_file=Path('/nonexistent'), db=Path({db!r}), out=Path({out!r}), province='Thanh Hóa')
t = time.perf_counter()
written, _ = write_pages(s, parse_period('2026-11'))
pages = time.perf_counter() - t
t = time.perf_counter()
print_briefs(written)
briefs = time.perf_counter() - t
print(json.dumps({{'pages_s': pages, 'briefs_s': briefs, 'pages': [str(p) for p in written.pages],
                   'briefs': [str(p) for p in written.briefs], 'skipped': written.pdf_skipped}}))
"""


def child(code: str) -> dict:
    res = subprocess.run([PY, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def first_paints(page: Path, loads: int = 5) -> list[float]:
    from pipelines.outputs.dashboard.browser import Browser

    with Browser() as b:
        tab = b.open("about:blank")
        out = []
        for _ in range(loads):
            tab.goto(page)
            visit = tab.visit()
            assert not visit.console_errors and not visit.blocked, (visit.console_errors, visit.blocked)
            out.append(float(visit.first_contentful_paint_ms or "nan"))
        return out


def pdf_pages(paths: list[str]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for p in paths:
        info = subprocess.run(["pdfinfo", p], capture_output=True, text=True).stdout
        n = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        counts[n] = counts.get(n, 0) + 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=130)
    ap.add_argument("--per-month", type=int, default=150)
    ap.add_argument("--keep", action="store_true", help="keep bench/work/dashboard/")
    a = ap.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    db, out = WORK / "w.duckdb", WORK / "out"
    t = time.perf_counter()
    res = subprocess.run(
        [PY, "-c", textwrap.dedent(BUILD.format(db=str(db), units=a.units, per_month=a.per_month))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        raise SystemExit(res.stderr[-3000:])
    cases = int(res.stdout.strip().splitlines()[-1])
    built = time.perf_counter() - t
    floor = child(FLOOR.format(db=str(db)))
    run = child(PAGES.format(db=str(db), out=str(out)))
    pages = [Path(p) for p in run["pages"]]
    sizes = {p.name: p.stat().st_size for p in pages}
    heaviest = max((p for p in pages if p.name != "index.html"), key=lambda p: p.stat().st_size)
    province_fcp = first_paints(pages[0])
    unit_fcp = first_paints(heaviest)
    result = {
        "units": len(pages) - 1,
        "cases": cases,
        "months": 36,
        "build_s": round(built, 1),
        "floor_s": round(floor["floor_s"], 2),
        "pages_s": round(run["pages_s"], 2),
        "ratio": round(run["pages_s"] / floor["floor_s"], 1),
        "briefs_s": round(run["briefs_s"], 1),
        "briefs": len(run["briefs"]),
        "brief_pages": pdf_pages(run["briefs"]),
        "province_bytes": sizes["index.html"],
        "max_unit_bytes": max(v for k, v in sizes.items() if k != "index.html"),
        "province_fcp_ms": round(statistics.median(province_fcp)),
        "unit_fcp_ms": round(statistics.median(unit_fcp)),
        "fcp_all_ms": province_fcp + unit_fcp,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(result))
    write_md(result)
    if not a.keep:
        shutil.rmtree(WORK, ignore_errors=True)


def write_md(r: dict) -> None:
    def verdict(ok: bool) -> str:
        return "met" if ok else "missed"

    mb = 2 * 2**20
    (ROOT / "bench" / "DASHBOARD.md").write_text(_md(r, verdict, mb), encoding="utf-8")


def _md(r: dict, verdict, mb: int) -> str:
    return f"""# Dashboard at province scale (bench/dashboard_bench.py)

{r["units"]} units of tỉnh Thanh Hóa, {r["months"]} months (12/2023–11/2026), {r["cases"]} cases
(cases before 01/07/2025 under an old unit, rolled up); period 2026-11; 2-core machine shared with
other work; each measurement in a fresh process. Command: `.venv/bin/python bench/dashboard_bench.py`.

| measurement | value | target |
|---|---|---|
| floor: one `period_counts` of every unit over 36 months (`units := 'current'`) | {r["floor_s"]} s | |
| province page + {r["units"]} unit pages written (`write_pages`, every query included) | {r["pages_s"]} s ({r["ratio"]}× the floor) | ≤ 10 s — {verdict(r["pages_s"] <= 10)} |
| province page size | {r["province_bytes"]} bytes | ≤ 2 MB — {verdict(r["province_bytes"] <= mb)} |
| heaviest unit page | {r["max_unit_bytes"]} bytes | ≤ 2 MB — {verdict(r["max_unit_bytes"] <= mb)} |
| first contentful paint, province page (median of 5, headless Chromium) | {r["province_fcp_ms"]} ms | ≤ 1 s — {verdict(r["province_fcp_ms"] <= 1000)} |
| first contentful paint, heaviest unit page (median of 5) | {r["unit_fcp_ms"]} ms | ≤ 1 s — {verdict(r["unit_fcp_ms"] <= 1000)} |
| {r["briefs"]} one-page A4 briefs printed by one Chromium | {r["briefs_s"]} s | pages per brief: {r["brief_pages"]} |

Every paint measured (ms, province ×5 then unit ×5): {r["fcp_all_ms"]}. Load average of the
machine (1, 5, 15 min) at the end of the run: {r["load_average"]} (other work shared the 2 cores).
"""


if __name__ == "__main__":
    main()
