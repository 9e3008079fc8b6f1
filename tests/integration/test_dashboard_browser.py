"""The dashboard as a person sees it: pages written from a hand-made export, opened in headless
Chromium (Debian's package, through its DevTools protocol), read after scripts ran; the one-page
brief read back with pdftotext.

The export (a DVCQG-style list, semicolons, with the applicant's name, ID and phone that must never
reach a page, and the fee, online payment, e-result and digitised columns) holds, for Tháng 11 năm
2026 (judged after its end: horizon 30/11/2026 23:59:59):

- phường Thiên Trường: TT-01 early, TT-02 on time (finished on its due day), TT-03 late; TT-04 due
  18/11 still open (overdue at 30/11); TT-05 due 10/12 still open (within time). Received 5,
  resolved 3 (1 / 1 / 1), in progress 2 (1 overdue), online 3 of 5 → on-time rate
  (early + on time + open within time) / received = 3 / 5 = 60 %; online 60 %.
- phường Đông A: DA-01, DA-02 early → 2 / 2 = 100 %: rank 1, Thiên Trường rank 2 of 2.
- before the reform, May 2025: xã Mỹ Tân MT-01 early, xã Mỹ Trung MTR-01 late; both became
  phường Thiên Trường, so its series shows 05/2025 rolled up: 2 resolved, 1 early, 1 late.

The 766 score, by hand from schemas/score766_metrics.csv and README "The 766 score" (points =
min(max, max × rate / threshold), rounded to 2 decimals):

  Thiên Trường                                               points  max  lost
  TIEN_DO 2.1     on time TT-01 TT-02 TT-05 of 5 = 60 %      20 × 0,6 = 12    20   8
  5.4 (MDHL)      the same counts: min(6; 6 × 0,6 / 0,9)           = 4      6    2
  3.6 payment     fee > 0: TT-02 (paid online), TT-05 (not) = 1/2: 6 × 0,5 = 3   6    3
  4.1 e-result    TT-01 TT-02 of 5 received (open ones count)  6 × 0,4 = 2,4  6    3,6
  4.2 digitised   all but TT-05 = 4/5                          4 × 0,8 = 3,2  4    0,8
  3.3 online 60 %: points "chưa xác định công thức"; the other 13 metrics not from case exports
  → 24,6 of the 42 its known metrics weigh; 19 - 5 = 14 metrics without points.
  Đông A: TIEN_DO 20, 5.4 6, 4.1 6, 4.2 4 = 36/36; no case with a fee: 3.6 "chưa có số liệu".
  Rank (the sheets' rule: over the metrics known for both: 2.1, 5.4, 4.1, 4.2): Đông A 36,
  Thiên Trường 12 + 4 + 2,4 + 3,2 = 21,6 → Đông A 1, Thiên Trường 2 of 2.
  Groups of Thiên Trường against the median of the two units: TDGQ 12 / 20 (median of 12 and 20 =
  16); TTTT 3 / 6 (Đông A none: median 3); MDHL 4 / 6 (median 5); MDSH 2,4 + 3,2 = 5,6 / 10
  (median of 5,6 and 10 = 7,8); CKMB, CLGQ without points.
  What to fix, most points lost first: TIEN_DO (8: TT-03 late, TT-04 overdue, each worth
  20 × 4/5 - 12 = 4), 4.1 (3,6: TT-03, TT-04, TT-05, each 6 × 3/5 - 2,4 = 1,2), 3.6 (3: TT-05,
  worth 6 - 3 = 3); 5.4 (2) and 4.2 (0,8) come after.

Screenshots of the province page and of Thiên Trường's page are kept as artefacts
(`DASHBOARD_ARTEFACTS`, else the session's pytest folder).
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.config import Settings
from pipelines.outputs.dashboard import write_dashboard
from pipelines.outputs.dashboard.browser import Browser, PageVisit, find_chromium
from pipelines.outputs.dashboard.write import Written
from pipelines.rules.periods import parse_period
from pipelines.run import run_local

pytestmark = pytest.mark.slow

HEADER = (
    "Mã hồ sơ;Tên thủ tục;Lĩnh vực;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;"
    "Trạng thái;Người nộp;Số CCCD;Số điện thoại;Phí, lệ phí;Thanh toán trực tuyến;Kết quả điện tử;Số hóa"
)
ROWS = [
    "TT-01;Đăng ký khai sinh;Hộ tịch;UBND phường Thiên Trường;Trực tuyến;02/11/2026 08:00;06/11/2026;"
    "04/11/2026 09:00;Đã trả kết quả;Trần Văn Bảy;036201009999;0912345678;0;;Có;Có",
    "TT-02;Chứng thực bản sao;Chứng thực;UBND phường Thiên Trường;Trực tuyến;03/11/2026 08:00;05/11/2026;"
    "05/11/2026 15:00;Đã trả kết quả;Lê Thị Tám;036201008888;0912000111;2000;Có;Có;Có",
    "TT-03;Đăng ký kết hôn;Hộ tịch;UBND phường Thiên Trường;Trực tiếp;09/11/2026 08:00;10/11/2026;"
    "12/11/2026 10:00;Đã trả kết quả;Phạm Văn Chín;036201007777;0913000222;0;;Không;Có",
    "TT-04;Đăng ký khai tử;Hộ tịch;UBND phường Thiên Trường;Trực tuyến;16/11/2026 08:00;18/11/2026;;"
    "Đang xử lý;Đỗ Thị Mười;036201006666;0914000333;0;;Không;Có",
    "TT-05;Chứng thực chữ ký;Chứng thực;UBND phường Thiên Trường;Trực tiếp;25/11/2026 08:00;10/12/2026;;"
    "Đang xử lý;Vũ Văn Một;036201005555;0915000444;10000;Không;Không;Không",
    "DA-01;Đăng ký khai sinh;Hộ tịch;UBND phường Đông A;Trực tuyến;02/11/2026 08:00;06/11/2026;"
    "03/11/2026 10:00;Đã trả kết quả;Ngô Thị Hai;036201004444;0916000555;0;;Có;Có",
    "DA-02;Đăng ký khai sinh;Hộ tịch;UBND phường Đông A;Trực tuyến;05/11/2026 08:00;09/11/2026;"
    "06/11/2026 10:00;Đã trả kết quả;Hoàng Văn Ba;036201003333;0917000666;0;;Có;Có",
    "MT-01;Đăng ký khai sinh;Hộ tịch;UBND xã Mỹ Tân;Trực tuyến;05/05/2025 08:00;08/05/2025;07/05/2025 10:00;"
    "Đã trả kết quả;Bùi Thị Bốn;036201002222;0918000777;0;;Có;Có",
    "MTR-01;Chứng thực bản sao;Chứng thực;UBND xã Mỹ Trung;Trực tiếp;12/05/2025 08:00;14/05/2025;"
    "16/05/2025 10:00;Đã trả kết quả;Đinh Văn Năm;036201001111;0919000888;0;;Có;Có",
]
# a row the run quarantines (31/02 does not exist): it counts in Thiên Trường's data quality
BAD = (
    "TT-09;Đăng ký khai sinh;Hộ tịch;UBND phường Thiên Trường;Trực tuyến;31/02/2026 08:00;06/03/2026;;"
    "Đang xử lý;Lý Văn Sáu;036201000000;0910000999;0;;Không;Không"
)
PERSONAL = ["Trần Văn Bảy", "036201009999", "0912345678", "Vũ Văn Một", "0919000888", "Lý Văn Sáu"]
NOVEMBER = parse_period("2026-11")


def _chromium() -> None:
    if find_chromium() is None and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")


def artefacts(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("DASHBOARD_ARTEFACTS") or tmp_path_factory.getbasetemp() / "artefacts")
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


@dataclass
class Pages:
    """What a reader sees of the dashboard of Tháng 11 năm 2026, visited once for the tests below."""

    written: Written
    province: PageVisit
    unit: PageVisit
    unit_opened: str  # Thiên Trường's page with its month table opened
    order: list[str]  # the province table's units after a click on the on-time rate's header


@pytest.fixture(scope="module")
def pages(built, tmp_path_factory) -> Pages:
    _chromium()
    s, _ = built
    written = write_dashboard(s, NOVEMBER)
    folder = written.folder
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
    return Pages(written, province, unit, unit_opened, order)


def _printed(pdf: Path) -> str:
    """The brief as pdftotext reads it, after checking it is one A4 page."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert re.search(r"^Page size:.* pts \(A4\)$", info, re.M), info
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_pages_show_the_units_figures_and_print_a_one_page_brief(pages):
    folder = pages.written.folder
    assert pages.written.pdf_skipped is None
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "13684_thien-truong.html",
        "13684_thien-truong.pdf",
        "13693_dong-a.html",
        "13693_dong-a.pdf",
        "index.html",
    ]
    province, unit = pages.province, pages.unit
    for visit in (province, unit):
        _assert_clean(visit)
        assert not any(p in visit.text for p in PERSONAL)
    # province: ranked by the on-time rate, figures in Vietnamese format, freshness
    rows = {line.split("\t")[1]: line.split("\t") for line in province.text.splitlines() if line.count("\t") >= 8}
    assert rows["phường Đông A"][0] == "1" and rows["phường Đông A"][6] == "100 %"
    assert rows["phường Thiên Trường"][0] == "2" and rows["phường Thiên Trường"][2:7] == ["5", "3", "1", "1", "60 %"]
    assert pages.order == ["13684@2025", "13693@2025"]  # ascending on-time rate: 60 % before 100 %
    assert "Tháng 11 năm 2026" in province.text
    assert re.search(r"Tệp đã nạp\s+1\b", province.text)
    assert re.search(r"Đơn vị có số liệu trong kỳ\s+2/129", province.text)
    # the unit: Biểu 06, its rate and rank, the series rolled up across the reform, data quality
    text = unit.text
    assert "UBND phường Thiên Trường" in text
    assert re.search(r"Tỷ lệ đúng hạn\s+60 %\s+hạng 2/2 đơn vị", text)
    assert re.search(r"Đã giải quyết\s+3\s+trước hạn 1 · đúng hạn 1 · quá hạn 1", text)
    assert re.search(r"Đang giải quyết quá hạn\s+1\s+đang giải quyết 2", text)
    assert "xã Mỹ Tân" in text and "xã Mỹ Trung" in text  # the units rolled up before 01/07/2025
    assert "1 dòng của đơn vị bị cách ly" in text and "Ngày tiếp nhận không đọc được" in text
    may = next(line for line in pages.unit_opened.splitlines() if line.startswith("05/2025\t"))
    assert may.split("\t") == ["05/2025", "2", "2", "1", "0", "1", "0", "50 %", "cộng các đơn vị cũ"]
    # the one-page brief, printed from the same page, with the unit's points as text
    printed = _printed(folder / "13684_thien-truong.pdf")
    assert "UBND phường Thiên Trường" in printed and "60 %" in printed and "TT-04" in printed
    assert re.search(r"Điểm Bộ chỉ số 766\s+Tỷ lệ đúng hạn.*\n\s*24,6/42\s+60 %\s.*\n\s*hạng 2/2 đơn vị", printed)
    assert not any(p in printed for p in PERSONAL)


def test_766_points_rank_and_groups_when_the_warehouse_has_them(pages):
    """The figures of the module's docstring, read from the warehouse's score766_between and
    score766_cases_between as the pages show them."""
    province, text = pages.province.text, pages.unit.text
    rows = {line.split("\t")[1]: line.split("\t") for line in province.splitlines() if line.count("\t") >= 8}
    assert rows["phường Thiên Trường"][8] == "24,6" and rows["phường Đông A"][8] == "36"
    # the 766 ranking: Đông A (36) above Thiên Trường (24,6), the median of the two 30,3
    ranked = province[province.index("Xếp hạng theo điểm Bộ chỉ số 766") : province.index("Xếp hạng theo tỷ lệ")]
    assert re.search(r"phường Đông A\s+36\s+phường Thiên Trường\s+24,6\s+trung vị 30,3", ranked)
    assert "chưa có số liệu" not in ranked
    # the unit: its points over the maxima of its known metrics, its rank as the sheets rank it
    assert re.search(r"Điểm Bộ chỉ số 766\s+24,6/42\s+hạng 2/2 đơn vị", text)
    # what to fix: the three metrics that lost most, with their cases and what each is worth
    todo = text[text.index("Việc cần làm") : text.index("Diễn biến theo tháng")]
    assert re.findall(r"^(.+) — mất (.+) điểm \(đạt (.+), tỷ lệ (.+)\)$", todo, re.M) == [
        ("Tiến độ giải quyết – Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", "8", "12/20", "60 %"),
        ("Số hóa hồ sơ – Tỷ lệ hồ sơ có cấp kết quả giải quyết TTHC điện tử", "3,6", "2,4/6", "40 %"),
        ("Thanh toán trực tuyến – Tỷ lệ hồ sơ thanh toán trực tuyến", "3", "3/6", "50 %"),
    ]
    # TT-04: due 18/11, still open at the end of 30/11; TT-03: due 10/11, finished 12/11
    assert "TT-04 · Đang giải quyết, đã quá hạn · Đăng ký khai tử · quá 12 ngày (gỡ lại 4 điểm)" in todo
    assert "TT-03 · Kết thúc xử lý sau hạn · Đăng ký kết hôn · quá 2 ngày (gỡ lại 4 điểm)" in todo
    assert "TT-05 · Không có kết quả giải quyết điện tử · Chứng thực chữ ký (gỡ lại 1,2 điểm)" in todo
    assert "TT-05 · Có phí, lệ phí nhưng không thanh toán trực tuyến · Chứng thực chữ ký (gỡ lại 3 điểm)" in todo
    assert "TT-01" not in todo and "TT-02" not in todo and "mất 2 điểm" not in todo  # 5.4 is fourth
    # the groups against the province's median, over the maxima of the metrics the exports give
    groups = text[text.index("Nhóm chỉ số 766 so với trung vị") : text.index("Biểu số 06/VPCP/KSTT")]
    assert "Công khai, minh bạch\nchưa có số liệu (tối đa 18)" in groups
    assert "Tiến độ giải quyết\n12 / 20 (trung vị 16)" in groups
    assert "Dịch vụ công trực tuyến\nchưa có số liệu (tối đa 12)" in groups
    assert "Thanh toán trực tuyến\n3 / 6 (trung vị 3)" in groups
    assert "Mức độ hài lòng\n4 / 6 (trung vị 5)" in groups
    assert "Số hóa hồ sơ\n5,6 / 10 (trung vị 7,8)" in groups
    assert "Tỷ lệ hồ sơ nộp trực tuyến (chưa xác định công thức" in groups
    # every case that cost a point, with what it is worth in that metric (5.4: 6 × 0,8 / 0,9 - 4)
    cost = text[text.index("Hồ sơ làm mất điểm 766") : text.index("Chất lượng dữ liệu")]
    assert "TT-03\tTỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC\tKết thúc xử lý sau hạn\t1,33" in cost
    assert "TT-05\tTỷ lệ hồ sơ thực hiện số hóa hồ sơ\tChưa số hóa hồ sơ\t0,8" in cost
    assert len(re.findall(r"^TT-0\d\t", cost, re.M)) == 9 and "DA-0" not in cost
    # Đông A lost nothing: its page says so, no case of Thiên Trường on it
    dong_a = pages.written.folder / "13693_dong-a.html"
    assert "Không có hồ sơ nào làm mất điểm trong kỳ." in dong_a.read_text(encoding="utf-8")
    # the brief: the three things to fix and the groups, the long notes left to the screen
    printed = _printed(pages.written.folder / "13684_thien-truong.pdf")
    assert re.search(r"1\. Tiến độ giải quyết .* mất 8 điểm", printed) and "quá 12 ngày (gỡ lại 4 điểm)" in printed
    assert re.search(r"3\. Thanh toán trực tuyến .* mất 3 điểm", printed)
    assert re.search(r"Tiến độ giải quyết\s+12 / 20 \(trung vị 16\)", printed)
    assert re.search(r"Số hóa hồ sơ\s+5,6 / 10 \(trung vị 7,8\)", printed)
    assert "14 chỉ số chưa có số liệu" in printed and "PAKN" not in printed  # the long notes stay on screen


def test_a_warehouse_written_before_the_766_score_says_so_never_a_number(built, tmp_path):
    """A warehouse of a version without the 766 macros (dropped here from a copy): every 766 place
    says "chưa có số liệu" with the reason, the on-time rate still ranks, the brief is one page."""
    _chromium()
    s, _ = built
    db = tmp_path / "old.duckdb"
    db.write_bytes(Path(s.db).read_bytes())
    con = duckdb.connect(str(db))
    con.execute("drop macro table score766_between")
    con.execute("drop macro table score766_cases_between")
    con.close()
    old = Settings.load(config_file=tmp_path / "none.toml", db=db, out=tmp_path / "out")
    written = write_dashboard(old, NOVEMBER)
    province, visit = _text_of(written.folder / "index.html")
    _assert_clean(visit)
    reason = "kho dữ liệu do phiên bản cũ ghi, chưa tính điểm Bộ chỉ số 766: chạy tthc rebuild"
    assert f"Điểm 766: chưa có số liệu ({reason})" in province
    rows = {line.split("\t")[1]: line.split("\t") for line in province.splitlines() if line.count("\t") >= 8}
    assert rows["phường Thiên Trường"][8] == "chưa có số liệu" and rows["phường Thiên Trường"][0] == "2"
    text, visit = _text_of(written.folder / "13684_thien-truong.html")
    _assert_clean(visit)
    assert re.search(r"Điểm Bộ chỉ số 766\s+chưa có số liệu\s+" + re.escape(reason), text)
    # what to fix falls back to the cases Biểu 06 counts late or overdue
    todo = text[text.index("Việc cần làm") : text.index("Diễn biến theo tháng")]
    assert "TT-04" in todo and "TT-03" in todo and "TT-05" not in todo and "quá 12 ngày" in todo
    printed = subprocess.run(
        ["pdftotext", "-layout", str(written.folder / "13684_thien-truong.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "chưa có số liệu" in printed and "kho dữ liệu do phiên bản cũ ghi" in printed and "24,6" not in printed
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
