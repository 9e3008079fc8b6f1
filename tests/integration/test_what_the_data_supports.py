"""Never a number the data cannot support, and documents an official can sign (issue 18).

On the shipped sample (huyện Mỹ Lộc until 30/06/2025, then phường Thiên Trường and its neighbours):
a period without data, a future period, a unit that did not exist then are "chưa có số liệu" with
the reason and exit 1; every report and sheet names the unit (official name and key) and the period
at the top; a bare GSO code is resolved for the period asked and named; a roll-up names the
predecessors the warehouse has no case of; a unit's series ends when the unit did; an unknown unit
gets the closest names. The Biểu 06 sheet ends with the form's signature block and "Địa bàn" in
full; the .docx is in the frame of Nghị định 30/2020/NĐ-CP; times are local.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.outputs.figures import connect, find_unit, load_figures
from pipelines.outputs.sheets import SHEET_FORM, SHEET_INDICATORS, SHEET_QUALITY, SHEET_SERIES, write_sheets
from pipelines.rules.periods import parse_period


def _cli(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(app, list(args))
    return done.exit_code, " ".join(done.output.split())


def _one(db, sql, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def test_a_period_before_the_data_is_no_data_with_the_reason(warehouse):
    first = _one(warehouse, "select min(received_at)::date from cases")[0]
    assert first > date(2023, 3, 31)  # the sample starts in 2024
    code, out = _cli("report", "-c", "Mỹ Tân", "-p", "2023Q1", "--db", str(warehouse))
    assert code == 1, out
    assert "chưa có số liệu" in out and f"từ ngày {first:%d/%m/%Y}" in out
    assert "Tổng số" not in out and "0 TTHC" not in out


def test_a_future_period_is_no_data(warehouse):
    year = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year + 1
    code, out = _cli("report", "-c", "Thiên Trường", "-p", f"{year}Q4", "--db", str(warehouse))
    assert code == 1 and "kỳ báo cáo chưa bắt đầu" in out, out


def test_sheets_of_a_period_without_data_write_nothing_and_exit_1(warehouse, tmp_path):
    code, out = _cli("sheets", "-p", "2023Q1", "--db", str(warehouse), "--out", str(tmp_path))
    assert code == 1 and "chưa có số liệu" in out, out
    assert list(tmp_path.iterdir()) == []


def test_a_unit_that_did_not_exist_then_is_no_data(warehouse):
    """xã Mỹ Tân as recorded (no roll-up) for a quarter after the reform: it no longer existed, even
    though the warehouse still holds 4 of its cases in progress (re-listing stopped)."""
    left = _one(warehouse, "select count(*) from cases where unit_key = '13723@2024' and finished_at is null")[0]
    assert left > 0  # the old unit has open cases: a naive sum would print them for 2026
    code, out = _cli("report", "-c", "Mỹ Tân", "--units", "recorded", "-p", "2026Q3", "--db", str(warehouse))
    assert code == 1, out
    assert "không còn là đơn vị hành chính từ 01/07/2025" in out and "phường Thiên Trường" in out


def test_a_bare_code_is_the_unit_of_the_period_asked_and_named(warehouse):
    code, out = _cli("report", "-c", "13684", "-p", "2026Q3", "--db", str(warehouse))
    assert code == 0, out
    assert out.startswith("Đơn vị: UBND phường Thiên Trường (13684@2025). Kỳ báo cáo: Quý III năm 2026")
    assert "phường Lộc Hạ (13684@2024)" in out  # the other unit of the same code is named
    # before the reform 13684 is phường Lộc Hạ, which the sample has no case of
    assert _one(warehouse, "select count(*) from cases where unit_key = '13684@2024'")[0] == 0
    code, out = _cli("report", "-c", "13684", "-p", "2024Q1", "--db", str(warehouse))
    assert code == 1 and "UBND phường Lộc Hạ (13684@2024)" in out and "chưa có số liệu" in out, out
    assert "phường Thiên Trường (13684@2025)" in out


def test_a_roll_up_names_the_predecessors_without_data(warehouse):
    olds = dict(
        duckdb.connect(str(warehouse), read_only=True)
        .execute(
            "select c.commune_name, count(k.case_id) from communes c left join cases k on k.unit_key = c.unit_key "
            "and k.received_at < date '2024-04-01' where c.successor_key = '13684@2025' group by 1"
        )
        .fetchall()
    )
    assert olds["Lộc Hạ"] == 0 and olds["Mỹ Tân"] > 0 and olds["Mỹ Trung"] > 0
    code, out = _cli("report", "-c", "Thiên Trường", "-p", "2024Q1", "--db", str(warehouse))
    assert code == 0, out
    assert "chưa có hồ sơ của phường Lộc Hạ" in out and "chưa phải của toàn bộ phường Thiên Trường" in out
    assert "(xã Mỹ Trung, xã Mỹ Tân)" in out


def test_an_unknown_unit_gets_the_closest_names(warehouse):
    code, out = _cli("report", "-c", "Thien Truongg", "-p", "2026Q3", "--db", str(warehouse))
    assert code == 1 and "có phải phường Thiên Trường (13684@2025)" in out, out


@pytest.fixture(scope="module")
def my_tan_q1(warehouse, tmp_path_factory):
    """xã Mỹ Tân's workbook for 2024Q1, as `tthc sheets` writes it."""
    out = tmp_path_factory.mktemp("sheets")
    code, said = _cli("sheets", "-p", "2024Q1", "-c", "Mỹ Tân", "--db", str(warehouse), "--out", str(out))
    assert code == 0, said
    [path] = out.glob("*.xlsx")
    return path


def test_every_tab_names_the_unit_and_the_period_at_the_top(my_tan_q1):
    wb = openpyxl.load_workbook(my_tan_q1)
    for tab in (SHEET_FORM, SHEET_INDICATORS, SHEET_SERIES, SHEET_QUALITY):
        top = " ".join(str(c) for row in wb[tab].iter_rows(max_row=5, values_only=True) for c in row if c)
        assert "UBND xã Mỹ Tân (13723@2024)" in top, tab
        assert "Quý I năm 2024" in top, tab


def test_the_form_ends_with_its_signature_block_and_the_area_in_full(my_tan_q1):
    ws = openpyxl.load_workbook(my_tan_q1)[SHEET_FORM]
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c]
    assert ws["A2"].value == "Địa bàn: xã Mỹ Tân, huyện Mỹ Lộc, tỉnh Nam Định"
    assert "NGƯỜI LẬP BIỂU" in cells, cells[-8:]
    tail = cells[cells.index("NGƯỜI LẬP BIỂU") - 1 :]
    assert tail == [
        "Mỹ Tân, ngày … tháng … năm …",
        "NGƯỜI LẬP BIỂU",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "(Ký, ghi rõ họ tên)",
        "(Ký tên, đóng dấu)",
    ]  # no names set: room to sign, nothing invented


def test_the_signers_names_come_from_settings(warehouse, tmp_path):
    from pipelines.outputs.signing import Signing

    signing = Signing(preparer_name="Trần Thị Bình", signer_name="Nguyễn Hữu Lệ")
    [path] = write_sheets(warehouse, parse_period("2024Q1"), ["Mỹ Tân"], tmp_path, signing)
    cells = [str(c) for row in openpyxl.load_workbook(path)[SHEET_FORM].iter_rows(values_only=True) for c in row if c]
    assert cells[-2:] == ["Trần Thị Bình", "Nguyễn Hữu Lệ"]


def test_a_unit_series_stops_where_the_unit_stopped(my_tan_q1, warehouse):
    materialised = _one(
        warehouse,
        "select max(f.period_start) from report_form f join periods p using (period) "
        "where f.unit_key = '13723@2024' and p.period_kind = 'quarter'",
    )[0]
    assert materialised > date(2025, 7, 1)  # the warehouse holds Mỹ Tân rows after the reform
    ws = openpyxl.load_workbook(my_tan_q1)[SHEET_SERIES]
    quarters = [r[0] for r in ws.iter_rows(min_row=6, values_only=True) if r[0] and str(r[0]).startswith("Quý")]
    assert quarters[0] == "Quý I/2024" and quarters[-1] == "Quý II/2025"


def test_sheet_times_are_local_and_one_reading_time_per_workbook(warehouse_copy, tmp_path):
    """The deployment's time zone decides the time written (Pacific/Kiritimati is UTC+14, so a
    machine clock could never pass for it), and the Biểu 06 tab and the series tab read the same
    build (runs.as_of)."""
    con = duckdb.connect(str(warehouse_copy))
    con.execute("update deployment set timezone = 'Pacific/Kiritimati'")
    as_of = con.execute("select max(as_of) from runs").fetchone()[0]
    con.close()
    before = datetime.now(ZoneInfo("Pacific/Kiritimati")).replace(tzinfo=None, second=0, microsecond=0)
    [path] = write_sheets(warehouse_copy, parse_period("2026Q3"), ["Thiên Trường"], tmp_path)
    after = datetime.now(ZoneInfo("Pacific/Kiritimati")).replace(tzinfo=None) + timedelta(minutes=1)
    wb = openpyxl.load_workbook(path)
    form = " ".join(str(c) for row in wb[SHEET_FORM].iter_rows(values_only=True) for c in row if c)
    made = re.search(r"bảng lập lúc (\d\d:\d\d ngày \d\d/\d\d/\d{4})", form)
    assert made, form[-600:]
    assert before <= datetime.strptime(made[1], "%H:%M ngày %d/%m/%Y") <= after
    reading = f"{as_of:%H:%M ngày %d/%m/%Y}"
    assert f"Số liệu tính đến {reading}" in form
    series = " ".join(str(c) for row in wb[SHEET_SERIES].iter_rows(max_row=4, values_only=True) for c in row if c)
    assert reading in series


def test_the_quality_report_writes_numbers_vietnamese_style(warehouse):
    read = _one(warehouse, "select max(rows_read) from ingested_files where file_name like '2026-12-01_ninh-binh%'")[0]
    assert read >= 1000
    code, out = _cli("quality", "--db", str(warehouse))
    assert code == 0
    assert f"đọc {read:,}".replace(",", ".") in out and f"đọc {read} " not in out


def _docx(warehouse, tmp_path, signing=None):
    from pipelines.outputs.report_docx import write_docx

    con = connect(warehouse)
    try:
        p = parse_period("2024Q1")
        fig = load_figures(con, find_unit(con, "Mỹ Tân", p), p)
    finally:
        con.close()
    return write_docx(fig, tmp_path / "bao-cao.docx", signing)


def test_the_docx_is_in_the_frame_of_decree_30(warehouse, tmp_path):
    from pipelines.outputs.report_docx import docx_text

    lines = docx_text(_docx(warehouse, tmp_path))
    frame = [
        "ỦY BAN NHÂN DÂN",
        "XÃ MỸ TÂN",
        "Số: …/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Mỹ Tân, ngày … tháng … năm …",
        "BÁO CÁO",
        "Kết quả cải cách thủ tục hành chính",
        "Quý I năm 2024 (từ ngày 01/01/2024 đến ngày 31/03/2024)",
        "Kính gửi: …",  # no recipient set: a blank, never invented
        "1. Cải cách thủ tục hành chính (TTHC)",
        "Nơi nhận:",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "…",  # the signer's name, blank
    ]
    at = [lines.index(x) for x in frame]
    assert at == sorted(at), lines


def test_the_docx_takes_its_names_from_settings(warehouse, tmp_path):
    from pipelines.outputs.report_docx import docx_text
    from pipelines.outputs.signing import Signing

    signing = Signing(
        report_to=("UBND tỉnh Ninh Bình",), recipients=("Văn phòng UBND tỉnh",), signer_name="Nguyễn Hữu Lệ"
    )
    lines = docx_text(_docx(warehouse, tmp_path, signing))
    assert "Kính gửi: UBND tỉnh Ninh Bình" in lines
    nơi_nhận = lines[lines.index("Nơi nhận:") :]
    assert nơi_nhận[1:4] == ["- Như trên;", "- Văn phòng UBND tỉnh;", "- Lưu: VT."]
    assert lines[-1] == "Nguyễn Hữu Lệ"


@pytest.mark.slow
def test_the_sheet_and_the_docx_open_in_libreoffice_with_frame_and_signature(my_tan_q1, warehouse, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.fail("LibreOffice (soffice) and pdftotext are needed: apt-get install libreoffice-calc poppler-utils")
    docx = _docx(warehouse, tmp_path)
    for source in (my_tan_q1, docx):
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
             "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip

    def text(name: str) -> str:
        return " ".join(
            subprocess.run(
                ["pdftotext", str(tmp_path / name), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )

    sheet, report = text(my_tan_q1.with_suffix(".pdf").name), text("bao-cao.pdf")
    resolved = _one(
        warehouse,
        "select resolved_total from report_form where unit_key = '13723@2024' and period = '2024Q1' and sector is null",
    )[0]
    for words in ("Địa bàn: xã Mỹ Tân, huyện Mỹ Lộc, tỉnh Nam Định", "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ",
                  "Mỹ Tân, ngày … tháng … năm …"):  # fmt: skip
        assert words in sheet, words
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: …/BC-UBND", "BÁO CÁO",
                  "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", f"Tổng số: {resolved} TTHC"):  # fmt: skip
        assert words in report, words
