"""The report text of the seed (section II.1) from the sample warehouse, in md and docx, with the
right words for zero and unknown values; and the CLI around it."""

from __future__ import annotations

import re

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.outputs.figures import NoFigures, connect, find_unit, load_figures
from pipelines.outputs.report import render_markdown
from pipelines.outputs.report_docx import docx_text, write_docx
from pipelines.outputs.vnformat import vn_int, vn_pct
from pipelines.rules.periods import parse_period

SEED_SENTENCES = [
    "Từ ngày 01/01/2024 đến ngày 25/03/2024 đã giải quyết:",
    "Tổng số: 353 TTHC",
    "Qua mạng: 353 hồ sơ",
    "Trước hạn: 345 hồ sơ",
    "Đúng hạn: 8 hồ sơ",
    "Số hóa: 353 hồ sơ",
    "số hóa hồ sơ tỷ lệ đạt 100 %",
    "Tỷ lệ hồ sơ giải quyết trước hạn đạt 97,73 %, trong hạn đạt 2,27 %, không có hồ sơ quá hạn",
    "UBND xã Mỹ Tân đã công khai 101 TTHC",
    "Có 89/101 TTHC được thực hiện trực tuyến mức độ toàn trình",
    "Việc thanh toán trực tuyến được thực hiện đạt tỷ lệ 100 %",
]


def text_for(db, commune: str, period: str, units: int | None = None) -> str:
    """The report text; units None reports by the period's default (units of that time before
    01/07/2025, today's after), 2025 rolls up into today's units."""
    mode = {None: None, 2024: "recorded", 2025: "current"}[units]
    con = connect(db)
    try:
        p = parse_period(period)
        return render_markdown(load_figures(con, find_unit(con, commune, p, mode), p))
    finally:
        con.close()


def test_seed_section_for_my_tan(warehouse):
    text = text_for(warehouse, "Mỹ Tân", "2024-01-01..2024-03-25")
    for sentence in SEED_SENTENCES:
        assert sentence in text, sentence
    assert "Quá hạn:" not in text  # no late line when there is none
    assert "None" not in text and "nan" not in text


def test_docx_reads_back_the_same_text(warehouse, tmp_path):
    con = connect(warehouse)
    try:
        p = parse_period("2024-01-01..2024-03-25")
        fig = load_figures(con, find_unit(con, "13723", p), p)
    finally:
        con.close()
    path = write_docx(fig, tmp_path / "r.docx")
    paragraphs = docx_text(path)
    body = render_markdown(fig, heading=False)
    blocks = [re.sub(r"^### ", "", b.strip()) for b in body.split("\n\n") if b.strip()]
    start = paragraphs.index(blocks[0])
    assert paragraphs[start : start + len(blocks)] == blocks  # the body, as the text has it, inside the frame
    from docx import Document

    assert Document(path).styles["Normal"].font.name == "Times New Roman"


def test_a_period_without_cases_is_no_data_not_zeros(warehouse):
    with pytest.raises(NoFigures) as no:
        text_for(warehouse, "Mỹ Tân", "2023Q1")
    assert "chưa có số liệu" in str(no.value) and "Quý I năm 2023" in str(no.value)


def test_late_cases_are_reported(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        commune, period = con.execute(
            "select commune_name, period from report_form where resolved_late > 0 and sector is null "
            "and period like '____Q_' limit 1"
        ).fetchone()
        late = con.execute(
            "select resolved_late from report_form where commune_name = ? and period = ? and sector is null",
            [commune, period],
        ).fetchone()[0]
    finally:
        con.close()
    text = text_for(warehouse, commune, period)
    assert f"Quá hạn: {late} hồ sơ" in text
    assert "không có hồ sơ quá hạn" not in text
    assert re.search(r"quá hạn \d+,\d\d % \(\d+ hồ sơ\)|quá hạn \d+ % \(\d+ hồ sơ\)", text)


def test_units_2025_rolls_up_into_the_new_ward(warehouse):
    new = text_for(warehouse, "Thiên Trường", "2024Q1", units=2025)
    tan = text_for(warehouse, "Mỹ Tân", "2024Q1")
    trung = text_for(warehouse, "Mỹ Trung", "2024Q1")
    total = lambda t: int(re.search(r"Tổng số: ([\d.]+) TTHC", t).group(1).replace(".", ""))
    assert total(new) == total(tan) + total(trung)
    assert "UBND phường Thiên Trường" in new


@pytest.mark.parametrize(
    "value, text", [(97.7272, "97,73 %"), (100.0, "100 %"), (0.0, "0 %"), (2.27, "2,27 %"), (None, "chưa có số liệu")]
)
def test_vietnamese_percent(value, text):
    assert vn_pct(value) == text


def test_vietnamese_thousands():
    assert vn_int(1234567) == "1.234.567" and vn_int(None) == "chưa có số liệu"


def test_cli_report_and_bad_input(warehouse):
    runner = CliRunner()
    ok = runner.invoke(
        app, ["report", "--commune", "Mỹ Tân", "--period", "2024-01-01..2024-03-25", "--db", str(warehouse)]
    )
    assert ok.exit_code == 0 and "Tổng số: 353 TTHC" in ok.output
    bad = runner.invoke(app, ["report", "--commune", "Mỹ Tân", "--period", "2024Q9", "--db", str(warehouse)])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    unknown = runner.invoke(app, ["report", "--commune", "Hà Nội", "--period", "2024Q1", "--db", str(warehouse)])
    assert unknown.exit_code != 0 and "không tìm thấy" in unknown.output


def test_without_payment_columns_or_catalogue_the_text_says_so(tmp_path, settings):
    from pipelines.run import run_local

    (tmp_path / "x.csv").write_text(
        "Mã hồ sơ,Tên thủ tục,Cơ quan giải quyết,Kênh nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái\n"
        "H1,Khai sinh,UBND xã Mỹ Tân,Trực tuyến,05/01/2024,09/01/2024,08/01/2024,Đã trả kết quả\n",
        encoding="utf-8",
    )
    settings.procedures_file = tmp_path / "no-catalogue.csv"
    run_local([tmp_path / "x.csv"], settings)
    text = text_for(settings.db, "Mỹ Tân", "2024Q1")
    assert "Tỷ lệ thanh toán trực tuyến: chưa có số liệu" in text
    # the payment line says why: the file had neither column, not "no fee was due"
    assert "(các tệp xuất của kỳ này không có cột Phí, lệ phí và cột Thanh toán trực tuyến)" in text
    assert "Số TTHC được công khai: chưa có số liệu (chưa nạp danh mục TTHC của đơn vị)" in text
    assert "Tổng số: 1 TTHC" in text
