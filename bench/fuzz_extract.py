"""Bounded fuzz run of the extractor: mutants of the shipped sample exports through `stage_file`.

    .venv/bin/python bench/fuzz_extract.py [--mutants 300] [--seed 20261127] [--budget 180] [--workers 2]
    .venv/bin/python bench/fuzz_extract.py --replay SAMPLE:INDEX --out mutant.bin   # write one mutant

Each sample of data/sample is first cut down to its title block, header, ~150 data rows and its
footer (so that a mutant stages in a fraction of a second), then mutated N times with a fixed
seed: byte flips, insertions of tokens that break parsers (quotes, separators, NULs, BOMs,
impossible dates, DTDs, huge numbers), deletions, duplications and truncation; CSV mutants also
get line-level edits (repeated, dropped, swapped lines, a line in Windows-1258), and workbook
mutants get edits inside one XML part followed by a clean re-zip (so calamine, not the CRC check,
meets the damage). Mutant k of a sample depends only on (seed, sample, k): --replay rebuilds it.

Each mutant is staged in a worker process (a Rust abort or a hang takes the worker, not the
run). Recorded: outcomes by status and cause, exceptions that escaped `stage_file` (must be
none), "unexpected error" rejections (an exception the stage step had to catch: a bug to look
at), worker crashes, and mutants over 10 s. The summary is printed and written to bench/FUZZ.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import io
import os
import random
import re
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# what a measured run keeps (archived inputs, backups, the secret key) goes to bench/work/site, never
# to the checkout's data/ (the defaults are relative to the working folder); every child inherits it
for _name, _sub in {"INPUT_ARCHIVE": "inputs", "BACKUPS": "backups", "SECRET_KEY": "secret.key"}.items():
    os.environ.setdefault(f"TTHC_{_name}", str(ROOT / "bench" / "work" / "site" / _sub))
os.environ.setdefault("TTHC_INBOX_ARCHIVE", "")
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "data" / "sample"
REPORT = ROOT / "bench" / "FUZZ.md"
SLOW_S = 10.0
HANG_S = 120.0
KEEP_ROWS = 150

TOKENS = [
    b'"',
    b'""',
    b",",
    b";",
    b"\t",
    b"|",
    b"\r\n",
    b"\n",
    b"\r",
    b"\x00",
    b"\x00\x00\x00\x00",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\x1b[31m",
    b"\x07",
    b"\x7f",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x80\xae",
    b"31/02/2024",
    b"00/00/0000",
    b"29/02/2023",
    b"13/13/2024",
    b"01/01/1900",
    b"31/12/2100",
    b"2024-02-30T25:61:00+99:99",
    b"99999999999999999999",
    b"-1",
    b"1e999",
    b"NaN",
    b"-0",
    b"0x1F",
    b"#N/A",
    b"#VALUE!",
    b"=1+1",
    b'=cmd|" /C calc"!A0',
    b"@SUM(1)",
    b'<!DOCTYPE x [<!ENTITY a "b">]>',
    b"&lol9;",
    b"<![CDATA[",
    b"]]>",
    "Tổng cộng".encode(),
    "Mã hồ sơ".encode(),
    "Trạng thái".encode(),
    "Ngày tiếp nhận".encode(),
    "Đã trả kết quả".encode(),
    "Từ chối tiếp nhận".encode(),
    "Trực tuyến".encode(),
    b"\xd0\xe3 tr\xf2",
    b"A" * 300,
    b"9" * 40,
]
XML_TOKENS = [
    b'r="XFD1048576"',
    b'r="A99999999"',
    b'r="ZZZZ1"',
    b'r="ALL1048576"',
    b'r=""',
    b'r="1"',
    b't="e"',
    b't="s"',
    b't="b"',
    b't="d"',
    b"<v>#N/A</v>",
    b"<v>1e308</v>",
    b"<v>-1</v>",
    b"<v>2958466</v>",
    b"<v>99999999</v>",
    b"<v></v>",
    b"<v>abc</v>",
    b"</row>",
    b"<row>",
    b'<row r="1048576"/>',
    b"<c>",
    b"</c>",
    b"<is><t>",
    b"</t></is>",
    b"&amp;",
    b"&#0;",
    b"&#xD800;",
    b"&#x1F600;",
    b"&bogus;",
    b'<!DOCTYPE x [<!ENTITY a "bbbbbbbbbb">]>',
    b"<!-- -->",
    b"<?pi x?>",
    b"<![CDATA[x]]>",
    b'xml:space="preserve"',
    b"\x00",
    b"\xff",
]


# --- samples, cut down -----------------------------------------------------------------------------


def _shrink_csv(data: bytes) -> bytes:
    from pipelines.extract.csv_reader import detect_encoding

    enc = detect_encoding(data[: 256 * 1024])
    bom = b""
    if data.startswith(b"\xef\xbb\xbf"):
        bom, data, enc = b"\xef\xbb\xbf", data[3:], "utf-8"
    text = data.decode(enc if enc != "utf-16" else "utf-16")
    lines = text.splitlines(keepends=True)
    keep = lines[: KEEP_ROWS + 10] + lines[-4:] if len(lines) > KEEP_ROWS + 14 else lines
    out = "".join(keep)
    return bom + (out.encode("utf-16") if enc.startswith("utf-16") else out.encode(enc))


def _shrink_xlsx(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename.startswith("xl/worksheets/") and part.count(b"</row>") > KEEP_ROWS + 20:
                ends = [m.end() for m in re.finditer(rb"</row>", part)]
                head_end = ends[KEEP_ROWS]
                tail_start = ends[-3]
                body_end = part.rfind(b"</sheetData>")
                part = part[:head_end] + part[tail_start:body_end] + part[body_end:]
            dst.writestr(info.filename, part)
    return buf.getvalue()


def load_samples() -> dict[str, tuple[str, bytes]]:
    out = {}
    for path in sorted(SAMPLES.iterdir()):
        data = path.read_bytes()
        kind = "xlsx" if data.startswith(b"PK") else "csv"
        out[path.name] = (kind, _shrink_xlsx(data) if kind == "xlsx" else _shrink_csv(data))
    return out


# --- mutators --------------------------------------------------------------------------------------


def _bytes_mutation(data: bytes, rng: random.Random, tokens: list[bytes]) -> tuple[str, bytes]:
    if not data:
        return "empty", b""
    b = bytearray(data)
    n = len(b)
    op = rng.choice(["flip", "insert", "delete", "duplicate", "truncate", "splice", "multi"])
    if op == "flip":
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(n)] = rng.randrange(256)
    elif op == "insert":
        at = rng.randrange(n + 1)
        b[at:at] = rng.choice(tokens) * rng.choice([1, 1, 1, 3, 50])
    elif op == "delete":
        at = rng.randrange(n)
        del b[at : at + rng.randint(1, 1000)]
    elif op == "duplicate":
        at = rng.randrange(n)
        piece = b[at : at + rng.randint(1, 5000)]
        to = rng.randrange(n)
        b[to:to] = piece * rng.randint(1, 3)
    elif op == "truncate":
        del b[rng.randrange(n) :]
    elif op == "splice":
        at = rng.randrange(n)
        b[at : at + rng.randint(1, 200)] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    else:
        for _ in range(rng.randint(2, 6)):
            b = bytearray(_bytes_mutation(bytes(b), rng, tokens)[1]) or bytearray(b"x")
    return op, bytes(b)


def _csv_mutation(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    utf16 = data.startswith(b"\xff\xfe")
    text = data.decode("utf-16" if utf16 else "utf-8", errors="surrogateescape")
    lines = text.splitlines(keepends=True) or ["\n"]
    op = rng.choice(["repeat_line", "drop_line", "swap_lines", "cp1258_line", "field", "header_field", "blank_lines"])
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if op == "repeat_line":
        lines[j:j] = [lines[i]] * rng.randint(1, 3)
    elif op == "drop_line":
        del lines[i]
    elif op == "swap_lines":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "cp1258_line" and not utf16:
        raw = lines[i].encode("utf-8", errors="surrogateescape")
        with contextlib.suppress(UnicodeDecodeError):
            lines[i] = raw.decode("utf-8").encode("cp1258", errors="replace").decode("utf-8", errors="surrogateescape")
    elif op in ("field", "header_field"):
        k = (
            next((n for n, line in enumerate(lines) if line.count(",") + line.count("\t") > 5), 0)
            if op == "header_field"
            else i
        )
        sep = "\t" if lines[k].count("\t") > lines[k].count(",") else ","
        cells = lines[k].rstrip("\r\n").split(sep)
        c = rng.randrange(len(cells))
        cells[c] = rng.choice(TOKENS).decode("utf-8", errors="surrogateescape")
        lines[k] = sep.join(cells) + "\r\n"
    else:
        lines[j:j] = ["\r\n"] * rng.randint(1, 40)
    out = "".join(lines or ["\n"])
    return "csv_" + op, out.encode("utf-16", errors="replace") if utf16 else out.encode(
        "utf-8", errors="surrogateescape"
    )


def _xlsx_mutation(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    src = zipfile.ZipFile(io.BytesIO(data))
    infos = src.infolist()
    xml_parts = [i.filename for i in infos if i.filename.endswith((".xml", ".rels"))]
    sheets = [n for n in xml_parts if n.startswith("xl/worksheets/")]
    target = rng.choice(sheets if rng.random() < 0.75 else xml_parts)
    op = rng.choice(["xml_bytes", "xml_token", "xml_ref", "xml_drop_tag", "xml_dup_rows", "drop_part"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            part = src.read(info)
            if info.filename == target:
                if op == "drop_part":
                    continue
                if op == "xml_bytes":
                    _, part = _bytes_mutation(part, rng, XML_TOKENS)
                elif op == "xml_token":
                    at = rng.randrange(len(part) + 1)
                    part = part[:at] + rng.choice(XML_TOKENS) + part[at:]
                elif op == "xml_ref":
                    refs = list(re.finditer(rb'r="[A-Z]*\d+"', part))
                    if refs:
                        m = rng.choice(refs)
                        part = part[: m.start()] + rng.choice(XML_TOKENS[:6]) + part[m.end() :]
                elif op == "xml_drop_tag":
                    tags = list(re.finditer(rb"</?[a-zA-Z][^>]*>", part[:200_000]))
                    if tags:
                        m = rng.choice(tags)
                        part = part[: m.start()] + part[m.end() :]
                else:
                    rows = list(re.finditer(rb"<row\b.*?</row>", part[:400_000], re.S))
                    if rows:
                        m = rng.choice(rows)
                        part = part[: m.end()] + m.group(0) * rng.randint(1, 20) + part[m.end() :]
            dst.writestr(info.filename, part)
    return f"{op}:{target.rsplit('/', 1)[-1]}", buf.getvalue()


def mutant(samples: dict[str, tuple[str, bytes]], name: str, index: int, seed: int) -> tuple[str, bytes]:
    rng = random.Random(f"{seed}:{name}:{index}")
    kind, data = samples[name]
    if kind == "xlsx" and rng.random() < 0.7:
        return _xlsx_mutation(data, rng)
    if kind == "csv" and rng.random() < 0.5:
        return _csv_mutation(data, rng)
    return _bytes_mutation(data, rng, TOKENS)


# --- workers ---------------------------------------------------------------------------------------

_W: dict = {}


def _init_worker(seed: int) -> None:
    import logging

    logging.disable(logging.CRITICAL)
    from pipelines.config import Settings

    tmp = Path(tempfile.mkdtemp(prefix="tthc-fuzz-"))
    _W.update(
        seed=seed,
        tmp=tmp,
        samples=load_samples(),
        settings=Settings.load(
            config_file=tmp / "none.toml",
            db=tmp / "w.duckdb",
            stage=tmp / "stage",
            out=tmp / "out",
            inbox=tmp / "inbox",
        ),
    )


def _stage_one(name: str, index: int) -> dict:
    import shutil

    from pipelines.transform.stage import stage_file

    try:
        mutator, data = mutant(_W["samples"], name, index, _W["seed"])
    except Exception as exc:
        return {
            "sample": name,
            "index": index,
            "mutator": "?",
            "status": "not_generated",
            "message": f"{type(exc).__name__}: {exc}"[:200],
            "seconds": 0,
        }
    suffix = Path(name).suffix
    path = _W["tmp"] / f"m{os.getpid()}_{index}{suffix}"
    path.write_bytes(data)
    out = {"sample": name, "index": index, "mutator": mutator, "size": len(data)}
    t0 = time.perf_counter()
    try:
        res = stage_file(path, _W["settings"])
        out.update(status=res.status, message=res.message, read=res.rows_read, quarantined=res.rows_quarantined)
    except BaseException as exc:
        out.update(status="escaped", message=f"{type(exc).__name__}: {exc}"[:300], trace=traceback.format_exc()[-1500:])
    out["seconds"] = round(time.perf_counter() - t0, 3)
    path.unlink(missing_ok=True)
    shutil.rmtree(_W["settings"].stage, ignore_errors=True)
    return out


def cause(message: str | None) -> str:
    """The English half of a rejection message, without its details."""
    if not message:
        return ""
    tail = message.rsplit(" — ", 1)[-1]
    return re.sub(r"\s*\(.*?\)", "", tail).strip()[:80]


# --- the run ---------------------------------------------------------------------------------------


def _pool(workers: int, seed: int) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(seed,))


def _kill(ex: cf.ProcessPoolExecutor) -> None:
    for p in list((getattr(ex, "_processes", None) or {}).values()):
        p.kill()
    ex.shutdown(wait=False, cancel_futures=True)


def run(n: int, seed: int, budget: float, workers: int) -> dict:
    samples = load_samples()
    queue = [(name, k) for k in range(n) for name in samples]  # round robin: the time box cuts evenly
    results: list[dict] = []
    suspects: list[tuple[str, int]] = []  # in flight when a worker died: retried alone below
    crashes: list[dict] = []
    hangs: list[dict] = []
    t0 = time.perf_counter()
    pos = 0
    while pos < len(queue) and time.perf_counter() - t0 < budget:
        ex = _pool(workers, seed)
        inflight: dict[cf.Future, tuple[str, int, float]] = {}
        broken = False
        while not broken:
            while pos < len(queue) and len(inflight) < 2 * workers and time.perf_counter() - t0 < budget:
                name, k = queue[pos]
                inflight[ex.submit(_stage_one, name, k)] = (name, k, time.perf_counter())
                pos += 1
            if not inflight:
                break
            done, _ = cf.wait(inflight, timeout=2, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                name, k, _ = inflight.pop(fut)
                try:
                    results.append(fut.result())
                except cf.process.BrokenProcessPool:
                    broken = True
                    suspects.append((name, k))
                except Exception as exc:
                    results.append(
                        {
                            "sample": name,
                            "index": k,
                            "mutator": "?",
                            "status": "escaped",
                            "message": repr(exc)[:300],
                            "seconds": 0,
                        }
                    )
            for fut, (name, k, started) in list(inflight.items()):
                if time.perf_counter() - started > HANG_S:
                    hangs.append({"sample": name, "index": k})
                    inflight.pop(fut)
                    broken = True
        suspects.extend((name, k) for name, k, _ in inflight.values())
        if broken:
            _kill(ex)
        else:
            ex.shutdown()
    for name, k in suspects:  # alone in a fresh worker: a second death is this mutant's doing
        ex = _pool(1, seed)
        try:
            results.append(ex.submit(_stage_one, name, k).result(timeout=HANG_S + 60))
            ex.shutdown()
        except cf.process.BrokenProcessPool:
            crashes.append({"sample": name, "index": k, "mutator": mutant(samples, name, k, seed)[0]})
            _kill(ex)
        except cf.TimeoutError:
            hangs.append({"sample": name, "index": k})
            _kill(ex)
    return {
        "results": results,
        "crashes": crashes,
        "hangs": hangs,
        "seconds": time.perf_counter() - t0,
        "samples": {k: (v[0], len(v[1])) for k, v in samples.items()},
        "planned": len(queue),
    }


FOUND_BEFORE = """
Before issue 6 (the code at f288f1e, same seed and time box): 764 of 1200 mutants in 806 s (the
time box was overrun by hangs): 11 worker processes killed by calamine aborting on a far cell
reference (it allocates the whole cell rectangle), 4 hangs over 120 s (one was a cell at column
ZZZZ), 130 rejections through the catch-all "unexpected error" (undecodable UTF-16 or
Windows-1258 bytes, a bare CR during header detection, zlib and seek errors from damaged zips)
and 59 whole files refused as "unreadable CSV" for one malformed row that was not UTF-8.
Later runs of this script found, and issue 6 fixed: a bare CR inside a field during header
detection (`plan_csv`); pyarrow printing an unraisable UnicodeDecodeError traceback for a
malformed non-UTF-8 row (silenced; the file is read again exactly); damaged zip headers reported
as "unreadable archive" rather than corrupt.
"""


def summarise(out: dict, n: int, seed: int, budget: float, workers: int) -> str:
    res = out["results"]
    by_sample: dict[str, Counter] = defaultdict(Counter)
    causes: Counter = Counter()
    example: dict[str, dict] = {}
    for r in res:
        by_sample[r["sample"]][r["status"]] += 1
        if r["status"] == "rejected":
            causes[cause(r["message"])] += 1
            example.setdefault(cause(r["message"]), r)
    escaped = [r for r in res if r["status"] == "escaped"]
    unexpected = [r for r in res if r["status"] == "rejected" and "unexpected error" in (r["message"] or "")]
    slow = [r for r in res if r.get("seconds", 0) > SLOW_S]
    secs = sorted(r.get("seconds", 0) for r in res)
    lines = [
        "# Fuzz run of the extractor (`bench/fuzz_extract.py`)",
        "",
        f"Seed {seed}, up to {n} mutants per sample, time box {budget:.0f} s, {workers} worker processes; "
        f"{len(res)} of {out['planned']} mutants staged in {out['seconds']:.0f} s.",
        "Samples (cut to their title, header, ~150 rows and footer): "
        + ", ".join(f"`{k}` ({kind}, {size // 1024} kB)" for k, (kind, size) in out["samples"].items())
        + ".",
        "",
        "| sample | mutants | staged | rejected | escaped |",
        "|---|---|---|---|---|",
    ]
    for name, c in sorted(by_sample.items()):
        lines.append(f"| {name} | {sum(c.values())} | {c['staged']} | {c['rejected']} | {c['escaped']} |")
    total = Counter(r["status"] for r in res)
    lines.append(f"| **all** | {len(res)} | {total['staged']} | {total['rejected']} | {total['escaped']} |")
    lines += [
        "",
        f"- exceptions escaping `stage_file`: **{len(escaped)}**",
        f"- worker processes that died (Rust abort, segfault): **{len(out['crashes'])}**",
        f"- mutants over {SLOW_S:.0f} s: **{len(slow)}**; hangs over {HANG_S:.0f} s: **{len(out['hangs'])}**",
        f'- rejections through the stage step\'s catch-all ("unexpected error"): **{len(unexpected)}**',
        f"- mutants the bench failed to generate: {total['not_generated']}",
        f"- seconds per mutant: median {secs[len(secs) // 2] if secs else 0:.2f}, "
        f"p99 {secs[int(len(secs) * 0.99)] if secs else 0:.2f}, max {secs[-1] if secs else 0:.2f}",
        "",
        "Rejections by cause (with the first message of each):",
        "",
        "| cause | mutants | example |",
        "|---|---|---|",
    ]
    lines += [
        f"| {c or '(none)'} | {k} | `{example[c]['sample'][:10]}…:{example[c]['index']}` "
        f"{(example[c]['message'] or '').replace('|', '/')[:160]} |"
        for c, k in causes.most_common()
    ]
    staged = [r for r in res if r["status"] == "staged"]
    lines += [
        "",
        f"Staged mutants: {len(staged)}, rows read {sum(r.get('read', 0) for r in staged)}, "
        f"quarantined {sum(r.get('quarantined', 0) for r in staged)}.",
    ]
    for title, items in (
        ("Escaped exceptions", escaped),
        ("Unexpected-error rejections", unexpected),
        ("Slow mutants", slow),
        ("Crashed workers", out["crashes"]),
        ("Hangs", out["hangs"]),
    ):
        if items:
            lines += ["", f"{title} (replay with `--replay SAMPLE:INDEX`):", ""]
            lines += [
                f"- `{r['sample']}:{r['index']}` {r.get('mutator', '')} {r.get('seconds', '')} s "
                f"{(r.get('message') or '')[:200]}"
                for r in items[:30]
            ]
    return "\n".join(lines) + "\n" + FOUND_BEFORE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mutants", type=int, default=300, help="mutants per sample")
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--budget", type=float, default=180.0, help="time box in seconds")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--replay", help="SAMPLE:INDEX — write that mutant to --out and stop")
    ap.add_argument("--out", type=Path, default=Path("mutant.bin"))
    ap.add_argument("--report", type=Path, default=REPORT)
    args = ap.parse_args()
    if args.replay:
        name, index = args.replay.rsplit(":", 1)
        mutator, data = mutant(load_samples(), name, int(index), args.seed)
        args.out.write_bytes(data)
        print(f"{args.out}: {mutator}, {len(data)} bytes")
        return
    out = run(args.mutants, args.seed, args.budget, args.workers)
    text = summarise(out, args.mutants, args.seed, args.budget, args.workers)
    args.report.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
