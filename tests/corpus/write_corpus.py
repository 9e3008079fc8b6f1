"""How the files of tests/corpus/ were written (run once; the files are the fixtures).

Each layout copies a real exporter's header verbatim (the citations are in tests/corpus/README.md);
the cases are invented, personal columns hold fake values. `expected_<layout>.csv` is the truth
each file was written from: what the warehouse must hold after loading it.

    .venv/bin/python tests/corpus/write_corpus.py
"""

from __future__ import annotations

import csv
import html
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
EXPECTED = [
    "case_id",
    "sector",
    "status",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "source_sheet",
]


def _iso(text: str | None) -> str:
    """dd/mm/yyyy[ HH:MM[:SS]] → the warehouse's ISO text ('' for no date)."""
    if not text:
        return ""
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
    raise ValueError(text)


def _write_expected(name: str, rows: list[dict]) -> None:
    with open(HERE / f"expected_{name}.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, EXPECTED, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k) or "" for k in EXPECTED})


# --- Tân Dân DVC "Danh sách hồ sơ" (an HTML table saved as .xls) ------------------------------
TANDAN_HEADER = [
    "STT",
    "Đơn vị tiếp nhận",
    "Tên thủ tục hành chính",
    "Mã hồ sơ",
    "Trạng thái",
    "Địa chỉ",
    "Người nộp",
    "Chủ hồ sơ",
    "Ngày nộp hồ sơ",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
]
# (seq, procedure, DVCQG status label, canonical status, submitted, received, due, finished)
TANDAN_CASES = [
    (
        1,
        "Đăng ký khai sinh",
        "Đã trả kết quả",
        "returned",
        "02/07/2026 21:10:05",
        "03/07/2026 08:15:00",
        "06/07/2026 17:00:00",
        "06/07/2026 09:30:00",
    ),
    (
        2,
        "Đăng ký khai sinh",
        "Đã trả kết quả",
        "returned",
        "",
        "03/07/2026 09:00:00",
        "06/07/2026 17:00:00",
        "07/07/2026 10:00:00",
    ),
    (
        3,
        "Chứng thực bản sao từ bản chính",
        "Đã xử lý xong",
        "resolved",
        "",
        "06/07/2026 14:00:00",
        "06/07/2026 17:00:00",
        "06/07/2026 15:20:00",
    ),
    (
        4,
        "Đăng ký kết hôn",
        "Đang xử lý",
        "processing",
        "05/07/2026 10:00:00",
        "07/07/2026 08:00:00",
        "10/07/2026 17:00:00",
        "",
    ),
    (
        5,
        "Đăng ký khai tử",
        "Yêu cầu bổ sung giấy tờ",
        "awaiting_supplement",
        "",
        "08/07/2026 10:30:00",
        "13/07/2026 17:00:00",
        "",
    ),
    (6, "Đăng ký thường trú", "Không được tiếp nhận", "refused", "08/07/2026 07:00:00", "09/07/2026 08:00:00", "", ""),
    (
        7,
        "Đăng ký khai sinh",
        "Dừng xử lý",
        "stopped",
        "",
        "10/07/2026 08:00:00",
        "15/07/2026 17:00:00",
        "14/07/2026 16:00:00",
    ),
    (
        8,
        "Cấp bản sao trích lục hộ tịch",
        "Được tiếp nhận",
        "received",
        "",
        "30/09/2026 16:00:00",
        "02/10/2026 17:00:00",
        "",
    ),
]
for i in range(9, 31):  # the bulk of a quarter: resolved and handed over, some late
    day = 1 + (i % 28)
    late = i % 7 == 0
    TANDAN_CASES.append(
        (
            i,
            "Chứng thực chữ ký",
            "Đã trả kết quả",
            "returned",
            "",
            f"{day:02d}/08/2026 08:00:00",
            f"{day:02d}/08/2026 17:00:00",
            f"{day:02d}/08/2026 {'17:30' if late else '11:00'}:00",
        )
    )


def tandan_row(case: tuple, shifted: bool = False) -> list[str]:
    seq, proc, label, _, submitted, received, due, finished = case
    cells = [
        str(seq),
        "UBND phường Thiên Trường",
        proc,
        f"000.00.13684.H40-2607{seq:02d}-{seq:04d}",
        label,
        f"Số {seq} đường Trần Hưng Đạo",
        f"Người Nộp {seq}",
        f"Chủ Hồ Sơ {seq}",
        submitted,
        received,
        due,
        finished,
    ]
    return cells


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    def tr(cells: list[str], strong: bool = False) -> str:
        inner = "".join(
            f'<td style="border: 1px solid #333">{"<strong>" if strong else ""}{html.escape(c)}'
            f"{'</strong>' if strong else ''}</td>"
            for c in cells
        )
        return f"<tr>{inner}</tr>"

    blank = f'<tr><td colspan="{len(header)}"><strong></strong></td></tr>'
    body = "\n".join(tr(r) for r in rows)
    return (
        '<html><head><meta charset="utf-8"></head><body><table id="tableHoSo">\n'
        f'{blank}\n{blank}\n{tr(header, strong=True)}\n<tbody id="data">\n{body}\n</tbody></table></body></html>\n'
    )


def write_tandan() -> None:
    rows = [tandan_row(c) for c in TANDAN_CASES]
    (HERE / "tandan_danh_sach_ho_so 1_12_2026 9_5.xls").write_text(_html_table(TANDAN_HEADER, rows), encoding="utf-8")
    expected = []
    for c, r in zip(TANDAN_CASES, rows):
        status = c[3]
        expected.append(
            {
                "case_id": r[3],
                "sector": "Chưa phân loại",
                "status": status,
                "channel": "",  # the list has no channel column
                "received_at": _iso(c[5]),
                "due_at": _iso(c[6]),
                "finished_at": _iso(c[7]),
                "returned_at": "",  # no hand-over column either
                "source_sheet": "",
            }
        )
    _write_expected("tandan", expected)


def write_tandan_shifted() -> None:
    """The variant with "Người tiếp nhận" in its 12 header cells and no cell for it in the rows
    (11 data cells): every value after it sits one column to the left."""
    header = [
        "STT",
        "Đơn vị tiếp nhận",
        "Người tiếp nhận",
        "Tên thủ tục hành chính",
        "Mã hồ sơ",
        "Trạng thái",
        "Địa chỉ",
        "Chủ hồ sơ",
        "Ngày nhận",
        "Ngày hẹn trả",
        "Ngày kết thúc xử lý",
        "Đơn vị/ cá nhân giải quyết",
    ]
    rows = []
    for c in TANDAN_CASES[:12]:
        r = tandan_row(c)
        rows.append([r[0], r[1], r[2], r[3], r[4], r[5], r[7], r[9], r[10], r[11], "Bộ phận một cửa"])
    (HERE / "tandan_lech_cot.xls").write_text(_html_table(header, rows), encoding="utf-8")


# --- Thông tư 03/2025/TT-VPCP "Sổ theo dõi hồ sơ", one sheet per lĩnh vực ---------------------
BOOK_TOP = [
    "STT",
    "Mã hồ sơ",
    "Tên TTHC",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận và trả kết quả",
    None,
    None,
    None,
    "Ký nhận",
]
BOOK_SUB = [None] * 6 + ["Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả", "Phương thức nhận kết quả", None]
# (sheet, heading line, cases: (id suffix, procedure, received, due as written, due ISO, returned))
BOOK_SHEETS = [
    (
        "Hộ tịch",
        "Lĩnh vực: Hộ tịch",
        [
            (
                "0001",
                "Đăng ký khai sinh",
                "03/08/2026 08:30",
                "05-08-2026 Từ 13:30 đến 16:00",
                "05/08/2026 16:00",
                "04/08/2026 10:00",
            ),
            (
                "0002",
                "Đăng ký kết hôn",
                "04/08/2026 09:00",
                "07-08-2026 Từ 07:30 đến 11:00",
                "07/08/2026 11:00",
                "07/08/2026 15:00",
            ),
            ("0003", "Đăng ký khai tử", "10/08/2026 14:00", "12/08/2026", "12/08/2026", "12/08/2026 09:00"),
            ("0004", "Đăng ký khai sinh", "28/09/2026 08:00", "30-09-2026", "30/09/2026", ""),
            ("0005", "Cấp bản sao trích lục hộ tịch", "29/09/2026 10:00", "01/10/2026 17:00", "01/10/2026 17:00", ""),
        ],
    ),
    (
        "Chứng thực",
        None,  # no "Lĩnh vực" line: the sheet name gives the sector
        [
            (
                "0101",
                "Chứng thực bản sao từ bản chính",
                "05/08/2026 08:00",
                "05/08/2026 17:00",
                "05/08/2026 17:00",
                "05/08/2026 10:00",
            ),
            (
                "0102",
                "Chứng thực chữ ký",
                "06/08/2026 08:00",
                "06-08-2026 Từ 13:30 đến 17:00",
                "06/08/2026 17:00",
                "06/08/2026 14:00",
            ),
            ("0103", "Chứng thực hợp đồng", "20/09/2026 09:00", "25/09/2026", "25/09/2026", ""),
        ],
    ),
]


def write_book() -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    expected = []
    for sheet, heading, cases in BOOK_SHEETS:
        ws = wb.create_sheet(sheet)
        ws.append(["UBND PHƯỜNG ĐÔNG A", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        ws.append(["BỘ PHẬN MỘT CỬA", None, None, None, None, "Độc lập - Tự do - Hạnh phúc"])
        ws.append([])
        ws.append([None, None, None, "SỔ THEO DÕI HỒ SƠ"])
        ws.append([None, None, None, heading] if heading else [])
        ws.append([])
        ws.append(BOOK_TOP)
        ws.append(BOOK_SUB)
        ws.merge_cells(start_row=7, start_column=7, end_row=7, end_column=10)
        ws.append([f"({k})" for k in range(1, 12)])
        for n, (suffix, proc, received, due_text, due, returned) in enumerate(cases, 1):
            case_id = f"000.00.13693.H40-2608-{suffix}"
            ws.append(
                [
                    n,
                    case_id,
                    proc,
                    f"Công Dân {suffix}",
                    f"Tổ {n}, phường Đông A, 09{suffix}123",
                    "UBND phường Đông A",
                    received,
                    due_text,
                    returned or None,
                    "Trực tiếp" if n % 2 else "Dịch vụ bưu chính",
                    None,
                ]
            )
            expected.append(
                {
                    "case_id": case_id,
                    "sector": sheet,
                    "status": "returned" if returned else "processing",  # the book has no status column
                    "channel": "",  # nor a channel column
                    "received_at": _iso(received),
                    "due_at": _iso(due),
                    "finished_at": _iso(returned),  # a hand-over date is also the finish date
                    "returned_at": _iso(returned),
                    "source_sheet": sheet,
                }
            )
        ws.append([])
        ws.append([None, None, "Người lập sổ", None, None, None, None, "Thủ trưởng đơn vị"])
        ws.append([None, None, "(Ký, ghi rõ họ tên)", None, None, None, None, "(Ký tên, đóng dấu)"])
        ws.append([None, None, "Phạm Thị Sổ", None, None, None, None, "Vũ Văn Trưởng"])
        ws.append([None, None, None, None, None, None, None, "Đông A, ngày 30 tháng 9 năm 2026"])
    wb.save(HERE / "so_theo_doi_ho_so_TT03_2025.xlsx")
    _write_expected("book", expected)


# --- OpenCPS dossier list (field names of opencps-v2 DossierTerm) ----------------------------
OPENCPS_HEADER = [
    "dossierNo",
    "serviceCode",
    "serviceName",
    "domainName",
    "govAgencyName",
    "applicantName",
    "applicantIdNo",
    "contactTelNo",
    "address",
    "submitDate",
    "receiveDate",
    "dueDate",
    "releaseDate",
    "finishDate",
    "dossierStatus",
    "dossierStatusText",
    "online",
    "viaPostal",
]
# (n, status code, label, canonical, online, received, due, release, finish)
OPENCPS_CASES = [
    # finished on time, handed over after the due date: on time (releaseDate counts)
    (
        1,
        "done",
        "Đã trả kết quả",
        "returned",
        "true",
        "06/10/2025 08:00:00",
        "09/10/2025 17:00:00",
        "09/10/2025 10:00:00",
        "13/10/2025 09:00:00",
    ),
    (
        2,
        "done",
        "Đã trả kết quả",
        "returned",
        "false",
        "06/10/2025 09:00:00",
        "08/10/2025 17:00:00",
        "07/10/2025 16:00:00",
        "08/10/2025 08:00:00",
    ),
    (
        3,
        "releasing",
        "Chờ trả kết quả",
        "resolved",
        "true",
        "07/10/2025 10:00:00",
        "10/10/2025 17:00:00",
        "10/10/2025 16:30:00",
        "",
    ),
    (
        4,
        "releasing",
        "Đã xử lý xong",
        "resolved",
        "false",
        "08/10/2025 08:00:00",
        "09/10/2025 17:00:00",
        "10/10/2025 09:00:00",
        "",
    ),
    (5, "processing", "Đang xử lý", "processing", "true", "20/11/2025 08:00:00", "26/11/2025 17:00:00", "", ""),
    (
        6,
        "interoperating",
        "Đang xử lý liên thông",
        "processing",
        "false",
        "21/11/2025 08:00:00",
        "28/11/2025 17:00:00",
        "",
        "",
    ),
    (7, "waiting", "Chờ bổ sung", "awaiting_supplement", "true", "24/11/2025 08:00:00", "27/11/2025 17:00:00", "", ""),
    (8, "paying", "Chờ thanh toán", "awaiting_payment", "true", "25/11/2025 08:00:00", "28/11/2025 17:00:00", "", ""),
    (
        9,
        "denied",
        "Từ chối xử lý",
        "stopped",
        "false",
        "03/11/2025 08:00:00",
        "06/11/2025 17:00:00",
        "04/11/2025 10:00:00",
        "04/11/2025 10:00:00",
    ),
    (
        10,
        "cancelled",
        "Đã hủy",
        "withdrawn",
        "true",
        "04/11/2025 08:00:00",
        "07/11/2025 17:00:00",
        "05/11/2025 09:00:00",
        "05/11/2025 09:00:00",
    ),
]
for i in range(11, 25):
    OPENCPS_CASES.append(
        (
            i,
            "done",
            "Đã trả kết quả",
            "returned",
            "true" if i % 3 else "false",
            f"{i:02d}/12/2025 08:00:00",
            f"{i:02d}/12/2025 17:00:00",
            f"{i:02d}/12/2025 11:00:00",
            f"{i:02d}/12/2025 15:00:00",
        )
    )


def write_opencps() -> None:
    with open(HERE / "opencps_dossiers.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(OPENCPS_HEADER)
        expected = []
        for n, code, label, status, online, received, due, release, finish in OPENCPS_CASES:
            dossier_no = f"CNTND.{received[8:10]}{received[3:5]}{received[0:2]}.{n:05d}"
            w.writerow(
                [
                    dossier_no,
                    "1.001193",
                    "Chứng thực bản sao từ bản chính" if n % 2 else "Đăng ký khai sinh",
                    "Chứng thực" if n % 2 else "Hộ tịch",
                    "UBND Phường Nam Định",
                    f"Người Dân {n}",
                    f"0360{n:08d}",
                    f"0912{n:06d}",
                    f"Số {n} Hàng Tiện",
                    "",
                    received,
                    due,
                    release,
                    finish,
                    code,
                    label,
                    online,
                    "2" if n % 4 == 0 else "1",
                ]
            )
            expected.append(
                {
                    "case_id": dossier_no,
                    "sector": "Chứng thực" if n % 2 else "Hộ tịch",
                    "status": status,
                    "channel": "online" if online == "true" else "direct",
                    "received_at": _iso(received),
                    "due_at": _iso(due),
                    "finished_at": _iso(release),
                    "returned_at": _iso(finish),
                    "source_sheet": "",
                }
            )
    _write_expected("opencps", expected)


# --- e-PAR/R3 "Sổ theo dõi hồ sơ" (no case id: rejected) -------------------------------------
R3_HEADER = [
    "TT",
    "Họ tên, địa chỉ người nộp hồ sơ",
    "Nội dung công việc cần giải quyết",
    "Người có trách nhiệm giải quyết",
    "Ngày nhận hồ sơ",
    "Ngày hẹn trả hồ sơ",
    "Ngày ký hồ sơ",
    "Người ký hồ sơ",
    "Ngày trả thực tế",
    "Ngày tổ chức, công dân ký nhận lại hồ sơ",
]


def write_r3() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "So theo doi"
    ws.append(["SỔ THEO DÕI HỒ SƠ LĨNH VỰC TƯ PHÁP\nTừ ngày: 01-03-2024\nĐến ngày:31-03-2024"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(R3_HEADER))
    ws["A1"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[1].height = 60
    ws.append(R3_HEADER)
    for c in ws[2]:
        c.font = Font(bold=True)
    for n in range(1, 13):
        ws.append(
            [
                str(n),
                f"Nguyễn Văn {n}, thôn {n}, xã Mỹ Tân",
                "Chứng thực bản sao từ bản chính",
                "Cán bộ tư pháp",
                f"{n:02d}-03-2024",
                f"{n + 1:02d}-03-2024 Từ 13:30 đến 16:00",
                f"{n + 1:02d}-03-2024",
                "Chủ tịch UBND xã",
                f"{n + 1:02d}-03-2024",
                "",
            ]
        )
    wb.save(HERE / "r3_so_theo_doi.xlsx")


# --- A commune's own workbook: one sheet per month, hidden, with footers and group headings -----
MONTHLY_HEADER = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục",
    "Đơn vị giải quyết",
    "Hình thức nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày có kết quả",
    "Ngày trả kết quả",
    "Trạng thái",
    "Ghi chú",
]


def write_monthly() -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    expected = []
    for month in (1, 2, 3):
        ws = wb.create_sheet(f"Tháng {month}")
        ws.append(["UBND XÃ MỸ TÂN"])
        ws.append([f"DANH SÁCH HỒ SƠ THÁNG {month}/2024"])
        ws.append(MONTHLY_HEADER)
        ws.append([None, f"Tháng {month}/2024"])
        n = 0
        groups = (("Hộ tịch", ("Đăng ký khai sinh", "Đăng ký kết hôn")), ("Chứng thực", ("Chứng thực chữ ký",)))
        for sector, procs in groups:
            ws.append([None, f"Lĩnh vực: {sector}"])
            for proc in procs:
                for k in range(3):
                    n += 1
                    day = 2 + n
                    case_id = f"MT-2024{month:02d}-{n:03d}"
                    online = k % 2 == 0
                    late = n == 5
                    received = f"{day:02d}/{month:02d}/2024 08:00"
                    due = f"{day + 2:02d}/{month:02d}/2024"
                    finished = f"{day + (3 if late else 1):02d}/{month:02d}/2024 10:00"
                    ws.append(
                        [
                            n,
                            case_id,
                            proc,
                            "UBND xã Mỹ Tân",
                            "Trực tuyến" if online else "Trực tiếp",
                            received,
                            due,
                            finished,
                            finished,
                            "Đã trả kết quả",
                            None,
                        ]
                    )
                    expected.append(
                        {
                            "case_id": case_id,
                            "sector": sector,  # from the "Lĩnh vực: …" heading above the rows
                            "status": "returned",
                            "channel": "online" if online else "direct",
                            "received_at": _iso(received),
                            "due_at": _iso(due),
                            "finished_at": _iso(finished),
                            "returned_at": _iso(finished),
                            "source_sheet": f"Tháng {month}",
                        }
                    )
        ws.append(["Tổng cộng", None, None, None, None, None, None, None, None, n])
        ws.append([])
        ws.append([None, None, "Người lập biểu", None, None, None, None, None, None, "Chủ tịch UBND xã"])
        ws.append([None, None, "Trần Thị Biểu", None, None, None, None, None, None, "Lê Văn Chủ"])
        ws.append([None, None, None, None, None, None, None, None, None, "Mỹ Tân, ngày 31 tháng 3 năm 2024"])
    wb.views[0].visibility = "hidden"  # saved with its window hidden (Xem → Ẩn), as the commune keeps it
    wb.save(HERE / "so_thang_an.xlsx")
    _write_expected("monthly", expected)


if __name__ == "__main__":
    write_tandan()
    write_tandan_shifted()
    write_book()
    write_opencps()
    write_r3()
    write_monthly()
    print("written:", ", ".join(sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")))
