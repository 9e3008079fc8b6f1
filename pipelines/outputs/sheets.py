"""Per-commune indicator workbooks for officials (contract.md, "Outputs for officials").

One .xlsx per commune and period, written from scratch with openpyxl:
"Biểu 06" (the official form, Thông tư 01/2020/TT-VPCP), "Chỉ số" (indicators with labels and
formulas in words), "Theo quý" (quarterly series and a chart), "Chất lượng dữ liệu" (counts of
quarantined rows). The numbers come from figures.load_figures, the same source as the report
text, so a sheet and a report never disagree; the series and quality tabs read the
materialised `report_form` and `quarantine` tables.

Safety rules, because officials forward these files and open them in Excel:
- every number is a real number (never text, never a formula); no cell holds a formula;
- every string goes through `safe_text`: it is stored as an inline string (t="inlineStr")
  with Excel's quote-prefix flag, so text from the data such as `=HYPERLINK(…)`, `+1`, `-1`,
  `@SUM(…)` or a leading tab/CR is shown exactly as written and stays text even when a user
  edits the cell (the flag is Excel's own "leading apostrophe", kept out of the value; like any
  cell flag it is lost if a user re-saves the sheet as CSV);
- raw values of quarantined rows are never written, only counts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.figures import FORM_COLUMNS, CommuneRef, Figures, all_communes, connect, find_commune, load_figures
from pipelines.rules.periods import ROMAN, Period
from pipelines.rules.text import strip_diacritics

FONT_NAME = "Times New Roman"
FMT_COUNT = "#,##0"  # shown 1.234 in a Vietnamese locale
FMT_PCT = "0.00 %"  # fractions (0.9773) shown 97,73 % in a Vietnamese locale
FMT_DAYS = "#,##0.00"
NO_DATA = "không có số liệu"
MAX_CELL_TEXT = 32767  # Excel's limit for one cell
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

SHEET_FORM = "Biểu 06"
SHEET_INDICATORS = "Chỉ số"
SHEET_SERIES = "Theo quý"
SHEET_QUALITY = "Chất lượng dữ liệu"

FORM_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
FIRST_FORM_COL = 3  # FORM_COLUMNS[0] (received_total) is column (3) of the form
OFFICIAL_COLS = 11  # columns 3–13; the last two of FORM_COLUMNS are our extras

# (group header, column header) per FORM_COLUMNS entry, in that order
FORM_HEADERS: list[tuple[str, str]] = [
    ("Số hồ sơ nhận giải quyết", "Tổng số"),
    ("Số hồ sơ nhận giải quyết", "Trong đó: Trực tuyến"),
    ("Số hồ sơ nhận giải quyết", "Trong đó: Trực tiếp, dịch vụ bưu chính"),
    ("Số hồ sơ nhận giải quyết", "Từ kỳ trước chuyển qua"),
    ("Số hồ sơ đã giải quyết", "Tổng số"),
    ("Số hồ sơ đã giải quyết", "Trước hạn"),
    ("Số hồ sơ đã giải quyết", "Đúng hạn"),
    ("Số hồ sơ đã giải quyết", "Quá hạn"),
    ("Số hồ sơ đang giải quyết", "Tổng số"),
    ("Số hồ sơ đang giải quyết", "Trong hạn"),
    ("Số hồ sơ đang giải quyết", "Quá hạn"),
    ("Cột thêm, không thuộc Biểu 06", "Rút / dừng xử lý (*)"),
    ("Cột thêm, không thuộc Biểu 06", "Không được tiếp nhận (**)"),
]
FORM_NOTES = [
    "(*) Cột thêm, không thuộc Biểu số 06/VPCP/KSTT: hồ sơ công dân rút hoặc dừng xử lý trong kỳ; "
    "không tính vào đã giải quyết hay đang giải quyết.",
    "(**) Cột thêm, không thuộc Biểu số 06/VPCP/KSTT: hồ sơ bị từ chối tiếp nhận trong kỳ; "
    "không tính vào bất kỳ cột tổng nào.",
]


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    label: str
    formula: str
    kind: str  # pct | count | days


INDICATORS: list[IndicatorDef] = [
    IndicatorDef("early_pct", "Tỷ lệ hồ sơ giải quyết trước hạn",
                 "Số hồ sơ giải quyết trước hạn / Tổng số hồ sơ đã giải quyết", "pct"),
    IndicatorDef("on_time_pct", "Tỷ lệ hồ sơ giải quyết đúng hạn",
                 "Số hồ sơ giải quyết đúng hạn / Tổng số hồ sơ đã giải quyết", "pct"),
    IndicatorDef("late_pct", "Tỷ lệ hồ sơ giải quyết quá hạn",
                 "Số hồ sơ giải quyết quá hạn / Tổng số hồ sơ đã giải quyết", "pct"),
    IndicatorDef("timely_pct", "Tỷ lệ hồ sơ đã và đang xử lý đúng, trong hạn (Bộ chỉ số 766, mục 2.1)",
                 "(Số hồ sơ giải quyết trước hạn + đúng hạn + đang giải quyết trong hạn) / "
                 "Tổng số hồ sơ nhận giải quyết", "pct"),
    IndicatorDef("avg_resolution_days", "Thời gian giải quyết trung bình, ngày (Bộ chỉ số 766, mục 2.2)",
                 "Tổng số ngày từ khi tiếp nhận đến khi có kết quả / Số hồ sơ đã giải quyết", "days"),
    IndicatorDef("online_pct", "Tỷ lệ hồ sơ nộp trực tuyến (Bộ chỉ số 766, mục 3.3)",
                 "Số hồ sơ tiếp nhận trực tuyến / Số hồ sơ tiếp nhận trong kỳ (trực tuyến + trực tiếp, bưu chính)",
                 "pct"),
    IndicatorDef("paid_online_pct", "Tỷ lệ thanh toán phí, lệ phí trực tuyến (Bộ chỉ số 766, mục 3.6)",
                 "Số hồ sơ có phí, lệ phí đã thanh toán trực tuyến / Số hồ sơ tiếp nhận trong kỳ có phí, lệ phí "
                 "(đã biết cách thanh toán)", "pct"),
    IndicatorDef("e_result_pct", "Tỷ lệ hồ sơ có kết quả điện tử (Bộ chỉ số 766, mục 4.1)",
                 "Số hồ sơ đã giải quyết có kết quả điện tử / Số hồ sơ đã giải quyết có thông tin về kết quả điện tử",
                 "pct"),
    IndicatorDef("digitized_pct", "Tỷ lệ số hóa hồ sơ (Bộ chỉ số 766, mục 4.2)",
                 "Số hồ sơ đã giải quyết được số hóa / Tổng số hồ sơ đã giải quyết", "pct"),
    IndicatorDef("resolved_online", "Số hồ sơ đã giải quyết nộp trực tuyến",
                 "Đếm hồ sơ đã giải quyết trong kỳ có hình thức nộp trực tuyến (qua mạng)", "count"),
    IndicatorDef("resolved_digitized", "Số hồ sơ đã giải quyết được số hóa",
                 "Đếm hồ sơ đã giải quyết trong kỳ đã được số hóa", "count"),
    IndicatorDef("procedures_published", "Số TTHC đã công khai",
                 "Đếm TTHC thuộc thẩm quyền giải quyết của đơn vị đã được công khai", "count"),
    IndicatorDef("procedures_full_online", "Số TTHC cung cấp dịch vụ công trực tuyến toàn trình",
                 "Đếm TTHC đã công khai được cung cấp trực tuyến toàn trình", "count"),
    IndicatorDef("procedures_full_online_pct", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình",
                 "Số TTHC trực tuyến toàn trình / Số TTHC đã công khai", "pct"),
]
CATALOGUE_CODES = ("procedures_published", "procedures_full_online", "procedures_full_online_pct")

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")
EXTRA_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
PLAIN = Alignment(horizontal="left", vertical="center")  # free-standing lines overflow, never wrap
RIGHT = Alignment(horizontal="right", vertical="center")


# ---------------------------------------------------------------------------- cells


def safe_text(cell: Cell, value: object) -> Cell:
    """Write a string that can never become a formula, keeping its exact text.

    openpyxl turns a str starting with '=' into a formula; forcing data_type 's' writes an inline
    string instead. Excel and LibreOffice would still re-read `= + - @` (and a leading tab/CR from
    a pasted export) as a formula once a user edits the cell, so the cell also gets the
    quote-prefix flag: Excel's own leading apostrophe, invisible and not part of the value.
    Characters XML cannot hold are dropped; text is cut at Excel's 32,767-character limit.
    """
    text = "" if value is None else ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_LEADS):
        cell.quotePrefix = True
    return cell


def _font(bold: bool = False, italic: bool = False, size: float = 11) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size)


def _text(ws: Worksheet, row: int, col: int, value: object, *, bold: bool = False, italic: bool = False,
          size: float = 11, align: Alignment = PLAIN, border: bool = False) -> Cell:
    """A text cell in the house style (every string goes through safe_text)."""
    cell = safe_text(ws.cell(row, col), value)
    cell.font = _font(bold, italic, size)
    cell.alignment = align
    if border:
        cell.border = BOX
        if align is PLAIN:
            cell.alignment = LEFT  # table cells wrap inside their column
    return cell


def _number(ws: Worksheet, row: int, col: int, value: float | int | None, fmt: str, *,
            bold: bool = False, border: bool = True) -> Cell:
    """A real number with a Vietnamese-rendered format; NULL becomes the words "không có số liệu"."""
    if value is None:
        cell = _text(ws, row, col, NO_DATA, italic=True, align=RIGHT, border=border)
        cell.font = _font(bold, italic=True)
        return cell
    cell = ws.cell(row, col)
    cell.value = int(value) if float(value).is_integer() and fmt != FMT_PCT else value
    cell.number_format = fmt
    cell.font = _font(bold)
    cell.alignment = RIGHT
    if border:
        cell.border = BOX
    return cell


def _box(ws: Worksheet, rows: Iterable[int], cols: Iterable[int], fill: PatternFill | None = None) -> None:
    """Border (and fill) every cell of a block, merged parts included, so outlines print whole."""
    cols = list(cols)
    for r in rows:
        for c in cols:
            cell = ws.cell(r, c)
            cell.border = BOX
            if fill is not None:
                cell.fill = fill


def _merge_text(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, value: str, **style) -> Cell:
    cell = _text(ws, r1, c1, value, **style)
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    return cell


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _print_setup(ws: Worksheet, title_rows: str | None) -> None:
    """A4 landscape, one page wide, header rows repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows


# ---------------------------------------------------------------------------- names


def unit_name(commune: CommuneRef) -> str:
    """"UBND xã Mỹ Tân": how the form names the reporting unit."""
    return " ".join(p for p in ("UBND", commune.unit_type, commune.name) if p)


def slug(text: str) -> str:
    """ASCII, lower-case, dash-separated: safe in every file system and e-mail client."""
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text).casefold()).strip("-") or "don-vi"


def workbook_name(commune: CommuneRef, period: Period) -> str:
    """bieu06_13723_my-tan_2024Q1.xlsx; '..' and '@' of a period label become '_' and '-'."""
    label = re.sub(r"[^A-Za-z0-9_-]", "-", period.label.replace("..", "_").replace("@", "-"))
    code = re.sub(r"[^A-Za-z0-9]", "", commune.code)
    return f"bieu06_{code}_{slug(commune.name)}_{label}.xlsx"


def _period_line(period: Period) -> str:
    if period.kind == "range":
        return f"Kỳ báo cáo: {period.title_vi}"
    return f"Kỳ báo cáo: {period.title_vi} ({period.range_vi})"


def _area(commune: CommuneRef) -> str | None:
    parts = [p for p in (commune.district, commune.province) if p]
    return "Địa bàn: " + ", ".join(parts) if parts else None


def _sector_key(sector: str) -> tuple[str, str]:
    """Vietnamese-friendly order: "Đất đai" among the D's, not after "Văn hóa"."""
    return strip_diacritics(sector).casefold(), sector


# ---------------------------------------------------------------------------- sheet: Biểu 06


def _form_sheet(ws: Worksheet, fig: Figures, made_at: datetime) -> None:
    last_col = FIRST_FORM_COL + len(FORM_COLUMNS) - 1
    _text(ws, 1, 1, f"Đơn vị: {unit_name(fig.commune)}", bold=True)
    if area := _area(fig.commune):
        _text(ws, 2, 1, area)
    _merge_text(ws, 1, last_col - 4, 1, last_col, "Biểu số 06/VPCP/KSTT", bold=True, align=CENTER)
    _merge_text(ws, 2, last_col - 4, 2, last_col, "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP",
                italic=True, align=CENTER)
    _merge_text(ws, 4, 1, 4, last_col, FORM_TITLE, bold=True, size=13, align=CENTER)
    _merge_text(ws, 5, 1, 5, last_col, _period_line(fig.period), italic=True, align=CENTER)
    _merge_text(ws, 6, last_col - 3, 6, last_col, "Đơn vị tính: hồ sơ", italic=True,
                align=Alignment(horizontal="right", vertical="center"))
    top = 7
    _form_header(ws, top)
    row = top + 3
    sectors = sorted((s for s in fig.form if s is not None), key=_sector_key)
    for i, sector in enumerate(sectors, start=1):
        _form_row(ws, row, i, sector, fig.form[sector], bold=False)
        row += 1
    _form_row(ws, row, None, "Tổng cộng", fig.total, bold=True)
    row += 2
    for note in FORM_NOTES:
        _text(ws, row, 1, note, italic=True, size=10)
        row += 1
    _text(ws, row, 1, f"Số liệu lấy từ kho dữ liệu lúc {made_at:%H:%M ngày %d/%m/%Y}; số hồ sơ đang giải quyết "
                      "tính đến cuối kỳ (hoặc đến thời điểm lấy số liệu nếu kỳ chưa kết thúc).",
          italic=True, size=10)
    _widths(ws, [5, 30] + [9.5] * OFFICIAL_COLS + [11, 11])
    ws.row_dimensions[4].height = 22
    ws.row_dimensions[top].height = 32
    ws.row_dimensions[top + 1].height = 62
    ws.freeze_panes = ws.cell(top + 3, FIRST_FORM_COL)
    _print_setup(ws, f"{top}:{top + 2}")


def _form_header(ws: Worksheet, top: int) -> None:
    """Two header rows (groups merged over their columns) and the row of column numbers."""
    _merge_text(ws, top, 1, top + 1, 1, "STT", bold=True, align=CENTER)
    _merge_text(ws, top, 2, top + 1, 2, "Lĩnh vực, công việc giải quyết theo cấp", bold=True, align=CENTER)
    col = FIRST_FORM_COL
    while col < FIRST_FORM_COL + len(FORM_HEADERS):
        group = FORM_HEADERS[col - FIRST_FORM_COL][0]
        end = col
        while end + 1 < FIRST_FORM_COL + len(FORM_HEADERS) and FORM_HEADERS[end + 1 - FIRST_FORM_COL][0] == group:
            end += 1
        _merge_text(ws, top, col, top, end, group, bold=True, align=CENTER)
        col = end + 1
    for i, (_, label) in enumerate(FORM_HEADERS):
        _text(ws, top + 1, FIRST_FORM_COL + i, label, bold=True, size=10, align=CENTER)
    last_official = FIRST_FORM_COL + OFFICIAL_COLS - 1
    for c in range(1, last_official + 1):
        _text(ws, top + 2, c, f"({c})", italic=True, size=10, align=CENTER)
    _text(ws, top + 2, last_official + 1, "(*)", italic=True, size=10, align=CENTER)
    _text(ws, top + 2, last_official + 2, "(**)", italic=True, size=10, align=CENTER)
    _box(ws, range(top, top + 3), range(1, last_official + 1), HEADER_FILL)
    _box(ws, range(top, top + 3), range(last_official + 1, last_official + 3), EXTRA_FILL)


def _form_row(ws: Worksheet, row: int, number: int | None, name: str, values: dict[str, int], *,
              bold: bool) -> None:
    if number is not None:
        _number(ws, row, 1, number, "0").alignment = CENTER
    else:
        _box(ws, [row], [1])
    _text(ws, row, 2, name, bold=bold, border=True)
    for i, column in enumerate(FORM_COLUMNS):
        cell = _number(ws, row, FIRST_FORM_COL + i, values.get(column, 0), FMT_COUNT, bold=bold)
        if i >= OFFICIAL_COLS:
            cell.fill = EXTRA_FILL


# ---------------------------------------------------------------------------- sheet: Chỉ số


def _indicator_rows(fig: Figures) -> list[tuple[IndicatorDef, dict[str, float | None]]]:
    """Every known indicator in a fixed order (catalogue ones only when figures has them), then
    any indicator this module does not know yet (shown by its code, never dropped)."""
    rows = []
    for d in INDICATORS:
        if d.code in CATALOGUE_CODES:
            if d.code in fig.catalogue:
                rows.append((d, _catalogue_entry(fig.catalogue, d.code)))
        else:  # no indicator rows (no case in the period): counts are 0, rates have no data
            empty = {"value": 0, "numerator": 0, "denominator": None} if d.kind == "count" else {}
            rows.append((d, fig.indicators.get(d.code, empty)))
    known = {d.code for d in INDICATORS}
    for code in sorted(set(fig.indicators) - known):
        kind = "pct" if code.endswith("_pct") else "count"
        rows.append((IndicatorDef(code, code, "", kind), fig.indicators[code]))
    return rows


def _catalogue_entry(catalogue: dict, code: str) -> dict[str, float | None]:
    """figures.catalogue holds values only; the rate's parts are the two catalogue counts."""
    value = catalogue.get(code)
    if isinstance(value, dict):
        return value
    if code == "procedures_full_online_pct":
        return {"value": value, "numerator": catalogue.get("procedures_full_online"),
                "denominator": catalogue.get("procedures_published")}
    return {"value": value, "numerator": None, "denominator": None}


def _indicator_sheet(ws: Worksheet, fig: Figures) -> None:
    _text(ws, 1, 1, f"Đơn vị: {unit_name(fig.commune)}", bold=True)
    _merge_text(ws, 2, 1, 2, 7, "CÁC CHỈ SỐ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", bold=True, size=13, align=CENTER)
    _merge_text(ws, 3, 1, 3, 7, _period_line(fig.period), italic=True, align=CENTER)
    head = 5
    for c, label in enumerate(["STT", "Chỉ số", "Giá trị", "Tử số", "Mẫu số", "Cách tính", "Mã chỉ số"], start=1):
        _text(ws, head, c, label, bold=True, align=CENTER, border=True).fill = HEADER_FILL
    row = head + 1
    for i, (d, v) in enumerate(_indicator_rows(fig), start=1):
        _indicator_row(ws, row, i, d, v)
        row += 1
    if all(fig.catalogue.get(code) is None for code in CATALOGUE_CODES):
        row += 1
        _text(ws, row, 2, "Chưa có danh mục TTHC trong kho dữ liệu: chưa tính được số TTHC công khai và số TTHC "
                          "trực tuyến toàn trình.", italic=True, size=10)
        row += 1
    _text(ws, row + 1, 2, f"Tỷ lệ có mẫu số bằng 0 hoặc thiếu dữ liệu đầu vào ghi \"{NO_DATA}\" (không ghi 0 % "
                          "hay 100 %).", italic=True, size=10)
    _widths(ws, [6, 48, 17, 12, 12, 70, 26])
    ws.freeze_panes = ws.cell(head + 1, 3)
    _print_setup(ws, f"{head}:{head}")


def _indicator_row(ws: Worksheet, row: int, number: int, d: IndicatorDef, v: dict[str, float | None]) -> None:
    _number(ws, row, 1, number, "0").alignment = CENTER
    _text(ws, row, 2, d.label, border=True)
    value = v.get("value")
    if d.kind == "pct":
        _number(ws, row, 3, None if value is None else round(value / 100, 6), FMT_PCT)
    else:
        _number(ws, row, 3, value, FMT_DAYS if d.kind == "days" else FMT_COUNT)
    num, den = v.get("numerator"), v.get("denominator")
    _number(ws, row, 4, num, FMT_DAYS if d.kind == "days" else FMT_COUNT) if num is not None else _box(ws, [row], [4])
    _number(ws, row, 5, den, FMT_COUNT) if den is not None else _box(ws, [row], [5])
    _text(ws, row, 6, d.formula, size=10, border=True)
    _text(ws, row, 7, d.code, size=10, border=True)


# ---------------------------------------------------------------------------- sheet: Theo quý

SERIES_HEADERS = ["Quý", "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Trước hạn", "Đúng hạn",
                  "Quá hạn", "Số hồ sơ đang giải quyết", "Tỷ lệ giải quyết trước hạn"]


def quarter_series(con: duckdb.DuckDBPyConnection, commune_code: str) -> list[tuple]:
    """The commune's calendar quarters, all sectors, from the materialised report_form."""
    return con.execute(
        """
        select period, received_total, resolved_total, resolved_early, resolved_on_time, resolved_late,
               in_progress_total,
               case when resolved_total > 0 then round(resolved_early / resolved_total, 4) end as early_share
        from report_form
        where commune_code = ? and sector is null and period like '____Q_'
        order by period_start
        """,
        [commune_code],
    ).fetchall()


def _quarter_label(period: str) -> str:
    return f"Quý {ROMAN[int(period[5])]}/{period[:4]}"


def _series_sheet(ws: Worksheet, con: duckdb.DuckDBPyConnection, fig: Figures) -> None:
    _text(ws, 1, 1, f"Đơn vị: {unit_name(fig.commune)}", bold=True)
    _text(ws, 2, 1, "KẾT QUẢ GIẢI QUYẾT TTHC THEO QUÝ", bold=True, size=13)
    _text(ws, 3, 1, "Quý dương lịch, mọi lĩnh vực; số liệu tổng hợp ở lần nạp dữ liệu gần nhất.", italic=True,
          size=10)
    head = 5
    for c, label in enumerate(SERIES_HEADERS, start=1):
        _text(ws, head, c, label, bold=True, size=10, align=CENTER, border=True).fill = HEADER_FILL
    rows = quarter_series(con, fig.commune.code)
    for r, (period, *counts, share) in enumerate(rows, start=head + 1):
        _text(ws, r, 1, _quarter_label(period), border=True)
        for c, n in enumerate(counts, start=2):
            _number(ws, r, c, n, FMT_COUNT)
        _number(ws, r, len(SERIES_HEADERS), share, FMT_PCT)
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


# ---------------------------------------------------------------------------- sheet: Chất lượng dữ liệu


def quarantine_by_reason(con: duckdb.DuckDBPyConnection, commune_code: str) -> list[tuple[str, str | None, int]]:
    return con.execute(
        """
        select u.reason, r.message, count(*) as n
        from (select unnest(reasons) as reason from quarantine where commune_code = ?) u
        left join reasons r using (reason)
        group by all
        order by n desc, u.reason
        """,
        [commune_code],
    ).fetchall()


def quarantine_by_file(con: duckdb.DuckDBPyConnection, commune_code: str) -> list[tuple[str, int]]:
    return con.execute(
        "select source_file, count(*) as n from quarantine where commune_code = ? group by all order by source_file",
        [commune_code],
    ).fetchall()


def _quality_sheet(ws: Worksheet, con: duckdb.DuckDBPyConnection, fig: Figures) -> None:
    code = fig.commune.code
    _text(ws, 1, 1, f"Đơn vị: {unit_name(fig.commune)}", bold=True)
    _text(ws, 2, 1, "CHẤT LƯỢNG DỮ LIỆU: CÁC DÒNG BỊ CÁCH LY", bold=True, size=13)
    notes = [
        "Dòng bị cách ly là dòng trong tệp xuất từ phần mềm một cửa không đủ điều kiện để tính vào số liệu; "
        "cần sửa trên phần mềm nguồn rồi xuất lại.",
        "Chỉ tính các dòng có cơ quan giải quyết xác định được là đơn vị này, trên mọi tệp đã nạp (không phân "
        "theo kỳ báo cáo). Dòng không xác định được xã/phường không gán được cho đơn vị nào nên không có ở đây.",
        "Bảng chỉ ghi số lượng, không ghi nội dung các dòng.",
    ]
    for i, note in enumerate(notes, start=3):
        _text(ws, i, 1, note, italic=True, size=10)
    total = con.execute("select count(*) from quarantine where commune_code = ?", [code]).fetchone()[0]
    row = 7
    _text(ws, row, 1, "Tổng số dòng bị cách ly", bold=True)
    _number(ws, row, 4, total, FMT_COUNT, bold=True, border=False)
    head = row + 2
    row = _count_table(ws, head, "1. Theo lý do (một dòng có thể có nhiều lý do)",
                       ["STT", "Mã lý do", "Lý do", "Số dòng"], [(r, m or r, n) for r, m, n in
                                                                 quarantine_by_reason(con, code)])
    _count_table(ws, row + 1, "2. Theo tệp nguồn", ["STT", "Tệp nguồn", "", "Số dòng"],
                 [(f, "", n) for f, n in quarantine_by_file(con, code)], merge_name=True)
    _widths(ws, [6, 30, 70, 12])
    ws.freeze_panes = ws.cell(head, 1)
    _print_setup(ws, None)


def _count_table(ws: Worksheet, row: int, title: str, headers: list[str], data: list[tuple[str, str, int]],
                 merge_name: bool = False) -> int:
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


# ---------------------------------------------------------------------------- workbook


def build_workbook(con: duckdb.DuckDBPyConnection, commune: CommuneRef, period: Period) -> Workbook:
    """The four tabs of one commune and period, in a fresh workbook."""
    fig = load_figures(con, commune, period)
    made_at = datetime.now().replace(microsecond=0)
    wb = Workbook()
    form = wb.active
    form.title = SHEET_FORM
    _form_sheet(form, fig, made_at)
    _indicator_sheet(wb.create_sheet(SHEET_INDICATORS), fig)
    _series_sheet(wb.create_sheet(SHEET_SERIES), con, fig)
    _quality_sheet(wb.create_sheet(SHEET_QUALITY), con, fig)
    wb.properties.title = f"Biểu 06 – {unit_name(commune)} – {period.title_vi}"
    wb.properties.creator = "tthc-analytics"
    return wb


def _resolve(con: duckdb.DuckDBPyConnection, communes: list[str] | None) -> list[CommuneRef]:
    """Every commune asked for (name or GSO code), once each; all of them when None.
    Resolved before anything is written, so a typo does not leave half the files."""
    if communes is None:
        return all_communes(con)
    seen: dict[str, CommuneRef] = {}
    for item in communes:
        ref = find_commune(con, item)
        seen.setdefault(ref.code, ref)
    return list(seen.values())


def _save(wb: Workbook, path: Path) -> None:
    """Write next to the target and swap it in: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    os.replace(tmp, path)


def write_sheets(db: Path, period: Period, communes: list[str] | None, out_dir: Path) -> list[Path]:
    """One workbook per commune for `period` in `out_dir`; returns the paths written."""
    con = connect(Path(db))
    try:
        refs = _resolve(con, communes)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for ref in refs:
            path = out_dir / workbook_name(ref, period)
            _save(build_workbook(con, ref, period), path)
            written.append(path)
        return written
    finally:
        con.close()
