"""The cost of the personal-data scrubber on the hot path (issue 17), before and after.

    .venv/bin/python bench/scrub_bench.py --before /tmp/before [--rounds 3]

`--before` is a checkout of the commit before the scrubber (0.5.0, `git worktree add /tmp/before
e6e4c86` or `git archive e6e4c86 | tar -x -C /tmp/before`). Each round stages the benchmark's
1M-row CSV (bench/data/cases_1000000.csv, written by bench/run_bench.py's inputs) once with each
code base, each in a fresh process run from its own checkout, who goes first alternating by round.
In the runs of this code the time spent inside the scrubber itself is summed (every Scrubber method
the transform step calls, wrapped). Prints a Markdown table; bench/RESULTS.md keeps it.
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
DATA = ROOT / "bench" / "data"
WORK = ROOT / "bench" / "work"

STAGE = """
import json, time
from pathlib import Path
spent, depth = [0.0], [0]
try:
    from pipelines.transform.scrub import Scrubber
    for name in ("text", "distinct", "ids", "one", "one_id", "many", "staged"):
        inner = getattr(Scrubber, name)
        def timed(self, *a, _inner=inner, **k):  # outermost calls only: one call may use another
            depth[0] += 1; t = time.perf_counter()
            try:
                return _inner(self, *a, **k)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    spent[0] += time.perf_counter() - t
        setattr(Scrubber, name, timed)
except ImportError:  # the code before the scrubber
    spent = [None]
from pipelines.config import Settings
from pipelines.transform.stage import stage_file
s = Settings.load(config_file=Path('/nonexistent'), stage=Path({stage!r}), max_file_mb=4096)
t = time.perf_counter()
r = stage_file(Path({path!r}), s)
print(json.dumps({{'s': time.perf_counter() - t, 'scrub_s': spent[0], 'rows': r.rows_read, 'status': r.status}}))
"""


def once(code: str, checkout: Path) -> dict:
    # the site's paths (the secret key among them) in bench/work, never in a checkout's data/
    env = dict(os.environ, PYTHONPATH=str(checkout), TTHC_SECRET_KEY=str(WORK / "secret.key"))
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, cwd=checkout
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, required=True, help="checkout of the code before the scrubber")
    ap.add_argument("--after", type=Path, default=ROOT, help="checkout of the code with it (default: this one)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    path = DATA / "cases_1000000.csv"
    if not path.exists():
        sys.exit(f"missing {path}: run bench/run_bench.py once to write the inputs")
    WORK.mkdir(parents=True, exist_ok=True)
    times: dict[str, list[float]] = {"before": [], "after": [], "scrub": []}
    for n in range(args.rounds):
        sides = [("before", args.before), ("after", args.after)]
        for side, checkout in sides if n % 2 == 0 else sides[::-1]:  # who goes first alternates
            r = once(STAGE.format(path=str(path), stage=str(WORK / f"scrub-{side}")), checkout)
            assert r["status"] == "staged" and r["rows"] == 1_000_000, r
            times[side].append(r["s"])
            if side == "after":
                times["scrub"].append(r["scrub_s"])
    b, a, sc = (statistics.median(times[k]) for k in ("before", "after", "scrub"))
    print(
        "| 1,000,000-row CSV, staged (extract, parse, validate, Parquet) | before s | after s | after / before "
        "| inside the scrubber s (share of after) |"
    )
    print("|---|---|---|---|---|")
    print(f"| median of {args.rounds} rounds | {b:.2f} | {a:.2f} | {a / b:.2f} | {sc:.2f} ({sc / a:.0%}) |")
    print("\nruns: " + json.dumps(times))


if __name__ == "__main__":
    main()
