"""Throughput of the per-file work before and after a change (issue 13: no loss on CSV and xlsx).

    .venv/bin/python bench/layout_bench.py --before /tmp/before [--after /tmp/after] [--rounds 3]

`--before` is a checkout of the earlier commit (`git worktree add /tmp/before <commit>`). Each
round stages the benchmark's 1M-row CSV and 200k-row xlsx (bench/data, written by
bench/run_bench.py's inputs) once with each code base, each in a fresh process run from its own
checkout, which one goes first alternating by round, so a drift of the machine hits both alike; the floors (pyarrow all-text CSV read, fastexcel → Arrow)
are measured in the same rounds. Prints a Markdown table; bench/RESULTS_LAYOUTS.md keeps it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# what a measured run keeps (archived inputs, backups, the secret key) goes to bench/work/site, never
# to the checkout's data/ (the defaults are relative to the working folder); every child inherits it
for _name, _sub in {"INPUT_ARCHIVE": "inputs", "BACKUPS": "backups", "SECRET_KEY": "secret.key"}.items():
    os.environ.setdefault(f"TTHC_{_name}", str(ROOT / "bench" / "work" / "site" / _sub))
os.environ.setdefault("TTHC_INBOX_ARCHIVE", "")
DATA = ROOT / "bench" / "data"
WORK = ROOT / "bench" / "work"

STAGE = """
import json, time
from pathlib import Path
from pipelines.config import Settings
from pipelines.transform.stage import stage_file
s = Settings.load(config_file=Path('/nonexistent'), stage=Path({stage!r}), max_file_mb=4096)
t = time.perf_counter()
r = stage_file(Path({path!r}), s)
print(json.dumps({{'s': time.perf_counter() - t, 'rows': r.rows_read, 'status': r.status}}))
"""
# the floors of bench/run_bench.py (the same reads)
FLOOR_CSV = """
import json, time
import pyarrow as pa, pyarrow.csv as pc
t = time.perf_counter()
ro = pc.ReadOptions(skip_rows=5, block_size=1 << 24)
po = pc.ParseOptions(delimiter=';', invalid_row_handler=lambda r: 'skip')
names = pc.open_csv({path!r}, read_options=ro, parse_options=po).schema.names
tab = pc.read_csv({path!r}, read_options=ro, parse_options=po,
                  convert_options=pc.ConvertOptions(column_types={{n: pa.string() for n in names}}))
print(json.dumps({{'s': time.perf_counter() - t, 'rows': tab.num_rows}}))
"""
FLOOR_XLSX = """
import json, time
import fastexcel
t = time.perf_counter()
tab = fastexcel.read_excel({path!r}).load_sheet(0, header_row=None, dtypes='string').to_arrow()
print(json.dumps({{'s': time.perf_counter() - t, 'rows': tab.num_rows}}))
"""


def once(code: str, pythonpath: Path | None) -> dict:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    # cwd is the code's own checkout: `python -c` puts the working directory first on sys.path
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, cwd=pythonpath or ROOT
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, required=True, help="checkout of the earlier commit")
    ap.add_argument("--after", type=Path, default=ROOT, help="checkout of the later commit (default: this one)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    inputs = {"CSV 1,000,000 rows": DATA / "cases_1000000.csv", "xlsx 200,000 rows": DATA / "cases_200000.xlsx"}
    for p in inputs.values():
        if not p.exists():
            sys.exit(f"missing {p}: run bench/run_bench.py once to write the inputs")
    times: dict[tuple[str, str], list[float]] = {}
    for n in range(args.rounds):
        for label, path in inputs.items():
            floor = FLOOR_CSV if path.suffix == ".csv" else FLOOR_XLSX
            times.setdefault((label, "floor"), []).append(once(floor.format(path=str(path)), None)["s"])
            sides = [("before", args.before), ("after", args.after)]
            for side, code_root in sides if n % 2 == 0 else sides[::-1]:  # who goes first alternates
                r = once(STAGE.format(path=str(path), stage=str(WORK / f"layout-{side}")), code_root)
                assert r["status"] == "staged", r
                times.setdefault((label, side), []).append(r["s"])
    print("| input | floor s | before s | after s | after / before | after / floor (before / floor) |")
    print("|---|---|---|---|---|---|")
    for label in inputs:
        f, b, a = (statistics.median(times[(label, k)]) for k in ("floor", "before", "after"))
        print(f"| {label} | {f:.2f} | {b:.2f} | {a:.2f} | {a / b:.2f} | {a / f:.2f} ({b / f:.2f}) |")
    print(f"\nmedian of {args.rounds} rounds; runs: " + json.dumps({f"{k[0]} {k[1]}": v for k, v in times.items()}))


if __name__ == "__main__":
    main()
