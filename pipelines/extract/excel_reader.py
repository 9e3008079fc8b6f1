"""Workbooks (.xlsx, .xls, .ods) through fastexcel (calamine → Arrow), every cell as text.

Each sheet is read twice: its first rows to find the header, then only the mapped columns
below the header, so personal-data columns are never even loaded.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import pyarrow as pa

from pipelines.extract.errors import FileRejected
from pipelines.extract.guard import NO_BUDGET, Budget, Limits, inspect_xlsx
from pipelines.extract.header import SCAN_ROWS, HeaderLayout, detect_header
from pipelines.vocab import column_map


@dataclass
class SheetPlan:
    index: int
    name: str
    layout: HeaderLayout
    offset: int  # Excel row number of grid row 0, minus one
    title: list[list[str | None]]


@dataclass
class WorkbookPlan:
    sheets: list[SheetPlan] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return " ".join(lines[0].split())[:200] if lines else type(exc).__name__


def _calamine_failure(exc: BaseException) -> bool:
    """calamine errors, and Rust panics (pyo3's PanicException derives from BaseException, so a
    plain `except Exception` lets a malformed file take the whole run down)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _open(path: Path) -> fastexcel.ExcelReader:
    try:
        return fastexcel.read_excel(path)
    except BaseException as exc:  # calamine reports corrupt/encrypted files with several exception types
        if not _calamine_failure(exc):
            raise
        msg = _first_line(exc)
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise FileRejected("bảng tính có mật khẩu (mã hóa), không đọc được — password-protected workbook")
        raise FileRejected(f"không mở được bảng tính ({msg}) — unreadable workbook")


XLS_OFFSETS_MAX_BYTES = 64 * 1024 * 1024  # BIFF8 holds at most 65,536 rows: real .xls files are far smaller


def xls_first_rows(path: Path) -> dict[str, int]:
    """Sheet name -> 0-based row of its first cell in a legacy .xls. calamine drops leading empty
    rows there too, and BIFF has no cheap index of them: xlrd (pure Python, ~1.5 s for 60k rows;
    it keeps no cell for a blank formatted one, as calamine) tells. Best effort: {} when unsure."""
    if path.stat().st_size > XLS_OFFSETS_MAX_BYTES:
        return {}
    try:
        import xlrd

        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO(), verbosity=0)
        out = {}
        for i in range(book.nsheets):
            sheet = book.sheet_by_index(i)
            out[sheet.name] = next((r for r in range(sheet.nrows)
                                    if any(c.ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) for c in sheet.row(r))), 0)
            book.unload_sheet(i)
        return out
    except Exception:  # noqa: BLE001 - only the row numbering depends on it; calamine decides readability
        return {}


def _grid(batch: pa.RecordBatch) -> list[list[str | None]]:
    cols = [c.to_pylist() for c in batch.columns]
    return [list(r) for r in zip(*cols)] if cols else []


def read_workbook(path: Path, kind: str, limits: Limits, plan: WorkbookPlan, budget: Budget = NO_BUDGET
                  ) -> Iterator[tuple[SheetPlan, dict[int, pa.Array], pa.Array]]:
    """Each sheet with a header: its plan, its columns below the header and Excel row numbers.

    A sheet is parsed once (calamine parses a whole sheet even for its first rows); the header
    is found in the first rows of that one read. Sheets without a header (a cover sheet, a
    summary) are listed in plan.skipped_sheets.
    """
    offsets = inspect_xlsx(path, limits, budget, kind) if kind in ("xlsx", "ods") else []
    reader = _open(path)
    if kind == "xls":
        first_rows = xls_first_rows(path)
        offsets = [first_rows.get(name, 0) for name in reader.sheet_names]
        budget.check("đọc cấu trúc tệp .xls")
    cmap = column_map()
    for idx, name in enumerate(reader.sheet_names):
        budget.check(f"đọc trang '{name}'")
        try:
            sheet = reader.load_sheet(idx, header_row=None, dtypes="string")
            if sheet.width > limits.max_columns:
                raise FileRejected(f"trang '{name}' có {sheet.width} cột (tối đa {limits.max_columns}) — sheet too wide")
            if sheet.total_height * max(1, sheet.width) > limits.max_cells:
                raise FileRejected(f"trang '{name}' quá lớn ({sheet.total_height} dòng) — sheet over the cell cap")
            data = sheet.to_arrow()
        except FileRejected:
            raise
        except BaseException as exc:
            if not _calamine_failure(exc):
                raise
            raise FileRejected(f"không đọc được trang '{name}' ({_first_line(exc)}) — unreadable sheet")
        grid = _grid(data.slice(0, SCAN_ROWS))
        layout = detect_header(grid, cmap)
        if layout is None:
            plan.skipped_sheets.append(name)
            continue
        sp = SheetPlan(idx, name, layout, offsets[idx] if idx < len(offsets) else 0, grid[: layout.header_row])
        plan.sheets.append(sp)
        body = data.slice(layout.data_start)
        columns = {pos: body.column(pos) for pos in sorted(layout.mapping) if pos < body.num_columns}
        first = sp.offset + layout.data_start + 1
        yield sp, columns, pa.array(range(first, first + body.num_rows), pa.int64())
