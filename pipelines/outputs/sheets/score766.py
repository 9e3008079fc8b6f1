"""The "Chỉ số 766" tab and one tab per metric scored from the cases, listing the cases that cost
points, most worth fixing first.

The figures come from outputs/score766.py (the warehouse's score766_* macros), the metric list,
labels, maxima and formulas in words from schemas/score766_metrics.csv. A metric the exports cannot
give is written with its reason ("không tính được từ tệp xuất hồ sơ: …"), never 0.
"""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.score766 import CaseCost, MetricScore, Score766, day
from pipelines.outputs.sheets.names import period_line, unit_line
from pipelines.outputs.sheets.style import (
    CENTER,
    EXTRA_FILL,
    FMT_COUNT,
    FMT_DAYS,
    FMT_PCT,
    HEADER_FILL,
    NO_DATA,
    _box,
    _merge_text,
    _number,
    _print_setup,
    _text,
    _widths,
    pct_fraction,
)
from pipelines.rules.score766 import metrics

SHEET_766 = "Chỉ số 766"
FMT_POINTS = "0.00"  # shown 13,33 in a Vietnamese locale
HEADERS = [
    "Mã chỉ số",
    "Chỉ số",
    "Tử số",
    "Mẫu số",
    "Tỷ lệ",
    "Điểm",
    "Tối đa",
    "Điểm gỡ lại được",
    "Ghi chú, cách tính",
]
CASE_HEADERS = [
    "STT",
    "Mã hồ sơ",
    "Thủ tục",
    "Lĩnh vực",
    "Ngày tiếp nhận",
    "Hạn giải quyết",
    "Kết thúc xử lý",
    "Số ngày trễ",
    "Lý do mất điểm",
    "Điểm gỡ lại (chỉ số này)",
    "Điểm gỡ lại (mọi chỉ số)",
]


def case_sheet_name(short_label: str) -> str:
    """ "766 Tiến độ": Excel allows 31 characters and no []:*?/\\ in a tab name."""
    name = f"766 {short_label}"
    return "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]


def score_sheets(wb: Workbook, s: Score766) -> None:
    """The "Chỉ số 766" tab, then one tab per metric scored from the cases."""
    overview_sheet(wb.create_sheet(SHEET_766), s)
    for m in metrics():
        if m.kind == "ratio":
            cases_sheet(wb.create_sheet(case_sheet_name(m.short_label)), s, s.score(m.code))


def _title(ws: Worksheet, s: Score766, title: str, width: int) -> None:
    _text(ws, 1, 1, unit_line(s.target.unit), bold=True)
    _merge_text(ws, 2, 1, 2, width, title, bold=True, size=13, align=CENTER)
    _merge_text(ws, 3, 1, 3, width, period_line(s.period), italic=True, align=CENTER)


def overview_sheet(ws: Worksheet, s: Score766) -> None:
    _title(ws, s, "CHỈ SỐ 766 — CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (Quyết định 766/QĐ-TTg)", len(HEADERS))
    _text(
        ws,
        4,
        1,
        "Phần tính được từ hồ sơ của đơn vị theo mô tả công thức của VPCP; chỉ số không tính được ghi rõ lý do, "
        "không ghi 0. Điểm chính thức là điểm trên Cổng Dịch vụ công quốc gia.",
        italic=True,
        size=10,
    )
    if s.target.note:
        _text(ws, 5, 1, s.target.note, italic=True, size=10)
    head = 6
    for c, label in enumerate(HEADERS, start=1):
        _text(ws, head, c, label, bold=True, size=10, align=CENTER, border=True).fill = HEADER_FILL
    row = head + 1
    for g in s.by_group():
        total = f"{g.label}: {_points(g.points)} / {_points(g.max_points)} điểm"
        if g.points is not None and g.known_max < g.max_points:
            total += f" (tính được {_points(g.known_max)} điểm)"
        _merge_text(ws, row, 1, row, len(HEADERS), total, bold=True, border=True)
        _box(ws, [row], range(1, len(HEADERS) + 1), EXTRA_FILL)
        row += 1
        for ms in s.scores:
            if ms.metric.group == g.code:
                _metric_row(ws, row, ms)
                row += 1
    _text(ws, row, 2, "Tổng điểm tính được từ tệp xuất hồ sơ", bold=True, border=True)
    _number(ws, row, 6, s.known_points, FMT_POINTS, bold=True)
    _number(ws, row, 7, s.known_max or None, FMT_POINTS, bold=True)
    _box(ws, [row], [1, 3, 4, 5, 8, 9])
    row += 2
    row = _ranking(ws, row, s)
    row = _trend(ws, row + 1, s)
    _due_checks(ws, row + 1, s)
    _widths(ws, [30, 44, 9, 9, 11, 9, 8, 11, 70])
    ws.freeze_panes = f"A{head + 1}"  # the row below the header (group rows are merged across)
    _print_setup(ws, f"{head}:{head}")


def _points(value: float | None) -> str:
    if value is None:
        return NO_DATA
    text = f"{value:.2f}".replace(".", ",")
    return text[:-3] if text.endswith(",00") else text


def _metric_row(ws: Worksheet, row: int, ms: MetricScore) -> None:
    m = ms.metric
    _text(ws, row, 1, m.code, size=10, border=True)
    _text(ws, row, 2, f"{m.formula_id} {m.label}".strip(), border=True)
    if m.from_cases and ms.denominator is not None:
        _number(ws, row, 3, ms.numerator, FMT_COUNT)
        _number(ws, row, 4, ms.denominator, FMT_COUNT)
        _number(ws, row, 5, pct_fraction(ms.rate_pct), FMT_PCT)
    else:
        _box(ws, [row], [3, 4, 5])
    _number(ws, row, 6, ms.points, FMT_POINTS)
    _number(ws, row, 7, m.max_points, FMT_POINTS)
    if ms.recoverable is not None:
        _number(ws, row, 8, ms.recoverable, FMT_POINTS)
    else:
        _box(ws, [row], [8])
    note = "; ".join(x for x in (ms.note, m.formula) if x)
    _text(ws, row, 9, note, size=10, border=True)


def _ranking(ws: Worksheet, row: int, s: Score766) -> int:
    _text(ws, row, 1, "XẾP HẠNG CÁC ĐƠN VỊ CỦA TỈNH CÓ HỒ SƠ TRONG KỲ", bold=True)
    _text(
        ws,
        row + 1,
        1,
        "Xếp theo tổng điểm các chỉ số tính được cho mọi đơn vị (đơn vị có tệp xuất thiếu cột không bị xếp dưới "
        "vì thiếu cột).",
        italic=True,
        size=10,
    )
    head = row + 2
    for c, label in enumerate(
        ["Hạng", "Đơn vị", "Điểm các chỉ số chung", "Điểm tính được", "Tối đa tính được"], start=1
    ):
        _text(ws, head, c, label, bold=True, size=10, align=CENTER, border=True).fill = HEADER_FILL
    r = head + 1
    for t in s.ranking:
        mine = t.unit_key == s.target.unit.unit_key
        _number(ws, r, 1, t.rank, "0", bold=mine)
        _text(ws, r, 2, t.unit_name, bold=mine, border=True)
        _number(ws, r, 3, t.points, FMT_POINTS, bold=mine)
        _number(ws, r, 4, t.known_points, FMT_POINTS, bold=mine)
        _number(ws, r, 5, t.known_max, FMT_POINTS, bold=mine)
        r += 1
    if not s.ranking:
        _text(ws, r, 2, "Chưa có đơn vị nào có hồ sơ trong kỳ.", italic=True)
        r += 1
    return r


def _trend(ws: Worksheet, row: int, s: Score766) -> int:
    _text(ws, row, 1, "DIỄN BIẾN THEO THÁNG (điểm tính được từ tệp xuất hồ sơ)", bold=True)
    head = row + 1
    for c, label in enumerate(["Tháng", "Điểm tính được", "Tối đa tính được"], start=1):
        _text(ws, head, c, label, bold=True, size=10, align=CENTER, border=True).fill = HEADER_FILL
    r = head + 1
    for label, points, known_max in s.trend:
        _text(ws, r, 1, f"Tháng {int(label[5:7])}/{label[:4]}", border=True)
        _number(ws, r, 2, None if points is None else round(points, 2), FMT_POINTS)
        _number(ws, r, 3, known_max or None, FMT_POINTS)
        r += 1
    if len(s.trend) > 1:
        chart = LineChart()
        chart.title = "Điểm 766 tính được theo tháng"
        chart.y_axis.title = "Điểm"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=head, max_row=r - 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=r - 1))
        chart.legend.position = "b"
        chart.width, chart.height = 16, 7.5
        ws.add_chart(chart, f"E{row}")
        r = max(r, row + 16)
    elif not s.trend:
        _text(ws, r, 1, "Chưa có số liệu theo tháng.", italic=True)
        r += 1
    return r


def _due_checks(ws: Worksheet, row: int, s: Score766) -> None:
    _text(ws, row, 1, f"HỒ SƠ HẸN TRẢ SAI QUY ĐỊNH: {len(s.due_checks)} hồ sơ", bold=True)
    if not s.due_checks:
        return
    head = row + 1
    for c, label in enumerate(["Mã hồ sơ", "Thủ tục", "Ngày tiếp nhận", "Ngày hẹn trả", "Hạn theo quy định"], start=1):
        _text(ws, head, c, label, bold=True, size=10, align=CENTER, border=True).fill = HEADER_FILL
    for r, d in enumerate(s.due_checks, start=head + 1):
        _text(ws, r, 1, d.case_id, border=True)
        _text(ws, r, 2, d.procedure_name, border=True)
        _text(ws, r, 3, day(d.received_at), border=True)
        _text(ws, r, 4, day(d.due_at), border=True)
        _text(ws, r, 5, day(d.statutory_max_due_at), border=True)


def cases_sheet(ws: Worksheet, s: Score766, ms: MetricScore) -> None:
    m = ms.metric
    _title(ws, s, f"HỒ SƠ LÀM MẤT ĐIỂM: {m.formula_id} {m.label.upper()}", len(CASE_HEADERS))
    summary = f"Điểm: {_points(ms.points)} / {_points(m.max_points)}"
    if ms.denominator:
        summary += f" ({ms.numerator}/{ms.denominator} hồ sơ, tỷ lệ {_points(ms.rate_pct)} %)"
    if ms.recoverable:
        summary += f"; gỡ lại được {_points(ms.recoverable)} điểm nếu các hồ sơ dưới đây đúng"
    _text(ws, 4, 1, summary, bold=True)
    _text(ws, 5, 1, "Xếp theo số điểm gỡ lại được nếu hồ sơ đúng (mọi chỉ số), cao trước.", italic=True, size=10)
    head = 6
    for c, label in enumerate(CASE_HEADERS, start=1):
        _text(ws, head, c, label, bold=True, size=10, align=CENTER, border=True).fill = HEADER_FILL
    cases = s.cases_of(m.code)
    for i, case in enumerate(cases, start=1):
        _case_row(ws, head + i, i, case)
    if not cases:
        why = (ms.note if ms.points is None else None) or "không có hồ sơ nào làm mất điểm chỉ số này trong kỳ"
        _text(ws, head + 1, 2, why[:1].upper() + why[1:] + ".", italic=True)
    _widths(ws, [6, 24, 40, 16, 16, 16, 16, 10, 28, 13, 13])
    ws.freeze_panes = ws.cell(head + 1, 3)
    _print_setup(ws, f"{head}:{head}")


def _case_row(ws: Worksheet, row: int, number: int, c: CaseCost) -> None:
    _number(ws, row, 1, number, "0").alignment = CENTER
    _text(ws, row, 2, c.case_id, border=True)
    _text(ws, row, 3, c.procedure_name, border=True)
    _text(ws, row, 4, c.sector, border=True)
    _text(ws, row, 5, _when(c.received_at), border=True)
    due = _when(c.due_at) + (" (theo quy định)" if c.due_from_statute else "")
    _text(ws, row, 6, due, border=True)
    _text(ws, row, 7, _when(c.end_at) or "chưa kết thúc", border=True)
    if c.days_late is not None:
        _number(ws, row, 8, c.days_late, FMT_COUNT)
    else:
        _box(ws, [row], [8])
    _text(ws, row, 9, c.reason_text, border=True)
    _number(ws, row, 10, c.worth, FMT_DAYS)
    _number(ws, row, 11, c.case_worth, FMT_DAYS)


def _when(value: object) -> str:
    """dd/mm/yyyy HH:MM, or the date alone when the time is 00:00 (no time of day given)."""
    if value is None:
        return ""
    text = f"{value:%d/%m/%Y %H:%M}"
    return text[:10] if text.endswith("00:00") else text
