"""Snapshot B: the three CSV dialects (iGate ';' UTF-8 with BOM, DVCQG sync ',' UTF-8, and
Excel "Unicode text": UTF-16, tab separated)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from .defects import BAD_DATE, DUPLICATE, UNKNOWN_STATUS, DefectLog, _impossible
from .model import EXPORT_B, FILE_DVCQG, FILE_IGATE, FILE_UNICODE, YEAR_END
from .views import View
from .wording import (
    CHANNEL_CODE,
    CHANNEL_IGATE,
    CHANNEL_UNICODE,
    STATUS_IGATE,
    STATUS_UNICODE,
    UNKNOWN_STATUS_LABEL,
    _footer_lines,
    _title_lines,
    agency,
    compact,
    dmy,
    dmy_hm,
    dmy_hms,
    dmy_loose,
    fmt,
    fmt_due,
    iso_local,
    yes_no,
)

# ---- snapshot B: iGate-style CSV (UTF-8 BOM, ';') --------------------------------------------

IGATE_HEADERS = (
    "Ma ho so",
    "Ma TTHC",
    "Ten TTHC",
    "Linh vuc",
    "Don vi xu ly",
    "Kenh thuc hien",
    "Muc do DVC",
    "Chu ho so",
    "So dinh danh",
    "So dien thoai",
    "Ngay tiep nhan",
    "Ngay hen tra",
    "Ngay ket thuc xu ly",
    "Ngay tra",
    "Trang thai ho so",
    "So hoa ho so",
    "Le phi",
    "TT truc tuyen",
    "Tra ket qua dien tu",
    "Ghi chu",
)
IGATE_AGENCY_FORMS = (0, 1, 2, 3, 0, 0)


def igate_row(view: View) -> list[str]:
    c, p = view.case, view.case.person
    return [
        c.case_id,
        c.procedure.code,
        c.procedure.name,
        c.procedure.sector,
        agency(c, IGATE_AGENCY_FORMS),
        CHANNEL_IGATE[c.channel],
        c.procedure.level,
        p.name,
        p.id_number,
        p.phone,
        dmy_hms(c.received_at),
        fmt_due(c.due_at, dmy_loose, dmy_hm),
        fmt(view.finished_at, dmy_hm),
        fmt(view.returned_at, dmy_loose),
        STATUS_IGATE[view.status],
        "1" if c.is_digitized else "0",
        str(c.fee),
        yes_no(c.paid_online),
        yes_no(view.e_result),
        view.note,
    ]


def _csv_text(rows: Iterable[Sequence[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def write_igate_csv(path: Path, views: list[View], log: DefectLog) -> Path:
    lines: list[list[str]] = [[t] for t in _title_lines(YEAR_END, EXPORT_B)]
    lines[-1] = []
    lines.append(list(IGATE_HEADERS))
    for view in views:
        row = igate_row(view)
        if log.kind(FILE_IGATE, view.case.case_id) == BAD_DATE:
            col = IGATE_HEADERS.index("Ngay tiep nhan")
            row[col] = _impossible(row[col])
            log.record(FILE_IGATE, None, len(lines) + 1, view.case.case_id, BAD_DATE)
        lines.append(row)
    lines.extend([t] if t else [] for t in _footer_lines(len(views)))
    path.write_bytes(_csv_text(lines, ";").encode("utf-8-sig"))
    return path


# ---- snapshot B: DVCQG sync CSV (UTF-8, ',') ------------------------------------------------

DVCQG_HEADERS = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "TenLinhVuc",
    "DonViXuLy",
    "KenhThucHien",
    "ChuHoSo",
    "SoDinhDanh",
    "SoDienThoai",
    "Email",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "TrangThaiHoSo",
    "HoSoCoThanhPhanSoHoa",
    "PhiLePhi",
    "DuocThanhToanTrucTuyen",
    "GhiChu",
)
DVCQG_AGENCY_FORMS = (1, 1, 0, 2)


def dvcqg_row(view: View) -> list[str]:
    c, p = view.case, view.case.person
    finished_form = iso_local if c.variant % 3 == 0 else compact  # rows synced by API v2
    return [
        c.case_id,
        c.procedure.code,
        c.procedure.name,
        c.procedure.sector,
        agency(c, DVCQG_AGENCY_FORMS),
        CHANNEL_CODE[c.channel],
        p.name,
        p.id_number,
        p.phone,
        p.email,
        compact(c.received_at),
        fmt(c.due_at, compact),
        fmt(view.finished_at, finished_form),
        fmt(view.returned_at, iso_local),
        str(view.status),
        "1" if c.is_digitized else "0",
        str(c.fee),
        yes_no(c.paid_online, "1", "0"),
        view.note,
    ]


def write_dvcqg_csv(path: Path, views: list[View], log: DefectLog) -> Path:
    lines: list[list[str]] = [
        ["Dữ liệu đồng bộ hồ sơ - Cổng Dịch vụ công quốc gia"],
        [f"Ngày xuất: {dmy_hm(EXPORT_B)}"],
        list(DVCQG_HEADERS),
    ]
    for view in views:
        row = dvcqg_row(view)
        lines.append(row)
        if log.kind(FILE_DVCQG, view.case.case_id) == DUPLICATE:
            log.record(FILE_DVCQG, None, len(lines), view.case.case_id, DUPLICATE)
            lines.append(list(row))
    path.write_bytes(_csv_text(lines, ",").encode("utf-8"))
    return path


# ---- snapshot B: Excel "Unicode text" (UTF-16, tab) -----------------------------------------

UNICODE_HEADERS = tuple(
    unicodedata.normalize("NFD", h)
    for h in (
        "STT",
        "Số hồ sơ",
        "Mã thủ tục",
        "Thủ tục hành chính",
        "Tên lĩnh vực",
        "Cơ quan thực hiện",
        "Hình thức tiếp nhận",
        "Mức độ",
        "Người nộp",
        "Số giấy tờ",
        "Số điện thoại",
        "Địa chỉ",
        "Ngày nhận",
        "Hạn giải quyết",
        "Ngày hoàn thành",
        "Ngày trả kết quả",
        "Tình trạng",
        "Đã số hóa",
        "Lệ phí",
        "TT trực tuyến",
        "Cấp kết quả điện tử",
        "Ghi chú",
    )
)
UNICODE_AGENCY_FORMS = (3, 0)
UNICODE_STATUS_COL = 16


def unicode_row(number: int, view: View) -> list[str]:
    c, p = view.case, view.case.person
    return [
        str(number),
        c.case_id,
        c.procedure.code,
        c.procedure.name,
        c.procedure.sector,
        agency(c, UNICODE_AGENCY_FORMS),
        CHANNEL_UNICODE[c.channel],
        c.procedure.level,
        p.name,
        p.id_number,
        p.phone,
        p.address,
        dmy_hm(c.received_at),
        fmt_due(c.due_at, dmy, dmy_hm),
        fmt(view.finished_at, dmy_hms),
        fmt(view.returned_at, dmy_loose),
        STATUS_UNICODE[view.status],
        "✓" if c.is_digitized else "",
        str(c.fee),
        yes_no(c.paid_online, "True", "False"),
        yes_no(view.e_result),
        view.note,
    ]


def write_unicode_text(path: Path, views: list[View], log: DefectLog) -> Path:
    width = len(UNICODE_HEADERS)
    padded = [[t] + [""] * (width - 1) for t in _title_lines(YEAR_END, EXPORT_B)]
    lines = padded + [list(UNICODE_HEADERS)]
    for number, view in enumerate(views, start=1):
        row = unicode_row(number, view)
        if log.kind(FILE_UNICODE, view.case.case_id) == UNKNOWN_STATUS:
            row[UNICODE_STATUS_COL] = UNKNOWN_STATUS_LABEL
            log.record(FILE_UNICODE, None, len(lines) + 1, view.case.case_id, UNKNOWN_STATUS)
        lines.append(row)
    lines += [[t] + [""] * (width - 1) for t in _footer_lines(len(views))]
    path.write_bytes(_csv_text(lines, "\t").encode("utf-16"))  # LE with BOM, as Excel writes
    return path
