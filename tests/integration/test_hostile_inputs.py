"""Hostile and broken input (issue 6): nothing crashes, nothing is lost, nothing gets in.

Every input is generated here (no committed binaries) and goes through `stage_file`, the unit a
run applies to each file. Each one is either read correctly, or its bad rows are quarantined with
reasons, or the whole file is rejected with one line naming the cause; never a traceback, never a
hang, never part of a file. The inputs that used to take the process down (a zip bomb, a
sparse-sheet bomb calamine allocates in full, entity expansion) are also staged in a child process
under a 1.5 GiB address-space limit.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import textwrap
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.extract import FileRejected, Limits
from pipelines.run import run_local
from pipelines.transform.stage import StagedFile, stage_file
from tests.integration.test_extract_forms import to_cp1258

HEADER = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục",
    "Cơ quan giải quyết",
    "Kênh nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Trạng thái",
    "Lệ phí",
    "Ghi chú",
    "Chủ hồ sơ",
]
COL = {name: j for j, name in enumerate(HEADER)}


def row(i: int, **change: str) -> list[str]:
    """A valid case: received 05/01/2024, due 09/01, returned early."""
    values = {
        "STT": str(i),
        "Mã hồ sơ": f"HS-{i:04d}",
        "Tên thủ tục": "Đăng ký khai sinh",
        "Cơ quan giải quyết": "UBND xã Mỹ Tân",
        "Kênh nộp": "Trực tuyến",
        "Ngày tiếp nhận": "05/01/2024 08:30",
        "Ngày hẹn trả": "09/01/2024",
        "Ngày có kết quả": "08/01/2024 10:00",
        "Trạng thái": "Đã trả kết quả",
        "Lệ phí": "0",
        "Ghi chú": "",
        "Chủ hồ sơ": "Nguyễn Văn An",
    }
    values.update({k.replace("_", " "): v for k, v in change.items()})
    return [values[h] for h in HEADER]


def rows(n: int, start: int = 1) -> list[list[str]]:
    return [row(i) for i in range(start, start + n)]


def csv_text(lines: list[list[str]], sep: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(lines)
    return buf.getvalue()


def write_csv(path: Path, lines: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(lines).encode(encoding))
    return path


# --- a minimal .xlsx writer: the parts are written by hand so that anything can be put in them ------

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>'
)
# style 1: a date (numFmt 14), style 2: date and time (numFmt 22)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/>'
    '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs '
    'count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" '
    'applyNumberFormat="1"/></cellXfs></styleSheet>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def col_letters(j: int) -> str:
    s, j = "", j + 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def cell(ref: str, value: object) -> str:
    """str: inline string; int/float: number; tuple: raw XML inside <c> with extra attributes."""
    if value is None or value == "":
        return ""
    if isinstance(value, tuple):
        attrs, inner = value
        return f'<c r="{ref}" {attrs}>{inner}</c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_rows(grid: list[list[object]], first: int = 1) -> str:
    return "".join(
        f'<row r="{i}">' + "".join(cell(f"{col_letters(j)}{i}", v) for j, v in enumerate(r)) + "</row>"
        for i, r in enumerate(grid, first)
    )


def write_xlsx(
    path: Path, sheet: bytes | str | list, extra: dict[str, bytes | str] | None = None, level: int = 6
) -> Path:
    """sheet: the whole sheet XML, or a list of chunks streamed into the archive."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        parts = {
            "[Content_Types].xml": _CT,
            "_rels/.rels": _RELS,
            "xl/workbook.xml": _WB,
            "xl/_rels/workbook.xml.rels": _WB_RELS,
            "xl/styles.xml": _STYLES,
            **(extra or {}),
        }
        for name, data in parts.items():
            zf.writestr(name, data)
        if isinstance(sheet, list):
            with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
                for chunk in sheet:
                    fh.write(chunk.encode() if isinstance(chunk, str) else chunk)
        elif "xl/worksheets/sheet1.xml" not in (extra or {}):
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def xlsx_of(path: Path, grid: list[list[object]], before: str = "", after: str = "", **kw) -> Path:
    return write_xlsx(path, SHEET_HEAD + before + sheet_rows(grid) + after + SHEET_TAIL, **kw)


# --- outcomes ------------------------------------------------------------------------------------------


def staged_files(settings, res: StagedFile) -> list[Path]:
    folder = Path(settings.stage) / res.sha256[:16]
    return [p for p in (folder / "rows.parquet", folder / "quarantine.parquet") if p.exists()]


def assert_rejected(res: StagedFile, settings, *words: str) -> None:
    assert res.status == "rejected", (res.status, res.rows_read, res.reason_counts)
    assert res.message and "\n" not in res.message and "Traceback" not in res.message, res.message
    assert " — " in res.message, res.message  # Vietnamese first, English after a dash
    for w in words:
        assert w.lower() in res.message.lower(), (w, res.message)
    assert staged_files(settings, res) == []  # nothing of it is kept for loading
    assert "unexpected error" not in res.message, res.message


def assert_read(res: StagedFile, read: int, quarantined: int = 0) -> None:
    assert res.status == "staged", res.message
    assert (res.rows_read, res.rows_quarantined) == (read, quarantined), (res.rows_read, res.reason_counts)
    assert res.rows_valid == read - quarantined


def rows_of(res: StagedFile) -> list[dict]:
    return pq.read_table(res.rows_path).to_pylist() if res.rows_path else []


def quarantine_of(res: StagedFile) -> list[dict]:
    return pq.read_table(res.quarantine_path).to_pylist()


SHEET = "xl/worksheets/sheet1.xml"


@dataclass
class Work:
    """What staging did, counted rather than timed (the count is the same on any machine; a real
    hang still ends: the per-file budget, Limits.max_seconds, rejects the file)."""

    inflated: int = 0  # bytes this process decompressed from archive parts
    opened: Counter = field(default_factory=Counter)  # archive part -> times it was opened for reading
    first_row_scan: int = 0  # bytes handed to the guard's search for a sheet's first used row
    sheet_reads: int = 0  # times the stage waited for the workbook reader's (calamine's) sheets
    csv_passes: list[bool] = field(default_factory=list)  # one per pass over a CSV: exact or not


@pytest.fixture
def work(monkeypatch) -> Work:
    from pipelines.extract import csv_reader, excel_reader, guard

    w = Work()
    real_read, real_open = zipfile.ZipExtFile.read, zipfile.ZipFile.open
    real_first_row, real_sheets = guard._SheetScan._find_first_row, excel_reader.SheetWorker.sheets
    real_batches = csv_reader.read_csv_batches

    def read(self, *args, **kwargs):
        data = real_read(self, *args, **kwargs)
        w.inflated += len(data)
        return data

    def open_part(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            w.opened[name.filename if isinstance(name, zipfile.ZipInfo) else name] += 1
        return real_open(self, name, mode, *args, **kwargs)

    def find_first_row(self, body):
        w.first_row_scan += len(self._first_carry) + len(body)
        return real_first_row(self, body)

    def sheets(self, *args, **kwargs):
        w.sheet_reads += 1
        return real_sheets(self, *args, **kwargs)

    def batches(*args, **kwargs):
        w.csv_passes.append(bool(kwargs.get("exact", False)))
        return real_batches(*args, **kwargs)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    monkeypatch.setattr(zipfile.ZipFile, "open", open_part)
    monkeypatch.setattr(guard._SheetScan, "_find_first_row", find_first_row)
    monkeypatch.setattr(excel_reader.SheetWorker, "sheets", sheets)
    monkeypatch.setattr(csv_reader, "read_csv_batches", batches)
    return w


def declared_bytes(path: Path) -> int:
    """The uncompressed size the archive declares for all its parts."""
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist())


# --- empty, header only, title only, wrong kinds ----------------------------------------------------


@pytest.mark.parametrize("name", ["x.csv", "x.xlsx", "x.xls"])
def test_empty_file(tmp_path, settings, name):
    (tmp_path / name).write_bytes(b"")
    assert_rejected(stage_file(tmp_path / name, settings), settings, "rỗng", "empty file")


def test_header_only(tmp_path, settings):
    assert_rejected(stage_file(write_csv(tmp_path / "h.csv", [HEADER]), settings), settings, "no data rows")
    assert_rejected(stage_file(xlsx_of(tmp_path / "h.xlsx", [HEADER]), settings), settings, "no data rows")


def test_only_a_title_block(tmp_path, settings):
    title = [["DANH SÁCH HỒ SƠ"], ["UBND XÃ MỸ TÂN"], ["Từ ngày 01/01/2024 đến ngày 31/03/2024"], [""]]
    assert_rejected(stage_file(write_csv(tmp_path / "t.csv", title), settings), settings, "no header row")
    assert_rejected(stage_file(xlsx_of(tmp_path / "t.xlsx", title), settings), settings, "no header row")


def test_xlsx_that_is_really_csv(tmp_path, settings):
    path = tmp_path / "export.xlsx"
    path.write_bytes(csv_text([HEADER] + rows(5), sep=";").encode("utf-8-sig"))
    res = stage_file(path, settings)
    assert_read(res, 5)
    assert res.kind == "csv"
    assert [r["case_id"] for r in rows_of(res)] == [f"HS-{i:04d}" for i in range(1, 6)]


def test_xlsx_that_is_really_html_is_read(tmp_path, settings):
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in r) + "</tr>" for r in rows(4))
    path = tmp_path / "export.xlsx"
    path.write_text(
        f'<html><head><meta charset="utf-8"></head><body><h3>DANH SÁCH HỒ SƠ</h3>'
        f"<table><tr>{head}</tr>{body}</table></body></html>",
        encoding="utf-8",
    )
    res = stage_file(path, settings)
    assert_read(res, 4)
    assert res.kind == "html"
    assert rows_of(res)[0]["procedure_name"] == "Đăng ký khai sinh"
    assert "Chủ hồ sơ" in res.personal_columns


def test_pdf(tmp_path, settings):
    (tmp_path / "bao-cao.xlsx").write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 50
    )
    assert_rejected(stage_file(tmp_path / "bao-cao.xlsx", settings), settings, "PDF")


def test_random_binary(tmp_path, settings):
    (tmp_path / "x.csv").write_bytes(bytes(range(256)) * 64)
    assert_rejected(stage_file(tmp_path / "x.csv", settings), settings, "binary")


# --- files LibreOffice writes: a real legacy .xls (BIFF8) and a password-protected workbook ----------

_UNO_SCRIPT = r"""
import os, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue

def pv(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

src, out = sys.argv[1], sys.argv[2]
pipe = "tthc_%d" % os.getpid()
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                         "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.join(out, "profile")),
                         "--accept=pipe,name=%s;urp;" % pipe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    ctx = uno.getComponentContext()
    resolver = ctx.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", ctx)
    for _ in range(300):
        try:
            remote = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.1)
    desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (
        pv("Hidden", True), pv("FilterName", "Text - txt - csv (StarCalc)"),
        pv("FilterOptions", "44,34,76,1," + "/".join("%d/2" % (j + 1) for j in range(int(sys.argv[3]))))))
    url = lambda name: uno.systemPathToFileUrl(os.path.join(out, name))
    doc.storeToURL(url("legacy.xls"), (pv("FilterName", "MS Excel 97"),))
    doc.storeToURL(url("locked.ods"), (pv("FilterName", "calc8"), pv("Password", "secret")))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
finally:
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
"""


def _uno_python() -> str | None:
    if not shutil.which("soffice"):
        return None
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0:
            return candidate
    return None


@pytest.fixture(scope="module")
def office_files(tmp_path_factory) -> Path:
    """legacy.xls and a password-protected locked.ods, written by LibreOffice from a CSV."""
    python = _uno_python()
    if python is None:
        pytest.skip("LibreOffice (soffice) with Python-UNO is not installed")
    out = tmp_path_factory.mktemp("office")
    src = out / "src.csv"
    title = [["DANH SÁCH HỒ SƠ"] + [""] * (len(HEADER) - 1)]
    src.write_text("\r\n\r\n" + csv_text(title + [HEADER] + rows(6)), encoding="utf-8")  # two empty rows first
    (out / "uno_convert.py").write_text(_UNO_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [python, str(out / "uno_convert.py"), str(src), str(out), str(len(HEADER))], capture_output=True, timeout=120
    )
    if not (out / "legacy.xls").exists():
        pytest.skip(f"LibreOffice conversion failed: {done.stderr.decode(errors='replace')[-300:]}")
    return out


def test_legacy_xls_biff_is_read(office_files, settings):
    path = office_files / "legacy.xls"
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container with a BIFF8 stream
    res = stage_file(path, settings)
    assert_read(res, 6)
    assert res.kind == "xls"
    got = rows_of(res)
    assert [r["case_id"] for r in got] == [f"HS-{i:04d}" for i in range(1, 7)]
    assert [r["source_row"] for r in got] == list(range(5, 11))  # rows 1-2 empty, title 3, header 4
    assert str(got[0]["received_at"]) == "2024-01-05 08:30:00"
    assert res.personal_columns == ["Ghi chú", "Chủ hồ sơ"]  # free text is dropped with the personal columns


def test_password_protected_ods_from_libreoffice(office_files, settings):
    assert_rejected(stage_file(office_files / "locked.ods", settings), settings, "mật khẩu", "password")


def ole_file(streams: dict[str, bytes], lead: int = 0) -> bytes:
    """A compound (OLE/CFB v3) file holding the given streams in regular sectors (each padded to
    4096 bytes so that no mini stream is needed); `lead` bytes of filler sectors come first, so
    the directory can sit past any fixed-size sniff."""
    sec = 512
    datas = [d + b"\0" * (-len(d) % sec or 0) for d in streams.values()]
    datas = [d if len(d) >= 4096 else d + b"\0" * (4096 - len(d)) for d in datas]
    n_lead = -(-lead // sec)
    n_data = n_lead + sum(len(d) // sec for d in datas) + 1  # + one directory sector
    n_fat = 1
    while n_fat * 128 < n_data + n_fat:
        n_fat += 1
    fat = [0xFFFFFFFD] * n_fat
    fat += [0xFFFFFFFE if i == n_lead - 1 else n_fat + i + 1 for i in range(n_lead)]
    starts = []
    for d in datas:
        starts.append(len(fat))
        k = len(d) // sec
        fat += [len(fat) + i + 1 if i < k - 1 else 0xFFFFFFFE for i in range(k)]
    dir_sector = len(fat)
    fat.append(0xFFFFFFFE)
    fat += [0xFFFFFFFF] * (n_fat * 128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(raw), kind, 1, 0xFFFFFFFF, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    names = list(streams)
    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)]
    for k, name in enumerate(names):
        entries.append(entry(name, 2, starts[k], len(streams[name]), right=k + 2 if k + 1 < len(names) else 0xFFFFFFFF))
    directory = b"".join(entries).ljust(sec * (-(-len(entries) * 128 // sec)), b"\0")[:sec]
    difat = list(range(n_fat)) + [0xFFFFFFFF] * (109 - n_fat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, n_fat, dir_sector, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<109I", *difat)
    )
    body = b"".join(struct.pack(f"<{128}I", *fat[i * 128 : (i + 1) * 128]) for i in range(n_fat))
    body += b"\x5a" * (n_lead * sec) + b"".join(datas) + directory
    return header + body


@pytest.mark.parametrize("lead", [0, 3 * 1024 * 1024])
def test_encrypted_xlsx(tmp_path, settings, lead):
    """An encrypted .xlsx is an OLE file with EncryptionInfo / EncryptedPackage streams; with a
    large package the directory sits megabytes into the file."""
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        ole_file(
            {
                "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"<encryption/>" * 50,
                "EncryptedPackage": os.urandom(20_000),
            },
            lead=lead,
        )
    )
    assert_rejected(stage_file(path, settings), settings, "mật khẩu", "password-protected")


def test_ole_file_that_is_not_a_workbook(tmp_path, settings):
    path = tmp_path / "memo.xls"
    path.write_bytes(ole_file({"WordDocument": b"\xec\xa5" + b"x" * 5000}))
    assert_rejected(stage_file(path, settings), settings, "unreadable workbook")


# --- broken and hostile archives --------------------------------------------------------------------


def test_truncated_zip(tmp_path, settings):
    whole = xlsx_of(tmp_path / "whole.xlsx", [HEADER] + rows(200)).read_bytes()
    for cut in (len(whole) // 2, len(whole) - 30):
        (tmp_path / "cut.xlsx").write_bytes(whole[:cut])
        assert_rejected(stage_file(tmp_path / "cut.xlsx", settings), settings, "hỏng", "corrupt or truncated")


def test_zip_with_a_corrupted_part(tmp_path, settings):
    path = xlsx_of(tmp_path / "x.xlsx", [HEADER] + rows(300), level=1)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)  # the deflate stream or its CRC no longer checks
    path.write_bytes(bytes(data))
    assert_rejected(stage_file(path, settings), settings, "corrupt")


def _sheet_of_zeros(megabytes: int) -> list[bytes]:
    block = b"0" * (1 << 20)
    return (
        [SHEET_HEAD.encode() + sheet_rows([HEADER]).encode() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>']
        + [block] * megabytes
        + [b"</t></is></c></row>" + SHEET_TAIL.encode()]
    )


def lie_about_size(path: Path, member: str, size: int) -> None:
    """Rewrite the declared uncompressed size of one part (local header and central directory)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    name = member.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + n]) == name:
            struct.pack_into("<I", data, pos + 24, size)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    """The hostile workbooks, written once: ~300 kB files that expand to 300 MB or that make
    calamine allocate terabytes."""
    d = tmp_path_factory.mktemp("bombs")
    out = {}
    out["zip_bomb"] = write_xlsx(d / "zip_bomb.xlsx", _sheet_of_zeros(300), level=9)
    out["lying_size"] = write_xlsx(d / "lying_size.xlsx", _sheet_of_zeros(300), level=9)
    lie_about_size(out["lying_size"], "xl/worksheets/sheet1.xml", 40_000)
    laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{laughs}]>'
    body = sheet_rows([HEADER] + rows(3)).replace("Đăng ký khai sinh", "&lol9;")
    out["billion_laughs"] = write_xlsx(
        d / "billion_laughs.xlsx", SHEET_HEAD.replace("\n<worksheet", f"\n{dtd}<worksheet") + body + SHEET_TAIL
    )
    # one value at A1 and one at ALL1048576: 1000 columns x 1,048,576 rows, 32 bytes a cell
    corner = '<row r="1048576"><c r="ALL1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    out["sparse_bomb"] = xlsx_of(d / "sparse_bomb.xlsx", [HEADER] + rows(3), after=corner)
    # the same with the far cell's row hidden in an early <row> and its r attribute not first
    sneaky = sheet_rows([HEADER] + rows(3)).replace(
        "</row>", '<c t="inlineStr" r="ALL1048576"><is><t>x</t></is></c></row>', 2
    )
    out["sparse_bomb_sneaky"] = write_xlsx(d / "sparse_bomb_sneaky.xlsx", SHEET_HEAD + sneaky + SHEET_TAIL)
    beyond = sheet_rows([HEADER] + rows(3)).replace('<c r="A3"', '<c r="ZZZZ3"', 1)
    out["beyond_xfd"] = write_xlsx(d / "beyond_xfd.xlsx", SHEET_HEAD + beyond + SHEET_TAIL)
    return out


def test_zip_bomb_is_refused_before_reading(bombs, settings, work):
    assert bombs["zip_bomb"].stat().st_size < 2_000_000
    res = stage_file(bombs["zip_bomb"], settings)
    # refused from the archive's directory: not a megabyte of the 300 MB inflated, and the stage
    # never waited for the workbook reader
    assert work.inflated < 2**20 and work.sheet_reads == 0, work
    assert_rejected(res, settings, "zip bomb", "expands past the size cap")


def test_zip_part_larger_than_declared(bombs, settings, work):
    # zipfile stops at the declared size and the CRC fails: the lie is caught before calamine
    # (whose zip reader trusts only the compressed size) would inflate all 300 MB
    res = stage_file(bombs["lying_size"], settings)
    assert declared_bytes(bombs["lying_size"]) < 50_000
    assert work.inflated < 2**20 and work.sheet_reads == 0, work  # the ~40 kB declared, not 300 MB
    assert_rejected(res, settings, "corrupt")


def test_billion_laughs(bombs, settings):
    assert_rejected(stage_file(bombs["billion_laughs"], settings), settings, "DTD", "entity")


@pytest.mark.parametrize("where", ["after_long_comment", "shared_strings", "utf16_sheet", "workbook"])
def test_entity_declarations_anywhere_in_the_prolog(tmp_path, settings, where):
    dtd = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    grid = [HEADER] + rows(5)
    path = tmp_path / f"{where}.xlsx"
    if where == "after_long_comment":  # past the first 4096 bytes the old check looked at
        sheet = SHEET_HEAD.replace("\n<worksheet", "\n<!--" + "x" * 9000 + "-->" + dtd + "<worksheet")
        write_xlsx(path, sheet + sheet_rows(grid) + SHEET_TAIL)
    elif where == "shared_strings":
        sst = (
            '<?xml version="1.0"?>' + dtd + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            'main" count="1" uniqueCount="1"><si><t>&b;</t></si></sst>'
        )
        xlsx_of(path, grid, extra={"xl/sharedStrings.xml": sst})
    elif where == "utf16_sheet":
        sheet = SHEET_HEAD.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace(
            "\n<worksheet", "\n" + dtd + "<worksheet"
        )
        write_xlsx(path, b"\xff\xfe" + (sheet + sheet_rows(grid) + SHEET_TAIL).encode("utf-16-le"))
    else:
        xlsx_of(path, grid, extra={"xl/workbook.xml": _WB.replace("\n<workbook", "\n" + dtd + "<workbook")})
    assert_rejected(stage_file(path, settings), settings, "DTD")


def test_xlsb_is_refused(tmp_path, settings):
    with zipfile.ZipFile(tmp_path / "x.xlsb", "w") as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert_rejected(stage_file(tmp_path / "x.xlsb", settings), settings, ".xlsb")


def test_zip_with_too_many_parts(tmp_path, settings):
    path = xlsx_of(tmp_path / "many.xlsx", [HEADER] + rows(3), level=0)
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(10_050):
            zf.writestr(f"xl/media/e{i}", b"")
    assert_rejected(stage_file(path, settings), settings, "too many parts")


# --- sheet shape: 16,384 columns, a million empty rows, 1 MB cells ---------------------------------


def test_sheet_with_16384_columns_is_refused_before_reading(tmp_path, settings, work):
    header = HEADER + [f"Cột {j}" for j in range(len(HEADER), 16384)]
    res = stage_file(xlsx_of(tmp_path / "wide.xlsx", [header] + rows(3)), settings)
    # refused by the archive check (one fast scan, one exact count of the sheet) before the stage
    # waited for the workbook reader
    assert work.sheet_reads == 0 and work.opened[SHEET] <= 2, work
    assert_rejected(res, settings, "16384", "too wide")


def test_formatting_out_to_column_xfd_is_not_width(tmp_path, settings):
    """Styled empty cells (whole-row formatting) hold no value: calamine keeps none, nor do we count them."""
    body = sheet_rows([HEADER] + rows(5)).replace("</row>", '<c r="XFD1" s="1"/></row>', 1)
    res = stage_file(write_xlsx(tmp_path / "styled.xlsx", SHEET_HEAD + body + SHEET_TAIL), settings)
    assert_read(res, 5)


def test_value_past_column_xfd(bombs, settings):
    assert_rejected(stage_file(bombs["beyond_xfd"], settings), settings, "475254", "too wide")


def test_million_empty_rows_do_not_hang(tmp_path, settings, work):
    """A million empty <row> elements above the data (18 MB of XML): the leading-row scan must stay
    linear and the Excel row numbers of the data must still be right; formatted empty rows follow
    the data down to Excel's last row."""
    n = 1_000_000
    empty = "".join(f'<row r="{i}"/>' for i in range(1, n + 1))
    data = sheet_rows([HEADER] + rows(5), first=n + 1)
    trailing = "".join(
        f'<row r="{i}" s="1" customFormat="1"><c r="A{i}" s="1"/></row>' for i in range(n + 7, 1_048_577)
    )
    path = write_xlsx(tmp_path / "tall.xlsx", [SHEET_HEAD, empty, data, trailing, SHEET_TAIL], level=1)
    res = stage_file(path, settings)
    # linear: the sheet streamed once (no slow per-tag pass), each byte handed to the leading-row
    # search once (plus the few rows cut by a chunk boundary), the workbook read once
    assert work.opened[SHEET] == 1 and work.sheet_reads == 1, work
    assert work.first_row_scan <= declared_bytes(path) + 2**16, (work.first_row_scan, declared_bytes(path))
    assert_read(res, 5)
    assert [r["source_row"] for r in rows_of(res)] == list(range(n + 2, n + 7))


def test_empty_rows_inside_the_data_are_skipped(tmp_path, settings, work):
    body = sheet_rows([HEADER] + rows(3)) + sheet_rows(rows(2, start=4), first=200_001)
    res = stage_file(write_xlsx(tmp_path / "gap.xlsx", SHEET_HEAD + body + SHEET_TAIL), settings)
    assert work.opened[SHEET] == 1 and work.sheet_reads == 1, work  # one pass by the check, one by the reader
    assert_read(res, 5)
    assert [r["source_row"] for r in rows_of(res)] == [2, 3, 4, 200_001, 200_002]
    assert res.rows_skipped == 200_000 - 4


def test_cells_of_one_megabyte(tmp_path, settings):
    big = "Thủ tục dài " + "ạ" * (1 << 20)
    head = "n" * 200_000  # inside the 256 kB the header is looked for in (Python's csv stops at 128 kB)
    lines = [HEADER] + [row(1, Tên_thủ_tục=head)] + rows(3, start=2) + [row(5, Tên_thủ_tục=big)]
    lines += [row(6, Chủ_hồ_sơ=big), row(7, Ghi_chú=big)]
    res = stage_file(write_csv(tmp_path / "big.csv", lines), settings)
    assert_read(res, 7)
    got = rows_of(res)
    assert len(got[0]["procedure_name"]) == len(head)
    assert len(got[4]["procedure_name"]) == len(big)
    for r in got[5:]:  # the personal column and the free-text note are never read
        assert "ạạạ" not in json.dumps(r, ensure_ascii=False, default=str)

    # the same in a workbook, and one in the title block above the header
    grid = [["DANH SÁCH " + "X" * (1 << 20)], HEADER] + rows(4) + [row(5, Tên_thủ_tục=big)]
    res = stage_file(xlsx_of(tmp_path / "big.xlsx", grid), settings)
    assert_read(res, 5)
    assert len(rows_of(res)[4]["procedure_name"]) == len(big)


@pytest.mark.slow
def test_one_line_longer_than_a_reader_block(tmp_path, settings, work):
    big = "x" * (30 * 1024 * 1024)  # pyarrow reads 24 MB blocks
    res = stage_file(write_csv(tmp_path / "long.csv", [HEADER] + rows(4) + [row(5, Tên_thủ_tục=big)]), settings)
    assert len(work.csv_passes) <= 2, work.csv_passes  # at most the fast reader giving up, then one exact pass
    assert_read(res, 5)
    assert len(rows_of(res)[4]["procedure_name"]) == len(big)


# --- text damage in CSV ---------------------------------------------------------------------------


def test_nul_bytes_and_control_characters_in_csv_values(tmp_path, settings):
    lines = [HEADER] + rows(8)
    lines[2][COL["Mã hồ sơ"]] = "HS-\x000002"
    lines[3][COL["Tên thủ tục"]] = "Đăng ký\x00 khai sinh\x07"
    lines[4][COL["Tên thủ tục"]] = "Khai sinh \x1b[31mđỏ\x1b[0m\tdòng 1\ndòng 2\x7f"
    lines[5][COL["Trạng thái"]] = "Đã trả\x0b kết quả"
    res = stage_file(write_csv(tmp_path / "ctl.csv", lines), settings)
    assert_read(res, 8)
    got = {r["source_row"]: r for r in rows_of(res)}
    assert got[3]["case_id"] == "HS-0002"
    assert got[4]["procedure_name"] == "Đăng ký khai sinh"
    assert got[5]["procedure_name"] == "Khai sinh [31mđỏ[0m dòng 1 dòng 2"  # one line, single spaces
    assert got[6]["status"] == "returned"
    for r in got.values():
        for v in r.values():
            assert not (isinstance(v, str) and any(ch in v for ch in "\x00\x07\x0b\x1b\x7f")), repr(v)


@pytest.mark.parametrize("where", ["in_the_head", "past_the_head"])
def test_mixed_encodings_in_one_csv(tmp_path, settings, where):
    """A UTF-8 export with some lines pasted in from a Windows-1258 file: every line reads right."""
    good_lines = [csv_text([r]).encode("utf-8") for r in rows(3000)]
    old = [
        row(i, Tên_thủ_tục="Chứng thực bản sao", Trạng_thái="Đang giải quyết", Ngày_có_kết_quả="")
        for i in range(5001, 5006)
    ]
    old_lines = [to_cp1258(csv_text([r])) for r in old]
    at = 3 if where == "in_the_head" else 2990  # 2990 lines are ~400 kB, past the 256 kB sniff
    body = good_lines[:at] + old_lines + good_lines[at:]
    path = tmp_path / "mixed.csv"
    path.write_bytes(csv_text([HEADER]).encode("utf-8") + b"".join(body))
    res = stage_file(path, settings)
    assert_read(res, 3005)
    assert res.encoding == "utf-8+cp1258"
    got = rows_of(res)
    names = {unicodedata.normalize("NFC", r["procedure_name"]) for r in got}
    assert names == {"Đăng ký khai sinh", "Chứng thực bản sao"}
    assert {r["status"] for r in got} == {"returned", "processing"}
    old_rows = [r["source_row"] for r in got if r["status"] == "processing"]
    assert old_rows == list(range(at + 2, at + 7))


def test_plain_windows_1258_is_not_taken_for_mixed(tmp_path, settings):
    path = tmp_path / "cp.csv"
    path.write_bytes(to_cp1258(csv_text([HEADER] + rows(20))))
    res = stage_file(path, settings)
    assert_read(res, 20)
    assert res.encoding == "cp1258"


# --- cell values: errors, formulas, dates out of range, fees --------------------------------------


def test_excel_error_cells_in_date_columns_quarantine_the_row(tmp_path, settings):
    grid = [HEADER] + rows(20)
    grid[3][COL["Ngày tiếp nhận"]] = ('t="e"', "<v>#N/A</v>")
    grid[5][COL["Ngày hẹn trả"]] = ('t="e"', "<v>#VALUE!</v>")
    grid[7][COL["Ngày có kết quả"]] = ('t="e"', "<v>#REF!</v>")
    res = stage_file(xlsx_of(tmp_path / "err.xlsx", grid), settings)
    assert_read(res, 20, quarantined=2)
    q = {r["source_row"]: r["reasons"] for r in quarantine_of(res)}
    # calamine hands error cells over as empty: the row fails as a missing date, except an empty due
    # time of a procedure with a statutory time, counted on the working-day calendar instead (Đăng ký
    # khai sinh received Friday 05/01/2024 08:30, before 15:00: due that day)
    assert q == {4: ["received_at_missing"], 8: ["terminal_without_finished_at"]}
    row6 = next(r for r in rows_of(res) if r["source_row"] == 6)
    assert row6["due_at"] is None and str(row6["statutory_due_at"]) == "2024-01-05 00:00:00"


def test_formulas_give_their_cached_values_never_run(tmp_path, settings):
    grid = [HEADER] + rows(6)
    grid[1][COL["Ngày tiếp nhận"]] = ('s="2"', "<f>DATE(2024,1,5)+TIME(8,30,0)</f><v>45296.3541666667</v>")
    grid[2][COL["Tên thủ tục"]] = (
        't="str"',
        '<f>HYPERLINK("http://example.invalid/x","Khai sinh")</f><v>Khai sinh</v>',
    )
    grid[3][COL["Kênh nộp"]] = ('t="str"', '<f>WEBSERVICE("http://example.invalid/")</f>')  # no cached value
    grid[4][COL["Lệ phí"]] = ("", "<f>1/0</f><v>50000</v>")
    res = stage_file(xlsx_of(tmp_path / "f.xlsx", grid), settings)
    assert_read(res, 6)
    got = {r["source_row"]: r for r in rows_of(res)}
    assert str(got[2]["received_at"]) == "2024-01-05 08:30:00"
    assert got[3]["procedure_name"] == "Khai sinh"
    assert got[4]["channel"] == "direct"  # an empty cell of the column (766 rule), never the formula
    assert "example.invalid" not in json.dumps(list(got.values()), ensure_ascii=False, default=str)
    assert got[5]["fee_amount"] == 50000


def test_formula_text_in_csv_is_kept_as_text(tmp_path, settings):
    lines = [HEADER] + rows(6)
    lines[1][COL["Tên thủ tục"]] = "=1+1"
    lines[2][COL["Tên thủ tục"]] = "=cmd|' /C calc'!A0"
    lines[3][COL["Tên thủ tục"]] = '@SUM(1+1)*cmd|" /C calc"!A0'
    res = stage_file(write_csv(tmp_path / "f.csv", lines), settings)
    assert_read(res, 6)
    got = {r["source_row"]: r for r in rows_of(res)}
    assert got[2]["procedure_name"] == "=1+1"
    assert got[3]["procedure_name"] == "=cmd|' /C calc'!A0"
    assert got[4]["procedure_name"] == '@SUM(1+1)*cmd|" /C calc"!A0'


def test_dates_in_1900_and_2100_are_out_of_range(tmp_path, settings):
    lines = [HEADER] + rows(20)
    lines[2][COL["Ngày tiếp nhận"]] = "01/01/1900"
    lines[4][COL["Ngày hẹn trả"]] = "01/01/2100 08:00"
    lines[6][COL["Ngày có kết quả"]] = "2100-01-01"
    res = stage_file(write_csv(tmp_path / "d.csv", lines), settings)
    assert_read(res, 20, quarantined=3)
    assert {r["source_row"]: r["reasons"] for r in quarantine_of(res)} == {
        3: ["date_out_of_range"],
        5: ["date_out_of_range"],
        7: ["date_out_of_range"],
    }

    grid = [HEADER] + rows(20)
    grid[2][COL["Ngày tiếp nhận"]] = ('s="1"', "<v>1</v>")  # 1900-01-01 as a real date cell
    grid[4][COL["Ngày hẹn trả"]] = ('s="1"', "<v>73051</v>")  # 2100-01-01
    res = stage_file(xlsx_of(tmp_path / "d.xlsx", grid), settings)
    assert_read(res, 20, quarantined=2)
    assert {r["source_row"]: r["reasons"] for r in quarantine_of(res)} == {
        3: ["date_out_of_range"],
        5: ["date_out_of_range"],
    }


def test_negative_and_non_numeric_fees_load_as_null_and_are_counted(tmp_path, settings):
    lines = [HEADER] + rows(8)
    for i, fee in enumerate(["-50000", "năm mươi nghìn", "50.000 đ", "-", "", "12,5"], start=1):
        lines[i][COL["Lệ phí"]] = fee
    res = stage_file(write_csv(tmp_path / "fee.csv", lines), settings)
    assert_read(res, 8)
    fees = [r["fee_amount"] for r in rows_of(res)]
    assert fees[:6] == [None, None, 50000.0, None, None, 12.5]
    assert res.flags.get("flag_bad_fee") == 3  # -50000, words, "-"


def test_non_finite_fees_load_as_null_and_are_counted(tmp_path, settings):
    lines = [HEADER] + rows(8)
    for i, fee in enumerate(["1e999", "NaN", "Infinity"], start=1):
        lines[i][COL["Lệ phí"]] = fee
    res = stage_file(write_csv(tmp_path / "fee.csv", lines), settings)
    assert_read(res, 8)
    assert [r["fee_amount"] for r in rows_of(res)][:3] == [None, None, None]
    assert res.flags.get("flag_bad_fee") == 3


# --- header damage --------------------------------------------------------------------------------


def test_duplicate_header_names(tmp_path, settings):
    header = HEADER + ["Mã hồ sơ", "Trạng thái", "Cột phụ", "Cột phụ"]
    lines = [header] + [r + [f"KHAC-{i}", "Từ chối tiếp nhận", "a", "b"] for i, r in enumerate(rows(5), 1)]
    res = stage_file(write_csv(tmp_path / "dup.csv", lines), settings)
    assert_read(res, 5)
    got = rows_of(res)
    assert [r["case_id"] for r in got] == [f"HS-{i:04d}" for i in range(1, 6)]  # the first column of a name wins
    assert {r["status"] for r in got} == {"returned"}
    assert res.shadowed_columns == ["Mã hồ sơ", "Trạng thái"]
    assert res.unknown_columns == ["Cột phụ"]


def test_header_repeated_mid_file_is_skipped_and_rows_keep_their_numbers(tmp_path, settings):
    title = [["DANH SÁCH HỒ SƠ"], ["Ngày xuất: 02/04/2024 07:45"], [""]]
    lines = title + [HEADER] + rows(5) + [["Trang 2"], HEADER] + rows(5, start=6) + [["Tổng cộng: 10 hồ sơ"]]
    res = stage_file(write_csv(tmp_path / "pages.csv", lines), settings)
    assert_read(res, 10)
    assert [r["source_row"] for r in rows_of(res)] == [5, 6, 7, 8, 9, 12, 13, 14, 15, 16]
    assert res.rows_skipped == 3  # "Trang 2", the repeated header, the footer

    grid = [[t[0]] for t in title] + [HEADER] + rows(5) + [HEADER] + rows(5, start=6)
    res = stage_file(xlsx_of(tmp_path / "pages.xlsx", grid), settings)
    assert_read(res, 10)
    assert [r["source_row"] for r in rows_of(res)] == [5, 6, 7, 8, 9, 11, 12, 13, 14, 15]


# --- the time budget ------------------------------------------------------------------------------


def test_time_budget_rejects_a_file_that_runs_over(tmp_path, settings):
    settings.max_seconds = 1e-6  # Settings.max_seconds (default: Limits.max_seconds)
    res = stage_file(write_csv(tmp_path / "slow.csv", [HEADER] + rows(5)), settings)
    assert_rejected(res, settings, "max_seconds", "thời gian")
    res = stage_file(xlsx_of(tmp_path / "slow.xlsx", [HEADER] + rows(5)), settings)
    assert_rejected(res, settings, "max_seconds")


# --- a run: the other files load, the rejected ones are recorded ----------------------------------


def test_run_with_hostile_files_loads_the_good_one_and_records_the_rest(tmp_path, settings, bombs):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "2024-04-01_my-tan.csv", [HEADER] + rows(10))
    (inbox / "empty.csv").write_bytes(b"")
    (inbox / "scan.xlsx").write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    whole = xlsx_of(tmp_path / "w.xlsx", [HEADER] + rows(50, start=100)).read_bytes()
    (inbox / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    shutil.copy(bombs["zip_bomb"], inbox / "bomb.xlsx")
    shutil.copy(bombs["billion_laughs"], inbox / "laughs.xlsx")
    (inbox / "locked.xlsx").write_bytes(ole_file({"EncryptionInfo": b"x" * 100, "EncryptedPackage": b"y" * 100}))
    half_bad = [HEADER] + rows(5, start=200) + [row(i, Ngày_tiếp_nhận="31/02/2024") for i in range(300, 305)]
    write_csv(inbox / "half-bad.csv", half_bad)

    summary = run_local([inbox], settings)
    status = {f.name: f.status for f in summary.files}
    assert status == {
        "2024-04-01_my-tan.csv": "loaded",
        "empty.csv": "rejected",
        "scan.xlsx": "rejected",
        "cut.xlsx": "rejected",
        "bomb.xlsx": "rejected",
        "laughs.xlsx": "rejected",
        "locked.xlsx": "rejected",
        "half-bad.csv": "rejected",
    }
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        assert con.execute("select count(*), count(distinct source_file) from cases").fetchone() == (10, 1)
        recorded = dict(
            con.execute("select file_name, message from ingested_files where status = 'rejected'").fetchall()
        )
        assert set(recorded) == set(status) - {"2024-04-01_my-tan.csv"}
        expected = {
            "empty.csv": "empty",
            "scan.xlsx": "PDF",
            "cut.xlsx": "corrupt",
            "bomb.xlsx": "zip bomb",
            "laughs.xlsx": "DTD",
            "locked.xlsx": "password",
            "half-bad.csv": "threshold",
        }
        for name, word in expected.items():
            assert word in recorded[name] and "\n" not in recorded[name], (name, recorded[name])
        # nothing of a rejected file is kept (the quarantine only of loaded files)
        assert con.execute("select count(*) from quarantine").fetchone() == (0,)
    finally:
        con.close()


# --- the same hostile files under a memory limit ----------------------------------------------------

_CAPPED = textwrap.dedent("""
    import json, resource, sys
    limit = int(1.5 * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from pathlib import Path
    from pipelines.config import Settings
    from pipelines.transform.stage import stage_file
    tmp = Path(sys.argv[1])
    settings = Settings.load(config_file=tmp / "none.toml", db=tmp / "w.duckdb", stage=tmp / "stage")
    out = {}
    for name in sys.argv[2:]:
        try:
            res = stage_file(Path(name), settings)
            out[Path(name).stem] = [res.status, res.message]
        except MemoryError as exc:
            out[Path(name).stem] = ["MemoryError", str(exc)]
    print(json.dumps(out))
""")


def test_bombs_under_a_memory_limit(bombs, tmp_path):
    """In a child process limited to 1.5 GiB of address space: each bomb is refused, no
    MemoryError, and the process survives (the sparse bombs used to abort it in calamine)."""
    names = ["zip_bomb", "lying_size", "billion_laughs", "sparse_bomb", "sparse_bomb_sneaky", "beyond_xfd"]
    done = subprocess.run(
        [sys.executable, "-c", _CAPPED, str(tmp_path)] + [str(bombs[n]) for n in names],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    expected = {
        "zip_bomb": "zip bomb",
        "lying_size": "corrupt",
        "billion_laughs": "DTD",
        "sparse_bomb": "cell cap",
        "sparse_bomb_sneaky": "cell cap",
        "beyond_xfd": "too wide",
    }
    for name, word in expected.items():
        status, message = out[name]
        assert status == "rejected" and word in message and "\n" not in message, (name, status, message)


@pytest.mark.parametrize("name", ["sparse_bomb", "sparse_bomb_sneaky"])
def test_calamine_failing_ends_only_its_worker(bombs, name, monkeypatch):
    """With the guard's caps opened wide, the bomb reaches calamine, which runs out of its 512 MiB
    address space (or aborts): the worker process ends, this process rejects the file and goes on."""
    from pipelines.extract import excel_reader

    monkeypatch.setattr(excel_reader, "worker_address_space", lambda limits: 512 * 2**20)
    wide_open = Limits(max_cells=10**13, max_columns=10**6)
    with pytest.raises(FileRejected) as err:
        for _ in excel_reader.read_workbook(bombs[name], "xlsx", wide_open, excel_reader.WorkbookPlan()):
            pass
    message = err.value.message
    assert "bộ đọc bảng tính dừng bất thường" in message or "không đọc được trang" in message, message
