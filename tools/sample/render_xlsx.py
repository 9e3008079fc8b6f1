"""Snapshot A: the xlsx workbook (title block, merged two-row header, one sheet per lĩnh vực,
footer) and the normalisation that pins its timestamps so the bytes are reproducible."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .defects import BLANK_ID, DefectLog
from .model import A_LAST_RECEIVED, EXPORT_A, FILE_A, SECTORS, has_time
from .views import View
from .wording import (
    CHANNEL_A,
    STATUS_A,
    _footer_lines,
    _title_lines,
    agency,
    dmy,
    dmy_hm,
    fmt,
    yes_no,
)

GROUP = "Nhận và trả kết quả"
A_HEADERS: tuple[tuple[str | None, str], ...] = (
    (None, "STT"),
    (None, "Mã hồ sơ"),
    (None, "Mã TTHC"),
    (None, "Tên thủ tục hành chính"),
    (None, "Lĩnh vực"),
    (None, "Cơ quan giải quyết"),
    (None, "Kênh nộp"),
    (None, "Mức độ DVC"),
    (None, "Chủ hồ sơ"),
    (None, "Số CCCD"),
    (None, "Số điện thoại"),
    (None, "Địa chỉ"),
    (GROUP, "Nhận hồ sơ"),
    (GROUP, "Hẹn trả"),
    (GROUP, "Trả kết quả"),
    (None, "Ngày có kết quả"),
    (None, "Trạng thái"),
    (None, "Số hóa"),
    (None, "Phí, lệ phí"),
    (None, "Thanh toán trực tuyến"),
    (None, "Kết quả điện tử"),
    (None, "Ghi chú"),
)
A_COL = {name: i for i, (_, name) in enumerate(A_HEADERS)}
A_WIDTHS = (6, 27, 10, 60, 16, 26, 18, 12, 22, 15, 13, 40, 17, 17, 12, 17, 18, 7, 10, 10, 10, 30)
FMT_DATETIME, FMT_DATE = "dd/mm/yyyy hh:mm", "dd/mm/yyyy"
A_AGENCY_FORMS = (0, 0, 0, 1, 2)


def a_row(number: int, view: View) -> list[object]:
    """One data row of snapshot A; the two date columns hold real datetimes."""
    c, p = view.case, view.case.person
    values = [
        number,
        c.case_id,
        c.procedure.code,
        c.procedure.name,
        c.procedure.sector,
        agency(c, A_AGENCY_FORMS),
        CHANNEL_A[c.channel],
        c.procedure.level,
        p.name,
        p.id_number,
        p.phone,
        p.address,
        c.received_at,
        c.due_at,
        fmt(view.returned_at, dmy),
        fmt(view.finished_at, dmy_hm),
        STATUS_A[view.status],
        "x" if c.is_digitized else "",
        c.fee,
        yes_no(c.paid_online),
        yes_no(view.e_result),
        view.note,
    ]
    return [None if v == "" else v for v in values]  # Excel has no empty-string cells


def _a_header(ws, top: int) -> None:
    """Two header rows: the group cell merged across, every other header merged down."""
    bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    group_cols = [i + 1 for i, (g, _) in enumerate(A_HEADERS) if g == GROUP]
    for col, (group, name) in enumerate(A_HEADERS, start=1):
        upper, lower = ws.cell(top, col), ws.cell(top + 1, col)
        if group is None:
            upper.value = name
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
        else:
            lower.value = name
        for cell in (upper, lower):
            cell.font, cell.alignment = bold, center
    ws.cell(top, group_cols[0]).value = GROUP
    ws.merge_cells(start_row=top, start_column=group_cols[0], end_row=top, end_column=group_cols[-1])


def _a_title(ws, lines: list[str]) -> None:
    last = len(A_HEADERS)
    for row, text in enumerate(lines, start=1):
        if not text:
            continue
        cell = ws.cell(row, 1, text)
        cell.alignment = Alignment(horizontal="center")
        cell.font = Font(bold=row <= 2)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)


def _a_sheet(wb: Workbook, sector: str, views: list[View], log: DefectLog) -> None:
    ws = wb.create_sheet(sector[:31])
    title = _title_lines(A_LAST_RECEIVED, EXPORT_A)
    _a_title(ws, title)
    header_top = len(title) + 1
    _a_header(ws, header_top)
    first = header_top + 2
    body = []
    for number, view in enumerate(views, start=1):
        values = a_row(number, view)
        if log.kind(FILE_A, view.case.case_id) == BLANK_ID:
            values[A_COL["Mã hồ sơ"]] = None
            log.record(FILE_A, ws.title, first + number - 1, view.case.case_id, BLANK_ID)
        body.append((view, values))
    write_a_body(ws, header_top, body)


def write_a_body(ws, header_top: int, body: list[tuple[View, list[object]]]) -> None:
    """The case rows of a layout-A sheet under its two header rows, then its footer, widths and
    frozen panes (the district workbook and the Q3 2025 one share it)."""
    row = header_top + 2
    for view, values in body:
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value)
        ws.cell(row, A_COL["Nhận hồ sơ"] + 1).number_format = FMT_DATETIME
        due = view.case.due_at
        ws.cell(row, A_COL["Hẹn trả"] + 1).number_format = (
            FMT_DATETIME if due is not None and has_time(due) else FMT_DATE
        )
        ws.cell(row, A_COL["Phí, lệ phí"] + 1).number_format = "#,##0"
        row += 1
    footer = _footer_lines(len(body))
    ws.cell(row, 1, footer[0]).font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    ws.cell(row + 2, len(A_HEADERS) - 3, footer[2]).font = Font(bold=True)
    for col, width in enumerate(A_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(header_top + 2, 3)


FIXED_ZIP_TIME = (2024, 7, 5, 8, 15, 0)


def normalize_xlsx(path: Path, modified: datetime, zip_time: tuple[int, ...] = FIXED_ZIP_TIME) -> None:
    """openpyxl stamps the save time into core.xml and the zip entries; pin both."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    stamp = f"{modified:%Y-%m-%dT%H:%M:%SZ}".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=zip_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)


def _set_properties(wb: Workbook, exported: datetime) -> None:
    utc = exported - timedelta(hours=7)
    wb.properties.creator = "Hệ thống thông tin giải quyết TTHC tỉnh Nam Định"
    wb.properties.lastModifiedBy = "Bộ phận một cửa"
    wb.properties.created = utc
    wb.properties.modified = utc


def write_snapshot_a(path: Path, views: list[View], log: DefectLog) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for sector in SECTORS:
        in_sector = [v for v in views if v.case.procedure.sector == sector]
        if in_sector:
            _a_sheet(wb, sector, in_sector, log)
    _set_properties(wb, EXPORT_A)
    wb.save(path)
    normalize_xlsx(path, EXPORT_A - timedelta(hours=7))
    return path
