"""Counting conventions (schemas/conventions.csv) through report_form_between(…, convention := …).

Twelve cases of phường Thiên Trường in Q3 2026, each chosen to hit one rule of one builder; the
expected figures were worked out by hand from the builders' code, case by case (the table in each
test's docstring), not from this project's output.
"""

from __future__ import annotations

import csv
from datetime import datetime

import pytest

from pipelines.resources import SCHEMAS

S, E = "2026-07-01", "2026-09-30"
AS_OF = datetime(2026, 11, 30, 12, 0)  # after E: in-progress cases are judged at the end of E
UNIT = "13684@2025"
COLS = [
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_on_time",
    "in_progress_overdue",
    "withdrawn_stopped",
    "refused_at_intake",
]

# case: received, due, finished, returned, status, channel, filed
CASES = {
    "A": ("2026-07-05 09:00", "2026-07-10 00:00", "2026-07-08 10:00", "2026-07-09 08:00", "returned", "online", None),
    "B": ("2026-07-06 08:00", "2026-07-10 00:00", "2026-07-10 15:00", "2026-07-10 16:00", "returned", "online", None),
    "C": ("2026-07-07 08:00", "2026-07-20 00:00", "2026-07-15 09:00", None, "withdrawn", "online", None),
    "D": ("2026-06-20 08:00", "2026-07-05 00:00", None, None, "awaiting_supplement", "online", None),
    "E": ("2026-03-01 08:00", "2026-03-20 00:00", "2026-03-25 09:00", None, "stopped", "online", None),
    "F": ("2026-09-25 10:00", "2026-09-30 10:00", None, None, "processing", "online", None),
    "G": ("2026-09-28 08:00", "2026-10-15 00:00", "2026-10-02 09:00", None, "resolved", "online", None),
    "H": ("2026-08-01 08:00", "2026-08-10 00:00", "2026-08-12 09:00", None, "resolved", "direct", None),
    "I": ("2026-08-02 08:00", None, "2026-08-02 09:00", None, "refused", "online", None),
    "J": ("2026-08-03 08:00", "2026-08-20 00:00", None, None, "submitted", "online", None),
    "K": (
        "2026-07-01 08:00",
        "2026-07-05 00:00",
        "2026-07-03 09:00",
        "2026-07-04 09:00",
        "returned",
        "online",
        "2026-06-30 20:00",
    ),
    "L": ("2026-09-29 14:00", "2026-10-05 00:00", None, None, "processing", "online", None),
}


@pytest.fixture
def q3(con):
    for case_id, (r, d, f, ret, status, channel, filed) in CASES.items():
        con.execute(
            "insert into cases (case_id, unit_key, commune_code, commune_name, sector, channel, received_at, due_at, "
            "finished_at, returned_at, filed_at, status) values (?, ?, '13684', 'Thiên Trường', 'Hộ tịch', ?, ?, ?, "
            "?, ?, ?, ?)",
            [case_id, UNIT, channel, r, d, f, ret, filed, status],
        )
    return con


def form(con, convention: str | None = None, **extra: object) -> dict[str, int]:
    args = ", ".join(f"{k} := ?" for k in extra)
    conv = ", convention := ?" if convention else ""
    row = con.execute(
        f"select {', '.join(COLS)} from report_form_between(?::date, ?::date, as_of := ?{conv}"
        f"{', ' + args if args else ''}) where sector is null and unit_key = ?",
        [S, E, AS_OF, *([convention] if convention else []), *extra.values(), UNIT],
    ).fetchone()
    return dict(zip(COLS, row))


def expect(**values: int) -> dict[str, int]:
    return {c: values.get(c, 0) for c in COLS}


def test_tt01_the_projects_own_rules(q3):
    """A early; B on the due day, by the deadline: on time; C withdrawn: extra column; D carried
    over, overdue at the end of E; E stopped in March: not alive; F due 30/09 10:00: overdue; G
    finished after E: in progress, on time; H late, trực tiếp; I refused at intake; J submitted:
    received, overdue; K early; L in progress, on time."""
    assert form(q3) == expect(
        received_total=10,
        received_online=8,
        received_offline=1,
        carried_over=1,
        resolved_total=4,
        resolved_early=2,
        resolved_on_time=1,
        resolved_late=1,
        in_progress_total=5,
        in_progress_on_time=2,
        in_progress_overdue=3,
        withdrawn_stopped=1,
        refused_at_intake=1,
    )
    assert form(q3, "tt01_2020", known_at=datetime(2099, 1, 1)) == form(q3)  # the generic path, same rules


def test_tandan_06a_counts_as_thongkewherebuilder(q3):
    """ThongKeWhereBuilder.cs: C (TRA_LAI '7') resolved on time (DaXuLyDungHanVaTraLai); D (BO_SUNG
    '5') and E (DUNG_XU_LY '8', received before E) in progress on time and carried over (TiepNhanKyTruoc
    by status); F: CONVERT(DATE, NgayHenTra) 30/09 >= DenNgay: on time; G (DA_XU_LY, NgayKetThucXuLy
    after E): DangXuLy, on time; J (status 1) is KHONG_TIEP_NHAN: left out; no 'now' anywhere."""
    assert form(q3, "tandan_06a") == expect(
        received_total=10,
        received_online=7,
        received_offline=1,
        carried_over=2,
        resolved_total=5,
        resolved_early=2,
        resolved_on_time=2,
        resolved_late=1,
        in_progress_total=5,
        in_progress_on_time=5,
        refused_at_intake=1,
    )


def test_tandan_06_keys_on_the_hand_over(q3):
    """BaoCaoSo06WhereBuilder.cs with BaoCaoSo06bHandler's columns: only A, B, K were handed over
    (NgayTra); B handed over 10/07 16:00 against a due time of 10/07 00:00: late; C, G, H have no
    NgayTra: counted nowhere; D and E (BoSung) counted in TongSo and carried over, in no column of
    (7) or (11); F due 30/09 10:00 < DenNgay 30/09 23:59:59: overdue; L on time."""
    assert form(q3, "tandan_06") == expect(
        received_total=7,
        received_online=5,
        carried_over=2,
        resolved_total=3,
        resolved_early=2,
        resolved_late=1,
        in_progress_total=2,
        in_progress_on_time=1,
        in_progress_overdue=1,
        refused_at_intake=1,
    )


def test_opencps_counts_as_statisticenginefetchentry(q3):
    """StatisticEngineFetchEntry.java: B releaseDate 15:00 after dueDate 00:00: overtime; A and K
    early because finishDate (hand-over) is before dueDate; C CANCELLED: cancelledCount; D
    (WAITING) and J (RECEIVING) count in waitingCount, not processingCount; F dueDate 10:00 <= min(now,
    toStatisticDate): overdue."""
    assert form(q3, "opencps") == expect(
        received_total=10,
        received_online=8,
        received_offline=1,
        carried_over=1,
        resolved_total=4,
        resolved_early=2,
        resolved_late=2,
        in_progress_total=3,
        in_progress_on_time=2,
        in_progress_overdue=1,
        withdrawn_stopped=1,
        refused_at_intake=1,
    )


def test_reading_the_filing_date_moves_k_before_the_period(q3):
    """K was filed online on 30/06 20:00 and received on 01/07: read from its filing, it is carried over."""
    moved = form(q3, reading="filed_at")
    assert moved == {**form(q3), "received_online": 7, "carried_over": 2}


def test_known_at_leaves_out_later_cases(q3):
    """As the cases stood on 29/09 09:00: L (received 14:00 that day) did not exist yet."""
    then = form(q3, known_at=datetime(2026, 9, 29, 9, 0))
    assert then == {
        **form(q3),
        "received_total": 9,
        "received_online": 7,
        "in_progress_total": 4,
        "in_progress_on_time": 1,
    }


def _rows(name: str) -> list[dict[str, str]]:
    with open(SCHEMAS / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_convention_places_every_status_once():
    statuses = [r["status"] for r in _rows("statuses.csv")]
    lists = (
        "excluded_statuses",
        "open_statuses",
        "waiting_statuses",
        "withdrawn_statuses",
        "stopped_statuses",
        "done_statuses",
    )
    rows = _rows("conventions.csv")
    assert [r["convention"] for r in rows][0] == "tt01_2020"
    for r in rows:
        placed = [s for col in lists for s in r[col].split("|") if s]
        assert sorted(placed) == sorted(statuses), r["convention"]
        assert r["source"] and r["label"]
        assert r["state_by"] in ("dates", "status")
        assert r["resolved_timing"] in ("tt01", "compare", "opencps")
        assert r["in_progress_due"] in ("deadline_vs_horizon", "raw_vs_horizon", "period_end")
