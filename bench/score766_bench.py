"""Benchmark of the 766 score (issue 19): one month over a 10M-case warehouse.

    .venv/bin/python bench/score766_bench.py              # 10M cases (builds bench/work/score766.duckdb once)
    .venv/bin/python bench/score766_bench.py --cases 1000000

The warehouse is made directly in DuckDB, as run_bench.build_10m makes its 10M cases: today's units
of tỉnh Ninh Bình (the 129 units of era 2025), cases received from 07/2025 to 12/2026 with realistic
mixes of channels, fees, payments, e-results, digitisation, late and unfinished cases, a few waiting
for a supplement and a few without a due time; then one build (statutory due days, marts).

Measured in the same process, each the median of 3 runs after one warm-up:
- floor: one scan of the month's alive cases with the counts of the 766 numerators and denominators
  written by hand (no statuses, no roll-up, no metrics): what any query of that month costs;
- score766_between for the month (every unit × metric): target ≤ 3 s;
- score766_cases_between for one unit (unit := …) and the month: target ≤ 1 s;
- report_form_for_period for the month (months are computed on demand, not materialised).
Figures go to bench/SCORE766.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORK = ROOT / "bench" / "work"
MONTH = ("2026-08-01", "2026-08-31")
UNIT = "13684@2025"  # phường Thiên Trường

FLOOR = """
select unit_key,
       count(*) filter (where finished_at is null or finished_at <= due_at + interval 86399 second),
       count(*),
       count(*) filter (where received_at >= date '{s}' and channel = 'online'),
       count(*) filter (where received_at >= date '{s}' and fee_amount > 0 and is_paid_online),
       count(*) filter (where received_at >= date '{s}' and has_e_result),
       count(*) filter (where received_at >= date '{s}' and is_digitized)
from cases
where received_at < date '{e}' + interval 1 day and (finished_at is null or finished_at >= date '{s}')
group by unit_key
"""


def build(db: Path, n: int) -> float:
    """A warehouse of n cases of today's units, then one full build; returns the build's seconds."""
    from pipelines.config import Settings
    from pipelines.warehouse import build as build_marts
    from pipelines.warehouse import init_schema, load_communes

    con = duckdb.connect(str(db))
    init_schema(con)
    load_communes(con, Settings.load(config_file=None))
    units = [r[0] for r in con.execute("select unit_key from communes where era = '2025' order by 1").fetchall()]
    con.execute(
        "create temp table u as select unnest(?::varchar[]) as unit_key, generate_subscripts(?, 1) as n", [units, units]
    )
    con.execute(f"""insert into cases by name
        select
            'H40.' || i as case_id,
            (['1.001193', '1.004873', '2.000815', '1.000656'])[(i % 4) + 1] as procedure_code,
            (['Thủ tục đăng ký khai sinh', 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân',
              'Chứng thực bản sao từ bản chính', 'Thủ tục đăng ký khai tử'])[(i % 4) + 1] as procedure_name,
            (['Hộ tịch', 'Hộ tịch', 'Chứng thực', 'Hộ tịch'])[(i % 4) + 1] as sector,
            'UBND' as agency, u.unit_key, split_part(u.unit_key, '@', 1) as commune_code, 'x' as commune_name,
            case when i % 5 = 0 then 'direct' else 'online' end as channel, 'full' as service_level,
            r as received_at,
            case when i % 997 = 0 then null else r + interval 3 day end as due_at,
            case when i % 997 = 0 then date_trunc('day', r) + interval 5 day end as statutory_due_at,
            case when i % 40 = 0 then null else r + to_minutes((i * 7919) % 6000) end as finished_at,
            case
                when i % 40 = 0 and i % 3 = 0 then 'awaiting_supplement'
                when i % 40 = 0 then 'processing'
                when i % 101 = 0 then 'withdrawn'
                else 'returned'
            end as status,
            case when i % 40 = 0 and i % 3 = 0 and i % 2 = 0 then r + interval 1 day end as supplement_requested_at,
            i % 10 <> 0 as is_digitized, case when i % 3 = 0 then 20000 else 0 end as fee_amount,
            i % 7 <> 0 as is_paid_online, i % 9 <> 0 as has_e_result,
            'bench' as source_file, 'x' as source_sha256, i as source_row,
            timestamp '2026-12-01 07:00' as snapshot_at, 1 as file_seq, timestamp '2026-12-01 08:00' as ingested_at
        from (select i, timestamp '2025-07-01 07:00' + to_seconds((i * 97) % (548 * 86400)) as r
              from range({n}) t(i)) as c
        join u on u.n = (c.i % {len(units)}) + 1""")
    con.execute("checkpoint")
    seq = con.execute("select max(file_seq) + 1 from cases").fetchone()[0]
    t = time.perf_counter()
    build_marts(con, datetime(2026, 12, 1, 8, 0), new_since_seq=seq)
    seconds = time.perf_counter() - t
    con.close()
    return seconds


def timed(con: duckdb.DuckDBPyConnection, sql: str, runs: int = 3) -> tuple[float, int]:
    rows = len(con.execute(sql).fetchall())  # warm-up: the first read of a cold file
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        rows = len(con.execute(sql).fetchall())
        times.append(time.perf_counter() - t)
    return statistics.median(times), rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000_000)
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / f"score766_{args.cases}.duckdb"
    built = None
    if not db.exists():
        print(f"building {args.cases:,} cases …", flush=True)
        built = build(db, args.cases)
    con = duckdb.connect(str(db), read_only=True)
    s, e = MONTH
    n = con.execute("select count(*) from cases").fetchone()[0]
    floor, floor_rows = timed(con, FLOOR.format(s=s, e=e))
    score, score_rows = timed(con, f"select * from score766_between(date '{s}', date '{e}')")
    form, form_rows = timed(con, "select * from report_form_for_period('2026-08')")
    cases, case_rows = timed(con, f"select * from score766_cases_between(date '{s}', date '{e}', unit := '{UNIT}')")
    con.close()
    lines = [
        f"# 766 score over a warehouse of {n:,} cases (bench/score766_bench.py)",
        "",
        f"Month {s} … {e}; median of 3 runs after a warm-up, one process, 2 cores; "
        f"DuckDB {duckdb.__version__}; load average {os.getloadavg()[0]:.1f} at the end (other jobs on the "
        "machine slow every line alike: compare the ratios)."
        + (f" Warehouse built in {built:.1f} s." if built else ""),
        "",
        "| measurement | seconds | rows | ratio to floor | target |",
        "|---|---|---|---|---|",
        f"| floor: one scan of the month's cases with the 766 counts written by hand | {floor:.2f} | {floor_rows} | 1 | |",
        f"| `score766_between` (every unit × metric) | {score:.2f} | {score_rows} | {score / floor:.1f}× | ≤ 3 s |",
        f"| `score766_cases_between(…, unit := '{UNIT}')` | {cases:.2f} | {case_rows} | {cases / floor:.1f}× | ≤ 1 s |",
        f"| `report_form_for_period('2026-08')` (Biểu 06 of the month, on demand) | {form:.2f} | {form_rows} | "
        f"{form / floor:.1f}× | |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "SCORE766.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
