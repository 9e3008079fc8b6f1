"""Every date form of docs/reference/export-format.md through the one SQL parser; day first, never repaired."""

from datetime import datetime

import duckdb
import pytest

from pipelines.resources import SQL


@pytest.fixture(scope="module")
def parse():
    c = duckdb.connect()
    c.execute((SQL / "macros" / "parse_dates.sql").read_text())
    return lambda raw: c.execute("select tthc_parse_ts(?)", [raw]).fetchone()[0]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("05/01/2024", datetime(2024, 1, 5)),
        ("5/1/2024", datetime(2024, 1, 5)),
        ("05/01/2024 08:30", datetime(2024, 1, 5, 8, 30)),
        ("5/1/2024 8:05", datetime(2024, 1, 5, 8, 5)),
        ("05/01/2024 08:30:15", datetime(2024, 1, 5, 8, 30, 15)),
        ("05-01-2024", datetime(2024, 1, 5)),
        ("05.01.2024", datetime(2024, 1, 5)),
        ("20240105083015", datetime(2024, 1, 5, 8, 30, 15)),
        ("20240105", datetime(2024, 1, 5)),
        ("2024-01-05", datetime(2024, 1, 5)),
        ("2024-01-05 08:30:00", datetime(2024, 1, 5, 8, 30)),  # how fastexcel renders a date cell
        ("2024-01-05T08:30:00", datetime(2024, 1, 5, 8, 30)),
        ("2024-01-05T08:30:00+07:00", datetime(2024, 1, 5, 8, 30)),
        ("2024-01-05T01:30:00Z", datetime(2024, 1, 5, 8, 30)),
        ("2024-01-05T03:30:00+02:00", datetime(2024, 1, 5, 8, 30)),
        ("45296", datetime(2024, 1, 5)),  # Excel serial
        ("45296.5", datetime(2024, 1, 5, 12, 0)),
        ("08:30 05/01/2024", datetime(2024, 1, 5, 8, 30)),
        # e-PAR/R3 due dates: a half-day window, its end is the due time
        ("12-03-2024 Từ 13:30 đến 16:00", datetime(2024, 3, 12, 16, 0)),
        ("12/03/2024 từ 7h30 đến 11h00", datetime(2024, 3, 12, 11, 0)),
        ("Từ 13:30 đến 16:00 ngày 12/03/2024", datetime(2024, 3, 12, 16, 0)),
        ("05/08/2026 10:00:00", datetime(2026, 8, 5, 10, 0)),  # OpenCPS dd/MM/yyyy HH:mm:ss
        ("  05/01/2024  ", datetime(2024, 1, 5)),
        ("29/02/2024", datetime(2024, 2, 29)),
    ],
)
def test_forms(parse, raw, expected):
    assert parse(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "31/02/2024",
        "29/02/2023",
        "13/13/2024",
        "32/01/2024",
        "05/13/2024",
        "05/01/2024 24:00",
        "abc",
        "",
        "  ",
        None,
        "2024-02-30",
        "20240230",
        "31/04/2024 10:00",
        "12-03-2024 Từ 13:30 đến 25:00",  # a window ending at an impossible hour
        "31-02-2024 Từ 13:30 đến 16:00",
        "Từ 13:30 đến 16:00",  # a window without its day
    ],
)
def test_impossible_or_garbage_is_null(parse, raw):
    assert parse(raw) is None


def test_day_first_never_month_first(parse):
    # 03/04/2024 is the 3rd of April, and 12/01 the 12th of January
    assert parse("03/04/2024") == datetime(2024, 4, 3)
    assert parse("12/01/2024 07:00") == datetime(2024, 1, 12, 7, 0)
    # 01/13/2024 (a US month-first date) must not become 13 January
    assert parse("01/13/2024") is None
