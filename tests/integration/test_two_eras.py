"""Today's map and its history: exports of the old units (2024–06/2025) and of today's units
(from 07/2025), written by hand here, in one warehouse; series as recorded and rolled up to today's
units, reports and sheets in the words of the unit of the period, catalogue and absent-column
figures only where the data says so, and a warehouse built by 0.1.0 migrated."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.outputs.figures import connect, find_unit, load_figures
from pipelines.outputs.quality import quality_report, render_text
from pipelines.outputs.report import render_markdown
from pipelines.outputs.sheets import write_sheets
from pipelines.rules.periods import parse_period
from pipelines.run import run_local
from tests.paths import REPO

HEADER_OLD = (
    "Mã hồ sơ;Tên thủ tục;Lĩnh vực;Cơ quan giải quyết;Kênh nộp;"
    "Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái;Số hóa"
)
OLD_ROWS = [  # the units of that time, as a 2024 one-stop system printed them
    "A-1;Đăng ký khai sinh;Hộ tịch;UBND xã Mỹ Tân;Trực tuyến;"
    "02/10/2024 08:00;07/10/2024;04/10/2024 09:00;Đã trả kết quả;Có",
    "A-2;Chứng thực bản sao;Chứng thực;Ủy ban nhân dân xã Mỹ Tân;Trực tiếp;"
    "03/10/2024 08:00;03/10/2024;03/10/2024 16:00;Đã trả kết quả;Có",
    "A-3;Đăng ký khai tử;Hộ tịch;Bộ phận một cửa xã Mỹ Trung;Trực tuyến;"
    "10/11/2024 08:00;15/11/2024;18/11/2024 09:00;Đã trả kết quả;Không",
    "A-4;Đăng ký kết hôn;Hộ tịch;UBND xã Mỹ Trung;Trực tuyến;20/06/2025 08:00;27/06/2025;;Đang xử lý;Có",
    "A-5;Đăng ký khai sinh;Hộ tịch;UBND xã Mỹ Lộc;Trực tiếp;"
    "12/05/2025 08:00;15/05/2025;14/05/2025 10:00;Đã trả kết quả;Có",
]
HEADER_NEW = (
    "Mã hồ sơ;Tên thủ tục;Lĩnh vực;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
)
NEW_ROWS = [  # today's provincial system: today's names, no "Số hóa" column
    "A-4;Đăng ký kết hôn;Hộ tịch;UBND phường Thiên Trường;"
    "Trực tuyến;20/06/2025 08:00;27/06/2025;02/07/2025 10:00;Đã trả kết quả",
    "B-1;Đăng ký khai sinh;Hộ tịch;UBND phường Thiên Trường;"
    "Trực tuyến;02/10/2026 08:00;07/10/2026;05/10/2026 09:00;Đã trả kết quả",
    "B-2;Chứng thực bản sao;Chứng thực;Trung tâm Phục vụ hành chính công phường Thiên Trường;"
    "Trực tiếp;05/10/2026 08:00;05/10/2026;05/10/2026 15:00;Đã trả kết quả",
    "B-3;Đăng ký khai tử;Hộ tịch;Ủy ban nhân dân phường Phủ Lý;"
    "Trực tuyến;06/10/2026 08:00;09/10/2026;12/10/2026 09:00;Đã trả kết quả",
    "B-4;Đăng ký khai sinh;Hộ tịch;UBND xã Gia Viễn;Trực tuyến;07/10/2026 08:00;10/10/2026;;Đang xử lý",
    "B-5;Đăng ký khai sinh;Hộ tịch;Phường Mỹ Lộc;"
    "Trực tuyến;08/10/2026 08:00;13/10/2026;09/10/2026 08:00;Đã trả kết quả",
    "B-6;Đăng ký khai sinh;Hộ tịch;phường Nam Định;"
    "Trực tuyến;09/10/2026 08:00;13/10/2026;09/10/2026 11:00;Đã trả kết quả",
]
CHECKS = (REPO / "sql" / "checks" / "report_form_identities.sql").read_text(encoding="utf-8")


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def two_eras(tmp_path_factory):
    from pipelines.config import Settings

    tmp = tmp_path_factory.mktemp("eras")
    catalogue = tmp / "danh-muc.csv"  # the procedures of xã Mỹ Tân only
    catalogue.write_text(
        "Mã TTHC,Tên thủ tục hành chính,Mức độ DVC,Cấp thực hiện,Áp dụng cho\n"
        "1.001193,Đăng ký khai sinh,Toàn trình,Cấp xã,xã Mỹ Tân\n"
        "2.000815,Chứng thực bản sao,Một phần,Cấp xã,xã Mỹ Tân\n",
        encoding="utf-8",
    )
    s = Settings.load(
        config_file=tmp / "none.toml",
        db=tmp / "w.duckdb",
        stage=tmp / "stage",
        out=tmp / "out",
        province="Ninh Bình",
        procedures_file=catalogue,
        settle_seconds=0,
    )
    old = _write(tmp / "2025-07-01_my-loc.csv", HEADER_OLD, OLD_ROWS)
    new = _write(tmp / "2026-12-01_ninh-binh.csv", HEADER_NEW, NEW_ROWS)
    summary = run_local([old, new], s)
    assert [f.status for f in summary.files] == ["loaded", "loaded"]
    return s


def _q(db, sql, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _text(db, commune, period, units=None):
    con = connect(db)
    try:
        p = parse_period(period)
        return render_markdown(load_figures(con, find_unit(con, commune, p, units), p))
    finally:
        con.close()


def test_every_name_form_resolves_by_date(two_eras):
    units = dict(_q(two_eras.db, "select case_id, unit_key from cases"))
    assert units == {
        "A-1": "13723@2024",
        "A-2": "13723@2024",
        "A-3": "13720@2024",
        "A-5": "13735@2024",  # xã Mỹ Lộc
        "A-4": "13684@2025",  # re-listed under today's unit with its later state: the newest snapshot wins
        "B-1": "13684@2025",
        "B-2": "13684@2025",
        "B-3": "13285@2025",
        "B-4": "14464@2025",
        "B-5": "13708@2025",
        "B-6": "13669@2025",  # phường Mỹ Lộc; phường Nam Định (a former province's name)
    }
    assert _q(two_eras.db, "select unresolved_agencies from ingested_files") == [("{}",), ("{}",)]


def test_the_same_code_never_mixes_two_units(two_eras):
    rows = _q(two_eras.db, "select distinct unit_key, commune_name from report_form where commune_code = '13684'")
    assert rows == [("13684@2025", "Thiên Trường")]
    keys = _q(
        two_eras.db,
        "select count(*) from (select unit_key, period, sector from report_form group by all having count(*) > 1)",
    )
    assert keys == [(0,)]


def test_a_series_across_the_reform_as_recorded_and_rolled_up(two_eras):
    sql = (
        "select unit_key, period, received_total, resolved_total from report_form_for(tthc_period_list('periods'), "
        "timestamp '2026-12-01 00:00', units := ?) where sector is null and unit_key in "
        "('13723@2024', '13720@2024', '13684@2025') and period like '____Q_' order by period, unit_key"
    )
    recorded = _q(two_eras.db, sql, ["recorded"])
    current = _q(two_eras.db, sql, ["current"])
    assert ("13723@2024", "2024Q4", 2, 2) in recorded and ("13720@2024", "2024Q4", 1, 1) in recorded
    assert ("13684@2025", "2024Q4", 3, 3) in current  # Mỹ Tân + Mỹ Trung under Thiên Trường
    assert {k for k, *_ in current} == {"13684@2025"}
    assert ("13684@2025", "2026Q4", 2, 2) in current and ("13684@2025", "2026Q4", 2, 2) in recorded
    # both ways count every case once: the totals of a period are the same
    totals = (
        "select period, sum(received_total) from report_form_for(tthc_period_list('periods'), null, units := ?) "
        "where sector is null group by period order by period"
    )
    assert _q(two_eras.db, totals, ["recorded"]) == _q(two_eras.db, totals, ["current"])
    # and the Biểu 06 identities hold in both
    for mode in ("recorded", "current"):
        con = duckdb.connect(str(two_eras.db), read_only=True)
        con.execute(
            f"create temp table report_form as select * from report_form_for(tthc_period_list('periods'), "
            f"null, units := '{mode}')"
        )
        assert con.execute(CHECKS.replace("from report_form", "from temp.report_form")).fetchall() == []
        con.close()


def test_report_for_a_new_unit_in_a_quarter_of_today(two_eras):
    text = _text(two_eras.db, "Thiên Trường", "2026Q4")
    assert "Tổng số: 2 TTHC" in text and "Trước hạn: 1 hồ sơ" in text and "Đúng hạn: 1 hồ sơ" in text
    assert "UBND xã" not in text and "của xã" not in text
    # no "Số hóa" column in today's export: unknown, never 0 %
    assert "Số hóa: chưa có số liệu" in text and "số hóa hồ sơ tỷ lệ đạt 0 %" not in text
    assert "Tỷ lệ số hóa hồ sơ: chưa có số liệu (các tệp xuất không có cột Số hóa)" in text
    # the catalogue covers xã Mỹ Tân only
    assert "Số TTHC được công khai: chưa có số liệu (chưa nạp danh mục TTHC của đơn vị)" in text
    assert "đã công khai" not in text


def test_report_for_an_old_unit_in_an_old_period(two_eras):
    text = _text(two_eras.db, "Mỹ Tân", "2024Q4")
    assert "Tổng số: 2 TTHC" in text and "Số hóa: 2 hồ sơ" in text
    assert "UBND xã Mỹ Tân đã công khai 2 TTHC trên trang TTĐT của xã" in text
    assert "13684" not in text and "Thiên Trường" not in text


def test_an_old_name_for_a_period_of_today_reports_its_new_unit_and_says_so(two_eras):
    text = _text(two_eras.db, "Mỹ Tân", "2026Q4")
    assert "Xã Mỹ Tân nay thuộc phường Thiên Trường (từ 01/07/2025): số liệu tính theo phường Thiên Trường." in text
    assert "Tổng số: 2 TTHC" in text


def test_a_period_across_the_reform_rolls_up_and_says_so(two_eras):
    text = _text(two_eras.db, "Thiên Trường", "2025")
    assert "Kỳ báo cáo bắt đầu trước ngày 01/07/2025" in text
    assert "Tổng số: 1 TTHC" in text  # A-4, finished 02/07/2025 under the new unit


def test_a_new_unit_for_a_period_before_the_reform_sums_its_predecessors(two_eras):
    text = _text(two_eras.db, "Thiên Trường", "2024Q4")
    assert "được thành lập từ 01/07/2025" in text and "xã Mỹ Tân" in text and "xã Mỹ Trung" in text
    assert "Tổng số: 3 TTHC" in text


def test_sheets_are_named_and_worded_for_the_unit_of_the_period(two_eras, tmp_path):
    import openpyxl

    today = write_sheets(two_eras.db, parse_period("2026Q4"), None, tmp_path / "q4")
    names = sorted(p.name for p in today)
    assert "bieu06_13684_thien-truong_2026Q4.xlsx" in names and not any("loc-ha" in n for n in names)
    assert "bieu06_13708_my-loc_2026Q4.xlsx" in names and "bieu06_13669_nam-dinh_2026Q4.xlsx" in names
    ws = openpyxl.load_workbook(tmp_path / "q4" / "bieu06_13684_thien-truong_2026Q4.xlsx")["Biểu 06"]
    assert ws["A1"].value == "Đơn vị: UBND phường Thiên Trường (13684@2025)"
    then = write_sheets(two_eras.db, parse_period("2024Q4"), None, tmp_path / "old")
    assert sorted(p.name for p in then) == ["bieu06_13720_my-trung_2024Q4.xlsx", "bieu06_13723_my-tan_2024Q4.xlsx"]
    series = openpyxl.load_workbook(tmp_path / "q4" / "bieu06_13684_thien-truong_2026Q4.xlsx")["Theo quý"]
    quarters = [r[0] for r in series.iter_rows(min_row=6, values_only=True) if r[0]]
    assert quarters[0] == "Quý IV/2024" and "Quý IV/2026" in quarters  # continuous across the reform


def test_the_quality_report_names_the_columns_a_file_lacked(two_eras):
    con = duckdb.connect(str(two_eras.db), read_only=True)
    try:
        text = render_text(quality_report(con))
    finally:
        con.close()
    lines = dict(line.split(" — ", 1) for line in text.splitlines() if line.startswith("• "))
    assert set(lines) == {"• 2025-07-01_my-loc.csv", "• 2026-12-01_ninh-binh.csv"}
    new_file = text[text.index("• 2026-12-01_ninh-binh.csv") :]
    old_file = text[text.index("• 2025-07-01_my-loc.csv") : text.index("• 2026-12-01_ninh-binh.csv")]
    assert "Tệp không có cột (giá trị chưa biết, không tính là «không»)" in new_file
    missing = next(line for line in new_file.splitlines() if "Tệp không có cột" in line)
    assert "Số hóa" in missing and "Thanh toán trực tuyến" in missing
    assert "Số hóa" not in next((line for line in old_file.splitlines() if "Tệp không có cột" in line), "")


def test_a_warehouse_built_by_0_1_0_migrates_without_its_inputs(tmp_path, settings):
    """The first run of today's code on a 0.1.0 warehouse (one era, keyed by code, storage 69)
    gives every case its unit from the warehouse's own tables."""
    db = tmp_path / "old.duckdb"
    with gzip.open(REPO / "tests" / "fixtures" / "warehouse_0_1_0.duckdb.gz") as src, open(db, "wb") as dst:
        shutil.copyfileobj(src, dst)
    settings.db = db
    run_local([], settings)  # a night with no new file
    cases = dict(_q(db, "select case_id, unit_key from cases"))
    assert cases["OLD-5"] == "13684@2025"  # the old code had it as 13684 "Thiên Trường"
    assert cases["OLD-6"] == "13684@2024"  # and this one as 13684 "Lộc Hạ"
    assert cases["OLD-1"] == cases["OLD-2"] == "13723@2024"
    assert _q(db, "select build_mode, code_version from runs order by started_at")[-1][0] == "full"
    assert _q(
        db,
        "select sum(received_total) from report_form_between(date '2024-01-01', date '2026-12-31', "
        "units := 'current') where sector is null",
    ) == [(6,)]
