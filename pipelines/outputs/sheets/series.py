"""The "Theo quý" tab: the commune's calendar quarters (all sectors) and a chart of them.

Counts come from the materialised `report_form`, the early share from the materialised
`indicators` (early_pct), quarters from `periods` (period_kind 'quarter').
"""

from __future__ import annotations

from datetime import datetime

import duckdb
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.figures import Figures
from pipelines.outputs.sheets.names import period_line, unit_line
from pipelines.outputs.sheets.style import (
    CENTER,
    FMT_COUNT,
    FMT_PCT,
    FONT_NAME,
    HEADER_FILL,
    _number,
    _print_setup,
    _text,
    _widths,
    pct_fraction,
)
from pipelines.rules.periods import ROMAN

SERIES_HEADERS = [
    "Quý",
    "Số hồ sơ nhận giải quyết",
    "Số hồ sơ đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Số hồ sơ đang giải quyết",
    "Tỷ lệ giải quyết trước hạn",
]


def quarter_series(
    con: duckdb.DuckDBPyConnection, unit_key: str, units: str = "recorded", as_of: datetime | None = None
) -> list[tuple]:
    """(period, received, resolved, early, on time, late, in progress, early_pct 0–100 or None) per
    materialised quarter in which the unit existed (an old unit's series ends on 30/06/2025, not
    with its last re-listed case). For 'recorded' units the materialised report_form and
    indicators (built at the last run's as_of); for today's units ('current') every quarter rolled
    up through the reform, read at `as_of` (default the last build: the time of the Biểu 06 tab),
    computed once per connection and kept in a temporary table."""
    if units == "recorded":
        return con.execute(
            """
            select f.period, f.received_total, f.resolved_total, f.resolved_early, f.resolved_on_time,
                   f.resolved_late, f.in_progress_total, i.value as early_pct
            from report_form f
            join periods p on p.period = f.period
            join communes u on u.unit_key = f.unit_key
            left join indicators i
                   on i.unit_key = f.unit_key and i.period = f.period and i.sector is null
                  and i.indicator = 'early_pct'
            where f.unit_key = ? and f.sector is null and p.period_kind = 'quarter'
              and (u.valid_to is null or f.period_start <= u.valid_to)
              and (u.valid_from is null or f.period_end >= u.valid_from)
            order by f.period_start
            """,
            [unit_key],
        ).fetchall()
    if not con.execute("select count(*) from duckdb_tables() where table_name = 'series_current'").fetchall()[0][0]:
        reading = as_of or con.execute("select max(as_of) from runs").fetchall()[0][0]
        con.execute(f"""
            create temp table series_current as
            with q as (select * from periods where period_kind = 'quarter'),
            c as (select * from period_counts(tthc_period_list('q'), {_ts(reading)},
                                              units := 'current') where sector is null)
            select c.unit_key, c.period, c.period_start, r.received_total, r.resolved_total, r.resolved_early,
                   r.resolved_on_time, r.resolved_late, r.in_progress_total, i.value as early_pct
            from c
            join report_form_of('c') r using (unit_key, period)
            left join (select * from indicators_of('c') where indicator = 'early_pct') i using (unit_key, period)
            where r.sector is null
        """)
    return con.execute(
        "select period, received_total, resolved_total, resolved_early, resolved_on_time, resolved_late, "
        "in_progress_total, early_pct from series_current where unit_key = ? order by period_start",
        [unit_key],
    ).fetchall()


def _ts(value: datetime | None) -> str:
    """A timestamp literal for the one statement that cannot take a parameter (create … as)."""
    return "null" if value is None else f"timestamp '{value:%Y-%m-%d %H:%M:%S}'"


def _quarter_label(period: str) -> str:
    return f"Quý {ROMAN[int(period[5])]}/{period[:4]}"


def series_sheet(ws: Worksheet, con: duckdb.DuckDBPyConnection, fig: Figures) -> None:
    _text(ws, 1, 1, unit_line(fig.unit), bold=True)
    _text(ws, 2, 1, "KẾT QUẢ GIẢI QUYẾT TTHC THEO QUÝ", bold=True, size=13)
    reading = f" ({fig.as_of:%H:%M ngày %d/%m/%Y})" if fig.as_of else ""
    _text(
        ws,
        3,
        1,
        f"{period_line(fig.period)}. Các quý dương lịch trong thời gian đơn vị tồn tại, mọi lĩnh vực; số liệu "
        f"tổng hợp ở lần nạp dữ liệu gần nhất{reading}, như bảng Biểu 06.",
        italic=True,
        size=10,
    )
    head = 5
    for c, label in enumerate(SERIES_HEADERS, start=1):
        _text(ws, head, c, label, bold=True, size=10, align=CENTER, border=True).fill = HEADER_FILL
    rows = quarter_series(con, fig.unit.unit_key, fig.units, fig.as_of)
    for r, (period, *counts, early_pct) in enumerate(rows, start=head + 1):
        _text(ws, r, 1, _quarter_label(period), border=True)
        for c, n in enumerate(counts, start=2):
            _number(ws, r, c, n, FMT_COUNT)
        _number(ws, r, len(SERIES_HEADERS), pct_fraction(early_pct), FMT_PCT)
    if not rows:
        _text(ws, head + 1, 1, "Chưa có số liệu theo quý cho đơn vị này.", italic=True)
    else:
        _series_chart(ws, head, head + len(rows))
    ws.row_dimensions[head].height = 45
    _widths(ws, [13, 13, 13, 11, 11, 11, 13, 14])
    ws.freeze_panes = ws.cell(head + 1, 2)
    _print_setup(ws, f"{head}:{head}")


def _series_chart(ws: Worksheet, head: int, last: int) -> None:
    """Stacked columns of resolved cases (early / on time / late) per quarter, beside the table."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Hồ sơ đã giải quyết theo quý"
    chart.y_axis.title = "Số hồ sơ"
    chart.y_axis.numFmt = FMT_COUNT
    chart.x_axis.delete = False  # openpyxl ≥ 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=4, max_col=6, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=last))
    chart.legend.position = "b"
    chart_font = CharacterProperties(latin=DrawingFont(typeface=FONT_NAME), sz=1000)
    chart.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=chart_font), endParaRPr=chart_font)])
    chart.width, chart.height = 17, 9
    ws.add_chart(chart, f"{get_column_letter(len(SERIES_HEADERS) + 2)}{head}")
