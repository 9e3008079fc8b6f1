"""The "Chỉ số" tab: every indicator with its value, parts, and formula in words.

Order, labels, formulas and kinds come from schemas/indicators.csv (pipelines.rules.indicators);
`source == "catalogue"` marks the indicators of the procedure catalogue (figures.catalogue).
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.figures import Figures
from pipelines.outputs.sheets.names import period_line, unit_line
from pipelines.outputs.sheets.style import (
    CENTER,
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
from pipelines.rules.indicators import Indicator, indicators

Values = dict[str, float | None]  # {"value", "numerator", "denominator"}


def _catalogue_shown(d: Indicator, v: Values) -> Values:
    """A catalogue count is shown without parts, a catalogue rate with them once the catalogue has
    procedures: how the tab has always shown the catalogue (the parts are the macro's own)."""
    if d.kind == "pct" and v.get("value") is not None:
        return v
    return {"value": v.get("value"), "numerator": None, "denominator": None}


def indicator_rows(fig: Figures) -> list[tuple[Indicator, Values]]:
    """Every indicator of indicators.csv in its order (catalogue ones only when figures has them),
    then any indicator the warehouse has and the CSV does not (shown by its code, never dropped)."""
    rows = []
    for d in indicators():
        if d.source == "catalogue":
            if d.code in fig.catalogue:
                rows.append((d, _catalogue_shown(d, fig.catalogue[d.code])))
        else:  # no indicator rows (no case in the period): counts are 0, rates have no data
            empty: dict[str, float | None] = (
                {"value": 0, "numerator": 0, "denominator": None} if d.kind == "count" else {}
            )
            rows.append((d, fig.indicators.get(d.code, empty)))
    known = {d.code for d in indicators()}
    for code in sorted(set(fig.indicators) - known):
        rows.append((Indicator(code, "count", "cases", code, ""), fig.indicators[code]))
    return rows


def _no_catalogue(fig: Figures) -> bool:
    return all((fig.catalogue.get(d.code) or {}).get("value") is None for d in indicators() if d.source == "catalogue")


def indicator_sheet(ws: Worksheet, fig: Figures) -> None:
    _text(ws, 1, 1, unit_line(fig.unit), bold=True)
    _merge_text(ws, 2, 1, 2, 7, "CÁC CHỈ SỐ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", bold=True, size=13, align=CENTER)
    _merge_text(ws, 3, 1, 3, 7, period_line(fig.period), italic=True, align=CENTER)
    head = 5
    for c, label in enumerate(["STT", "Chỉ số", "Giá trị", "Tử số", "Mẫu số", "Cách tính", "Mã chỉ số"], start=1):
        _text(ws, head, c, label, bold=True, align=CENTER, border=True).fill = HEADER_FILL
    row = head + 1
    for i, (d, v) in enumerate(indicator_rows(fig), start=1):
        _indicator_row(ws, row, i, d, v)
        row += 1
    if _no_catalogue(fig):
        row += 1
        _text(
            ws,
            row,
            2,
            "Chưa có danh mục TTHC trong kho dữ liệu: chưa tính được số TTHC công khai và số TTHC "
            "trực tuyến toàn trình.",
            italic=True,
            size=10,
        )
        row += 1
    _text(
        ws,
        row + 1,
        2,
        f'Tỷ lệ có mẫu số bằng 0 hoặc thiếu dữ liệu đầu vào ghi "{NO_DATA}" (không ghi 0 % hay 100 %).',
        italic=True,
        size=10,
    )
    _widths(ws, [6, 48, 17, 12, 12, 70, 26])
    ws.freeze_panes = ws.cell(head + 1, 3)
    _print_setup(ws, f"{head}:{head}")


def _indicator_row(ws: Worksheet, row: int, number: int, d: Indicator, v: Values) -> None:
    _number(ws, row, 1, number, "0").alignment = CENTER
    _text(ws, row, 2, d.label, border=True)
    value = v.get("value")
    if d.kind == "pct":
        _number(ws, row, 3, pct_fraction(value), FMT_PCT)
    else:
        _number(ws, row, 3, value, FMT_DAYS if d.kind == "days" else FMT_COUNT)
    num, den = v.get("numerator"), v.get("denominator")
    _number(ws, row, 4, num, FMT_DAYS if d.kind == "days" else FMT_COUNT) if num is not None else _box(ws, [row], [4])
    _number(ws, row, 5, den, FMT_COUNT) if den is not None else _box(ws, [row], [5])
    _text(ws, row, 6, d.formula, size=10, border=True)
    _text(ws, row, 7, d.code, size=10, border=True)
