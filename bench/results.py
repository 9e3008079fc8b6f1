"""bench/RESULTS.md from the raw figures of one harness run (bench/run_bench.py): every target of
issue 21 as a ratio against the floor measured in the same run, met or not."""

from __future__ import annotations

import json


def _n(v: float | None, digits: int = 2) -> str:
    if v is None:
        return "—"
    return f"{v:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("đạt (met)" if ok else "**chưa đạt (missed)**")


def render(r: dict, machine: str, cores: int, python: str) -> str:
    g = lambda name, key="seconds": (r.get(name) or {}).get(key)
    fc, fx = g("floor_csv"), g("floor_xlsx")
    rows: list[tuple[str, str, str, str, str]] = []

    def add(what: str, value: float | None, mb: float | None, target: str, ok: bool | None) -> None:
        rows.append((what, _n(value), "—" if mb is None else _n(mb, 0), target, _met(ok)))

    add(
        "Sàn CSV 1M dòng (pyarrow đọc toàn văn bản + một group-by DuckDB), cả tiến trình",
        fc,
        g("floor_csv", "tree_mb"),
        "",
        None,
    )
    if g("run_csv") is not None and fc:
        add(
            "`tthc run` CSV 1M, gõ như người dùng, không có máy chủ Prefect",
            g("run_csv"),
            g("run_csv", "tree_mb"),
            f"≤ 2 × sàn + 3 s = {_n(2 * fc + 3)} s",
            g("run_csv") <= 2 * fc + 3,
        )
    if g("run_csv_serve") is not None and fc:
        add(
            "`tthc run` CSV 1M khi `tthc serve` đang chạy",
            g("run_csv_serve"),
            g("run_csv_serve", "tree_mb"),
            f"≤ 2 × sàn + 5 s = {_n(2 * fc + 5)} s",
            g("run_csv_serve") <= 2 * fc + 5,
        )
    if g("run_csv_direct") is not None and fc:
        work = g("run_csv_direct", "work_s")
        add(
            "phần việc dữ liệu của `tthc run --no-prefect` CSV 1M (Thời gian nó in)",
            work,
            None,
            f"≤ 3 × sàn = {_n(3 * fc)} s (nhắm 2 × = {_n(2 * fc)} s)",
            work is not None and work <= 3 * fc,
        )
        add(
            "`tthc run --no-prefect` CSV 1M, cả lệnh",
            g("run_csv_direct"),
            g("run_csv_direct", "tree_mb"),
            "bộ nhớ cây tiến trình ≤ 1.024 MB",
            g("run_csv_direct", "tree_mb") <= 1024,
        )
    if g("run_sample") is not None and g("run_sample_direct") is not None:
        d = g("run_sample_direct")
        add("`tthc run data/sample --no-prefect` (trung vị 3 lần)", d, g("run_sample_direct", "tree_mb"), "", None)
        add(
            "`tthc run data/sample`, không có máy chủ (trung vị 3 lần)",
            g("run_sample"),
            g("run_sample", "tree_mb"),
            f"≤ --no-prefect + 3 s = {_n(d + 3)} s",
            g("run_sample") <= d + 3,
        )
    add("Sàn XLSX 200k dòng (fastexcel → Arrow + một truy vấn DuckDB)", fx, g("floor_xlsx", "tree_mb"), "", None)
    if g("run_xlsx") is not None and fx:
        add(
            "`tthc run` XLSX 200k, cả lệnh",
            g("run_xlsx"),
            g("run_xlsx", "tree_mb"),
            f"≤ 1,3 × fastexcel + 3 s = {_n(1.3 * fx + 3)} s",
            g("run_xlsx") <= 1.3 * fx + 3,
        )
    if g("run_big_csv") is not None:
        add(
            "`tthc run --no-prefect` CSV 10M dòng",
            g("run_big_csv"),
            g("run_big_csv", "tree_mb"),
            "bộ nhớ cây tiến trình ≤ 1.024 MB",
            g("run_big_csv", "tree_mb") <= 1024,
        )
    if g("noop") is not None:
        nothing = not r["noop"].get("published_again") and not r["noop"].get("backups_changed")
        add(
            "lần chạy không có gì mới (`tthc run` lại cùng tệp, trung vị 3)",
            g("noop"),
            g("noop", "tree_mb"),
            "≤ 2 s, không công bố gì",
            g("noop") <= 2 and nothing,
        )
    for key, limit in (("increment_small", 10), ("increment_big", 12)):
        if g(key) is not None:
            mb = r[key].get("warehouse_mb")
            add(
                f"10.000 dòng mới vào kho {_n(mb, 0)} MB ({key}), cả lệnh",
                g(key),
                g(key, "tree_mb"),
                f"≤ {limit} s",
                g(key) <= limit,
            )
    if g("national") is not None:
        add(
            "tổng hợp toàn quốc: 34 tỉnh, 3.321 đơn vị × 36 tháng (`tthc rollup`)",
            g("national"),
            g("national", "tree_mb"),
            "≤ 5 s",
            g("national") <= 5,
        )
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine}, {cores} cores, Python {python}. Run {r.get('_meta', {}).get('when')} "
        f"(load average at start {r.get('_meta', {}).get('load', 0):.1f}). Command: `.venv/bin/python "
        f"bench/run_bench.py`{' --quick' if r.get('_meta', {}).get('quick') else ''}. Every figure is one whole "
        "command in a fresh process (interpreter start, imports and any Prefect server included); memory is the "
        "peak resident set of the command and all its descendants, sampled every 20 ms.",
        "",
        "| đo (measurement) | giây | MB | mục tiêu (target) | kết quả |",
        "|---|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows],
        "",
    ]
    curve = (r.get("year") or {}).get("curve")
    if curve:
        lines += [
            "A large province's year from 60 files (`tthc run` on an inbox of the first k files):",
            "",
            "| tệp | dòng | giây | dòng/giây | MB (cây tiến trình) |",
            "|---|---|---|---|---|",
            *[
                f"| {p['files']} | {_n(p['rows'], 0)} | {_n(p['seconds'])} | {_n(p['rows'] / p['seconds'], 0)} | "
                f"{_n(p['tree_mb'], 0)} |"
                for p in curve
            ],
            "",
        ]
    lines += [
        "Raw figures:",
        "",
        "```json",
        json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "out"} if isinstance(v, dict) else v for k, v in r.items()},
                   indent=1, ensure_ascii=False),
        "```",
        "",
    ]  # fmt: skip
    return "\n".join(lines)
