"""House style of the workbooks: fonts, fills, borders, number formats and the cell writers.

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

from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.vnformat import UNKNOWN

FONT_NAME = "Times New Roman"
FMT_COUNT = "#,##0"  # shown 1.234 in a Vietnamese locale
FMT_PCT = "0.00 %"  # fractions (0.9773) shown 97,73 % in a Vietnamese locale
FMT_DAYS = "#,##0.00"
NO_DATA = UNKNOWN  # the words of the report text (vnformat.py): a figure the data cannot support
MAX_CELL_TEXT = 32767  # Excel's limit for one cell
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7EEF7")
EXTRA_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
PLAIN = Alignment(horizontal="left", vertical="center")  # free-standing lines overflow, never wrap
RIGHT = Alignment(horizontal="right", vertical="center")


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


def pct_fraction(value: float | None) -> float | None:
    """A warehouse percentage (0–100, 2 decimals) as the fraction FMT_PCT shows (97.73 → 0.9773)."""
    return None if value is None else round(value / 100, 6)


def _font(bold: bool = False, italic: bool = False, size: float = 11) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size)


def _text(
    ws: Worksheet,
    row: int,
    col: int,
    value: object,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 11,
    align: Alignment = PLAIN,
    border: bool = False,
) -> Cell:
    """A text cell in the house style (every string goes through safe_text)."""
    cell = safe_text(ws.cell(row, col), value)
    cell.font = _font(bold, italic, size)
    cell.alignment = align
    if border:
        cell.border = BOX
        if align is PLAIN:
            cell.alignment = LEFT  # table cells wrap inside their column
    return cell


def _number(
    ws: Worksheet, row: int, col: int, value: float | int | None, fmt: str, *, bold: bool = False, border: bool = True
) -> Cell:
    """A real number with a Vietnamese-rendered format; NULL becomes the words "chưa có số liệu"."""
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
