"""``FILE_Q3``: the new units' third quarter of 2025 as a workbook like snapshot A.

Same columns, cell types and two-row merged header as snapshot A, one sheet per lĩnh vực,
footer; the title block names the province and its TTHC system (there is no district any more):
"UBND TỈNH NINH BÌNH" / "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH NINH BÌNH" /
"DANH SÁCH HỒ SƠ" / period / "Ngày xuất: 06/10/2025 08:00", header on rows 7–8.
No deliberate defects.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .era2025 import EXPORT_Q3, PROVINCE_2025, Q3_END, WARD_START
from .model import SECTORS
from .render_2025 import Q3_AGENCY_FORMS, period_line, ward_agency
from .render_xlsx import A_COL, A_HEADERS, _a_header, a_row, normalize_xlsx, write_a_body
from .views import View
from .wording import TITLE, dmy_hm

PROVINCE_LINE = f"UBND TỈNH {PROVINCE_2025.upper()}"
SYSTEM_LINE = f"HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH {PROVINCE_2025.upper()}"
Q3_ZIP_TIME = (2025, 10, 6, 8, 0, 0)


def q3_title_lines() -> list[str]:
    return [
        PROVINCE_LINE,
        SYSTEM_LINE,
        TITLE,
        period_line(WARD_START, Q3_END) + " (kèm hồ sơ chuyển tiếp từ trước ngày 01/07/2025)",
        f"Ngày xuất: {dmy_hm(EXPORT_Q3)}",
        "",
    ]


def q3_row(number: int, view: View) -> list[object]:
    values = a_row(number, view)
    values[A_COL["Cơ quan giải quyết"]] = ward_agency(view.case, Q3_AGENCY_FORMS)
    return values


def _title(ws, lines: list[str]) -> None:
    for row, text in enumerate(lines, start=1):
        if not text:
            continue
        cell = ws.cell(row, 1, text)
        cell.alignment = Alignment(horizontal="center")
        cell.font = Font(bold=row <= 3)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(A_HEADERS))


def _sheet(wb: Workbook, sector: str, views: list[View]) -> None:
    ws = wb.create_sheet(sector[:31])
    title = q3_title_lines()
    _title(ws, title)
    header_top = len(title) + 1
    _a_header(ws, header_top)
    write_a_body(ws, header_top, [(view, q3_row(number, view)) for number, view in enumerate(views, start=1)])


def _properties(wb: Workbook, exported: datetime) -> None:
    utc = exported - timedelta(hours=7)
    wb.properties.creator = f"Hệ thống thông tin giải quyết TTHC tỉnh {PROVINCE_2025}"
    wb.properties.lastModifiedBy = "Trung tâm Phục vụ hành chính công"
    wb.properties.created = utc
    wb.properties.modified = utc


def write_q3_xlsx(path: Path, views: list[View]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for sector in SECTORS:
        in_sector = [v for v in views if v.case.procedure.sector == sector]
        if in_sector:
            _sheet(wb, sector, in_sector)
    _properties(wb, EXPORT_Q3)
    wb.save(path)
    normalize_xlsx(path, EXPORT_Q3 - timedelta(hours=7), Q3_ZIP_TIME)
    return path
