"""Caps checked before a workbook is parsed: size, zip expansion, XML entities, cell area, time.

A reader is only as safe as the bytes it is handed: a 40 kB zip that expands to gigabytes, a
DTD with nested entities, or a 2 kB sheet with one cell at A1 and one at XFD1048576 (calamine
allocates the whole rectangle between them and aborts the process) must be refused before
calamine sees them. Every part of the archive is streamed once: zipfile enforces the declared
size and CRC of each part, the XML prolog is checked for a DTD, and worksheet parts are scanned
for the rectangle their cells span.
"""

from __future__ import annotations

import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pyarrow as pa
import pyarrow.compute as pc
from defusedxml import DefusedXmlException

from pipelines.extract.errors import FileRejected

_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
CHUNK = 4 * 1024 * 1024
_FIRST_ROW_CARRY = 8 * 1024 * 1024  # a single row longer than this ends the leading-row search


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 512 * 1024 * 1024
    max_unzipped_bytes: int = 2 * 1024 * 1024 * 1024
    max_zip_ratio: int = 200  # per part and overall, for anything over 50 MiB
    max_zip_entries: int = 10_000
    max_cells: int = 60_000_000  # cell rectangle of one sheet (calamine: ~32 bytes a cell)
    max_columns: int = 1_000
    max_html_bytes: int = 128 * 1024 * 1024  # an lxml tree takes ~10x the file
    max_seconds: float | None = 300.0  # wall-clock budget of one file, checked between steps
    # where the workbook reader writes its sheets (whole rows, personal columns included): the run's
    # own stage folder, removed with it even after a kill; None: the system's temporary folder
    work_dir: str | None = None


class Budget:
    """The time budget of one file. Checked between batches and before each heavy step; a step
    already running (one calamine sheet parse) is not interrupted."""

    def __init__(self, seconds: float | None, started: float | None = None):
        self.seconds = seconds
        self.started = time.perf_counter() if started is None else started

    def remaining(self) -> float | None:
        """Seconds left (None: no budget), never negative."""
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - (time.perf_counter() - self.started))

    def check(self, step: str) -> None:
        if self.seconds is not None and time.perf_counter() - self.started > self.seconds:
            raise FileRejected(
                f"xử lý tệp vượt quá thời gian cho phép ({self.seconds:g} giây, khi {step}) — "
                "over the per-file time budget (max_seconds)"
            )


NO_BUDGET = Budget(None)


def check_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise FileRejected(
            f"tệp quá lớn ({size / 2**20:.0f} MiB > {limits.max_file_bytes / 2**20:.0f} MiB) — file over the size cap"
        )


def zip_entry_count(path: Path) -> int | None:
    """Entries announced by the end-of-central-directory record, read before zipfile builds one
    object per entry (a few hundred bytes each: millions of empty entries exhaust memory)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 66_000))
        tail = fh.read()
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        return None
    count = struct.unpack_from("<H", tail, pos + 10)[0]
    loc = tail.rfind(b"PK\x06\x07", 0, pos)  # zip64: the real count is in the zip64 record
    if count == 0xFFFF and loc >= 0:
        z64 = tail.rfind(b"PK\x06\x06", 0, loc)
        if z64 >= 0 and z64 + 40 <= len(tail):
            count = struct.unpack_from("<Q", tail, z64 + 32)[0]
    return count


def check_zip_entries(path: Path, limits: Limits) -> None:
    n = zip_entry_count(path)
    if n is not None and n > limits.max_zip_entries:
        raise FileRejected(f"tệp nén có {n} thành phần (tối đa {limits.max_zip_entries}) — archive with too many parts")


def inspect_xlsx(path: Path, limits: Limits, budget: Budget = NO_BUDGET, kind: str = "xlsx") -> list[int]:
    """Check the archive (any zip workbook: xlsx, ods) and return, per xlsx sheet in workbook
    order, the 0-based first used row (calamine drops leading empty rows)."""
    check_zip_entries(path, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_declared(infos, limits)
            sheets = _sheet_parts(zf) if kind == "xlsx" else []
            names = {part.lower(): name for name, part in sheets if part}
            scans: dict[str, _SheetScan] = {}
            for info in infos:
                if not info.is_dir():
                    # every XML part of a workbook is scanned as a sheet could be: calamine may find
                    # a sheet by a path the relationships spell differently
                    scan = _stream_part(zf, info, kind == "xlsx", budget)
                    if scan is not None:
                        scans[info.filename.lower()] = scan
            for info in infos:
                scan = scans.get(info.filename.lower())
                if scan is not None:
                    _check_area(
                        zf, info.filename, names.get(info.filename.lower(), info.filename), scan, limits, budget
                    )
            return [scans[part.lower()].first_row if part and part.lower() in scans else 0 for _, part in sheets]
    except DefusedXmlException:  # a ValueError: before the generic clause
        raise FileRejected("bảng tính chứa khai báo DTD/thực thể XML — XML entity declarations are refused") from None
    except SafeET.ParseError as exc:
        raise FileRejected(f"cấu trúc bảng tính không hợp lệ ({_one_line(exc)}) — malformed workbook XML") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error, struct.error) as exc:
        # broken headers make zipfile seek before the start or read past the end
        raise FileRejected(
            f"tệp .xlsx bị hỏng hoặc không đầy đủ ({_one_line(exc)}) — corrupt or truncated workbook"
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:  # compression method, encrypted part
        raise FileRejected(f"tệp nén không đọc được ({_one_line(exc)}) — unreadable archive") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _check_declared(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    worst = max(infos, key=lambda i: i.file_size / max(1, i.compress_size), default=None)
    bomb = total > limits.max_unzipped_bytes or (total > 50 * 2**20 and total / packed > limits.max_zip_ratio)
    if (
        worst is not None
        and worst.file_size > 50 * 2**20
        and worst.file_size / max(1, worst.compress_size) > limits.max_zip_ratio
    ):
        bomb = True
        packed, total = worst.compress_size, worst.file_size
    if bomb:
        raise FileRejected(
            f"tệp nén giãn nở bất thường ({packed} byte → {total} byte, nghi 'zip bomb') — "
            "archive expands past the size cap"
        )


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str | None]]:
    """(sheet name, part path) in workbook order."""
    try:
        wb = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: list[tuple[str, str | None]] = []
    for sheet in wb.iter():
        if sheet.tag.endswith("}sheet"):
            name = sheet.get("name") or ""
            target = targets.get(sheet.get(_NS_REL))
            if not target:
                parts.append((name, None))
                continue
            target = target.lstrip("/")
            parts.append((name, target if target.startswith("xl/") else "xl/" + target))
    return parts


# --- every part: real size, CRC, and no DTD in its prolog ----------------------------------------------

_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def _xml_text(head: bytes) -> str | None:
    """The start of a part as text when it is XML (UTF-8 or UTF-16), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[2:].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    head = head.removeprefix(b"\xef\xbb\xbf")
    if head.lstrip()[:1] == b"<":
        return head.decode("utf-8", errors="replace")
    return None


def _check_prolog(head: bytes, name: str) -> None:
    """Refuse a DTD anywhere in the prolog (comments and processing instructions may push it past
    any fixed-size sniff); the prolog ends at the first element."""
    text = _xml_text(head)
    if text is None:
        return
    pos = 0
    while True:
        m = _PROLOG_SKIP.match(text, pos)
        if not m:
            break
        pos = m.end()
    rest = text[pos : pos + 9]
    if rest.upper().startswith("<!DOCTYPE") or rest.startswith("<!ENTITY"):
        raise FileRejected(f"bảng tính chứa khai báo DTD/thực thể XML ({name}) — XML entity declarations are refused")
    if rest.startswith(("<!--", "<?")):  # a comment or instruction that does not end in the first 4 MiB
        raise FileRejected(f"phần mở đầu XML không kết thúc ({name}) — malformed workbook XML")


def _stream_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, scan_xml: bool, budget: Budget) -> _SheetScan | None:
    """Read one part to its end (zipfile checks the declared size and CRC as it goes); an XML
    part of a workbook is scanned for the cell rectangle on the way."""
    scan: _SheetScan | None = None
    with zf.open(info) as fh:
        first = True
        carry = b""
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            if first:
                _check_prolog(chunk, info.filename)
                if scan_xml and _xml_text(chunk[:64]) is not None:
                    scan = _SheetScan()
                first = False
            if scan is not None:
                carry = scan.feed(carry + chunk)
            budget.check(f"kiểm tra {info.filename}")
        if scan is not None and carry:
            scan.feed(carry + b"<")
    return scan


# --- worksheet parts: the rectangle of cells calamine will allocate -----------------------------------

_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|t)\b[^>]*>[^<]")
_R_ATTR = re.compile(rb'\br="([A-Z]*)(\d*)"')
# any prefix: calamine matches local names. These over-match (e.g. <xc r="A1">), which only
# makes the bound larger.
_ROW_REFS = re.compile(rb'row r="(\d{1,10})"')
_COL_REFS = re.compile(rb'c r="([A-Z]+)')
_FIRST_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
# a <c> or <row> whose first attribute is not r (RE2 syntax, run by Arrow over the whole chunk)
_UNUSUAL = r"<(?:[A-Za-z_][\w.\-]*:)?(?:c|row)(?:>|/>|\s+[^r\s/>]|\s+r[^=])"


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _row_bound(r: int) -> int:
    """Smallest 'round' number above r: rows up to it are assumed; cell refs beyond it are
    looked for explicitly (same digit count and a larger first digit, or more digits)."""
    d = len(str(r))
    first = int(str(r)[0])
    return (first + 1) * 10 ** (d - 1) - 1 if first < 9 else 10**d - 1


def _rows_over(r: int) -> str:
    d = len(str(r))
    first = int(str(r)[0])
    return rf"\d{{{d + 1},}}" if first == 9 else rf"(?:\d{{{d + 1},}}|[{first + 1}-9]\d{{{d - 1}}})"


def _count(pattern: str, body: bytes) -> int:
    """Matches of an RE2 pattern in body, counted by Arrow in C++ (zero-copy over the bytes)."""
    offsets = pa.py_buffer(struct.pack("<ii", 0, len(body)))
    arr = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(body)])
    return pc.count_substring_regex(arr, pattern)[0].as_py() or 0


class _SheetScan:
    """One pass over a sheet part, a few regex scans per chunk and no Python work per cell.

    Fast path (rows written `<row r="N"`, cells `<c r="XN"`, as Excel, LibreOffice, openpyxl and
    the OpenXML SDK write them): the column letters of every cell, the largest <row r> and any
    cell ref beyond `_row_bound` of it bound the rectangle. A cell or row written otherwise, a
    ref beyond the bound, or a bound over the caps sends the sheet to the exact pass
    (`_exact_area`), which follows calamine's own positions and counts only cells with content.
    """

    def __init__(self) -> None:
        self.max_row = 0
        self.max_col = 0
        self.irregular = False
        self.first_row = 0
        self._first_done = False
        self._first_carry = b""

    def feed(self, data: bytes) -> bytes:
        """Scan all complete tags of data; return the unfinished tail for the next chunk."""
        cut = data.rfind(b"<")
        if cut < 0:
            return b""
        body, tail = data[:cut], data[cut:]
        if not self._first_done:
            self._find_first_row(body)
        rows = set(_ROW_REFS.findall(body))
        if rows:
            self.max_row = max(self.max_row, max(map(int, rows)))
        if _count(r'c r="[A-Z]{2}', body):  # columns past Z: find the last one
            cols = set(_COL_REFS.findall(body))
            self.max_col = max(self.max_col, max(map(_col_number, cols)))
        elif b'c r="' in body:
            self.max_col = max(self.max_col, 26)
        if not self.irregular:  # two patterns with literal prefixes are each far faster than one alternation
            over = r'c r="[A-Z]{1,4}' + _rows_over(max(self.max_row, 1)) + '"'
            self.irregular = _count(_UNUSUAL, body) > 0 or _count(over, body) > 0
        return tail

    def bound(self) -> tuple[int, int]:
        return max(self.max_row, _row_bound(max(self.max_row, 1))), self.max_col

    def _find_first_row(self, body: bytes) -> None:
        """Excel row number of the first row holding a value (linear: each row is looked at once)."""
        data = self._first_carry + body
        pos = 0
        while True:
            m = _FIRST_ROW.search(data, pos)
            if not m:
                self._first_carry = b""
                return
            if m.group(1).endswith(b"/"):
                pos = m.end()
                continue
            end = _ROW_END.search(data, m.end())
            if not end:  # the row goes on in the next chunk
                self._first_carry = data[m.start() :]
                if len(self._first_carry) > _FIRST_ROW_CARRY:
                    self._first_done, self._first_carry = True, b""
                return
            if _HAS_VALUE.search(data, m.end(), end.start()):
                r = _R_ATTR.search(m.group(1))
                self.first_row = int(r.group(2)) - 1 if r and r.group(2) else 0
                self._first_done, self._first_carry = True, b""
                return
            pos = end.end()


_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*?)(/?)>")


def _exact_area(zf: zipfile.ZipFile, part: str, budget: Budget) -> tuple[int, int]:
    """Rows x columns of the rectangle of cells with content, positions as calamine assigns them
    (a cell or row without r follows the previous one). Slow (Python per tag): only for sheets
    the fast scan could not bound."""
    row = -1
    col = -1
    lo_r = lo_c = None
    hi_r = hi_c = -1
    carry = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(CHUNK)
            data = carry + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            body, carry = data[:cut], data[cut:]
            for m in _TAG.finditer(body):
                kind, attrs, closed = m.groups()
                r = _R_ATTR.search(attrs)
                if kind == b"row":
                    row = int(r.group(2)) - 1 if r and r.group(2) else row + 1
                    col = -1
                    continue
                if r and r.group(1) and r.group(2):
                    row, col = int(r.group(2)) - 1, _col_number(r.group(1)) - 1
                else:
                    col += 1
                if closed:
                    continue  # <c r="Z9" s="1"/>: formatting only, calamine keeps no cell
                lo_r = row if lo_r is None else min(lo_r, row)
                lo_c = col if lo_c is None else min(lo_c, col)
                hi_r, hi_c = max(hi_r, row), max(hi_c, col)
            budget.check(f"kiểm tra {part}")
            if not chunk:
                break
    if lo_r is None or hi_r is None or lo_c is None or hi_c is None:
        return 0, 0
    return hi_r - lo_r + 1, hi_c - lo_c + 1


def _check_area(zf: zipfile.ZipFile, part: str, name: str, scan: _SheetScan, limits: Limits, budget: Budget) -> None:
    rows, cols = scan.bound()
    if scan.irregular or cols > limits.max_columns or rows * cols > limits.max_cells:
        rows, cols = _exact_area(zf, part, budget)
    name = " ".join(name.split())[:60]
    if cols > limits.max_columns:
        raise FileRejected(
            f"trang '{name}' trải trên {cols} cột (tối đa {limits.max_columns}) — "
            "sheet too wide, refused before reading"
        )
    if rows * cols > limits.max_cells:
        raise FileRejected(
            f"trang '{name}' trải trên {rows} dòng × {cols} cột = {rows * cols} ô (tối đa {limits.max_cells}) — "
            "sheet over the cell cap, refused before reading"
        )
