"""The cell grids of a report file (a Biểu 06 workbook as a one-stop system writes it).

Unlike a case export, a report's meaning sits in its merged header cells and title lines, so
spans are expanded here: an HTML cell with colspan/rowspan fills every position it covers (Tân
Dân's export writes "Số hồ sơ nhận giải quyết" with colSpan 4 over "Tổng số" with rowSpan 2);
a workbook's merged cells keep their value in the first cell only (calamine), and the reader fills
the group row forward. Tân Dân's "Excel" is HTML whose tables sit inside another table
(exportTableToExcel.js wraps the title table and the data table in one <table>): only the
innermost tables are read, in document order, one grid for the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from lxml import etree, html

from pipelines.extract.csv_reader import detect_encoding
from pipelines.extract.errors import FileRejected
from pipelines.extract.guard import NO_BUDGET, Budget, Limits, inspect_xlsx
from pipelines.rules.text import clean_text

Grid = list[list[str | None]]
MAX_REPORT_ROWS = 5_000  # a Biểu 06 has a few hundred rows at most (units or lĩnh vực)
MAX_SPAN = 100


def report_grids(
    path: Path, kind: str, limits: Limits | None = None, budget: Budget = NO_BUDGET
) -> list[tuple[str, Grid]]:
    """(sheet name, grid of cleaned cell texts) for each sheet or table group of the file."""
    limits = limits or Limits()
    if kind == "html":
        return [("html", html_report_grid(path, limits))]
    if kind == "csv":
        return [("csv", csv_report_grid(path, limits))]
    return workbook_report_grids(path, kind, limits, budget)


def html_report_grid(path: Path, limits: Limits) -> Grid:
    size = path.stat().st_size
    if size > limits.max_html_bytes:
        raise FileRejected("tệp HTML quá lớn để là một báo cáo — HTML report over the size cap")
    raw = path.read_bytes()
    encoding = detect_encoding(raw[: 256 * 1024]).replace("utf-8-sig", "utf-8")
    parser = html.HTMLParser(encoding=encoding, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(raw, parser)
    except (etree.ParserError, OSError, ValueError) as exc:
        raise FileRejected(f"không đọc được bảng HTML ({exc}) — unreadable HTML report") from None
    if root is None:
        raise FileRejected("tệp HTML rỗng — empty HTML file")
    grid: Grid = []
    for table in root.iter("table"):
        if table.find(".//table") is not None:
            continue  # a wrapper: its inner tables are read on their own
        grid.extend(_table_grid(table))
        if len(grid) > MAX_REPORT_ROWS:
            raise FileRejected(f"bảng quá dài để là một báo cáo (hơn {MAX_REPORT_ROWS} dòng) — not a report")
    return grid


def _table_grid(table: etree._Element) -> Grid:
    """The rows of one table with colspan and rowspan expanded (the text repeated where it spans)."""
    rows: Grid = []
    pending: dict[int, tuple[str | None, int]] = {}  # column -> (text, rows still covered)
    for tr in table.iter("tr"):
        row: list[str | None] = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            _fill_pending(row, pending)
            text = clean_text(" ".join(cell.itertext()))
            cspan, rspan = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            for _ in range(cspan):
                if rspan > 1:
                    pending[len(row)] = (text, rspan - 1)
                row.append(text)
        _fill_pending(row, pending)
        rows.append(row)
    return rows


def _fill_pending(row: list[str | None], pending: dict[int, tuple[str | None, int]]) -> None:
    """Cells of rows above spanning down into this row, from the current position on."""
    while len(row) in pending:
        text, left = pending[len(row)]
        if left <= 1:
            del pending[len(row)]
        else:
            pending[len(row)] = (text, left - 1)
        row.append(text)


def _span(value: str | None) -> int:
    return min(int(value), MAX_SPAN) if value and value.strip().isdecimal() and int(value) > 0 else 1


def csv_report_grid(path: Path, limits: Limits) -> Grid:
    if path.stat().st_size > limits.max_html_bytes:
        raise FileRejected("tệp quá lớn để là một báo cáo — report over the size cap")
    raw = path.read_bytes()
    text = raw.decode(detect_encoding(raw[: 256 * 1024]), errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    grid: Grid = [[clean_text(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    return grid[:MAX_REPORT_ROWS]


def workbook_report_grids(path: Path, kind: str, limits: Limits, budget: Budget) -> list[tuple[str, Grid]]:
    from pipelines.extract.excel_reader import SheetWorker

    worker = SheetWorker(path, limits)
    try:
        if kind in ("xlsx", "ods"):
            inspect_xlsx(path, limits, budget, kind)
        sheets = worker.sheets(budget)
        out = []
        for _, name, data in sheets:
            head = data.slice(0, MAX_REPORT_ROWS)
            cols = [c.to_pylist() for c in head.columns]
            grid = [[clean_text(v) if isinstance(v, str) else None for v in r] for r in zip(*cols, strict=True)]
            out.append((name, grid))
        return out
    finally:
        worker.close()
