"""The "Biểu 06" tab: the official form of Thông tư 01/2020/TT-VPCP, then our extra columns.

The data columns, their group and column headers, their numbers on the form and which are
official all come from schemas/report_form_columns.csv (pipelines.rules.indicators.form_columns).
STT and "Lĩnh vực" are columns (1) and (2) of the form, so the form's column (n) is sheet column
n; a column without a number (not official) is ours: it follows the official ones, carries the
"(*)" mark of its header in the row of column numbers and is greyed.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import groupby

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.figures import Figures
from pipelines.outputs.sheets.names import area_line, period_line, sector_key, unit_line
from pipelines.outputs.sheets.style import (
    CENTER,
    EXTRA_FILL,
    FMT_COUNT,
    HEADER_FILL,
    _box,
    _merge_text,
    _number,
    _print_setup,
    _text,
    _widths,
)
from pipelines.outputs.signing import Signing
from pipelines.rules.indicators import FormColumn, form_columns

FORM_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
FORM_NOTES = [
    "(*) Cột thêm, không thuộc Biểu số 06/VPCP/KSTT: hồ sơ công dân rút hoặc dừng xử lý trong kỳ; "
    "không tính vào đã giải quyết hay đang giải quyết.",
    "(**) Cột thêm, không thuộc Biểu số 06/VPCP/KSTT: hồ sơ bị từ chối tiếp nhận trong kỳ; "
    "không tính vào bất kỳ cột tổng nào.",
    "(***) Cột thêm, không thuộc Biểu số 06/VPCP/KSTT: hồ sơ tiếp nhận trong kỳ từ tệp xuất không có cột "
    "Hình thức nộp; tính vào Tổng số (3), không tính vào (4) hay (5).",
]
LABEL_COLS = 2  # (1) STT, (2) Lĩnh vực; the data columns start right after them
HEADER_ROWS = 3  # group headers, column headers, column numbers


def is_extra(column: FormColumn) -> bool:
    """Our own column, not part of Biểu 06."""
    return column.number is None or not column.official


def form_layout() -> list[tuple[int, FormColumn]]:
    """(sheet column, form column) in the order of the CSV; an official column sits at its number."""
    layout = list(enumerate(form_columns(), start=LABEL_COLS + 1))
    for col, c in layout:
        if c.number is not None and c.number != col:
            raise ValueError(
                f"report_form_columns.csv: '{c.column}' is column ({c.number}) of the form but comes in position {col}"
            )
    return layout


def _number_label(column: FormColumn, extras_before: int) -> str:
    """ "(7)" for a column of the form; for an extra column the mark at the end of its header."""
    if not is_extra(column):
        return f"({column.number})"
    mark = re.search(r"\(\*+\)\s*$", column.header)
    return mark[0].strip() if mark else f"({'*' * (extras_before + 1)})"


def form_sheet(ws: Worksheet, fig: Figures, made_at: datetime, signing: Signing | None = None) -> None:
    layout = form_layout()
    last_col = layout[-1][0]
    _text(ws, 1, 1, unit_line(fig.unit), bold=True)
    _text(ws, 2, 1, area_line(fig.unit))
    _merge_text(ws, 1, last_col - 4, 1, last_col, "Biểu số 06/VPCP/KSTT", bold=True, align=CENTER)
    _merge_text(
        ws, 2, last_col - 4, 2, last_col, "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP", italic=True, align=CENTER
    )
    _merge_text(ws, 4, 1, 4, last_col, FORM_TITLE, bold=True, size=13, align=CENTER)
    _merge_text(ws, 5, 1, 5, last_col, period_line(fig.period), italic=True, align=CENTER)
    _merge_text(
        ws,
        6,
        last_col - 3,
        6,
        last_col,
        "Đơn vị tính: hồ sơ",
        italic=True,
        align=Alignment(horizontal="right", vertical="center"),
    )
    top = 7
    _form_header(ws, top, layout)
    row = top + HEADER_ROWS
    sectors = sorted((s for s in fig.form if s is not None), key=sector_key)
    for i, sector in enumerate(sectors, start=1):
        _form_row(ws, layout, row, i, sector, fig.form[sector], bold=False)
        row += 1
    _form_row(ws, layout, row, None, "Tổng cộng", fig.total, bold=True)
    row += 2
    for note in FORM_NOTES:
        _text(ws, row, 1, note, italic=True, size=10)
        row += 1
    reading = fig.as_of or made_at
    _text(
        ws,
        row,
        1,
        f"Số liệu tính đến {reading:%H:%M ngày %d/%m/%Y} (lần nạp dữ liệu gần nhất; bảng lập lúc "
        f"{made_at:%H:%M ngày %d/%m/%Y}, giờ Việt Nam); số hồ sơ đang giải quyết tính đến cuối kỳ (hoặc đến thời "
        "điểm lấy số liệu nếu kỳ chưa kết thúc).",
        italic=True,
        size=10,
    )
    if fig.note:
        row += 1
        _text(ws, row, 1, fig.note, italic=True, size=10)
    _signature_block(ws, row + 2, last_col, fig, signing or Signing())
    _widths(ws, [5, 30] + [11 if is_extra(c) else 9.5 for _, c in layout])
    ws.row_dimensions[4].height = 22
    ws.row_dimensions[top].height = 32
    ws.row_dimensions[top + 1].height = 62
    ws.freeze_panes = ws.cell(top + HEADER_ROWS, LABEL_COLS + 1)
    _print_setup(ws, f"{top}:{top + HEADER_ROWS - 1}")


def _signature_block(ws: Worksheet, row: int, last_col: int, fig: Figures, signing: Signing) -> None:
    """The form's closing block: "NGƯỜI LẬP BIỂU" on the left; the place and date line over
    "THỦ TRƯỞNG ĐƠN VỊ" on the right; a name from settings under each, else room to sign."""
    left = (1, 4)
    right = (last_col - 5, last_col)
    _merge_text(ws, row, right[0], row, right[1], signing.date_line(fig.unit.name), italic=True, align=CENTER)
    row += 1
    _merge_text(ws, row, left[0], row, left[1], "NGƯỜI LẬP BIỂU", bold=True, align=CENTER)
    _merge_text(ws, row, right[0], row, right[1], "THỦ TRƯỞNG ĐƠN VỊ", bold=True, align=CENTER)
    row += 1
    _merge_text(ws, row, left[0], row, left[1], "(Ký, ghi rõ họ tên)", italic=True, size=10, align=CENTER)
    _merge_text(ws, row, right[0], row, right[1], "(Ký tên, đóng dấu)", italic=True, size=10, align=CENTER)
    row += 5  # room for the signatures and the seal
    if signing.preparer_name:
        _merge_text(ws, row, left[0], row, left[1], signing.preparer_name, bold=True, align=CENTER)
    if signing.signer_name:
        _merge_text(ws, row, right[0], row, right[1], signing.signer_name, bold=True, align=CENTER)


def _form_header(ws: Worksheet, top: int, layout: list[tuple[int, FormColumn]]) -> None:
    """Two header rows (groups merged over their columns) and the row of column numbers."""
    _merge_text(ws, top, 1, top + 1, 1, "STT", bold=True, align=CENTER)
    _merge_text(ws, top, 2, top + 1, 2, "Lĩnh vực, công việc giải quyết theo cấp", bold=True, align=CENTER)
    for group, block in groupby(layout, key=lambda item: item[1].group):
        cols = [col for col, _ in block]
        _merge_text(ws, top, cols[0], top, cols[-1], group, bold=True, align=CENTER)
    for col, c in layout:
        _text(ws, top + 1, col, c.header, bold=True, size=10, align=CENTER)
    for col in range(1, LABEL_COLS + 1):
        _text(ws, top + 2, col, f"({col})", italic=True, size=10, align=CENTER)
    extras = 0
    for col, c in layout:
        _text(ws, top + 2, col, _number_label(c, extras), italic=True, size=10, align=CENTER)
        extras += is_extra(c)
    rows = range(top, top + HEADER_ROWS)
    _box(ws, rows, range(1, LABEL_COLS + 1), HEADER_FILL)
    for col, c in layout:
        _box(ws, rows, [col], EXTRA_FILL if is_extra(c) else HEADER_FILL)


def _form_row(
    ws: Worksheet,
    layout: list[tuple[int, FormColumn]],
    row: int,
    number: int | None,
    name: str,
    values: dict[str, int],
    *,
    bold: bool,
) -> None:
    if number is not None:
        _number(ws, row, 1, number, "0").alignment = CENTER
    else:
        _box(ws, [row], [1])
    _text(ws, row, 2, name, bold=bold, border=True)
    for col, c in layout:
        cell = _number(ws, row, col, values.get(c.column, 0), FMT_COUNT, bold=bold)
        if is_extra(c):
            cell.fill = EXTRA_FILL
