"""The dashboard as a person sees it: pages written from a hand-made export, opened in headless
Chromium (Debian's package, through its DevTools protocol), read after scripts ran; the one-page
brief read back with pdftotext.

The export (a DVCQG-style list, semicolons, with the applicant's name, ID and phone that must never
reach a page) holds, for Tháng 11 năm 2026:

- phường Thiên Trường: TT-01 early, TT-02 on time (finished on its due day), TT-03 late; TT-04 due
  18/11 still open (overdue at 30/11); TT-05 due 10/12 still open (within time). Received 5,
  resolved 3 (1 / 1 / 1), in progress 2 (1 overdue), online 3 of 5 → on-time rate
  (early + on time + open within time) / received = 3 / 5 = 60 %; online 60 %.
- phường Đông A: DA-01, DA-02 early → 2 / 2 = 100 %: rank 1, Thiên Trường rank 2 of 2.
- before the reform, May 2025: xã Mỹ Tân MT-01 early, xã Mỹ Trung MTR-01 late; both became
  phường Thiên Trường, so its series shows 05/2025 rolled up: 2 resolved, 1 early, 1 late.

Screenshots of the province page and of Thiên Trường's page are kept as artefacts
(`TTHC_ARTEFACTS`, else the session's pytest folder).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipelines.config import Settings
from pipelines.outputs.dashboard import write_dashboard
from pipelines.outputs.dashboard.browser import Browser, find_chromium
from pipelines.rules.periods import parse_period
from pipelines.run import run_local

pytestmark = pytest.mark.slow

HEADER = (
    "Mã hồ sơ;Tên thủ tục;Lĩnh vực;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;"
    "Trạng thái;Người nộp;Số CCCD;Số điện thoại"
)
ROWS = [
    "TT-01;Đăng ký khai sinh;Hộ tịch;UBND phường Thiên Trường;Trực tuyến;02/11/2026 08:00;06/11/2026;"
    "04/11/2026 09:00;Đã trả kết quả;Trần Văn Bảy;036201009999;0912345678",
    "TT-02;Chứng thực bản sao;Chứng thực;UBND phường Thiên Trường;Trực tuyến;03/11/2026 08:00;05/11/2026;"
    "05/11/2026 15:00;Đã trả kết quả;Lê Thị Tám;036201008888;0912000111",
    "TT-03;Đăng ký kết hôn;Hộ tịch;UBND phường Thiên Trường;Trực tiếp;09/11/2026 08:00;10/11/2026;"
    "12/11/2026 10:00;Đã trả kết quả;Phạm Văn Chín;036201007777;0913000222",
    "TT-04;Đăng ký khai tử;Hộ tịch;UBND phường Thiên Trường;Trực tuyến;16/11/2026 08:00;18/11/2026;;"
    "Đang xử lý;Đỗ Thị Mười;036201006666;0914000333",
    "TT-05;Chứng thực chữ ký;Chứng thực;UBND phường Thiên Trường;Trực tiếp;25/11/2026 08:00;10/12/2026;;"
    "Đang xử lý;Vũ Văn Một;036201005555;0915000444",
    "DA-01;Đăng ký khai sinh;Hộ tịch;UBND phường Đông A;Trực tuyến;02/11/2026 08:00;06/11/2026;"
    "03/11/2026 10:00;Đã trả kết quả;Ngô Thị Hai;036201004444;0916000555",
    "DA-02;Đăng ký khai sinh;Hộ tịch;UBND phường Đông A;Trực tuyến;05/11/2026 08:00;09/11/2026;"
    "06/11/2026 10:00;Đã trả kết quả;Hoàng Văn Ba;036201003333;0917000666",
    "MT-01;Đăng ký khai sinh;Hộ tịch;UBND xã Mỹ Tân;Trực tuyến;05/05/2025 08:00;08/05/2025;07/05/2025 10:00;"
    "Đã trả kết quả;Bùi Thị Bốn;036201002222;0918000777",
    "MTR-01;Chứng thực bản sao;Chứng thực;UBND xã Mỹ Trung;Trực tiếp;12/05/2025 08:00;14/05/2025;"
    "16/05/2025 10:00;Đã trả kết quả;Đinh Văn Năm;036201001111;0919000888",
]
# a row the run quarantines (31/02 does not exist): it counts in Thiên Trường's data quality
BAD = (
    "TT-09;Đăng ký khai sinh;Hộ tịch;UBND phường Thiên Trường;Trực tuyến;31/02/2026 08:00;06/03/2026;;"
    "Đang xử lý;Lý Văn Sáu;036201000000;0910000999"
)
PERSONAL = ["Trần Văn Bảy", "036201009999", "0912345678", "Vũ Văn Một", "0919000888", "Lý Văn Sáu"]
NOVEMBER = parse_period("2026-11")


def _chromium() -> None:
    if find_chromium() is None and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")


def artefacts(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("TTHC_ARTEFACTS") or tmp_path_factory.getbasetemp() / "artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Settings, Path]:
    tmp = tmp_path_factory.mktemp("dash")
    export = tmp / "ds-ho-so_2026-12-01.csv"
    export.write_text(HEADER + "\n" + "\n".join([*ROWS, BAD]) + "\n", encoding="utf-8")
    s = Settings.load(config_file=tmp / "none.toml", db=tmp / "w.duckdb", stage=tmp / "stage", out=tmp / "out")
    summary = run_local([export], s)
    assert summary.count("loaded") == 1 and summary.files[0].loaded == len(ROWS)
    assert summary.files[0].quarantined == 1
    return s, tmp


def _text_of(page: Path) -> tuple[str, object]:
    with Browser() as b:
        visit = b.open(page).visit()
    return visit.text, visit


def _assert_clean(visit) -> None:
    """No console error, no request that is not the page's own file."""
    assert visit.console_errors == []
    assert visit.blocked == []
    assert visit.requests and all(u.startswith("file:") for u in visit.requests), visit.requests
    assert visit.charts >= 1


def test_pages_show_the_units_figures_and_print_a_one_page_brief(built, tmp_path_factory):
    _chromium()
    s, tmp = built
    written = write_dashboard(s, NOVEMBER)
    folder = written.folder
    assert written.pdf_skipped is None
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "13684_thien-truong.html",
        "13684_thien-truong.pdf",
        "13693_dong-a.html",
        "13693_dong-a.pdf",
        "index.html",
    ]
    keep = artefacts(tmp_path_factory)
    with Browser() as b:
        tab = b.open(folder / "index.html")
        province = tab.visit()
        tab.screenshot(keep / "dashboard_test_province.png")
        tab.goto(folder / "13684_thien-truong.html")
        unit = tab.visit()
        tab.screenshot(keep / "dashboard_test_unit.png")
        tab.evaluate("document.querySelector('#trend summary').click()")  # open the month table, as a reader would
        unit_opened = tab.evaluate("document.body.innerText")
        # the table sorts by a click (the page's only script) and still reads right
        tab.goto(folder / "index.html")
        tab.evaluate("document.querySelectorAll('#units th')[6].click()")
        order = tab.evaluate("[...document.querySelectorAll('#units tbody tr')].map(r => r.dataset.unit)")
    for visit in (province, unit):
        _assert_clean(visit)
        assert not any(p in visit.text for p in PERSONAL)
    # province: ranked by the on-time rate, figures in Vietnamese format, freshness
    rows = {line.split("\t")[1]: line.split("\t") for line in province.text.splitlines() if line.count("\t") >= 8}
    assert rows["phường Đông A"][0] == "1" and rows["phường Đông A"][6] == "100 %"
    assert rows["phường Thiên Trường"][0] == "2" and rows["phường Thiên Trường"][2:7] == ["5", "3", "1", "1", "60 %"]
    assert rows["phường Thiên Trường"][8] == "chưa có số liệu"  # no 766 score in this warehouse
    assert order == ["13684@2025", "13693@2025"]  # ascending on-time rate: 60 % before 100 %
    assert "Tháng 11 năm 2026" in province.text
    assert re.search(r"Tệp đã nạp\s+1\b", province.text)
    assert re.search(r"Đơn vị có số liệu trong kỳ\s+2/129", province.text)
    assert "Điểm 766: chưa có số liệu" in province.text
    # the unit: Biểu 06, its rate and rank, the cases to act on, the series rolled up across the reform
    text = unit.text
    assert "UBND phường Thiên Trường" in text
    assert re.search(r"Tỷ lệ đúng hạn\s+60 %\s+hạng 2/2 đơn vị", text)
    assert re.search(r"Đã giải quyết\s+3\s+trước hạn 1 · đúng hạn 1 · quá hạn 1", text)
    assert re.search(r"Đang giải quyết quá hạn\s+1\s+đang giải quyết 2", text)
    todo = text[text.index("Việc cần làm") : text.index("Diễn biến theo tháng")]
    assert "TT-04" in todo and "TT-03" in todo and "TT-05" not in todo and "TT-01" not in todo
    assert "quá 12 ngày" in todo  # TT-04: due 18/11, still open at the end of 30/11
    assert "xã Mỹ Tân" in text and "xã Mỹ Trung" in text  # the units rolled up before 01/07/2025
    assert "1 dòng của đơn vị bị cách ly" in text and "Ngày tiếp nhận không đọc được" in text
    may = next(line for line in unit_opened.splitlines() if line.startswith("05/2025\t"))
    assert may.split("\t") == ["05/2025", "2", "2", "1", "0", "1", "0", "50 %", "cộng các đơn vị cũ"]
    # the one-page brief, printed from the same page
    pdf = folder / "13684_thien-truong.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "UBND phường Thiên Trường" in printed and "60 %" in printed and "TT-04" in printed
    assert re.search(r"Điểm Bộ chỉ số 766\s+Tỷ lệ đúng hạn.*\n\s*chưa có số liệu\s+60 %", printed)
    assert "kho dữ liệu chưa tính điểm Bộ chỉ số 766" in printed  # the reason, not a number
    assert not any(p in printed for p in PERSONAL)


UNKNOWN_NOTE = (
    "không tính được từ tệp xuất hồ sơ: cần dữ liệu phản ánh, kiến nghị trên Hệ thống PAKN của Cổng DVCQG, "
    "số lượt, thời hạn xử lý và kết quả trả lời của từng phản ánh"
)
STAND_IN_SCORES = [
    ("13684@2025", "phường Thiên Trường", "TDGQ", "TIEN_DO", 3, 5, 60.0, 20.0, 12.0, None),
    ("13684@2025", "phường Thiên Trường", "MDSH", "ORIGINAL_RESULT_AVAILABLE", 1, 3, 33.33, 6.0, 3.5, None),
    ("13684@2025", "phường Thiên Trường", "CKMB", "CONG_KHAI", None, None, None, 18.0, None, "không tính được"),
    # metrics the exports cannot give, with notes as long as the real ones: the brief stays one page
    *[
        ("13684@2025", "phường Thiên Trường", "MDHL", f"PAKN_{i}", None, None, None, 2.0, None, UNKNOWN_NOTE)
        for i in range(1, 9)
    ],
    ("13693@2025", "phường Đông A", "TDGQ", "TIEN_DO", 2, 2, 100.0, 20.0, 20.0, None),
    ("13693@2025", "phường Đông A", "MDSH", "ORIGINAL_RESULT_AVAILABLE", 2, 2, 100.0, 6.0, 6.0, None),
]
STAND_IN_CASES = [
    ("TT-03", "13684@2025", "TIEN_DO", "giải quyết quá hạn"),
    ("TT-04", "13684@2025", "TIEN_DO", "đang giải quyết quá hạn"),
]


def _stand_in_766(db: Path) -> None:
    """The contract of issue 19's macros (the dates only), with hand-set points, to check the seam
    end to end."""
    con = duckdb.connect(str(db))
    con.execute(
        "create table stand_in_scores (unit_key varchar, unit_name varchar, group_code varchar, metric_code varchar, "
        "numerator double, denominator double, rate_pct double, max_points double, points double, note varchar)"
    )
    con.executemany("insert into stand_in_scores values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", STAND_IN_SCORES)
    con.execute("create table stand_in_cases (case_id varchar, unit_key varchar, metric_code varchar, reason varchar)")
    con.executemany("insert into stand_in_cases values (?, ?, ?, ?)", STAND_IN_CASES)
    con.execute("create or replace macro score766_between(start_date, end_date) as table from stand_in_scores")
    con.execute("create or replace macro score766_cases_between(start_date, end_date) as table from stand_in_cases")
    con.close()


def test_766_points_rank_and_groups_when_the_warehouse_has_them(built, tmp_path):
    """Thiên Trường: 12 + 3,5 = 15,5 points of the 26 its known metrics weigh (CKMB unknown), rank
    2 of 2 (Đông A 26); TDGQ median of 12 and 20 = 16, MDSH median of 3,5 and 6 = 4,75."""
    _chromium()
    s, _ = built
    db = tmp_path / "w766.duckdb"
    db.write_bytes(Path(s.db).read_bytes())
    _stand_in_766(db)
    s766 = Settings.load(config_file=tmp_path / "none.toml", db=db, out=tmp_path / "out")
    written = write_dashboard(s766, NOVEMBER)
    province, visit = _text_of(written.folder / "index.html")
    _assert_clean(visit)
    rows = {line.split("\t")[1]: line.split("\t") for line in province.splitlines() if line.count("\t") >= 8}
    assert rows["phường Thiên Trường"][8] == "15,5" and rows["phường Đông A"][8] == "26"
    text, visit = _text_of(written.folder / "13684_thien-truong.html")
    _assert_clean(visit)
    assert re.search(r"Điểm Bộ chỉ số 766\s+15,5/26\s+hạng 2/2 đơn vị", text)
    assert "12 / 20 (trung vị 16)" in text or "Tiến độ giải quyết: 12 trên 20 điểm, trung vị tỉnh 16" in text
    todo = text[text.index("Việc cần làm") : text.index("Diễn biến theo tháng")]
    assert todo.index("Tiến độ giải quyết – TIEN_DO") < todo.index("Số hóa hồ sơ – ORIGINAL_RESULT_AVAILABLE")
    assert "mất 8 điểm" in todo and "TT-04" in todo
    assert "CONG_KHAI (không tính được)" in text and f"PAKN_8 ({UNKNOWN_NOTE})" in text
    printed = subprocess.run(
        ["pdftotext", "-layout", str(written.folder / "13684_thien-truong.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "15,5/26" in printed and "hạng 2/2" in printed
    assert "9 chỉ số chưa có số liệu" in printed and UNKNOWN_NOTE[:40] not in printed
    info = subprocess.run(["pdfinfo", str(written.folder / "13684_thien-truong.pdf")], capture_output=True, text=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)


def test_the_harness_sees_and_stops_what_would_leave_the_machine(tmp_path):
    """The checks above can fail: a page asking for a CDN script, an image and a console error is
    caught on each count, and nothing it asked for was fetched."""
    _chromium()
    page = tmp_path / "leaky.html"
    page.write_text(
        '<html><body><p>Thử</p><script src="https://cdn.example.org/vega.js"></script>'
        '<img src="http://tiles.example.org/a.png"><script>console.error("lỗi")</script></body></html>',
        encoding="utf-8",
    )
    text, visit = _text_of(page)
    assert text == "Thử"
    assert visit.blocked == ["https://cdn.example.org/vega.js", "http://tiles.example.org/a.png"]
    assert "lỗi" in visit.console_errors
    assert visit.charts == 0
