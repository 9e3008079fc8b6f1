"""Every period form of docs/reference/indicators.md, the NĐ 09/2019 cut-off, and messages for bad input."""

from datetime import date

import pytest

from pipelines.rules.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    "text, start, end, label",
    [
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31), "2024Q1"),
        ("2024q4", date(2024, 10, 1), date(2024, 12, 31), "2024Q4"),
        ("2024Q1@nd09", date(2023, 12, 15), date(2024, 3, 14), "2024Q1@nd09"),
        ("2024Q3@ND09", date(2024, 6, 15), date(2024, 9, 14), "2024Q3@nd09"),
        ("2024-03", date(2024, 3, 1), date(2024, 3, 31), "2024-03"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2024-03@nd09", date(2024, 2, 15), date(2024, 3, 14), "2024-03@nd09"),
        ("Tháng 8 năm 2026", date(2026, 8, 1), date(2026, 8, 31), "2026-08"),
        ("tháng 2/2026", date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        ("Tháng 02 - 2024", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("Tháng 3 năm 2024@nd09", date(2024, 2, 15), date(2024, 3, 14), "2024-03@nd09"),
        ("2024-01@nd09", date(2023, 12, 15), date(2024, 1, 14), "2024-01@nd09"),
        ("2024H1", date(2024, 1, 1), date(2024, 6, 30), "2024H1"),
        ("2024H2", date(2024, 7, 1), date(2024, 12, 31), "2024H2"),
        ("2024H1@nd09", date(2023, 12, 15), date(2024, 6, 14), "2024H1@nd09"),
        ("2024-9M@nd09", date(2023, 12, 15), date(2024, 9, 14), "2024-9M@nd09"),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), "2024"),
        ("2024@nd09", date(2023, 12, 15), date(2024, 12, 14), "2024@nd09"),
        ("2024-01-01..2024-03-25", date(2024, 1, 1), date(2024, 3, 25), "2024-01-01..2024-03-25"),
        ("01/01/2024-25/03/2024", date(2024, 1, 1), date(2024, 3, 25), "2024-01-01..2024-03-25"),
        ("1/1/2024 - 25/3/2024", date(2024, 1, 1), date(2024, 3, 25), "2024-01-01..2024-03-25"),
        ("01/01/2024..25/3/2024", date(2024, 1, 1), date(2024, 3, 25), "2024-01-01..2024-03-25"),
        ("từ 01/01/2024 đến 25/03/2024", date(2024, 1, 1), date(2024, 3, 25), "2024-01-01..2024-03-25"),
        ("Từ ngày 01/01/2024 đến ngày 25/3/2024", date(2024, 1, 1), date(2024, 3, 25), "2024-01-01..2024-03-25"),
    ],
)
def test_forms(text, start, end, label):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize(
    "text",
    [
        "2024Q5",
        "2024-13",
        "Tháng 13 năm 2026",
        "Tháng 8",
        "31/02/2024-01/03/2024",
        "25/03/2024-01/01/2024",
        "abc",
        "",
        "2024-01-01..2024-03-25@nd09",
        "2024Q1@xyz",
    ],
)
def test_bad_periods_explain_the_accepted_forms(text):
    with pytest.raises(PeriodError) as exc:
        parse_period(text)
    assert "2024Q1@nd09" in str(exc.value) and "2024-01-01..2024-03-25" in str(exc.value)


def test_titles_in_vietnamese():
    assert parse_period("2024Q1").title_vi == "Quý I năm 2024"
    assert parse_period("2024H1").title_vi == "6 tháng đầu năm 2024"
    assert parse_period("2026-08").title_vi == "Tháng 8 năm 2026"
    assert parse_period("2024-01-01..2024-03-25").range_vi == "từ ngày 01/01/2024 đến ngày 25/03/2024"
