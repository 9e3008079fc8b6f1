"""Each edge of "Classifying a case for period [S, E]" (docs/reference/indicators.md), through the SQL macros
the warehouse really uses (report_form_between / indicators_between)."""

from __future__ import annotations

from datetime import datetime

import pytest

S, E = "2024-01-01", "2024-03-31"
AS_OF = datetime(2024, 6, 1)  # well after E: in-progress status is judged at E
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


def add(con, case_id, r, d, f, status="returned", channel="online", sector="Hộ tịch", commune="13723"):
    con.execute(
        "insert into cases (case_id, sector, commune_code, commune_name, channel, received_at, due_at, finished_at, "
        "status) values (?, ?, ?, 'Mỹ Tân', ?, ?, ?, ?, ?)",
        [case_id, sector, commune, channel, r, d, f, status],
    )


def form(con, s=S, e=E, as_of=AS_OF, sector=None) -> dict[str, int]:
    row = con.execute(
        f"select {', '.join(COLS)} from report_form_between(?::date, ?::date, as_of := ?) "
        "where sector is not distinct from ?",
        [s, e, as_of, sector],
    ).fetchone()
    return dict(zip(COLS, row)) if row else dict.fromkeys(COLS, 0)


def only(result: dict[str, int], **expected: int) -> None:
    """Every column not named must be zero: a case lands in exactly one group."""
    assert result == {c: expected.get(c, 0) for c in COLS}


def test_early_by_calendar_day(con):
    add(con, "a", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-09 16:00")
    only(form(con), received_total=1, received_online=1, resolved_total=1, resolved_early=1)


def test_finished_on_due_day_before_due_time_is_on_time(con):
    add(con, "a", "2024-01-05 08:00", "2024-01-10 15:00", "2024-01-10 14:59")
    only(form(con), received_total=1, received_online=1, resolved_total=1, resolved_on_time=1)


def test_finished_on_due_day_after_due_time_is_late(con):
    add(con, "a", "2024-01-05 08:00", "2024-01-10 15:00", "2024-01-10 15:01")
    only(form(con), received_total=1, received_online=1, resolved_total=1, resolved_late=1)


def test_due_at_midnight_means_whole_day(con):
    # 00:00 is "no time of day": finishing at 23:59 on the due day is on time, next day late
    add(con, "a", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-10 23:59")
    add(con, "b", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-11 00:01")
    only(form(con), received_total=2, received_online=2, resolved_total=2, resolved_on_time=1, resolved_late=1)


def test_carried_over_across_start(con):
    add(con, "a", "2023-12-20 08:00", "2024-01-03 00:00", "2024-01-02 10:00", channel="direct")
    only(form(con), received_total=1, carried_over=1, resolved_total=1, resolved_early=1)


def test_closed_before_start_is_not_in_period(con):
    add(con, "a", "2023-12-20 08:00", "2024-01-03 00:00", "2023-12-29 10:00")
    only(form(con))


def test_in_progress_at_end_but_closed_today(con):
    # closed in April (after E): at E it was still being handled, and within time
    add(con, "a", "2024-03-20 08:00", "2024-04-05 00:00", "2024-04-02 10:00")
    only(form(con), received_total=1, received_online=1, in_progress_total=1, in_progress_on_time=1)


def test_in_progress_overdue_at_end(con):
    add(con, "a", "2024-03-01 08:00", "2024-03-15 00:00", None, status="processing")
    only(form(con), received_total=1, received_online=1, in_progress_total=1, in_progress_overdue=1)


def test_in_progress_judged_at_now_within_current_period(con):
    # period not over yet: due tomorrow is within time, due yesterday is overdue
    add(con, "a", "2024-03-01 08:00", "2024-03-11 00:00", None, status="processing")
    add(con, "b", "2024-03-01 08:00", "2024-03-09 00:00", None, status="processing")
    only(
        form(con, as_of=datetime(2024, 3, 10, 9, 0)),
        received_total=2,
        received_online=2,
        in_progress_total=2,
        in_progress_on_time=1,
        in_progress_overdue=1,
    )


def test_withdrawn_and_stopped_have_their_own_column(con):
    add(con, "a", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-07 08:00", status="withdrawn")
    add(con, "b", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-20 08:00", status="stopped")
    only(form(con), received_total=2, received_online=2, withdrawn_stopped=2)


def test_refused_is_outside_every_total(con):
    add(con, "a", "2024-01-05 08:00", None, "2024-01-05 09:00", status="refused")
    add(con, "b", "2023-12-05 08:00", None, None, status="refused")  # before S: nowhere
    only(form(con), refused_at_intake=1)


def test_period_boundaries_are_inclusive_to_end_of_day(con):
    add(con, "first", "2024-01-01 00:00", "2024-01-03 00:00", "2024-01-02 00:00")
    add(con, "last", "2024-03-31 23:59:59", "2024-04-03 00:00", "2024-03-31 23:59:59")
    add(con, "after", "2024-04-01 00:00", "2024-04-03 00:00", "2024-04-02 00:00")
    add(con, "before", "2023-12-31 23:59:59", "2024-01-03 00:00", "2023-12-31 23:59:59")
    only(form(con), received_total=2, received_online=2, resolved_total=2, resolved_early=2)


def test_postal_and_direct_are_offline(con):
    add(con, "a", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-06 08:00", channel="postal")
    add(con, "b", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-06 08:00", channel="direct")
    only(form(con), received_total=2, received_offline=2, resolved_total=2, resolved_early=2)


def test_sector_rows_and_total_row(con):
    add(con, "a", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-06 08:00", sector="Hộ tịch")
    add(con, "b", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-06 08:00", sector="Chứng thực")
    assert form(con, sector="Hộ tịch")["resolved_total"] == 1
    assert form(con, sector="Chứng thực")["resolved_total"] == 1
    assert form(con, sector=None)["resolved_total"] == 2


def test_rates_are_null_when_denominator_is_zero(con):
    add(con, "a", "2024-03-20 08:00", "2024-04-05 00:00", None, status="processing")
    rows = dict(
        con.execute(
            "select indicator, value from indicators_between(date '2024-01-01', date '2024-03-31', as_of := ?) "
            "where sector is null",
            [AS_OF],
        ).fetchall()
    )
    assert rows["early_pct"] is None and rows["digitized_pct"] is None
    assert rows["timely_pct"] == 100.0
    assert rows["online_pct"] == 100.0


def test_rates_two_decimals(con):
    for i in range(44):
        add(con, f"e{i}", "2024-01-05 08:00", "2024-01-10 00:00", "2024-01-06 08:00" if i < 43 else "2024-01-10 12:00")
    rows = dict(
        con.execute(
            "select indicator, value from indicators_between(date '2024-01-01', date '2024-03-31', as_of := ?) "
            "where sector is null",
            [AS_OF],
        ).fetchall()
    )
    assert rows["early_pct"] == pytest.approx(97.73)
    assert rows["on_time_pct"] == pytest.approx(2.27)
    assert rows["late_pct"] == 0.0
