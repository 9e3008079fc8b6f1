"""Workbooks (.xlsx, .xls, .ods) through fastexcel (calamine → Arrow), every cell as text.

Each sheet is read twice: its first rows to find the header, then only the mapped columns
below the header, so personal-data columns are never even loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import pyarrow as pa

from pipelines.extract.errors import FileRejected
from pipelines.extract.guard import Limits, inspect_xlsx
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


def _open(path: Path) -> fastexcel.ExcelReader:
    try:
        return fastexcel.read_excel(path)
    except Exception as exc:  # calamine reports corrupt/encrypted files with several exception types
        msg = str(exc).splitlines()[0][:200]
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise FileRejected("bảng tính có mật khẩu (mã hóa), không đọc được — password-protected workbook")
        raise FileRejected(f"không mở được bảng tính ({msg}) — unreadable workbook")


def _grid(batch: pa.RecordBatch) -> list[list[str | None]]:
    cols = [c.to_pylist() for c in batch.columns]
    return [list(r) for r in zip(*cols)] if cols else []


def plan_workbook(path: Path, kind: str, limits: Limits) -> tuple[fastexcel.ExcelReader, WorkbookPlan]:
    offsets = inspect_xlsx(path, limits) if kind == "xlsx" else []
    reader = _open(path)
    plan = WorkbookPlan()
    cmap = column_map()
    for idx, name in enumerate(reader.sheet_names):
        try:
            head = reader.load_sheet(idx, header_row=None, n_rows=SCAN_ROWS, dtypes="string")
            batch = head.to_arrow()
            if head.width > limits.max_columns:
                raise FileRejected(
                    f"trang '{name}' có {head.width} cột (tối đa {limits.max_columns}) — sheet too wide"
                )
            if head.total_height * max(1, len(batch.columns)) > limits.max_cells:
                raise FileRejected(f"trang '{name}' quá lớn ({head.total_height} dòng) — sheet over the cell cap")
        except FileRejected:
            raise
        except Exception as exc:
            raise FileRejected(f"không đọc được trang '{name}' ({str(exc).splitlines()[0][:200]}) — unreadable sheet")
        grid = _grid(batch)
        layout = detect_header(grid, cmap)
        if layout is None:
            plan.skipped_sheets.append(name)
            continue
        offset = offsets[idx] if idx < len(offsets) else 0
        plan.sheets.append(SheetPlan(idx, name, layout, offset, grid[: layout.header_row]))
    return reader, plan


def read_sheet(reader: fastexcel.ExcelReader, sheet: SheetPlan) -> Iterator[tuple[dict[int, pa.Array], pa.Array]]:
    positions = sorted(sheet.layout.mapping)
    try:
        # the whole sheet, sliced below the header: fastexcel trims leading empty rows on a plain
        # read but counts skip_rows from the sheet's first row, so slicing keeps both in step
        data = reader.load_sheet(sheet.index, header_row=None, dtypes="string").to_arrow()
        data = data.slice(sheet.layout.data_start)
    except Exception as exc:
        raise FileRejected(f"không đọc được trang '{sheet.name}' ({str(exc).splitlines()[0][:200]}) — unreadable sheet")
    n = data.num_rows
    columns = {pos: data.column(pos) for pos in positions if pos < data.num_columns}
    first = sheet.offset + sheet.layout.data_start + 1
    yield columns, pa.array(range(first, first + n), pa.int64())
