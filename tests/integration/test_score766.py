"""The 766 score of February 2026 (Tháng 2 năm 2026) for four of today's units of tỉnh Ninh Bình,
from exports written by hand here in two layouts the project reads: the iGate case list of the
province (CSV, ``;``, title block, personal columns) and an OpenCPS dossier list (CSV with its REST
field names, ``correctingDate`` carrying the supplement request). Every expected figure below was
computed by hand from these rows, before the code ran.

Period 01/02/2026 – 28/02/2026, judged after its end (horizon 28/02/2026 23:59:59). Tết Bính Ngọ:
16–20/02/2026 off (Thông báo 9441/TB-BNV), so the working days around it are Fri 13/02, then
Mon 23/02, Tue 24/02, Wed 25/02.

phường Thiên Trường (13684@2025, iGate file)
  T1  khai sinh, online, 02/02 08:00, due 02/02, finished 02/02 10:00     on time; e-result, digitised
  T2  XN TT hôn nhân, direct, 03/02, due 06/02, finished 05/02; fee 3.000 paid online; e-result, digitised
  T3  khai tử, online, 04/02, due 04/02, finished 09/02 09:00             LATE; no e-result; not digitised
  T4  chứng thực, direct, 05/02, due 05/02, finished 05/02; fee 2.000 NOT paid online; e-result, digitised
  T5  kết hôn, online, 10/02, due 10/02, still "Đang xử lý"               OVERDUE IN PROGRESS at 28/02;
                                                                          no e-result; digitised
  T6  XN TT hôn nhân, online, 26/02, due 03/03, finished 02/03            in progress at 28/02, due after:
                                                                          on time; e-result, digitised
  T7  XN TT hôn nhân, direct, Fri 13/02 10:00, NO DUE TIME, finished 24/02 16:00; fee 3.000 paid online;
      statutory 03 ngày làm việc (NĐ 123/2015 Điều 22): 23/02, 24/02, 25/02 -> due 25/02: ON TIME
      (without Tết it would be due Wed 18/02 and late); e-result, digitised
  T8  XN TT hôn nhân, online, 11/02, due 13/02, WITHDRAWN 12/02 09:00     accepted, ended before its due:
                                                                          on time; no result: out of 4.1, 4.2
  T9  khai sinh, direct, 23/02, REFUSED at intake                         in no 766 figure
  T10 khai sinh, direct, 29/01 16:00, due 30/01, finished 02/02 08:00     carried over, LATE; not received
                                                                          in February (out of 3.3–4.2)
  TIEN_DO       counted T1–T8, T10 = 9; on time T1 T2 T4 T6 T7 T8 = 6 -> 66,67 %, 20 × 6/9 = 13,33
  MDHL 5.4      the same counts: min(6; 6 × (6/9) / 0,9) = 4,44
  ONLINE_DOSSIER received T1–T8 = 8, online T1 T3 T5 T6 T8 = 5 -> 62,50 %, points: formula not verified
  PAYMENT 3.6   fee > 0: T2 T4 T7 = 3, paid online T2 T7 = 2 -> 66,67 %, 6 × 2/3 = 4,00
  E-RESULT 4.1  received, not withdrawn: T1–T7 = 7, e-result T1 T2 T4 T6 T7 = 5 -> 71,43 %, 6 × 5/7 = 4,29
  DIGITISED 4.2 the same 7, digitised all but T3 = 6 -> 85,71 %, 4 × 6/7 = 3,43
  Cases that cost points (worth of one case right):
    TIEN_DO T3 late, T5 overdue in progress, T10 late: 20/9 = 2,2222 each
    MDHL the same three: 6 × (7/9) / 0,9 - 6 × (6/9) / 0,9 = 0,7407 each
    PAYMENT T4: 6 × 3/3 - 6 × 2/3 = 2,0000;  E-RESULT T3, T5: 6/7 = 0,8571;  DIGITISED T3: 4/7 = 0,5714
    Worth of a case over all its metrics: T3 4,3914 > T5 3,8200 > T10 2,9629 > T4 2,0000

phường Nam Định (13669@2025, iGate file): N1 khai sinh due 04/02 although the statute says the same
  day (02/02): "hẹn trả sai quy định"; N1, N2 on time, online, digitised, e-result; N2 fee paid online.
  TIEN_DO 2/2 = 20; MDHL 6; ONLINE 100 %; PAYMENT 1/1 = 6; E-RESULT 2/2 = 6; DIGITISED 2/2 = 4; no
  case costs a point.

phường Đông A (13693@2025, OpenCPS file: no fee, payment, e-result or digitised column)
  D1 khai sinh, online, 03/02, due 03/02 17:00, released 03/02 11:00      on time
  D2 XN TT hôn nhân, offline, 09/02, due 12/02 17:00, WAITING FOR A SUPPLEMENT requested 10/02 10:00:
     processing ends at the request, before the due: on time
  D3 kết hôn, online, 23/02 08:00, due 23/02 17:00, waiting, supplement requested 24/02 09:00: after the
     due: SUPPLEMENT AFTER DUE
  D4 XN TT hôn nhân, 26/01, due 29/01, waiting, requested 28/01: its processing ended in January: not
     handled in February
  D5 khai tử, offline, 24/02, due 24/02 17:00, processing                  OVERDUE IN PROGRESS
  TIEN_DO counted D1 D2 D3 D5 = 4, on time D1 D2 = 2 -> 50 %, 10,00; MDHL min(6; 6 × 0,5 / 0,9) = 3,33
  ONLINE received D1 D2 D3 D5 = 4, online D1 D3 = 2 -> 50 %
  PAYMENT, E-RESULT, DIGITISED: no such column in the file -> NULL, the column named, never 0 %
  Cases: TIEN_DO D3, D5 worth 20/4 = 5; MDHL D3, D5 worth 6 × 0,75 / 0,9 - 6 × 0,5 / 0,9 = 1,6667

phường Mỹ Lộc (13708@2025, iGate file): one case, received in March: no case in February, every metric
  "chưa có số liệu".
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.run import run_local

IGATE_HEADER = (
    "Ma ho so;Ma TTHC;Ten TTHC;Linh vuc;Don vi xu ly;Kenh thuc hien;Muc do DVC;Chu ho so;So dinh danh;"
    "So dien thoai;Ngay tiep nhan;Ngay hen tra;Ngay ket thuc xu ly;Ngay tra;Trang thai ho so;So hoa ho so;"
    "Le phi;TT truc tuyen;Tra ket qua dien tu;Ghi chu"
)
TT = "UBND phường Thiên Trường"
ND = "UBND phường Nam Định"
ML = "UBND phường Mỹ Lộc"
KS = "1.001193;Thủ tục đăng ký khai sinh;Hộ tịch"
KT = "1.000656;Thủ tục đăng ký khai tử;Hộ tịch"
KH = "1.000894;Thủ tục đăng ký kết hôn;Hộ tịch"
XN = "1.004873;Thủ tục cấp Giấy xác nhận tình trạng hôn nhân;Hộ tịch"
CT = "2.000815;Chứng thực bản sao từ bản chính;Chứng thực"
P = "Nguyễn Văn An;036000000001;0912000001"  # fake person: dropped at extraction
IGATE_ROWS = [
    f"T1;{KS};{TT};Nộp trực tuyến;Toàn trình;{P};02/02/2026 08:00;02/02/2026;02/02/2026 10:00;02/02/2026;"
    "Đã trả;1;0;;Có;",
    f"T2;{XN};{TT};Trực tiếp;Toàn trình;{P};03/02/2026 09:00;06/02/2026;05/02/2026 15:00;05/02/2026;"
    "Đã trả;1;3000;Có;Có;",
    f"T3;{KT};{TT};Nộp trực tuyến;Toàn trình;{P};04/02/2026 08:00;04/02/2026;09/02/2026 09:00;09/02/2026;"
    "Đã trả;0;0;;Không;",
    f"T4;{CT};{TT};Trực tiếp;Một phần;{P};05/02/2026 08:30;05/02/2026;05/02/2026 11:00;05/02/2026;"
    "Đã trả;1;2000;Không;Có;",
    f"T5;{KH};{TT};Nộp trực tuyến;Một phần;{P};10/02/2026 08:00;10/02/2026;;;Đang xử lý;1;0;;Không;",
    f"T6;{XN};{TT};Nộp trực tuyến;Toàn trình;{P};26/02/2026 09:00;03/03/2026;02/03/2026 10:00;02/03/2026;"
    "Đã trả;1;0;;Có;",
    f"T7;{XN};{TT};Trực tiếp;Toàn trình;{P};13/02/2026 10:00;;24/02/2026 16:00;25/02/2026;Đã trả;1;3000;Có;Có;"
    "Không có ngày hẹn trả trên phần mềm",
    f"T8;{XN};{TT};Nộp trực tuyến;Toàn trình;{P};11/02/2026 08:00;13/02/2026;12/02/2026 09:00;;Rút hồ sơ;1;0;;;",
    f"T9;{KS};{TT};Trực tiếp;Toàn trình;{P};23/02/2026 08:00;;;;Từ chối tiếp nhận;0;0;;;",
    f"T10;{KS};{TT};Trực tiếp;Toàn trình;{P};29/01/2026 16:00;30/01/2026;02/02/2026 08:00;02/02/2026;Đã trả;1;0;;Có;",
    f"N1;{KS};{ND};Nộp trực tuyến;Toàn trình;{P};02/02/2026 09:00;04/02/2026;02/02/2026 10:00;02/02/2026;"
    "Đã trả;1;0;;Có;",
    f"N2;{CT};{ND};Nộp trực tuyến;Một phần;{P};03/02/2026 08:00;03/02/2026;03/02/2026 09:00;03/02/2026;"
    "Đã trả;1;2000;Có;Có;",
    f"M1;{KS};{ML};Trực tiếp;Toàn trình;{P};04/03/2026 08:00;04/03/2026;04/03/2026 09:00;04/03/2026;Đã trả;1;0;;Có;",
]
OPENCPS_HEADER = (
    "dossierNo,serviceCode,serviceName,domainName,govAgencyName,applicantName,applicantIdNo,contactTelNo,"
    "address,submitDate,receiveDate,dueDate,releaseDate,finishDate,correctingDate,dossierStatus,dossierStatusText,"
    "online,viaPostal"
)
DA = "UBND Phường Đông A"
Q = "Người Dân,036000000009,0912000009,Số 9 Hàng Tiện"  # fake person: dropped at extraction
OPENCPS_ROWS = [
    f"D1,1.001193,Đăng ký khai sinh,Hộ tịch,{DA},{Q},,03/02/2026 08:00:00,03/02/2026 17:00:00,"
    "03/02/2026 11:00:00,03/02/2026 15:00:00,,done,Đã trả kết quả,true,1",
    f"D2,1.004873,Cấp Giấy xác nhận tình trạng hôn nhân,Hộ tịch,{DA},{Q},,09/02/2026 09:00:00,12/02/2026 17:00:00,"
    ",,10/02/2026 10:00:00,waiting,Chờ bổ sung,false,1",
    f"D3,1.000894,Đăng ký kết hôn,Hộ tịch,{DA},{Q},,23/02/2026 08:00:00,23/02/2026 17:00:00,"
    ",,24/02/2026 09:00:00,waiting,Chờ bổ sung,true,1",
    f"D4,1.004873,Cấp Giấy xác nhận tình trạng hôn nhân,Hộ tịch,{DA},{Q},,26/01/2026 08:00:00,29/01/2026 17:00:00,"
    ",,28/01/2026 10:00:00,waiting,Chờ bổ sung,false,1",
    f"D5,1.000656,Đăng ký khai tử,Hộ tịch,{DA},{Q},,24/02/2026 09:00:00,24/02/2026 17:00:00,"
    ",,,processing,Đang xử lý,false,1",
]


def write_exports(folder: Path) -> list[Path]:
    """The two exports, as the systems write them (iGate: title block, Ngày xuất, ';')."""
    folder.mkdir(parents=True, exist_ok=True)
    igate = folder / "2026-03-06_igate_ninh-binh_thang-2.csv"
    igate.write_text(
        "\ufeffDANH SÁCH HỒ SƠ\nUBND TỈNH NINH BÌNH\nTừ ngày 01/01/2026 đến ngày 05/03/2026\n"
        "Ngày xuất: 06/03/2026 07:00\n\n" + IGATE_HEADER + "\n" + "\n".join(IGATE_ROWS) + "\n",
        encoding="utf-8",
    )
    opencps = folder / "2026-03-02_opencps_dong-a.csv"
    opencps.write_text(OPENCPS_HEADER + "\n" + "\n".join(OPENCPS_ROWS) + "\n", encoding="utf-8")
    return [igate, opencps]


@pytest.fixture(scope="module")
def feb2026(tmp_path_factory):
    from pipelines.config import Settings

    tmp = tmp_path_factory.mktemp("score766")
    s = Settings.load(
        config_file=tmp / "none.toml",
        db=tmp / "w.duckdb",
        stage=tmp / "stage",
        out=tmp / "out",
        province="Ninh Bình",
        settle_seconds=0,
    )
    summary = run_local(write_exports(tmp / "exports"), s)
    assert [f.status for f in summary.files] == ["loaded", "loaded"], [f.message for f in summary.files]
    return s


def q(db: Path, sql: str, params: object = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


TT_KEY, ND_KEY, DA_KEY, ML_KEY = "13684@2025", "13669@2025", "13693@2025", "13708@2025"
# (unit, metric) -> (numerator, denominator, rate_pct, points), from the module docstring
EXPECTED = {
    (TT_KEY, "TIEN_DO"): (6, 9, 66.67, 13.33),
    (TT_KEY, "DOSSIER_RECEIVING_SATISFACTION"): (6, 9, 66.67, 4.44),
    (TT_KEY, "ONLINE_DOSSIER"): (5, 8, 62.5, None),
    (TT_KEY, "ONLINE_PAYMENT_DOSSIER"): (2, 3, 66.67, 4.0),
    (TT_KEY, "ORIGINAL_RESULT_AVAILABLE"): (5, 7, 71.43, 4.29),
    (TT_KEY, "SO_HOA_GIAY_TO_GIAI_QUYET"): (6, 7, 85.71, 3.43),
    (ND_KEY, "TIEN_DO"): (2, 2, 100.0, 20.0),
    (ND_KEY, "DOSSIER_RECEIVING_SATISFACTION"): (2, 2, 100.0, 6.0),
    (ND_KEY, "ONLINE_DOSSIER"): (2, 2, 100.0, None),
    (ND_KEY, "ONLINE_PAYMENT_DOSSIER"): (1, 1, 100.0, 6.0),
    (ND_KEY, "ORIGINAL_RESULT_AVAILABLE"): (2, 2, 100.0, 6.0),
    (ND_KEY, "SO_HOA_GIAY_TO_GIAI_QUYET"): (2, 2, 100.0, 4.0),
    (DA_KEY, "TIEN_DO"): (2, 4, 50.0, 10.0),
    (DA_KEY, "DOSSIER_RECEIVING_SATISFACTION"): (2, 4, 50.0, 3.33),
    (DA_KEY, "ONLINE_DOSSIER"): (2, 4, 50.0, None),
    (DA_KEY, "ONLINE_PAYMENT_DOSSIER"): (0, 0, None, None),
    (DA_KEY, "ORIGINAL_RESULT_AVAILABLE"): (0, 0, None, None),
    (DA_KEY, "SO_HOA_GIAY_TO_GIAI_QUYET"): (0, 0, None, None),
}
# (case, metric) -> (reason, worth of that one case right), from the module docstring
EXPECTED_CASES = {
    ("T3", "TIEN_DO"): ("late", 2.2222),
    ("T5", "TIEN_DO"): ("overdue_in_progress", 2.2222),
    ("T10", "TIEN_DO"): ("late", 2.2222),
    ("T3", "DOSSIER_RECEIVING_SATISFACTION"): ("late", 0.7407),
    ("T5", "DOSSIER_RECEIVING_SATISFACTION"): ("overdue_in_progress", 0.7407),
    ("T10", "DOSSIER_RECEIVING_SATISFACTION"): ("late", 0.7407),
    ("T4", "ONLINE_PAYMENT_DOSSIER"): ("fee_not_paid_online", 2.0),
    ("T3", "ORIGINAL_RESULT_AVAILABLE"): ("no_e_result", 0.8571),
    ("T5", "ORIGINAL_RESULT_AVAILABLE"): ("no_e_result", 0.8571),
    ("T3", "SO_HOA_GIAY_TO_GIAI_QUYET"): ("not_digitised", 0.5714),
    ("D3", "TIEN_DO"): ("supplement_after_due", 5.0),
    ("D5", "TIEN_DO"): ("overdue_in_progress", 5.0),
    ("D3", "DOSSIER_RECEIVING_SATISFACTION"): ("supplement_after_due", 1.6667),
    ("D5", "DOSSIER_RECEIVING_SATISFACTION"): ("overdue_in_progress", 1.6667),
}


def test_every_metric_the_cases_give_scores_as_computed_by_hand(feb2026):
    rows = q(
        feb2026.db,
        "select unit_key, metric_code, numerator, denominator, rate_pct, points from score766_of('2026-02') "
        "where formula_kind <> 'not_from_cases'",
    )
    assert {(u, m): tuple(v) for u, m, *v in rows} == EXPECTED


def test_the_month_is_the_same_by_label_by_its_vietnamese_name_and_by_dates(feb2026):
    cols = "unit_key, metric_code, numerator, denominator, rate_pct, points, points_recoverable, note"
    by_label = q(feb2026.db, f"select {cols} from score766_of('2026-02') order by all")
    by_words = q(feb2026.db, f"select {cols} from score766_of('Tháng 2 năm 2026') order by all")
    by_dates = q(feb2026.db, f"select {cols} from score766_between(date '2026-02-01', date '2026-02-28') order by all")
    assert by_label == by_words == by_dates
    assert {r[0] for r in q(feb2026.db, "select distinct period from score766_of('Tháng 2 năm 2026')")} == {"2026-02"}


def test_what_the_exports_cannot_give_is_named_never_scored_zero(feb2026):
    rows = q(
        feb2026.db,
        "select unit_key, metric_code, formula_kind, numerator, points, points_recoverable, note "
        "from score766_of('2026-02')",
    )
    assert len(rows) == 3 * 19  # three units with a case in February, every metric of the 766 score
    for _unit, metric, kind, numerator, points, recoverable, note in rows:
        if kind == "not_from_cases":
            assert (numerator, points, recoverable) == (None, None, None), metric
            assert note.startswith("không tính được từ tệp xuất hồ sơ"), (metric, note)
        if kind == "share":
            assert points is None and "chưa xác định công thức" in note
    notes = {(u, m): n for u, m, _k, _n, _p, _r, n in rows}
    assert notes[(DA_KEY, "ORIGINAL_RESULT_AVAILABLE")] == "chưa có số liệu: tệp xuất không có cột Kết quả điện tử"
    assert notes[(DA_KEY, "SO_HOA_GIAY_TO_GIAI_QUYET")] == "chưa có số liệu: tệp xuất không có cột Số hóa"
    assert "Phí, lệ phí" in notes[(DA_KEY, "ONLINE_PAYMENT_DOSSIER")]
    assert "1 hồ sơ không có ngày hẹn trả" in notes[(TT_KEY, "TIEN_DO")]
    assert "PAKN" in notes[(TT_KEY, "PETITION_PROCESSING_ON_TIME")]


def test_a_unit_without_a_case_in_the_month_has_no_score(feb2026):
    assert q(feb2026.db, "select count(*) from score766_of('2026-02') where unit_key = ?", [ML_KEY]) == [(0,)]
    assert q(feb2026.db, "select count(*) from score766_of('2026-03') where unit_key = ?", [ML_KEY]) == [(19,)]


def test_the_cases_behind_every_lost_point(feb2026):
    rows = q(
        feb2026.db,
        "select case_id, metric_code, reason, points_worth, case_points_worth, unit_key "
        "from score766_cases_between(date '2026-02-01', date '2026-02-28')",
    )
    assert {(c, m): (r, w) for c, m, r, w, _t, _u in rows} == EXPECTED_CASES
    worth = {c: t for c, _m, _r, _w, t, _u in rows}
    assert worth == {"T3": 4.3914, "T5": 3.82, "T10": 2.9629, "T4": 2.0, "D3": 6.6667, "D5": 6.6667}
    assert {(c, u) for c, _m, _r, _w, _t, u in rows} >= {("T3", TT_KEY), ("D3", DA_KEY)}
    # unit := one unit's list, the same rows
    one = q(
        feb2026.db,
        "select case_id, metric_code, reason, points_worth, case_points_worth, unit_key "
        "from score766_cases_between(date '2026-02-01', date '2026-02-28', unit := ?)",
        [DA_KEY],
    )
    assert sorted(one) == sorted(r for r in rows if r[5] == DA_KEY) and len(one) == 4
    # what every listed case of a metric would give back is what the metric lacks
    recoverable = {
        (u, m): r
        for u, m, r in q(
            feb2026.db,
            "select unit_key, metric_code, points_recoverable from score766_of('2026-02') where points < max_points",
        )
    }
    assert recoverable == {
        (TT_KEY, "TIEN_DO"): 6.67,
        (TT_KEY, "DOSSIER_RECEIVING_SATISFACTION"): 1.56,
        (TT_KEY, "ONLINE_PAYMENT_DOSSIER"): 2.0,
        (TT_KEY, "ORIGINAL_RESULT_AVAILABLE"): 1.71,
        (TT_KEY, "SO_HOA_GIAY_TO_GIAI_QUYET"): 0.57,
        (DA_KEY, "TIEN_DO"): 10.0,
        (DA_KEY, "DOSSIER_RECEIVING_SATISFACTION"): 2.67,
    }


def test_a_case_without_a_due_time_is_judged_by_the_statute_across_tet(feb2026):
    """T7: Cấp Giấy xác nhận tình trạng hôn nhân, 03 ngày làm việc, received Fri 13/02/2026 10:00:
    16–20/02 Tết, 21–22/02 weekend → 23, 24, 25/02: due 25/02; finished 24/02: on time. Its row is
    loaded, not quarantined; Biểu 06 counts it resolved on time too."""
    assert q(feb2026.db, "select due_at, statutory_due_at::date::varchar from cases where case_id = 'T7'") == [
        (None, "2026-02-25")
    ]
    assert q(feb2026.db, "select count(*) from quarantine") == [(0,)]
    on_time = q(
        feb2026.db,
        "select case_id from score766_classified_for("
        "[{'period': 'x', 'period_start': date '2026-02-01', 'period_end': date '2026-02-28'}], null) "
        "where progress_on_time and case_id in ('T7', 'T8', 'T6', 'D2')",
    )
    assert sorted(r[0] for r in on_time) == ["D2", "T6", "T7", "T8"]
    form = q(
        feb2026.db,
        "select resolved_total, resolved_early, resolved_on_time, resolved_late from report_form_for_period('2026-02') "
        "where unit_key = ? and sector = 'Hộ tịch'",
        [TT_KEY],
    )
    # resolved in February, Hộ tịch: T1, T2, T3, T7, T10 (T4 is Chứng thực; T8 withdrawn; T6 in March)
    # early: T2 (05 < 06/02), T7 (24 < 25/02); on time: T1 (same day); late: T3, T10
    assert form == [(5, 2, 1, 2)]


def test_a_due_time_later_than_the_statute_allows_is_flagged(feb2026):
    """N1: đăng ký khai sinh is due the day it is received (Quyết định 1872/QĐ-BTP năm 2020), but the
    export promised 04/02 for a case received on 02/02 at 09:00."""
    rows = q(
        feb2026.db,
        "select case_id, statutory_due_at::date::varchar, check_text from due_checks_between("
        "date '2026-02-01', date '2026-02-28')",
    )
    assert rows == [("N1", "2026-02-02", "hẹn trả sai quy định")]


def test_a_case_without_a_due_time_the_rules_cannot_count_is_quarantined(tmp_path):
    """No due time and no statutory time (a procedure the file does not list), or a statutory time the
    calendar cannot count (its days run into 2027, a year schemas/calendar_years.csv does not have):
    quarantined as before, with the reason saying so; so is a due time before its received time."""
    from pipelines.config import Settings

    rows = [
        f"U1;9.999999;Thủ tục chưa có thời hạn;Khác;{TT};Trực tiếp;Toàn trình;{P};02/02/2026 08:00;;;;"
        "Đang xử lý;1;0;;;",
        f"U2;{XN};{TT};Trực tiếp;Toàn trình;{P};30/12/2026 08:00;;;;Đang xử lý;1;0;;;",
        f"U3;{XN};{TT};Trực tiếp;Toàn trình;{P};02/02/2026 08:00;05/02/2026;;;Đang xử lý;1;0;;;",
        # a due time before its own received time: quarantined as before
        f"U4;{XN};{TT};Trực tiếp;Toàn trình;{P};02/02/2026 08:00;30/01/2026;;;Đang xử lý;1;0;;;",
    ]
    f = tmp_path / "igate.csv"
    f.write_text(IGATE_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    s = Settings.load(
        config_file=tmp_path / "none.toml", db=tmp_path / "w.duckdb", stage=tmp_path / "stage", reject_share=0.9
    )
    run_local([f], s)
    got = q(s.db, "select case_id, reasons, reason_text from quarantine order by case_id")
    assert [(c, r) for c, r, _t in got] == [
        ("U1", ["due_at_missing"]),
        ("U2", ["due_at_missing"]),
        ("U4", ["due_before_received"]),
    ]
    assert "thời hạn giải quyết" in got[0][2]
    assert q(s.db, "select case_id from cases") == [("U3",)]


def test_the_sheet_has_the_766_tabs_and_opens_in_libreoffice(feb2026, tmp_path):
    """The unit's workbook: the "Chỉ số 766" tab (points per metric and group, the province's units
    ranked, the months), a tab per metric scored from the cases with the cases that cost points, most
    worth fixing first; LibreOffice (headless) converts every tab."""
    import shutil
    import subprocess

    import openpyxl

    from pipelines.outputs.sheets import SHEET_766, write_sheets
    from pipelines.rules.periods import parse_period

    [book] = write_sheets(feb2026.db, parse_period("Tháng 2 năm 2026"), ["Thiên Trường"], tmp_path / "out")
    assert book.name == "bieu06_13684_thien-truong_2026-02.xlsx"
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[:3] == ["Biểu 06", "Chỉ số", SHEET_766]
    assert {"766 Tiến độ", "766 Hài lòng giải quyết TTHC", "766 Thanh toán trực tuyến"} <= set(wb.sheetnames)
    cells = [[c for c in row if c is not None] for row in wb[SHEET_766].iter_rows(values_only=True)]
    by_code = {row[0]: row for row in cells if row and row[0] in {m for _u, m in EXPECTED}}
    assert by_code["TIEN_DO"][2:7] == [6, 9, 0.6667, 13.33, 20]
    assert by_code["ONLINE_DOSSIER"][5] == "chưa có số liệu"  # points: formula not verified
    assert ["Tiến độ giải quyết: 13,33 / 20 điểm"] in cells
    assert ["Tổng điểm tính được từ tệp xuất hồ sơ", 29.49, 42] in cells
    ranked = [row[:2] for row in cells if len(row) == 5 and isinstance(row[0], int)]
    assert ranked == [[1, "phường Nam Định"], [2, "phường Thiên Trường"], [3, "phường Đông A"]]
    assert ["Tháng 1/2026", 10, 36] in cells and ["Tháng 2/2026", 29.49, 42] in cells
    progress = [[c for c in row if c is not None] for row in wb["766 Tiến độ"].iter_rows(min_row=7, values_only=True)]
    assert [r[1] for r in progress if r] == ["T3", "T5", "T10"]  # worth over all metrics: 4,39 > 3,82 > 2,96
    assert progress[1][6:9] == ["chưa kết thúc", 18, "Đang giải quyết, đã quá hạn"]  # 10/02 → 28/02: 18 days
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("soffice (LibreOffice) không có trên máy này")
    for tab in (SHEET_766, "766 Tiến độ"):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                "--headless",
                "--convert-to",
                # the 12th filter token: which sheet to write (1-based)
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,"
                f"{wb.sheetnames.index(tab) + 1}",
                "--outdir",
                str(tmp_path / "csv"),
                str(book),
            ],
            check=True,
            timeout=180,
            capture_output=True,
        )
    text = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "csv").glob("*.csv"))
    assert "Tiến độ giải quyết: 13,33 / 20 điểm" in text and "TIEN_DO" in text
    assert "Đang giải quyết, đã quá hạn" in text and "T10" in text


def test_tthc_diem766_prints_the_score_and_the_cases(feb2026):
    from typer.testing import CliRunner

    from pipelines.cli import app

    run = CliRunner().invoke(
        app, ["diem766", "--unit", "Thiên Trường", "--period", "Tháng 2 năm 2026", "--db", str(feb2026.db)]
    )
    assert run.exit_code == 0, run.output
    assert "Tiến độ giải quyết: 13,33 / 20 điểm" in run.output
    assert "Tổng điểm tính được: 29,49 / 42; 58 điểm còn lại không tính được từ tệp xuất hồ sơ." in run.output
    lines = [line.split() for line in run.output.splitlines()]
    cases = [parts[0] for parts in lines if parts and parts[0] in {"T3", "T4", "T5", "T10"}]
    assert list(dict.fromkeys(cases)) == ["T3", "T5", "T10", "T4"]
    empty = CliRunner().invoke(app, ["diem766", "-u", "Mỹ Lộc", "-p", "2026-02", "--db", str(feb2026.db)])
    assert empty.exit_code == 0 and "chưa có số liệu: không có hồ sơ của đơn vị trong kỳ" in empty.output
    js = CliRunner().invoke(
        app, ["diem766", "-u", "13693@2025", "-p", "2026-02", "-f", "json", "--db", str(feb2026.db)]
    )
    data = json.loads(js.output)
    got = {m["metric_code"]: (m["points"], m["note"]) for m in data["metrics"]}
    assert got["TIEN_DO"] == (10.0, None)
    assert got["ORIGINAL_RESULT_AVAILABLE"] == (None, "chưa có số liệu: tệp xuất không có cột Kết quả điện tử")
    bad = CliRunner().invoke(app, ["diem766", "-u", "Không có", "-p", "2026-02", "--db", str(feb2026.db)])
    assert bad.exit_code == 1


def test_the_report_has_the_766_paragraph(feb2026):
    from pipelines.outputs.figures import NoFigures, connect, find_unit, load_figures
    from pipelines.outputs.report import render_markdown
    from pipelines.outputs.score766 import load_score766
    from pipelines.rules.periods import parse_period

    con = connect(feb2026.db)
    try:
        p = parse_period("2026-02")
        target = find_unit(con, "Thiên Trường", p)
        text = render_markdown(load_figures(con, target, p), load_score766(con, target, p, detail=False))
        empty_target = find_unit(con, "Mỹ Lộc", p)
        empty = load_score766(con, empty_target, p, detail=False)
        # a unit without a case in the month has no report at all (issue 18): the reason, not zeros
        with pytest.raises(NoFigures, match="chưa có số liệu"):
            load_figures(con, empty_target, p)
    finally:
        con.close()
    assert "Tháng 2/2026 đơn vị đạt 13,33/20 điểm Tiến độ giải quyết (3 hồ sơ trễ hạn: T3, T5, T10);" in text
    assert "4/6 điểm Tỷ lệ hồ sơ thanh toán trực tuyến (1 hồ sơ có phí, lệ phí không thanh toán trực tuyến: T4)" in text
    assert "Tỷ lệ hồ sơ nộp trực tuyến đạt 62,50 % (5/8 hồ sơ)" in text
    assert "Tổng 29,49/42 điểm tính được từ tệp xuất hồ sơ; 58 điểm còn lại" in text
    assert all(m.points is None for m in empty.scores)
