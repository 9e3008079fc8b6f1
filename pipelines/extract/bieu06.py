"""Read a Biểu 06 / II.06a report (a one-stop system's own figures) from its cell grid.

What is read, by words (schemas/report_layout.csv), never by position alone:
- the title block: "Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy" (required), the unit ("Đơn vị báo cáo:
  …", else every title line that is not boilerplate, resolved later like an agency), the export
  time ("Ngày xuất: …", else the time in a Tân Dân file name "… 5_10_2026 9_5.xls", else the
  signature date "…, ngày 05 tháng 10 năm 2026", taken as the end of that day);
- the header: the row naming at least two of the three column groups; each column's cell is its
  group plus the lowest header text above the data; a numbering row "(1) (2) … (13)" or "1 2 … 13"
  maps columns by number when present (schemas/report_form_columns.csv `number`);
- the rows: one per unit (Tân Dân 06a) or per lĩnh vực (the form, Tân Dân 06 các cấp), level
  groups ("Xã, phường, thị trấn", "III. Cấp xã") as headings or subtotals, the totals row.

A layout that lacks any of this is rejected naming what was not found, as a case export is.
Blank or "-" cells are 0 (printed forms leave zeros blank); any other text in a number cell is an
error of the report (rejected, the row named).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pipelines.extract.errors import FileRejected
from pipelines.extract.header import export_time
from pipelines.extract.shape import is_signature
from pipelines.rules.indicators import form_columns
from pipelines.rules.report_layout import ReportLayout, report_layout, strip_numbering
from pipelines.rules.text import strip_diacritics

Grid = list[list[str | None]]
# the 11 figures of the official form, (3) to (13), in order
CELLS = [c.column for c in form_columns() if c.official]
SCAN = 40  # the header is within the first rows

_DMY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
_PERIOD = re.compile(r"tu\s*ngay\s*" + _DMY + r"\s*(?:den\s*ngay|den|-|–)\s*" + _DMY, re.IGNORECASE)
_SIGNED = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})", re.IGNORECASE)
_FILE_TIME = re.compile(r"(\d{1,2})[_/.-](\d{1,2})[_/.-](\d{4})\s+(\d{1,2})[_:h](\d{1,2})")
_NUMBER = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$|^\d+(?:[.,]0+)?$")
_NUMBERING_CELL = re.compile(r"^\(?(\d{1,2})\)?$")


@dataclass
class ReportRow:
    label: str
    kind: str  # row | total | group_total
    level: str | None
    values: dict[str, int]
    source_row: int  # 1-based row of the grid


@dataclass
class Bieu06Report:
    sheet: str
    period_start: date
    period_end: date
    unit_texts: list[str]  # candidates for the reporting unit, best first
    rows_are: str  # unit | sector
    rows: list[ReportRow]
    exported_at: datetime | None = None
    exported_source: str | None = None
    system: str | None = None
    findings: list[str] = field(default_factory=list)


def looks_like_bieu06(grid: Grid) -> bool:
    """A row naming at least two of the three column groups of Biểu 06."""
    return _group_row(grid, report_layout()) is not None


def read_bieu06(path: Path, sheets: list[tuple[str, Grid]], raw_text: str = "") -> Bieu06Report:
    """The first sheet holding a Biểu 06; FileRejected naming what is missing from it."""
    layout = report_layout()
    found = [(name, grid) for name, grid in sheets if _group_row(grid, layout) is not None]
    if not found:
        raise FileRejected(
            "không phải báo cáo Biểu 06: không tìm thấy dòng tiêu đề có các nhóm cột «Số hồ sơ nhận giải quyết», "
            "«Số hồ sơ đã giải quyết», «Số hồ sơ đang giải quyết» — no Biểu 06 header found"
        )
    name, grid = found[0]
    g = _group_row(grid, layout)
    assert g is not None
    report = _read(grid, g, name, layout)
    report.system = layout.system_of(raw_text + " " + " ".join(c for r in grid[:g] for c in r if c))
    report.exported_at, report.exported_source = _export_time(grid, g, path, report)
    return report


def _group_row(grid: Grid, layout: ReportLayout) -> int | None:
    for i, row in enumerate(grid[:SCAN]):
        if len({layout.group_of(c) for c in row if c} - {None}) >= 2:
            return i
    return None


def _read(grid: Grid, g: int, sheet: str, layout: ReportLayout) -> Bieu06Report:
    title = grid[:g]
    period = _period(title) or _period(grid[g:])
    missing: list[str] = []
    if period is None:
        missing.append("dòng «Từ ngày … đến ngày …» (kỳ báo cáo)")
    numbering = _numbering_row(grid, g)
    start = numbering + 1 if numbering is not None else _data_start(grid, g)
    columns, label_col, label_kind, end = _columns(grid, g, start, numbering, layout)
    absent = [c for c in CELLS if c not in columns.values()]
    if absent:
        numbers = {c.column: c.number for c in form_columns()}
        missing.append("cột " + ", ".join(f"({numbers[c]}) {_header(c)}" for c in absent))
    if label_col is None:
        missing.append("cột tên đơn vị hoặc lĩnh vực")
    if missing:
        raise FileRejected(
            f"báo cáo Biểu 06 không đọc được: không tìm thấy {'; '.join(missing)} — unknown report layout"
        )
    assert period is not None and label_col is not None
    rows = _rows(grid, min(start, end) if numbering is None else start, columns, label_col, layout)
    if not rows:
        raise FileRejected("báo cáo Biểu 06 không có dòng số liệu nào — the report has no figures")
    if label_kind is None:
        label_kind = "sector"
    return Bieu06Report(sheet, period[0], period[1], _unit_texts(title, layout), label_kind, rows)


def _header(cell: str) -> str:
    return next(c.header for c in form_columns() if c.column == cell)


def _period(rows: Grid) -> tuple[date, date] | None:
    for row in rows:
        for cell in row:
            if not cell:
                continue
            m = _PERIOD.search(strip_diacritics(unicodedata.normalize("NFC", cell)))
            if m:
                d1, m1, y1, d2, m2, y2 = (int(x) for x in m.groups())
                try:
                    return date(y1, m1, d1), date(y2, m2, d2)
                except ValueError:
                    return None
    return None


def _numbering_row(grid: Grid, g: int) -> int | None:
    """The row "(1) (2) … (13)" (or "1 2 … 13") under the header, when there is one."""
    for i in range(g + 1, min(g + 6, len(grid))):
        found = [_numbering(c) for c in grid[i] if c]
        nums = [n for n in found if n is not None]
        if len(nums) >= 11 and len(nums) == len(found) and nums == sorted(nums):
            return i
    return None


def _numbering(cell: str | None) -> int | None:
    m = _NUMBERING_CELL.match((cell or "").strip())
    return int(m.group(1)) if m else None


def _data_start(grid: Grid, g: int) -> int:
    for i in range(g + 1, min(g + 8, len(grid))):
        if sum(1 for c in grid[i] if c and _NUMBER.match(c)) >= 3:
            return i
    return min(g + 3, len(grid))


def _columns(
    grid: Grid, g: int, start: int, numbering: int | None, layout: ReportLayout
) -> tuple[dict[int, str], int | None, str | None, int]:
    """Grid column -> cell; the label column and what it holds (unit | sector | None); the row
    after the header."""
    end = numbering if numbering is not None else start
    # the header ends before a level heading spanned over the row ("Xã, phường, thị trấn")
    end = next((i for i in range(g + 1, end) if _is_heading_row(grid[i], layout)), end)
    width = max((len(r) for r in grid[g:end]), default=0)
    band = [list(r) + [None] * (width - len(r)) for r in grid[g:end]]
    columns: dict[int, str] = {}
    label_col: int | None = None
    label_kind: str | None = None
    if numbering is not None:
        by_number = {c.number: c.column for c in form_columns() if c.number is not None}
        for j, text in enumerate(grid[numbering]):
            n = _numbering(text)
            if n in by_number and by_number[n] in CELLS:
                columns[j] = by_number[n]
            elif n == 2:
                label_col = j
    group = None
    for j in range(width):
        top = band[0][j] if band else None
        group = layout.group_of(top) or (group if top is None else None)  # merged cells: value in the first
        texts = [r[j] for r in band if r[j]]
        lowest = texts[-1] if texts else None
        kind = layout.label_kind(lowest) or layout.label_kind(top)
        if kind and label_col in (None, j) and group is None:
            label_col, label_kind = j, kind
            continue
        if numbering is None and group is not None:
            cell = layout.cell_of(group, lowest)
            if cell and cell not in columns.values():
                columns[j] = cell
    if label_col is not None and label_kind is None:
        texts = [r[label_col] for r in band if label_col < len(r) and r[label_col]]
        label_kind = layout.label_kind(texts[-1]) if texts else None
    return columns, label_col, label_kind, end


def _is_heading_row(row: list[str | None], layout: ReportLayout) -> bool:
    texts = [c for c in row if c]
    return bool(texts) and (len(set(texts)) == 1 and len(texts) > 1 or any(layout.is_level(c) for c in texts[:3]))


def _number(text: str | None, where: str) -> int:
    t = (text or "").strip()
    if t in ("", "-", "–"):
        return 0
    if not _NUMBER.match(t):
        raise FileRejected(f"báo cáo Biểu 06: ô {where} có giá trị «{t[:30]}» không phải số hồ sơ — not a count")
    digits = re.sub(r"[.,]0+$", "", t) if re.match(r"^\d+[.,]0+$", t) else re.sub(r"[.,\s]", "", t)
    return int(digits)


def _rows(grid: Grid, start: int, columns: dict[int, str], label_col: int, layout: ReportLayout) -> list[ReportRow]:
    numbers = {c.column: c.number for c in form_columns()}
    rows: list[ReportRow] = []
    level: str | None = None
    for i in range(start, len(grid)):
        row = grid[i]
        label = row[label_col] if label_col < len(row) else None
        cells = {cell: (row[j] if j < len(row) else None) for j, cell in columns.items()}
        if label and is_signature(label):
            break
        if not label and not any(cells.values()):
            if any(c for c in row) and any(c and is_signature(c) for c in row):
                break
            continue
        texts = {c for c in row if c}
        if not any(cells.values()) or (len(texts) == 1 and not _NUMBER.match(next(iter(texts)))):
            # a heading: a level group ("Xã, phường, thị trấn"), even spanned over every column
            heading = label or next(iter(texts), None)
            if heading and layout.is_level(heading):
                level = strip_numbering(heading)
            continue
        label = label or ""
        values = {cell: _number(v, f"({numbers[cell]}) dòng «{label}»") for cell, v in cells.items()}
        if layout.is_total(label):
            kind = "total"
        elif layout.is_level(label):
            kind, level = "group_total", strip_numbering(label)
        else:
            kind = "row"
        rows.append(ReportRow(strip_numbering(label) or label, kind, level if kind != "total" else None, values, i + 1))
    return rows


def _unit_texts(title: Grid, layout: ReportLayout) -> list[str]:
    """Title lines that may name the reporting unit: an «Đơn vị báo cáo:» line first."""
    named, others = [], []
    for row in title:
        for cell in row:
            if not cell:
                continue
            after = layout.unit_after_colon(cell)
            if after:
                named.append(after)
            elif not layout.is_boilerplate(cell) and not _period([[cell]]) and cell not in others:
                others.append(cell)
    return named + others


def _export_time(grid: Grid, g: int, path: Path, report: Bieu06Report) -> tuple[datetime | None, str | None]:
    stamped = export_time(grid)
    if stamped:
        return stamped, "export_line"
    m = _FILE_TIME.search(path.stem)
    if m:
        d, mo, y, hh, mi = (int(x) for x in m.groups())
        try:
            return datetime(y, mo, d, hh, mi), "file_name"
        except ValueError:
            pass
    for row in grid[g:]:
        for cell in row:
            s = _SIGNED.search(strip_diacritics(cell or ""))
            if s:
                d, mo, y = (int(x) for x in s.groups())
                try:
                    signed = datetime(y, mo, d)
                except ValueError:
                    continue
                if signed.date() >= report.period_start:
                    return signed + timedelta(seconds=86399), "signed_date"
    return None, None
