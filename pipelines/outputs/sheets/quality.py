"""The "Chất lượng dữ liệu" tab: counts of the commune's quarantined rows, never their values."""

from __future__ import annotations

import duckdb
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.figures import Figures
from pipelines.outputs.sheets.names import period_line, unit_line
from pipelines.outputs.sheets.style import (
    CENTER,
    FMT_COUNT,
    HEADER_FILL,
    _box,
    _merge_text,
    _number,
    _print_setup,
    _text,
    _widths,
)

# the quarantined rows of a reporting unit: its own, and those of the units rolled up into it
_ROWS = (
    "(select q.* from quarantine q join reporting_units(units := ?) u on u.recorded_key = q.unit_key "
    "where u.unit_key = ?)"
)


def quarantine_by_reason(
    con: duckdb.DuckDBPyConnection, unit_key: str, units: str = "recorded"
) -> list[tuple[str, str | None, int]]:
    return con.execute(
        f"""
        select u.reason, r.message, count(*) as n
        from (select unnest(reasons) as reason from {_ROWS}) u
        left join reasons r using (reason)
        group by all
        order by n desc, u.reason
        """,
        [units, unit_key],
    ).fetchall()


def quarantine_by_file(con: duckdb.DuckDBPyConnection, unit_key: str, units: str = "recorded") -> list[tuple[str, int]]:
    return con.execute(
        f"select source_file, count(*) as n from {_ROWS} group by all order by source_file",
        [units, unit_key],
    ).fetchall()


def quality_sheet(ws: Worksheet, con: duckdb.DuckDBPyConnection, fig: Figures) -> None:
    key, units = fig.unit.unit_key, fig.units
    _text(ws, 1, 1, unit_line(fig.unit), bold=True)
    _text(ws, 2, 1, "CHẤT LƯỢNG DỮ LIỆU: CÁC DÒNG BỊ CÁCH LY", bold=True, size=13)
    notes = [
        "Dòng bị cách ly là dòng trong tệp xuất từ phần mềm một cửa không đủ điều kiện để tính vào số liệu; "
        "cần sửa trên phần mềm nguồn rồi xuất lại.",
        "Chỉ tính các dòng có cơ quan giải quyết xác định được là đơn vị này, trên mọi tệp đã nạp (không phân "
        f"theo kỳ báo cáo; bảng này đi kèm {period_line(fig.period)[0].lower()}{period_line(fig.period)[1:]}). "
        "Dòng không xác định được xã/phường không gán được cho đơn vị nào nên không có ở đây.",
        "Bảng chỉ ghi số lượng, không ghi nội dung các dòng.",
    ]
    for i, note in enumerate(notes, start=3):
        _text(ws, i, 1, note, italic=True, size=10)
    total = con.execute(f"select count(*) from {_ROWS}", [units, key]).fetchall()[0][0]
    row = 7
    _text(ws, row, 1, "Tổng số dòng bị cách ly", bold=True)
    _number(ws, row, 4, total, FMT_COUNT, bold=True, border=False)
    head = row + 2
    row = _count_table(
        ws,
        head,
        "1. Theo lý do (một dòng có thể có nhiều lý do)",
        ["STT", "Mã lý do", "Lý do", "Số dòng"],
        [(r, m or r, n) for r, m, n in quarantine_by_reason(con, key, units)],
    )
    _count_table(
        ws,
        row + 1,
        "2. Theo tệp nguồn",
        ["STT", "Tệp nguồn", "", "Số dòng"],
        [(f, "", n) for f, n in quarantine_by_file(con, key, units)],
        merge_name=True,
    )
    _widths(ws, [6, 30, 70, 12])
    ws.freeze_panes = ws.cell(head, 1)
    _print_setup(ws, None)


def _count_table(
    ws: Worksheet, row: int, title: str, headers: list[str], data: list[tuple[str, str, int]], merge_name: bool = False
) -> int:
    """A small numbered table of text + count rows; returns the first free row below it."""
    _text(ws, row, 1, title, bold=True)
    row += 1
    for c, label in enumerate(headers, start=1):
        _text(ws, row, c, label, bold=True, align=CENTER, border=True).fill = HEADER_FILL
    if merge_name:
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    row += 1
    if not data:
        _merge_text(ws, row, 1, row, 4, "Không có dòng nào bị cách ly.", italic=True, border=True)
        _box(ws, [row], range(1, 5))
        return row + 2
    for i, (a, b, n) in enumerate(data, start=1):
        _number(ws, row, 1, i, "0").alignment = CENTER
        _text(ws, row, 2, a, border=True)
        _text(ws, row, 3, b, border=True)
        if merge_name:
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
            _box(ws, [row], [3])
        _number(ws, row, 4, n, FMT_COUNT)
        row += 1
    return row + 1
