"""The working-day calendar and statutory due days, counted by hand.

2026: Tết Bính Ngọ 16–20/02 off (Thông báo 9441/TB-BNV), so after Friday 13/02 the next working days
are 23, 24, 25/02. 2025: 30/4 – 04/5 off with Friday 02/5 swapped for Saturday 26/4 (a working day).
2026: Giỗ Tổ Hùng Vương falls on Sunday 26/4, so Monday 27/4 is off (Bộ luật Lao động 2019 Điều 112.3).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipelines.rules.calendar import calendar_years, days_off, statutory_times, working_day_rows

ROWS = {d: (working, seq, kind) for d, working, seq, kind, _name in working_day_rows()}


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        (date(2026, 2, 16), False),  # Tết (Monday)
        (date(2026, 2, 20), False),  # Tết (Friday)
        (date(2026, 2, 21), False),  # Saturday
        (date(2026, 2, 23), True),
        (date(2025, 4, 26), True),  # Saturday worked for Friday 02/5/2025
        (date(2025, 5, 2), False),
        (date(2026, 4, 27), False),  # nghỉ bù Giỗ Tổ
        (date(2024, 2, 8), False),  # Tết Giáp Thìn
        (date(2024, 5, 4), True),  # Saturday worked for Monday 29/4/2024
    ],
)
def test_days_off_and_make_up_days(day, working):
    assert ROWS[day][0] is working


def test_working_seq_counts_working_days():
    # Fri 13/02 and Mon 23/02 are consecutive working days; the days between share 13/02's count
    assert ROWS[date(2026, 2, 23)][1] == ROWS[date(2026, 2, 13)][1] + 1
    assert {ROWS[date(2026, 2, d)][1] for d in range(13, 23)} == {ROWS[date(2026, 2, 13)][1]}
    assert calendar_years() == (2024, 2025, 2026)
    assert min(ROWS) == date(2024, 1, 1) and max(ROWS) == date(2026, 12, 31)


def test_every_day_off_has_a_basis_and_a_known_kind():
    for d in days_off():
        assert d.basis and d.name, d
    assert sum(1 for d in days_off() if d.day.year == 2026 and d.name.startswith("Tết Âm lịch")) == 5


def test_statutory_times_are_read_with_their_basis():
    by_code = {s.procedure_code: s for s in statutory_times()}
    assert by_code["1.004873"].amount == 3 and by_code["1.004873"].unit == "working_day"
    assert by_code["1.001193"].unit == "same_day" and by_code["1.001193"].after_cutoff
    assert "Đăng ký khai sinh" in by_code["1.001193"].names
    assert all(s.basis for s in statutory_times())


@pytest.mark.parametrize(
    "code, name, received, due, max_due",
    [
        # 03 working days from Fri 13/02 10:00: 23, 24, 25/02
        ("1.004873", "x", datetime(2026, 2, 13, 10), date(2026, 2, 25), date(2026, 2, 25)),
        # the name alone is enough ("Thủ tục" and case do not matter); from Thu 12/02: 13, 23, 24/02
        (None, "THỦ TỤC cấp giấy xác nhận  tình trạng hôn nhân", datetime(2026, 2, 12, 16), date(2026, 2, 24), None),
        # same day, received after 15:00: the next working day (Tết between)
        (None, "Đăng ký khai sinh", datetime(2026, 2, 13, 15, 30), date(2026, 2, 23), None),
        (None, "Đăng ký khai sinh", datetime(2026, 2, 13, 15, 0), date(2026, 2, 13), None),
        # received on a Saturday: counts from Monday; with verification up to 05 working days later
        (None, "Đăng ký kết hôn", datetime(2026, 2, 14, 9), date(2026, 2, 23), date(2026, 3, 2)),
        # after 15:00 on Friday 25/4/2025: the next working day is the make-up Saturday 26/4
        (None, "Chứng thực bản sao", datetime(2025, 4, 25, 16), date(2025, 4, 26), None),
    ],
)
def test_statutory_due_days(con, code, name, received, due, max_due):
    con.execute(
        "create table t as select 1 as row_key, ?::varchar as procedure_code, ? as procedure_name, "
        "?::timestamp as received_at",
        [code, name, received],
    )
    got = con.execute("select statutory_due_at::date, statutory_max_due_at::date from statutory_dues('t')").fetchall()
    assert got == [(due, max_due or due)]


@pytest.mark.parametrize(
    "code, name, received",
    [
        ("9.999999", "Thủ tục không có trong danh mục thời hạn", datetime(2026, 2, 13, 10)),
        ("1.004873", "x", datetime(2026, 12, 30, 10)),  # needs January 2027: not in the calendar
        ("1.004873", "x", datetime(2023, 12, 30, 10)),  # 2023 is not in the calendar
    ],
)
def test_no_statutory_due_day_when_the_rules_cannot_count_it(con, code, name, received):
    con.execute(
        "create table t as select 1 as row_key, ? as procedure_code, ? as procedure_name, ?::timestamp as received_at",
        [code, name, received],
    )
    assert con.execute("select * from statutory_dues('t')").fetchall() == []
