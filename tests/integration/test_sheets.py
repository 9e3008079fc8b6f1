"""Per-commune workbooks: every Biểu 06 cell equals report_form (read back with openpyxl and with
calamine), no formula anywhere, the seed's custom period, NULL rates in words, text from the data
that looks like a formula stays text, and the file converts to PDF. All from the session's sample
warehouse (tests/integration/conftest.py); the one test that writes works on a copy."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import duckdb
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pipelines.outputs.figures import FORM_COLUMNS
from pipelines.outputs.sheets import (
    FMT_COUNT,
    FMT_PCT,
    NO_DATA,
    SHEET_FORM,
    SHEET_INDICATORS,
    SHEET_QUALITY,
    SHEET_SERIES,
    safe_text,
    write_sheets,
)
from pipelines.rules.periods import parse_period
from pipelines.warehouse import build

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
FIRST_COL = 3  # received_total is column (3) of the form; the two extras follow column (13)
EVIL = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1:A2)", "\tTab đầu dòng", "\rCR đầu dòng"]


@pytest.fixture(scope="module")
def q1_books(warehouse, tmp_path_factory) -> list[Path]:
    return write_sheets(warehouse, parse_period("2024Q1"), None, tmp_path_factory.mktemp("out"))


def report_form(db: Path, period: str, code: str) -> dict[str | None, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            f"select sector, {', '.join(FORM_COLUMNS)} from report_form where period = ? and commune_code = ?",
            [period, code],
        ).fetchall()
    finally:
        con.close()
    return {r[0]: tuple(r[1:]) for r in rows}


def code_of(path: Path) -> str:
    return re.match(r"bieu06_(\d+)_", path.name)[1]


def form_rows_openpyxl(path: Path) -> dict[str | None, tuple]:
    """Sector (None for "Tổng cộng") -> the 13 numbers, from the rows below the column numbers."""
    ws = openpyxl.load_workbook(path)[SHEET_FORM]
    first = next(r for r in range(1, 40) if ws.cell(r, 1).value == "(1)") + 1
    out: dict[str | None, tuple] = {}
    for r in range(first, ws.max_row + 1):
        name = ws.cell(r, 2).value
        if name is None:
            break
        cells = [ws.cell(r, FIRST_COL + i) for i in range(len(FORM_COLUMNS))]
        assert all(c.data_type == "n" and isinstance(c.value, int) for c in cells), (path.name, r)
        assert all(c.number_format == FMT_COUNT for c in cells)
        out[None if name == "Tổng cộng" else name] = tuple(c.value for c in cells)
        if name == "Tổng cộng":
            break
    return out


def form_rows_calamine(path: Path) -> dict[str | None, tuple]:
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_FORM).to_python()
    first = next(i for i, row in enumerate(grid) if row and row[0] == "(1)") + 1
    out: dict[str | None, tuple] = {}
    for row in grid[first:]:
        if row[1] in ("", None):
            break
        numbers = row[FIRST_COL - 1 : FIRST_COL - 1 + len(FORM_COLUMNS)]
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers), (path.name, row)
        out[None if row[1] == "Tổng cộng" else row[1]] = tuple(int(v) for v in numbers)
        if row[1] == "Tổng cộng":
            break
    return out


def sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def test_one_workbook_per_commune_with_its_tabs(q1_books):
    from pipelines.outputs.sheets import SHEET_766, case_sheet_name
    from pipelines.rules.score766 import metrics

    tabs_766 = [SHEET_766] + [case_sheet_name(m.short_label) for m in metrics() if m.kind == "ratio"]
    assert len(q1_books) == 7
    for p in q1_books:
        assert re.fullmatch(r"bieu06_\d{5}_[a-z0-9-]+_2024Q1\.xlsx", p.name), p.name
        wb = openpyxl.load_workbook(p)
        assert wb.sheetnames == [SHEET_FORM, SHEET_INDICATORS, *tabs_766, SHEET_SERIES, SHEET_QUALITY]
        for ws in wb.worksheets:
            assert ws.page_setup.orientation == "landscape"
            assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.freeze_panes
            fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
            assert fonts == {"Times New Roman"}, (p.name, ws.title, fonts)
    assert any(p.name == "bieu06_13723_my-tan_2024Q1.xlsx" for p in q1_books)


def test_every_form_cell_equals_report_form(q1_books, warehouse):
    for p in q1_books:
        expected = report_form(warehouse, "2024Q1", code_of(p))
        assert None in expected
        assert form_rows_openpyxl(p) == expected, p.name
        assert form_rows_calamine(p) == expected, p.name


def test_sectors_sorted_and_header_numbered(q1_books):
    ws = openpyxl.load_workbook(q1_books[0])[SHEET_FORM]
    numbers_row = next(r for r in range(1, 40) if ws.cell(r, 1).value == "(1)")
    assert [ws.cell(numbers_row, c).value for c in range(1, 14)] == [f"({i})" for i in range(1, 14)]
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"Rút / dừng xử lý (*)", "Không được tiếp nhận (**)"} <= texts
    assert any("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC" in t for t in texts)
    assert any(t.startswith("Đơn vị: UBND xã") for t in texts)
    assert any("Quý I năm 2024" in t and "01/01/2024" in t for t in texts)


def test_no_formula_anywhere(q1_books):
    for p in q1_books:
        for name, xml in sheet_xml(p).items():
            assert "<f>" not in xml and "<f " not in xml, (p.name, name)


def test_seed_period_for_my_tan(warehouse, tmp_path):
    [p] = write_sheets(warehouse, parse_period("2024-01-01..2024-03-25"), ["Mỹ Tân"], tmp_path)
    assert p.name == "bieu06_13723_my-tan_2024-01-01_2024-03-25.xlsx"
    total = dict(zip(FORM_COLUMNS, form_rows_openpyxl(p)[None]))
    assert (total["resolved_total"], total["resolved_early"], total["resolved_on_time"], total["resolved_late"]) == (
        353,
        345,
        8,
        0,
    )
    ws = openpyxl.load_workbook(p)[SHEET_INDICATORS]
    by_code = {ws.cell(r, 7).value: ws.cell(r, 3) for r in range(1, ws.max_row + 1)}
    assert by_code["early_pct"].value == pytest.approx(0.9773)
    assert by_code["early_pct"].number_format == FMT_PCT
    assert by_code["on_time_pct"].value == pytest.approx(0.0227)


def test_null_rate_in_words(warehouse, tmp_path):
    con = duckdb.connect(str(warehouse), read_only=True)
    # a rate without data, of a unit in a quarter it existed in (by key: a GSO code alone names two
    # units across the reform)
    key, period, indicator = con.execute(
        "select i.unit_key, i.period, i.indicator from indicators i join periods p using (period) "
        "where i.sector is null and i.value is null and p.period_kind = 'quarter' and "
        "((i.unit_key like '%@2024' and p.period_end < date '2025-07-01') "
        "or (i.unit_key like '%@2025' and p.period_start >= date '2025-07-01')) order by all limit 1"
    ).fetchone()
    con.close()
    [p] = write_sheets(warehouse, parse_period(period), [key], tmp_path)
    ws = openpyxl.load_workbook(p)[SHEET_INDICATORS]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 7).value == indicator)
    assert ws.cell(row, 3).value == NO_DATA
    assert ws.cell(row, 3).data_type == "s"


def test_safe_text_keeps_text_and_flags_it():
    ws = openpyxl.Workbook().active
    cell = safe_text(ws["A1"], "=1+1")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    cell = safe_text(ws["A2"], "Hộ tịch")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("Hộ tịch", "s", False)


def test_text_from_data_never_becomes_a_formula(warehouse_copy, tmp_path):
    db = warehouse_copy
    con = duckdb.connect(str(db))
    for i, sector in enumerate(EVIL):
        con.execute(
            "insert into cases select * replace (? as case_id, ? as sector) from cases "
            "where commune_code = '13723' and received_at >= '2024-02-01' and finished_at < '2024-03-01' "
            "order by case_id limit 1",
            [f"EVIL-{i}", sector],
        )
    build(con, con.execute("select max(as_of) from runs").fetchone()[0])
    con.close()
    [p] = write_sheets(db, parse_period("2024Q1"), ["13723"], tmp_path / "out")
    assert form_rows_openpyxl(p) == report_form(db, "2024Q1", "13723")
    assert form_rows_calamine(p) == report_form(db, "2024Q1", "13723")
    ws = openpyxl.load_workbook(p)[SHEET_FORM]
    where = {ws.cell(r, 2).value: ws.cell(r, 2) for r in range(1, ws.max_row + 1)}
    root = ET.fromstring(sheet_xml(p)["xl/worksheets/sheet1.xml"])
    for text in EVIL:
        cell = where[text]  # the exact text, read back
        assert cell.data_type == "s" and cell.quotePrefix
        c = root.find(f".//m:c[@r='{cell.coordinate}']", NS)
        assert c.get("t") in ("s", "inlineStr") and c.find("m:f", NS) is None, text
    assert "<f>" not in sheet_xml(p)["xl/worksheets/sheet1.xml"]


def test_converts_to_pdf(q1_books, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("soffice (LibreOffice) không có trên máy này")
    book = next(p for p in q1_books if "my-tan" in p.name)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(book),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    pdf = tmp_path / book.with_suffix(".pdf").name
    assert pdf.exists() and pdf.stat().st_size > 0
