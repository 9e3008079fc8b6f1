"""How long the national registry of both eras takes to build (it is built once per process,
by every staging worker): the whole `national_registry()` against a floor measured in the same
process, the raw read of the same package data (the two SQLite tables and the conversion JSON).
Target: ≤ 0.3 s, and within 3× the floor.

    .venv/bin/python bench/registry_build.py [--repeat 5]

Moved here from tests/unit/reference/test_communes.py (a wall-clock assertion failed under load:
1.54 s against 0.9 s on a busy machine); tests assert behaviour, bench/ measures time.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import time


def floor() -> float:
    from pipelines.reference.registry import PACKAGE_DATA

    t = time.perf_counter()
    con = sqlite3.connect(PACKAGE_DATA / "dataset.db")
    con.execute("select * from admin_units").fetchall()
    con.execute("select * from admin_units_legacy").fetchall()
    con.close()
    json.loads((PACKAGE_DATA / "converter_2025.json").read_text(encoding="utf-8"))
    return time.perf_counter() - t


def build() -> float:
    from pipelines.reference.registry import national_registry

    national_registry.cache_clear()
    t = time.perf_counter()
    national_registry()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    build()  # imports and the OS page cache, not measured
    floors = [floor() for _ in range(args.repeat)]
    builds = [build() for _ in range(args.repeat)]
    f, b = statistics.median(floors), statistics.median(builds)
    print(f"floor (raw read of the package data): {f * 1000:.0f} ms")
    print(f"national_registry(): {b * 1000:.0f} ms, {b / f:.1f}× the floor (target ≤ 300 ms, ≤ 3×)")


if __name__ == "__main__":
    main()
