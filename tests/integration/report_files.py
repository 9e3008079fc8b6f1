"""Their reports, written by hand in the layouts real systems export (for the reconciliation tests).

- Tân Dân DVC's "Xuất Excel" of báo cáo 06a: HTML saved as .xls by exportTableToExcel.js
  (downloadPhieuExcel wraps the innerHTML of div#ContainerSwapper1, a title table and the data
  table, in one more <table>; the worksheet is named "Thống kê thanh báo cáo 06a" in an mso
  comment; the file is named "<title> d/m/yyyy H:M.xls", the browser turning / and : into _),
  rows per đơn vị as XuatBaoCaoTongHop06a.tsx writes them (github HuanVu201/DichVuCong_KhoaLuan_PASETO,
  quantri_client/src/features/thongKe/ThongKeTheoDonVi/components/exportElements/), numbers with a
  dot between thousands (getCurrencyThongKe), "0" for zero, the totals row "Tổng số".
- Tân Dân's 06 các cấp: rows per lĩnh vực under level rows spanning 13 columns
  (XuatBaoCaoTongHop06CacCap.tsx), the unit in the title's right cell.
- The official Biểu số 06/VPCP/KSTT of Thông tư 01/2020/TT-VPCP as an .xlsx a provincial system or an
  office writes: merged title and header cells, the numbering row (1)…(13), "I. Cấp xã" and the
  lĩnh vực rows, "Tổng cộng", the signature block.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import duckdb
import openpyxl

CELLS = [
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_on_time",
    "in_progress_overdue",
]


_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br /><u>Độc lập - Tự do - Hạnh phúc</u>"


def _vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _cell(text: str, **attrs: int) -> str:
    spans = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<td{spans} style="vertical-align: middle; padding: 5px; border: 1px solid #333;">{text}</td>'


_HEADER_06 = (
    "<tr>"
    + _cell("<strong>STT</strong>", rowspan=3)
    + "{label}"
    + _cell("<strong>Số hồ sơ nhận giải quyết</strong>", colspan=4)
    + _cell("<strong>Số hồ sơ đã giải quyết</strong>", colspan=4)
    + _cell("<strong>Số lượng hồ sơ đang giải quyết</strong>", colspan=3)
    + "</tr><tr>"
    + _cell("<strong>Tổng số</strong>", rowspan=2)
    + _cell("<strong>Trong đó</strong>", colspan=2)
    + _cell("<strong>Từ kỳ trước</strong>", rowspan=2)
    + "".join(_cell(f"<strong>{h}</strong>", rowspan=2) for h in ("Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn"))
    + "".join(_cell(f"<strong>{h}</strong>", rowspan=2) for h in ("Tổng số", "Trong hạn", "Quá hạn"))
    + "</tr><tr> "
    + _cell("<strong>Trực tuyến</strong>")
    + _cell("<strong>Trực tiếp, dịch vụ bưu chính</strong>")
    + "</tr>"
)


def _values_row(stt: str, name: str, values: dict[str, int]) -> str:
    return "<tr>" + _cell(stt) + _cell(name) + "".join(_cell(_vn(values[c])) for c in CELLS) + "</tr>"


def _wrap(title: str, container: str) -> str:
    """exportTableToExcel.js: the template around the innerHTML of the container."""
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel" '
        'xmlns="http://www.w3.org/TR/REC-html40"><head><!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets>'
        f"<x:ExcelWorksheet><x:Name>{title}</x:Name><x:WorksheetOptions><x:DisplayGridlines/></x:WorksheetOptions>"
        "</x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]--></head><body>"
        '<table style="font-family: &quot;Times New Roman&quot;, Times, serif; font-size: 17px">'
        f"{container}</table></body></html>"
    )


def tandan_06a(
    folder: Path, group_name: str, tu: str, den: str, rows: list[tuple[str, dict[str, int]]], exported: str
) -> Path:
    """Tân Dân's báo cáo 06a, one row per đơn vị; `exported` as the file name carries it (d_m_yyyy H_M)."""
    title = (
        "<table><thead><tr>"
        + _cell(f"<strong>{group_name.upper()} </strong>", colspan=5)
        + _cell(f"<strong>{_NATION}</strong>", colspan=8)
        + "</tr><tr>"
        + _cell(
            "<strong>TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC</strong><br />"
            f"<i>(Từ ngày {tu} đến ngày {den} )</i>",
            colspan=13,
        )
        + "</tr><tr><p></p></tr></thead></table>"
    )
    body = "".join(_values_row(str(i + 1), name, v) for i, (name, v) in enumerate(rows))
    total = {c: sum(v[c] for _, v in rows) for c in CELLS}
    body += _values_row("", "Tổng số", total)
    data = (
        '<table id="tableToExcel"><thead>'
        + _HEADER_06.format(label=_cell("<strong>Đơn vị</strong>", rowspan=3))
        + f'</thead><tbody id="data">{body}</tbody></table>'
    )
    path = folder / f"Thống kê thanh báo cáo 06a {exported}.xls"
    path.write_text(_wrap("Thống kê thanh báo cáo 06a", title + data), encoding="utf-8")
    return path


def tandan_06_cac_cap(
    folder: Path,
    unit: str,
    tu: str,
    den: str,
    levels: dict[str, list[tuple[str, dict[str, int]]]],
    name: str,
    total: dict[str, int] | None = None,
) -> Path:
    """Tân Dân's 06 các cấp: lĩnh vực rows under level rows; `total` overrides the totals row
    (a report that does not add up)."""
    title = (
        "<table><thead><tr>"
        + _cell(
            "<strong>Biểu số 06 /VPCP/KSTT</strong><br/><span>Ban hành theo Thông tư số</span><br/>"
            "<span>01/2020/TT-VPCP ngày 21/10/2020</span>",
            colspan=2,
        )
        + _cell(
            "<strong>TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC</strong>"
            f"<br/><span>(Từ ngày {tu} đến ngày {den} )</span>",
            colspan=6,
        )
        + _cell(f"<strong>{unit}</strong>", colspan=5)
        + "</tr><tr>"
        + _cell("Đơn vị tính: Số hồ sơ TTHC", colspan=13)
        + "</tr></thead></table>"
    )
    body = ""
    all_rows = []
    for level, rows in levels.items():
        body += "<tr>" + _cell(f"<strong>{level}</strong>", colspan=13) + "</tr>"
        body += "".join(_values_row(str(i + 1), n, v) for i, (n, v) in enumerate(rows))
        all_rows += rows
    total = total or {c: sum(v[c] for _, v in all_rows) for c in CELLS}
    body += _values_row("", "Tổng số", total)
    data = (
        '<table id="tableToExcel"><thead>'
        + _HEADER_06.format(label=_cell("<strong>Lĩnh vực, công việc giải quyết theo cấp</strong>", rowspan=3))
        + f'</thead><tbody id="data">{body}</tbody></table>'
    )
    path = folder / name
    path.write_text(_wrap("Thống kê báo cáo 06 các cấp", title + data), encoding="utf-8")
    return path


def official_bieu06_xlsx(
    path: Path,
    unit: str,
    ky: str,
    tu: str,
    den: str,
    sectors: list[tuple[str, dict[str, int]]],
    signed: str,
    total: dict[str, int] | None = None,
) -> Path:
    """Biểu số 06/VPCP/KSTT (TT 01/2020) as an .xlsx: merged title and header cells, numbering row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 06"
    ws.append(
        ["Biểu số 06/VPCP/KSTT", None, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"]
        + [None] * 7
        + [f"Đơn vị báo cáo: {unit}"]
    )
    ws.append(["Ban hành kèm theo Thông tư số 01/2020/TT-VPCP", None, f"Kỳ báo cáo: {ky}"])
    receiver = "Đơn vị nhận báo cáo: UBND tỉnh Ninh Bình"
    ws.append([None, None, f"(Từ ngày {tu} đến ngày {den})"] + [None] * 7 + [receiver])
    ws.append([None] * 10 + ["Đơn vị tính: Số hồ sơ TTHC"])
    ws.append(
        ["STT", "Lĩnh vực, công việc giải quyết theo cấp", "Số hồ sơ nhận giải quyết", None, None, None]
        + ["Số hồ sơ đã giải quyết", None, None, None, "Số hồ sơ đang giải quyết", None, None]
    )
    ws.append(
        [None, None, "Tổng số", "Trong đó", None, "Từ kỳ trước chuyển qua", "Tổng số", "Trước hạn"]
        + ["Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]
    )
    ws.append([None, None, None, "Trực tuyến", "Trực tiếp, dịch vụ bưu chính"])
    ws.append([f"({n})" for n in range(1, 14)])
    for rng in ("A5:A7", "B5:B7", "C5:F5", "G5:J5", "K5:M5", "C6:C7", "D6:E6", "F6:F7", "G6:G7", "H6:H7", "I6:I7"):
        ws.merge_cells(rng)
    for rng in ("J6:J7", "K6:K7", "L6:L7", "M6:M7", "C1:J1", "C2:J2", "C3:J3"):
        ws.merge_cells(rng)
    ws.append(["I", "Cấp xã"])
    for i, (name, values) in enumerate(sectors, start=1):
        ws.append([i, name] + [values[c] or None for c in CELLS])  # zeros left blank, as printed forms do
    total = total or {c: sum(v[c] for _, v in sectors) for c in CELLS}
    ws.append([None, "Tổng cộng"] + [total[c] for c in CELLS])
    ws.append([])
    ws.append([None, "Người lập biểu", None, None, None, None, None, None, None, None, signed])
    ws.append([None, None, None, None, None, None, None, None, None, None, "CHỦ TỊCH"])
    wb.save(path)
    return path


def reconciled_cells(db: Path, unit: str, start: date | str, end: date | str, form: str) -> dict[str, tuple]:
    """cell -> (ours, theirs, difference, explained, explanation) of one unit and form."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = con.execute(
            "select cell, ours, theirs, difference, explained, explanation from reconcile_between(?::date, ?::date) "
            "where unit_key = ? and form = ?",
            [start, end, unit, form],
        ).fetchall()
    return {r[0]: r[1:] for r in out}


def reconciled_cases(db: Path, unit: str, start: date | str, end: date | str, form: str) -> dict[str, set[str]]:
    """cell -> the listed cases' short ids (the part after the last '-') of one unit and form."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = con.execute(
            "select cell, case_id from reconcile_cases_between(?::date, ?::date) where unit_key = ? and form = ?",
            [start, end, unit, form],
        ).fetchall()
    found: dict[str, set[str]] = {}
    for cell, case_id in out:
        found.setdefault(cell, set()).add(case_id.split("-")[-1])
    return found


# four of today's units of tỉnh Ninh Bình, as a one-stop list names them, with their keys
UNITS = {
    "TT": ("UBND phường Thiên Trường", "13684@2025"),
    "DA": ("UBND phường Đông A", "13693@2025"),
    "ML": ("UBND phường Mỹ Lộc", "13708@2025"),
    "ND": ("UBND phường Nam Định", "13669@2025"),
}


def one_stop_case_list(path: Path, header: list[str], rows: Iterable[list[object]]) -> Path:
    """A one-stop system's "Danh sách hồ sơ" workbook: a title block, the header, one row a case."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách hồ sơ"
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
    ws.append(["Ngày xuất: 06/10/2026 08:00"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path
