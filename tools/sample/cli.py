"""Command line: ``python -m tools.sample OUT_DIR [--seed N] [--big-csv N PATH]
[--big-xlsx N PATH]``."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from .bigfiles import write_big_csv, write_big_xlsx
from .build import generate_sample


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.sample",
        description="Write the deterministic sample of portal exports (huyện Mỹ Lộc 2024 → 4 phường, 2026).",
    )
    parser.add_argument("out_dir", nargs="?", type=Path, help="folder for the sample files")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    parser.add_argument(
        "--big-csv", nargs=2, metavar=("N", "PATH"), help="also write a benchmark CSV of N rows to PATH"
    )
    parser.add_argument(
        "--big-xlsx", nargs=2, metavar=("N", "PATH"), help="also write a benchmark xlsx of N rows to PATH"
    )
    args = parser.parse_args(argv)
    if not (args.out_dir or args.big_csv or args.big_xlsx):
        parser.error("give OUT_DIR and/or --big-csv / --big-xlsx")
    if args.out_dir:
        for path in generate_sample(args.out_dir, args.seed):
            print(f"{path}\t{path.stat().st_size:,} bytes")
    for option, writer in ((args.big_csv, write_big_csv), (args.big_xlsx, write_big_xlsx)):
        if option:
            started = time.perf_counter()
            path = writer(Path(option[1]), int(option[0]))
            print(f"{path}\t{path.stat().st_size:,} bytes\t{time.perf_counter() - started:.1f} s")
    return 0
