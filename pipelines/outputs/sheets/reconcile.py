"""The "Đối chiếu" tabs: their Biểu 06 beside ours, cell by cell with the explanation, then the
portal's 766 figures beside our 766 score, and the cases behind each explained difference on a
second tab (outputs/reconcile.py, outputs/reconcile766.py)."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.reconcile import Reconciliation
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

FMT_DIFF = "+#,##0;-#,##0;0"  # a difference with its sign: +23, -6, 0
FMT_DEC = "#,##0.00"  # a 766 rate (per cent, 0–100) or points: 66,67 and 13,33 in a Vietnamese locale
FMT_DEC_DIFF = "+#,##0.00;-#,##0.00;0"
SHEET_RECONCILE = "Đối chiếu"
SHEET_RECONCILE_CASES = "Đối chiếu – hồ sơ"
HEADERS = ["Cột", "Chỉ tiêu", "Kho dữ liệu (tệp xuất hồ sơ)", "Hệ thống khác", "Chênh lệch (khác − kho)"]
HEADERS += ["Giải thích", "Số hồ sơ liệt kê"]


def reconcile_sheet(ws: Worksheet, rec: Reconciliation) -> None:
    _text(ws, 1, 1, unit_line(rec.unit), bold=True)
    _text(ws, 2, 1, "ĐỐI CHIẾU SỐ LIỆU BIỂU 06 GIỮA CÁC HỆ THỐNG", bold=True, size=13)
    _text(ws, 3, 1, period_line(rec.period))
    _text(ws, 4, 1, "Hệ thống khác: " + (rec.source() or "chưa nạp báo cáo nào cho đơn vị và kỳ này"))
    _text(
        ws,
        5,
        1,
        "Kho dữ liệu: số liệu tính từ các tệp xuất hồ sơ đã nạp theo Thông tư 01/2020/TT-VPCP (cách đếm của "
        "tthc-analytics). Chênh lệch = số của hệ thống khác − số của kho. Cách đếm của từng hệ thống lấy đúng "
        "theo mã nguồn công khai của nó (bảng counting_conventions).",
        italic=True,
        size=10,
    )
    row = 6
    for report in rec.reports:
        for finding in report["findings"]:
            _text(ws, row, 1, f"Báo cáo của họ không tự khớp: {finding}", italic=True, size=10)
            row += 1
    head = row + 1
    for c, label in enumerate(HEADERS, start=1):
        _text(ws, head, c, label, bold=True, align=CENTER, border=True).fill = HEADER_FILL
    row = head + 1
    if not rec.rows:
        _merge_text(
            ws, row, 1, row, len(HEADERS), "Chưa có báo cáo Biểu 06 của hệ thống khác để đối chiếu.", italic=True
        )
        _box(ws, [row], range(1, len(HEADERS) + 1))
        row += 1
    for r in rec.rows:
        _text(ws, row, 1, f"({r.number})", align=CENTER, border=True)
        _text(ws, row, 2, r.header, border=True)
        _number(ws, row, 3, r.ours, FMT_COUNT)
        _number(ws, row, 4, r.theirs, FMT_COUNT)
        _number(ws, row, 5, r.difference, FMT_DIFF)
        _text(ws, row, 6, r.explanation, border=True)
        _number(ws, row, 7, r.cases or 0, FMT_COUNT)
        row += 1
    row = _rows_766(ws, rec, row)
    _text(ws, row + 1, 1, "Kết luận (mục III.2 của báo cáo): " + rec.paragraph(), bold=True)
    _widths(ws, [7, 34, 16, 14, 14, 90, 12])
    ws.freeze_panes = ws.cell(head + 1, 1)
    _print_setup(ws, f"{head}:{head}")


def _rows_766(ws: Worksheet, rec: Reconciliation, row: int) -> int:
    """The portal's 766 figures below the Biểu 06 table (the row after them)."""
    if not rec.rows766:
        return row
    _text(ws, row + 1, 1, "SỐ LIỆU 766 CỦA CỔNG DVCQG BÊN CẠNH ĐIỂM 766 TÍNH TỪ TỆP XUẤT HỒ SƠ", bold=True)
    head = row + 2
    labels = ["Chỉ số", "Số liệu", "Kho dữ liệu (tệp xuất hồ sơ)", "Cổng DVCQG", "Chênh lệch (Cổng − kho)"]
    for c, label in enumerate(labels + HEADERS[5:], start=1):
        _text(ws, head, c, label, bold=True, align=CENTER, border=True).fill = HEADER_FILL
    row = head + 1
    for r in rec.rows766:
        fmt = {"rate_pct": FMT_DEC, "points": FMT_DEC}.get(r.measure, FMT_COUNT)
        _text(ws, row, 1, r.number, align=CENTER, border=True)
        _text(ws, row, 2, r.header, border=True)
        _number(ws, row, 3, r.ours, fmt)
        _number(ws, row, 4, r.theirs, fmt)
        _number(ws, row, 5, r.difference, FMT_DEC_DIFF if fmt == FMT_DEC else FMT_DIFF)
        _text(ws, row, 6, r.explanation, border=True)
        _number(ws, row, 7, r.cases or 0, FMT_COUNT)
        row += 1
    return row


def reconcile_cases_sheet(ws: Worksheet, rec: Reconciliation) -> None:
    _text(ws, 1, 1, unit_line(rec.unit), bold=True)
    _text(ws, 2, 1, "CÁC HỒ SƠ ĐƯỢC ĐẾM KHÁC NHAU GIỮA CÁC HỆ THỐNG", bold=True, size=13)
    _text(ws, 3, 1, period_line(rec.period))
    _text(
        ws,
        4,
        1,
        "Mỗi dòng: một hồ sơ của kho làm ô của Biểu 06 khác đi theo cách đếm, cách đọc ngày hay thời điểm xuất "
        "báo cáo của hệ thống khác. Hồ sơ họ có mà kho không có thì không liệt kê được (xem tab Đối chiếu).",
        italic=True,
        size=10,
    )
    head = 6
    headers = ["STT", "Cột", "Chỉ tiêu", "Mã hồ sơ", "Vì sao"]
    for c, label in enumerate(headers, start=1):
        _text(ws, head, c, label, bold=True, align=CENTER, border=True).fill = HEADER_FILL
    row = head + 1
    if not rec.cases and not rec.cases766:
        _merge_text(ws, row, 1, row, len(headers), "Không có hồ sơ nào cần liệt kê.", italic=True)
        _box(ws, [row], range(1, len(headers) + 1))
    # Biểu 06's cases under their column number "(7)", then the 766 ones under "766 <metric>"
    listed = [(f"({c.number})", c) for c in rec.cases] + [(f"766 {c.number}", c) for c in rec.cases766]
    for i, (column, case) in enumerate(listed, start=1):
        _number(ws, row, 1, i, "0").alignment = CENTER
        _text(ws, row, 2, column, align=CENTER, border=True)
        _text(ws, row, 3, case.header, border=True)
        _text(ws, row, 4, case.case_id, border=True)
        _text(ws, row, 5, case.why, border=True)
        row += 1
    _widths(ws, [6, 7, 30, 28, 110])
    ws.freeze_panes = ws.cell(head + 1, 1)
    _print_setup(ws, f"{head}:{head}")
