"""A district export written by hand, unlike the generator's: other aliases, Windows-1258, ISO and
serial dates, bad rows and conflicting duplicates; the figures must still be right."""

from __future__ import annotations

import duckdb
import openpyxl

from pipelines.reference.communes import Registry
from pipelines.run import run_local
from tests.integration.test_extract_forms import to_cp1258

HEADER = [
    "Số hồ sơ",
    "Thủ tục hành chính",
    "Tên lĩnh vực",
    "Đơn vị tiếp nhận",
    "Hình thức tiếp nhận",
    "Ngày nhận hồ sơ",
    "Hạn giải quyết",
    "Ngày kết thúc xử lý",
    "Tình trạng",
    "Đã số hóa",
    "Người nộp",
    "Địa chỉ",
]
ROWS = [
    # early, online
    [
        "A-1",
        "Khai sinh",
        "HỘ TỊCH",
        "UBND xa My Tan",
        "Qua mạng",
        "2024-01-03T08:00:00+07:00",
        "05/01/2024",
        "04/01/2024 09:00",
        "Đã có kết quả",
        "X",
        "Đinh Văn Khoa",
        "Thôn Một",
    ],
    # late, direct (due 10:00, finished 15:00 the same day)
    [
        "A-2",
        "Chứng thực",
        "Chứng thực",
        "Bộ phận 1 cửa UBND xã Mỹ Tân",
        "Trực tiếp",
        "02/02/2024 08:00",
        "05/02/2024 10:00",
        "05/02/2024 15:00",
        "9",
        "",
        "Đinh Thị Lan",
        "Thôn Hai",
    ],
    # on time on the due day (due without time), postal
    [
        "A-3",
        "Chứng thực",
        "Chứng thực",
        "UBND xã Mỹ Tân",
        "BCCI",
        "45330",
        "45334",
        "45334.6",
        "Hoàn thành",
        "có",
        "Đinh Văn Minh",
        "Thôn Ba",
    ],
    # still being handled at 31/03, due 10/04: within time
    [
        "A-4",
        "Khai tử",
        "Hộ tịch",
        "UBND xã Mỹ Tân",
        "Qua mạng",
        "28/03/2024 10:00",
        "10/04/2024",
        "",
        "Đang giải quyết",
        "",
        "Đinh Văn Nam",
        "Thôn Bốn",
    ],
    # bad: unknown channel and impossible due date
    [
        "A-5",
        "Khai tử",
        "Hộ tịch",
        "UBND xã Mỹ Tân",
        "Fax",
        "28/03/2024 10:00",
        "30/02/2024",
        "",
        "Đang giải quyết",
        "",
        "Đinh Văn Oanh",
        "Thôn Năm",
    ],
    # conflicting duplicates of A-6: both quarantined
    [
        "A-6",
        "Khai sinh",
        "Hộ tịch",
        "UBND xã Mỹ Tân",
        "Qua mạng",
        "04/03/2024 08:00",
        "06/03/2024",
        "05/03/2024",
        "Đã trả",
        "x",
        "Đinh Văn Phúc",
        "Thôn Sáu",
    ],
    [
        "A-6",
        "Khai sinh",
        "Hộ tịch",
        "UBND xã Mỹ Tân",
        "Qua mạng",
        "04/03/2024 08:00",
        "06/03/2024",
        "07/03/2024",
        "Đã trả",
        "x",
        "Đinh Văn Phúc",
        "Thôn Sáu",
    ],
    # identical duplicate of A-1: collapses
]
ROWS.append(list(ROWS[0]))


def test_handwritten_cp1258_csv(tmp_path, settings):
    text = "Sổ theo dõi hồ sơ\r\n" + "\r\n".join("\t".join(r) for r in [HEADER] + ROWS) + "\r\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "so-theo-doi.txt").write_bytes(to_cp1258(text))
    settings.reject_share = 0.5
    summary = run_local([tmp_path / "in"], settings)
    f = summary.files[0]
    assert (f.status, f.read, f.loaded, f.quarantined, f.duplicate) == ("loaded", 8, 4, 3, 1)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        cols = [
            "received_total",
            "received_online",
            "received_offline",
            "resolved_total",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "in_progress_total",
            "in_progress_on_time",
        ]
        row = con.execute(
            f"select {', '.join(cols)} from report_form where period = '2024Q1' and sector is null"
        ).fetchone()
        assert dict(zip(cols, row)) == dict(
            received_total=4,
            received_online=2,
            received_offline=2,
            resolved_total=3,
            resolved_early=1,
            resolved_on_time=1,
            resolved_late=1,
            in_progress_total=1,
            in_progress_on_time=1,
        )
        sectors = {r[0] for r in con.execute("select distinct sector from cases").fetchall()}
        assert sectors == {"Hộ tịch", "Chứng thực"}  # "HỘ TỊCH" is the same sector
        assert con.execute("select count(distinct commune_code) from cases").fetchone() == (1,)
        reasons = sorted(tuple(r[0]) for r in con.execute("select reasons from quarantine").fetchall())
        assert reasons == [
            ("channel_unknown", "due_at_unparseable"),
            ("conflicting_duplicate",),
            ("conflicting_duplicate",),
        ]
        assert con.execute("select source_row from quarantine where case_id = 'A-5'").fetchone() == (7,)
    finally:
        con.close()


def test_handwritten_xlsx_with_leading_sheet_and_formula_like_text(tmp_path, settings):
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Hướng dẫn"
    cover["A1"] = "Tệp này gồm danh sách hồ sơ ở trang sau"
    ws = wb.create_sheet("DS")
    ws.append(HEADER)
    ws.append(
        [
            "B-1",
            '=HYPERLINK("http://x","y")',
            "Hộ tịch",
            "UBND xã Mỹ Hà",
            "Trực tuyến",
            "01/04/2024 08:00",
            "03/04/2024",
            "02/04/2024 08:00",
            "Đã trả",
            "x",
            "Ngô Văn Quý",
            "Xóm Bảy",
        ]
    )
    ws["B2"].data_type = "s"
    wb.save(tmp_path / "x.xlsx")
    summary = run_local([tmp_path / "x.xlsx"], settings)
    assert summary.files[0].loaded == 1
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        sheets = con.execute("select sheets from ingested_files").fetchone()[0]
        assert sheets == ["DS"]
        assert con.execute("select commune_name from cases").fetchone() == ("Mỹ Hà",)
    finally:
        con.close()


def test_same_case_on_two_sheets_at_the_same_row(tmp_path, settings):
    """Row numbers repeat across sheets: an identical case on two sheets at row 2 of each loads
    once (counted as a duplicate); a case that differs between two sheets goes to quarantine."""
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Hộ tịch"
    second = wb.create_sheet("Chứng thực")
    same = [
        "C-1",
        "Khai sinh",
        "Hộ tịch",
        "UBND xã Mỹ Tân",
        "Qua mạng",
        "01/04/2024 08:00",
        "03/04/2024",
        "02/04/2024 08:00",
        "Đã trả",
        "x",
        "Ngô Văn Quý",
        "Xóm Bảy",
    ]
    other = [
        "C-2",
        "Chứng thực",
        "Chứng thực",
        "UBND xã Mỹ Tân",
        "Trực tiếp",
        "02/04/2024 08:00",
        "04/04/2024",
        "03/04/2024 08:00",
        "Đã trả",
        "x",
        "Ngô Thị Hoa",
        "Xóm Tám",
    ]
    changed = list(other)
    changed[7] = "05/04/2024 08:00"
    ok = [
        "C-3",
        "Chứng thực",
        "Chứng thực",
        "UBND xã Mỹ Tân",
        "Trực tiếp",
        "02/04/2024 09:00",
        "04/04/2024",
        "03/04/2024 09:00",
        "Đã trả",
        "x",
        "Ngô Thị Mai",
        "Xóm Chín",
    ]
    for ws, rows in ((first, [same, other, ok]), (second, [same, changed])):
        ws.append(HEADER)
        for r in rows:
            ws.append(r)
    wb.save(tmp_path / "two-sheets.xlsx")
    settings.reject_share = 0.5
    f = run_local([tmp_path / "two-sheets.xlsx"], settings).files[0]
    assert (f.status, f.read, f.loaded, f.quarantined, f.duplicate) == ("loaded", 5, 2, 2, 1)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        assert con.execute("select case_id, source_sheet, source_row from cases order by case_id").fetchall() == [
            ("C-1", "Chứng thực", 2),
            ("C-3", "Hộ tịch", 4),
        ]
        assert con.execute(
            "select case_id, source_sheet, source_row from quarantine order by source_sheet"
        ).fetchall() == [("C-2", "Chứng thực", 3), ("C-2", "Hộ tịch", 3)]
    finally:
        con.close()


def test_an_agency_outside_the_area_loads_without_a_commune(tmp_path, settings):
    """A case of an agency the registry cannot place (another district) still loads, with no
    commune, and the file lists the agency; a blank procedure name stays blank (NULL)."""
    rows = [list(ROWS[0]), list(ROWS[1]), list(ROWS[3])]
    rows[1][3] = "UBND xã Mỹ Hưng"  # not in huyện Mỹ Lộc
    rows[2][1] = " "
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in [HEADER] + rows) + "\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ngoai-dia-ban.csv").write_text(text, encoding="utf-8")
    f = run_local([tmp_path / "in"], settings).files[0]
    assert (f.status, f.read, f.loaded) == ("loaded", 3, 3), f.message
    MY_TAN = Registry.from_settings(settings).resolve("UBND xã Mỹ Tân", "2024").code
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        assert con.execute("select case_id, commune_code, procedure_name from cases order by case_id").fetchall() == [
            ("A-1", MY_TAN, "Khai sinh"),
            ("A-2", None, "Chứng thực"),
            ("A-4", MY_TAN, None),
        ]
        assert (
            con.execute("select unresolved_agencies from ingested_files").fetchone()[0]
            == '{"UBND xã Mỹ Hưng": "unresolved"}'
        )
    finally:
        con.close()


def test_a_blank_or_missing_sector_is_unclassified_not_the_total(tmp_path, settings):
    """NULL sector is the all-sectors row of Biểu 06: a case without a sector must not become one."""
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][2] = ""
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in [HEADER] + rows) + "\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "thieu-linh-vuc.csv").write_text(text, encoding="utf-8")
    no_column = [[c for k, c in enumerate(r) if k != 2] for r in [HEADER] + [list(ROWS[3])]]
    (tmp_path / "in" / "khong-co-cot-linh-vuc.csv").write_text(
        "\n".join(",".join(f'"{c}"' for c in r) for r in no_column) + "\n", encoding="utf-8"
    )
    summary = run_local([tmp_path / "in"], settings)
    assert [f.loaded for f in summary.files] == [1, 2]
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        assert con.execute("select case_id, sector from cases order by case_id").fetchall() == [
            ("A-1", "Hộ tịch"),
            ("A-2", "Chưa phân loại"),
            ("A-4", "Chưa phân loại"),
        ]
        totals = con.execute(
            "select count(*), sum(received_total) from report_form where period = '2024Q1' and sector is null"
        ).fetchone()
        by_sector = con.execute(
            "select sum(received_total) from report_form where period = '2024Q1' and sector is not null"
        ).fetchone()[0]
        assert totals == (1, by_sector) == (1, 3)
    finally:
        con.close()
