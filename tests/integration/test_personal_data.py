"""Personal data never in clear text, anywhere (issue 17).

Personal data is planted in every column of real-layout exports (a phone typed as the case id, a
CCCD as the procedure code, names, phones, CCCDs and e-mail addresses in the procedure name, sector,
agency, status, channel and date cells, a note with a name and an address, the personal columns
themselves), in a file name and in a sheet name, and in a file rejected whole. After a run through
Prefect, the quality report, the Parquet export, the sheets and a rebuild, none of it is found in
any table of the warehouse, the export, the sheets, the quality report, the input archive's index or
the commands' output and logs. The planted case id is stored keyed-hashed: the same number in two
files is still one case, and the hash is not the plain SHA-256 of the number.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

from pipelines.config import Settings

pytestmark = pytest.mark.slow  # a run as typed (no server up: in the command), then five more commands

TTHC = str(Path(sys.executable).with_name("tthc"))
NAMES = ["Nguyễn Văn Bình", "Trần Thị Hoa", "Lê Thị Cúc", "Phạm Văn Đức"]
NUMBERS = ["0912345678", "036123456789", "0987654321"]  # a phone, a CCCD, another phone
EMAIL = "binh.nguyen@example.vn"
ADDRESS = "ngõ 34 phố Hàng Bạc"
HEADER = [
    "Mã hồ sơ", "Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Cơ quan giải quyết", "Kênh nộp", "Ngày tiếp nhận",
    "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái", "Ghi chú", "Chủ hồ sơ", "Số CCCD", "Số điện thoại",
    "Email", "Địa chỉ",
]  # fmt: skip


def _row(case_id: str, **change: str) -> list[str]:
    """A resolved case of xã Mỹ Tân in 2024Q1, with the applicant's data in its personal columns."""
    values = {
        "Mã hồ sơ": case_id,
        "Mã TTHC": "1.001193",
        "Tên thủ tục": "Đăng ký khai sinh",
        "Lĩnh vực": "Hộ tịch",
        "Cơ quan giải quyết": "UBND xã Mỹ Tân",
        "Kênh nộp": "Trực tuyến",
        "Ngày tiếp nhận": "05/01/2024 08:00",
        "Ngày hẹn trả": "09/01/2024",
        "Ngày có kết quả": "08/01/2024 10:00",
        "Trạng thái": "Đã trả kết quả",
        "Ghi chú": f"Ông {NAMES[0]}, số 12 {ADDRESS}, ĐT 0912 345 678",
        "Chủ hồ sơ": NAMES[0],
        "Số CCCD": NUMBERS[1],
        "Số điện thoại": NUMBERS[0],
        "Email": EMAIL,
        "Địa chỉ": f"số 12 {ADDRESS}",
    }
    values.update(change)
    return [values[h] for h in HEADER]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(";".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _exports(folder: Path) -> None:
    folder.mkdir(parents=True)
    rows = [
        _row(
            NUMBERS[0],  # a phone typed as the case id
            **{
                "Mã TTHC": NUMBERS[1],  # a CCCD as the procedure code
                "Tên thủ tục": f"Đăng ký khai sinh cho con ông {NAMES[0]} (0912 345 678)",
                "Lĩnh vực": f"Hộ tịch - {NAMES[1]} {EMAIL}",
            },
        ),
        _row("HS-2", **{"Trạng thái": f"{NAMES[0]} {NUMBERS[0]}"}),  # quarantined: unknown status
        _row("HS-3", **{"Ngày tiếp nhận": f"{NAMES[1]} 036 123 456 789", "Kênh nộp": EMAIL}),  # quarantined
        _row("HS-4", **{"Cơ quan giải quyết": f"UBND xã Mỹ Tân - cán bộ {NAMES[2]} +84 912 345 678"}),
    ] + [_row(f"HS-{i}") for i in range(5, 11)]
    _csv(folder / f"DS ho so {NAMES[0]} {NUMBERS[0]}.csv", rows)
    # a workbook whose sheet is named after the applicant, holding a later snapshot of the same case
    wb = Workbook()
    ws = wb.active
    ws.title = f"{NAMES[0]} {NUMBERS[0]}"
    ws.append(HEADER)
    ws.append(_row(NUMBERS[0], **{"Trạng thái": "Đã trả kết quả", "Ngày có kết quả": "07/01/2024 09:00"}))
    wb.save(folder / "so-theo-doi-thang-1.xlsx")
    # a file rejected whole (half its received dates are a name and a phone): its examples are kept
    bad = [_row(f"R-{i}", **{"Ngày tiếp nhận": f"{NAMES[3]} {NUMBERS[2]}"}) for i in range(5)]
    _csv(folder / f"{NAMES[3]}.csv", bad + [_row(f"R-{i}") for i in range(5, 10)])


def _planted(text: str) -> list[str]:
    """Every planted item found in `text` (numbers also with their separators removed)."""
    found = [x for x in [*NAMES, EMAIL, ADDRESS] if x in text]
    digits = re.sub(r"(?<=\d)[ .\-](?=\d)", "", text)
    return found + [n for n in NUMBERS if n in digits or n[1:] in digits]


def _tables(db: Path) -> str:
    """Every text value of every table, as one text."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = []
        columns = con.execute(
            "select c.table_name, c.column_name from duckdb_columns() as c "
            "semi join duckdb_tables() as t using (database_name, schema_name, table_name) "
            "where not c.internal and c.data_type not in "
            "('BIGINT', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP', 'DATE', 'HUGEINT')"
        ).fetchall()
        assert len({t for t, _ in columns}) >= 8  # cases, quarantine, ingested_files, runs, the marts…
        for table, column in columns:
            values = con.execute(f'select distinct "{column}"::varchar from "{table}"').fetchall()
            out += [f"{table}.{column}={v[0]}" for v in values if v[0] is not None]
        return "\n".join(out)
    finally:
        con.close()


def _sheets(folder: Path) -> str:
    out = []
    for path in folder.glob("*.xlsx"):
        out.append(path.name)
        for ws in load_workbook(path, read_only=True).worksheets:
            out.append(ws.title)
            out += [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    return "\n".join(out)


def _tthc(*args: str, ok: tuple[int, ...] = (0,)) -> str:
    done = subprocess.run([TTHC, *args], capture_output=True, text=True, timeout=600)
    assert done.returncode in ok, (args, done.stdout[-3000:], done.stderr[-3000:])
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


def test_personal_data_is_found_nowhere(tmp_path):
    s = Settings.load()
    _exports(tmp_path / "exports")
    logs = [_tthc("run", "-v", str(tmp_path / "exports"), ok=(1,))]  # through Prefect; one file rejected
    logs.append(_tthc("quality"))
    logs.append(_tthc("quality", "--format", "json"))
    logs.append(_tthc("export", "--out", str(tmp_path / "pq")))
    logs.append(_tthc("sheets", "--period", "2024Q1", "--out", str(tmp_path / "sheets")))
    before = _cases(s.db)
    con = duckdb.connect(str(s.db), read_only=True)
    files = dict(con.execute("select file_name, status from ingested_files").fetchall())
    con.close()
    assert sorted(files.values()) == ["loaded", "loaded", "rejected"]  # every file was read
    tables = _tables(s.db)  # the rejected file's record (its examples) is not in the archive: before
    logs.append(_tthc("rebuild"))
    assert "HS-4" in before and len(before) == 8  # 10 rows, 2 quarantined; the workbook holds case 1 again
    hashed = [c for c in before if c.startswith("ẩn-")]
    assert len(hashed) == 1 and len(hashed[0]) == len("ẩn-") + 20  # one case though in two files
    assert hashed[0] != "ẩn-" + hashlib.sha256(NUMBERS[0].encode()).hexdigest()[:20]  # keyed, not plain
    assert _cases(s.db) == before  # the rebuild hashes with the same key
    assert (Path(s.secret_key).stat().st_mode & 0o777) == 0o600

    parquet = duckdb.sql(
        f"select * from read_parquet('{tmp_path / 'pq'}/**/*.parquet', union_by_name = true)"
    ).fetchall()
    places = {
        "warehouse tables": tables,
        "warehouse tables after the rebuild": _tables(s.db),
        "Parquet export": "\n".join(map(str, parquet)),
        "sheets": _sheets(tmp_path / "sheets"),
        "input archive index": (Path(s.input_archive) / "index.tsv").read_text(encoding="utf-8"),
        "output and logs": "\n".join(logs),
    }
    exported = duckdb.sql(f"select count(*) from read_parquet('{tmp_path / 'pq' / 'cases'}/**/*.parquet')").fetchall()[
        0
    ]
    assert exported == (len(before),)
    for where, text in places.items():
        assert _planted(text) == [], (where, _planted(text), [line for line in text.splitlines() if _planted(line)])
    assert json.loads(logs[2])["files"]  # the quality report was written, and scanned


def _cases(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("select case_id from cases").fetchall())
    finally:
        con.close()
