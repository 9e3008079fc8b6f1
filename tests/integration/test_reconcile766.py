"""The portal's 766 figures beside our 766 score: hand-written Cổng DVCQG responses (the
dvc-progress-tree and handling-satisfaction layouts public tools save, ChippedTopaz/qd766
tests/fixtures/*/month-all.json) computed from our own test cases for September 2026, as they
stood when the portal took them, with a case we do not hold, with a case fewer and nothing to say
why, exactly as we count, and for a unit with no case data; every cell explained or said not to be.

Our cases, one list export (xlsx), the same nine cases for four units of tỉnh Ninh Bình. Indicator
2.1 (Tiến độ) by hand, from the VPCP description "Mô tả công thức tính chỉ số 766" (cases received
or handled in the month; ended by the finish; an open case on time while its deadline is not
before the end of the month, or the time the figures are taken; a refused case never counts):

  case received     due            end              at 30/09 24:00   at 29/09 09:00
  A    03/09 09:00  10/09          08/09 10:00      on time          on time
  B    05/09 08:00  12/09          15/09 09:00      late             late
  C    20/08 08:00  05/09          04/09 09:00      on time          on time
  D    10/08 08:00  20/08          25/08 09:00      (ended in August: not counted)
  E    10/09 08:00  25/09          open             late             late
  F    25/09 10:00  30/09 10:00    open             late             on time
  G    28/09 08:00  15/10          open             on time          on time
  H    12/09 08:00  (refused)      12/09 09:00      (not counted)
  L    29/09 14:00  30/09 12:00    open             late             (not received yet)

  ours (end of month): 3 on time of 7; as at 29/09/2026 09:00: 4 of 6 (F on time then, L not there).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.config import Settings
from pipelines.run import run_local
from tests.integration.report_files import UNITS, one_stop_case_list, reconciled_cases, reconciled_cells

pytestmark = pytest.mark.slow

S, E = "2026-09-01", "2026-09-30"
# case: received, due, finished, returned, status label (as a one-stop list writes them)
CASES = {
    "A": ("03/09/2026 09:00", "10/09/2026", "08/09/2026 10:00", "09/09/2026 08:00", "Đã trả kết quả"),
    "B": ("05/09/2026 08:00", "12/09/2026", "15/09/2026 09:00", "15/09/2026 10:00", "Đã trả kết quả"),
    "C": ("20/08/2026 08:00", "05/09/2026", "04/09/2026 09:00", "", "Đã có kết quả"),
    "D": ("10/08/2026 08:00", "20/08/2026", "25/08/2026 09:00", "26/08/2026 08:00", "Đã trả kết quả"),
    "E": ("10/09/2026 08:00", "25/09/2026", "", "", "Đang xử lý"),
    "F": ("25/09/2026 10:00", "30/09/2026 10:00", "", "", "Đang xử lý"),
    "G": ("28/09/2026 08:00", "15/10/2026", "", "", "Đang xử lý"),
    "H": ("12/09/2026 08:00", "", "12/09/2026 09:00", "", "Không được tiếp nhận"),
    "L": ("29/09/2026 14:00", "30/09/2026 12:00", "", "", "Đang xử lý"),
}
TAKEN = datetime(2026, 9, 29, 9, 0)  # when the portal took Mỹ Lộc's figures (UTC+7)


def _at(text: str) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text, "%d/%m/%Y %H:%M" if " " in text else "%d/%m/%Y")


def progress(at: datetime) -> tuple[int, int, set[str], set[str]]:
    """2.1 by the VPCP description, independently of the warehouse: (on time, counted, the cases
    counted, the cases on time) for September 2026 as known at `at`."""
    start = datetime(2026, 9, 1)
    counted, on_time = set(), set()
    for case, (received, due, finished, _, status) in CASES.items():
        r, d, f = _at(received), _at(due), _at(finished)
        assert r is not None
        if status == "Không được tiếp nhận" or d is None or r > at:
            continue
        if f is not None and f > at:
            f = None  # not ended yet at `at`
        if f is not None and f < start:
            continue
        deadline = d + timedelta(hours=23, minutes=59, seconds=59) if d.hour == d.minute == 0 else d
        counted.add(case)
        if (f <= deadline) if f is not None else deadline >= at:
            on_time.add(case)
    return len(on_time), len(counted), counted, on_time


END_OF_MONTH = datetime(2026, 9, 30, 23, 59, 59)


def points(max_points: float, threshold_pct: float, num: int, den: int) -> float:
    """The 766 formula on a numerator and denominator: min(max, max × rate / threshold)."""
    return round(min(max_points, max_points * num / den / (threshold_pct / 100)), 2)


def _unit(name: str, code: str, num: int, den: int, max_points: float, threshold: float) -> dict:
    return {
        "departmentName": name,
        "departmentCode": code,
        "level": "COMMUNE",
        "totalReceived": den,
        "totalOnTime": num,
        "totalOverdue": den - num,
        "ratio": round(100 * num / den, 2),
        "score": points(max_points, threshold, num, den),
        "maxScore": max_points,
    }


def progress_tree(folder: Path, name: str, children: list[dict], taken: datetime | None) -> Path:
    """A dvc-progress-tree response (data.parent + data.children[]) wrapped with the request that
    asked for September 2026, as public tools save it."""
    doc: dict = {
        "request": {"timeType": "month", "year": 2026, "month": 9},
        "response": {
            "code": "OK",
            "data": {
                "parent": {"departmentName": "UBND tỉnh Ninh Bình", "departmentCode": "H40", "totalMaxScore": 20},
                "children": children,
            },
        },
    }
    if taken:
        doc["fetchedAt"] = taken.strftime("%Y-%m-%dT%H:%M:%S+07:00")
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def satisfaction(folder: Path, units: list[tuple[str, int, int]], taken: datetime) -> Path:
    """A handling-satisfaction response (data.overview + data.evaluation[] with metrics[]): 5.4 from
    the counts of 2.1, 6 points at 90 %."""
    evaluation = [
        {
            "departmentName": name,
            "metrics": [
                {
                    "code": "DOSSIER_RECEIVING_SATISFACTION",
                    "numerator": num,
                    "denominator": den,
                    "ratio": round(100 * num / den, 2),
                    "score": points(6, 90, num, den),
                    "maxScore": 6,
                }
            ],
        }
        for name, num, den in units
    ]
    doc = {
        "fetchedAt": taken.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
        "payload": {"fromDate": S, "toDate": E},
        "data": {"overview": {"departmentName": "UBND tỉnh Ninh Bình"}, "evaluation": evaluation},
    }
    path = folder / "766_hai-long_2026-09.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


HEADER = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục",
    "Lĩnh vực",
    "Đơn vị giải quyết",
    "Hình thức nộp",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Trạng thái",
]


def case_export(folder: Path) -> Path:
    rows = (
        [n, f"H40.{prefix}-{case}", "Đăng ký khai sinh", "Hộ tịch", agency, "Trực tuyến", r, d, f, ret, status]
        for n, ((prefix, (agency, _)), (case, (r, d, f, ret, status))) in enumerate(
            ((u, c) for u in UNITS.items() for c in CASES.items()), start=1
        )
    )
    return one_stop_case_list(folder / "danh_sach_ho_so_thang_9_2026.xlsx", HEADER, rows)


# the figures by hand (module docstring), checked against the independent rule before use
OURS = (3, 7)
AT_TAKEN = (4, 6)


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory) -> tuple[Path, dict]:
    assert progress(END_OF_MONTH)[:2] == OURS and progress(TAKEN)[:2] == AT_TAKEN
    tmp = tmp_path_factory.mktemp("reconcile766")
    inbox = tmp / "inbox"
    inbox.mkdir()
    case_export(inbox)
    num, den = OURS
    progress_tree(
        inbox,
        "766_tien-do_2026-09.json",
        [
            # exactly as we count
            _unit("UBND Phường Thiên Trường", "H40.120", num, den, 20, 100),
            # one more case, received and handled on time, that no export of ours holds
            _unit("UBND Phường Đông A", "H40.121", num + 1, den + 1, 20, 100),
            # one case fewer, not on time, and nothing that says why (no time in the response)
            _unit("UBND Phường Nam Định", "H40.122", num, den - 1, 20, 100),
            # a commune of which we hold no case
            _unit("UBND xã Gia Viễn", "H40.200", 50, 60, 20, 100),
        ],
        None,
    )
    # Mỹ Lộc's figures, taken on 29/09/2026 09:00: the cases as they stood then
    progress_tree(
        inbox,
        "766_tien-do_my-loc_2026-09.json",
        [_unit("UBND Phường Mỹ Lộc", "H40.123", *AT_TAKEN, 20, 100)],
        TAKEN,
    )
    satisfaction(inbox, [("UBND Phường Thiên Trường", *OURS), ("UBND Phường Mỹ Lộc", *AT_TAKEN)], TAKEN)
    # a JSON file that is no 766 response, dropped beside them
    (inbox / "cau_hinh.json").write_text('{"theme": "dark", "data": {"items": []}}', encoding="utf-8")
    s = Settings.load(
        config_file=tmp / "none.toml",
        db=tmp / "w.duckdb",
        stage=tmp / "stage",
        inbox=inbox,
        settle_seconds=0,
        inbox_archive="",
        input_archive=tmp / "archive",
        backups=tmp / "backups",
    )
    summary = run_local([inbox], s)
    return s.db, {f.name: f for f in summary.files}


def rows(db: Path, unit: str) -> dict[str, tuple]:
    return reconciled_cells(db, unit, S, E, "766")


def cases(db: Path, unit: str) -> dict[str, set[str]]:
    return reconciled_cases(db, unit, S, E, "766")


def test_every_file_is_read_as_what_it_is(reconciled):
    _, outcomes = reconciled
    assert {n: o.status for n, o in outcomes.items()} == {
        "danh_sach_ho_so_thang_9_2026.xlsx": "loaded",
        "766_tien-do_2026-09.json": "loaded",
        "766_tien-do_my-loc_2026-09.json": "loaded",
        "766_hai-long_2026-09.json": "loaded",
        "cau_hinh.json": "rejected",
    }
    assert "không phải phản hồi chỉ số 766 của Cổng DVCQG" in (outcomes["cau_hinh.json"].message or "")


def test_one_row_per_unit_form_and_cell(reconciled):
    db, _ = reconciled
    with duckdb.connect(str(db), read_only=True) as con:
        dupes = con.execute(
            "select unit_key, form, cell, count(*) from reconcile_between(?::date, ?::date) "
            "group by all having count(*) > 1",
            [S, E],
        ).fetchall()
        forms = con.execute("select distinct form from reconcile_between(?::date, ?::date)", [S, E]).fetchall()
    assert dupes == []
    assert forms == [("766",)]


def test_a_response_that_matches_says_khop(reconciled):
    db, _ = reconciled
    got = rows(db, UNITS["TT"][1])
    num, den = OURS
    rate, tien_do, hai_long = round(100 * num / den, 2), points(20, 100, num, den), points(6, 90, num, den)
    assert got == {
        "TIEN_DO.numerator": (num, num, 0, True, "khớp"),
        "TIEN_DO.denominator": (den, den, 0, True, "khớp"),
        "TIEN_DO.rate_pct": (rate, rate, 0, True, "khớp"),
        "TIEN_DO.points": (tien_do, tien_do, 0, True, "khớp"),
        "DOSSIER_RECEIVING_SATISFACTION.numerator": (num, num, 0, True, "khớp"),
        "DOSSIER_RECEIVING_SATISFACTION.denominator": (den, den, 0, True, "khớp"),
        "DOSSIER_RECEIVING_SATISFACTION.rate_pct": (rate, rate, 0, True, "khớp"),
        "DOSSIER_RECEIVING_SATISFACTION.points": (hai_long, hai_long, 0, True, "khớp"),
    }
    assert cases(db, UNITS["TT"][1]) == {}


def test_figures_taken_before_the_month_ended_are_explained_with_the_cases(reconciled):
    db, _ = reconciled
    got = rows(db, UNITS["ML"][1])
    at_taken = "chỉ các hồ sơ đã có lúc Cổng DVCQG lấy số liệu (29/09/2026 09:00), hồ sơ chưa xong xét hạn tại lúc đó"
    for metric, max_points, threshold in (("TIEN_DO", 20, 100), ("DOSSIER_RECEIVING_SATISFACTION", 6, 90)):
        assert got[f"{metric}.numerator"] == (3, 4, 1, True, at_taken)
        assert got[f"{metric}.denominator"] == (7, 6, -1, True, at_taken)
        ours, theirs = points(max_points, threshold, *OURS), points(max_points, threshold, *AT_TAKEN)
        assert got[f"{metric}.points"][:4] == (ours, theirs, round(theirs - ours, 2), True)
        assert got[f"{metric}.points"][4] == "điểm theo công thức 766 trên tử số, mẫu số của họ (4/6): " + at_taken
        assert got[f"{metric}.rate_pct"][4].startswith("tỷ lệ theo công thức 766")
    # the cases: L received after their time (in our denominator, not theirs), F open and on time
    # then, late by the month's end (in their numerator, not ours): the sets the independent rule gives
    counted_now, on_time_now = progress(END_OF_MONTH)[2:]
    counted_then, on_time_then = progress(TAKEN)[2:]
    assert counted_now - counted_then == {"L"} and on_time_then - on_time_now == {"F"}
    listed = cases(db, UNITS["ML"][1])
    for metric in ("TIEN_DO", "DOSSIER_RECEIVING_SATISFACTION"):
        assert listed[f"{metric}.denominator"] == counted_now ^ counted_then
        assert listed[f"{metric}.numerator"] == on_time_now ^ on_time_then
    with duckdb.connect(str(db), read_only=True) as con:
        why = dict(
            con.execute(
                "select case_id, why from reconcile_cases_between(?::date, ?::date, unit := ?) "
                "where cell = 'TIEN_DO.numerator' or cell = 'TIEN_DO.denominator'",
                [S, E, UNITS["ML"][1]],
            ).fetchall()
        )
    assert why["H40.ML-L"].startswith("tiếp nhận 29/09/2026 14:00, sau lúc Cổng DVCQG lấy số liệu (29/09/2026 09:00)")
    assert why["H40.ML-F"] == (
        "chưa xong, hẹn trả 30/09/2026 10:00: lúc Cổng DVCQG lấy số liệu (29/09/2026 09:00) còn trong hạn, "
        "kho tính quá hạn"
    )


def test_a_case_we_do_not_hold(reconciled):
    db, _ = reconciled
    got = rows(db, UNITS["DA"][1])
    num, den = OURS
    assert got["TIEN_DO.numerator"] == (
        num,
        num + 1,
        1,
        True,
        "thiếu 1 hồ sơ trong các tệp đã nạp (1 ở tử số: Cổng DVCQG có, tệp xuất hồ sơ đã nạp không có)",
    )
    assert got["TIEN_DO.denominator"][:5] == (
        den,
        den + 1,
        1,
        True,
        "thiếu 1 hồ sơ trong các tệp đã nạp (1 ở mẫu số: Cổng DVCQG có, tệp xuất hồ sơ đã nạp không có)",
    )
    assert got["TIEN_DO.points"][:2] == (points(20, 100, num, den), points(20, 100, num + 1, den + 1))
    assert got["TIEN_DO.points"][3:] == (
        True,
        "điểm theo công thức 766 trên tử số, mẫu số của họ (4/8): thiếu 1 hồ sơ trong các tệp đã nạp",
    )
    assert cases(db, UNITS["DA"][1]) == {}


def test_a_difference_nothing_explains_says_so(reconciled):
    db, _ = reconciled
    got = rows(db, UNITS["ND"][1])
    num, den = OURS
    assert got["TIEN_DO.numerator"] == (num, num, 0, True, "khớp")
    assert got["TIEN_DO.denominator"] == (den, den - 1, -1, False, "chưa giải thích được")
    assert got["TIEN_DO.points"][3:] == (False, "chưa giải thích được")
    assert cases(db, UNITS["ND"][1]) == {}


def test_a_unit_without_case_data_is_not_a_100_percent_difference(reconciled):
    db, _ = reconciled
    with duckdb.connect(str(db), read_only=True) as con:
        [unit] = con.execute(
            "select distinct unit_key from portal_figures where form = '766' and unit_key not in (?, ?, ?, ?) "
            "and cell = 'TIEN_DO' and measure = 'denominator' and value = 60",
            [k for _, k in UNITS.values()],
        ).fetchall()
    got = rows(db, unit[0])
    assert set(got) == {"TIEN_DO.numerator", "TIEN_DO.denominator", "TIEN_DO.rate_pct", "TIEN_DO.points"}
    for ours, theirs, difference, explained, explanation in got.values():
        assert (ours, difference, explained, explanation) == (None, None, False, "chưa có số liệu từ tệp xuất hồ sơ")
        assert theirs is not None


def test_doi_chieu_shows_the_766_figures_and_their_cases(reconciled, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    db, _ = reconciled
    result = CliRunner().invoke(
        app, ["doi-chieu", "--unit", "Mỹ Lộc", "--period", "Tháng 9 năm 2026", "--db", str(db), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "766 2.1 Tiến độ: mẫu số H40.ML-L: tiếp nhận 29/09/2026 14:00, sau lúc Cổng DVCQG lấy số liệu" in result.output
    )
    assert "766 2.1 Tiến độ: tử số H40.ML-F: chưa xong, hẹn trả 30/09/2026 10:00" in result.output
    assert "Số liệu 766 của Cổng DVCQG chênh lệch ở 8/8 số liệu." in result.output
    [book] = list(tmp_path.glob("doi-chieu_13708_*.xlsx"))
    wb = openpyxl.load_workbook(book)
    table = [r for r in wb["Đối chiếu"].iter_rows(values_only=True) if r[0] == "2.1"]
    # Tiến độ: numerator, denominator, rate, points, each as the portal and we have them
    assert [(r[1], r[2], r[3], r[4]) for r in table] == [
        ("Tiến độ: tử số", 3, 4, 1),
        ("Tiến độ: mẫu số", 7, 6, -1),
        ("Tiến độ: tỷ lệ", 42.86, 66.67, 23.81),
        ("Tiến độ: điểm", points(20, 100, *OURS), points(20, 100, *AT_TAKEN), 4.76),
    ]
    listed = {(r[2], r[3]) for r in wb["Đối chiếu – hồ sơ"].iter_rows(values_only=True) if r[3]}
    assert {("Tiến độ: mẫu số", "H40.ML-L"), ("Tiến độ: tử số", "H40.ML-F")} <= listed
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("soffice (LibreOffice) không có trên máy này")
    profile = f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}"
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        check=True,
        timeout=180,
        capture_output=True,
    )
    text = subprocess.run(
        ["pdftotext", str(book.with_suffix(".pdf")), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "SỐ LIỆU 766 CỦA CỔNG DVCQG BÊN CẠNH ĐIỂM 766 TÍNH TỪ TỆP XUẤT HỒ SƠ" in text
    assert "H40.ML-F" in text


def test_report_section_iii_2_says_khop_for_the_766_figures(reconciled):
    from pipelines.outputs.figures import connect, find_unit, load_figures
    from pipelines.outputs.report import render_markdown
    from pipelines.rules.periods import parse_period

    db, _ = reconciled
    p = parse_period("Tháng 9 năm 2026")
    con = connect(db)
    try:
        matching = render_markdown(load_figures(con, find_unit(con, "Thiên Trường", p), p))
        unexplained = render_markdown(load_figures(con, find_unit(con, "Nam Định", p), p))
    finally:
        con.close()
    assert "Số liệu 766 của Cổng DVCQG: khớp." in matching
    assert "Chưa giải thích được: 2.1 Tiến độ: mẫu số 6 (kho dữ liệu 7)" in unexplained
