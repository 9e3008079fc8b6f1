"""Many small files in one run (issue 14): some offices export one file per day per sector.

    .venv/bin/python bench/small_files.py [--files 2000] [--rows 3] [--code /tmp/before]

Writes N CSVs of a few rows each (the shipped spec's layout, distinct case ids), runs one
`run_local` over the folder in a fresh process (no Prefect: the data work), and prints the
milliseconds per file, split into staging (extract + parse + validate → Parquet) and publishing
(load + build + checks + publish). `--code` runs another checkout's code on the same files, for a
before/after in one sitting. The floor is a read of every file with pyarrow in the same process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
WORK = ROOT / "bench" / "work" / "small"
HEADER = (
    "Mã hồ sơ;Tên thủ tục;Lĩnh vực;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
)

CHILD = """
import json, time
from pathlib import Path
import pyarrow.csv as pc
t = time.perf_counter()
files = sorted(Path({folder!r}).glob('*.csv'))
for f in files:
    pc.read_csv(f, parse_options=pc.ParseOptions(delimiter=';'))
floor = time.perf_counter() - t
import pipelines.run as run
spent = {{'stage': 0.0, 'publish': 0.0}}
for name in ('publish',):
    inner = getattr(run, name)
    def timed(*a, _inner=inner, _name=name, **k):
        t0 = time.perf_counter(); r = _inner(*a, **k); spent[_name] += time.perf_counter() - t0; return r
    setattr(run, name, timed)
from pipelines.config import Settings
s = Settings.load(config_file=Path('/nonexistent'), db=Path({db!r}), stage=Path({stage!r}),
                  backups=Path({backups!r}), input_archive=Path({archive!r})) if 'backups' in Settings.__dataclass_fields__ \\
    else Settings.load(config_file=Path('/nonexistent'), db=Path({db!r}), stage=Path({stage!r}))
t = time.perf_counter()
summary = run.run_local([Path({folder!r})], s)
total = time.perf_counter() - t
print(json.dumps({{'files': len(files), 'total': total, 'publish': spent['publish'], 'floor': floor,
                   'loaded': summary.count('loaded'), 'rows': summary.total('loaded')}}))
"""


def write_files(n: int, rows: int) -> Path:
    folder = WORK / f"{n}x{rows}"
    if folder.exists() and len(list(folder.glob("*.csv"))) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sectors = ["Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội"]
    for i in range(n):
        day = 1 + i % 28
        lines = [HEADER]
        for r in range(rows):
            lines.append(
                f"S-{i:05d}-{r};Khai sinh;{sectors[i % 4]};UBND xã Mỹ Tân;{'Trực tuyến' if r % 2 else 'Trực tiếp'};"
                f"{day:02d}/01/2024 08:00;{day:02d}/01/2024 17:00;{day:02d}/01/2024 10:00;Đã trả kết quả"
            )
        (folder / f"{i:05d}_{sectors[i % 4].replace(' ', '-')}.csv").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=3)
    ap.add_argument("--code", type=Path, help="another checkout to run instead of this one")
    args = ap.parse_args()
    folder = write_files(args.files, args.rows)
    out = WORK / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    code = CHILD.format(
        folder=str(folder),
        db=str(out / "w.duckdb"),
        stage=str(out / "stage"),
        backups=str(out / "backups"),
        archive=str(out / "inputs"),
    )
    env = dict(os.environ)
    if args.code:
        env["PYTHONPATH"] = str(args.code)
    # cwd is the code's own checkout: `python -c` puts the working directory first on sys.path
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, cwd=args.code or ROOT
    )
    if r.returncode != 0:
        sys.exit(r.stderr[-3000:])
    res = json.loads(r.stdout.strip().splitlines()[-1])
    n = res["files"]
    stage = res["total"] - res["publish"]
    print(
        f"{n} files × {args.rows} rows ({res['loaded']} loaded, {res['rows']} rows), code {args.code or ROOT}: "
        f"{res['total']:.1f} s = {1000 * res['total'] / n:.1f} ms/file "
        f"(staging {1000 * stage / n:.1f} ms, publishing {1000 * res['publish'] / n:.1f} ms); "
        f"floor (pyarrow read of every file) {1000 * res['floor'] / n:.2f} ms/file"
    )


if __name__ == "__main__":
    main()
