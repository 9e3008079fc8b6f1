"""A unit's months across the reform: Biểu 06 counts and the on-time rate per calendar month.

One classification for every unit at once (`period_counts` over a list of months, as the sheets'
quarter series does), the same units mode as the page: for today's units (`units := 'current'`)
a month before 01/07/2025 is the sum of the old units that became the unit (`reporting_units`),
so the series is continuous; those months are marked as rolled up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.reference.registry import REFORM_DAY

MONTHS = 36  # what a leader compares: this month against the same months of the last years


@dataclass(frozen=True)
class Month:
    label: str  # 2026-11
    start: date
    end: date

    @property
    def short_vi(self) -> str:
        """ "11/2026", how an axis names a month."""
        return f"{self.start.month:02d}/{self.start.year}"

    @property
    def before_reform(self) -> bool:
        return self.start < REFORM_DAY


@dataclass
class Point:
    """One unit in one month: None where the month has no case."""

    month: Month
    received: int | None = None
    resolved: int | None = None
    early: int | None = None
    on_time: int | None = None
    late: int | None = None
    in_progress_overdue: int | None = None
    timely_pct: float | None = None
    rolled_up: bool = False  # a month before the reform counted under today's unit


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def months_until(end: date, first: date | None, n: int = MONTHS) -> list[Month]:
    """The n calendar months ending with the month of `end`, none before the month of `first`
    (the first case of the warehouse: no empty years before the data starts)."""
    y, m = end.year, end.month
    out: list[Month] = []
    for _ in range(n):
        start = date(y, m, 1)
        if first is not None and start < date(first.year, first.month, 1):
            break
        out.append(Month(f"{y}-{m:02d}", start, _month_end(start)))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def first_case_day(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute("select min(received_at)::date from cases").fetchone()
    return row[0] if row else None


COUNTS = "dashboard_counts"  # temporary table: period_counts of the months and the period, once


def count_periods(con: duckdb.DuckDBPyConnection, periods: list[dict], units: str, as_of: object = None) -> str:
    """One classification (`period_counts`) of every unit and sector over all `periods`
    ({period, period_start, period_end}), kept in a temporary table for the page's queries: the
    months of the series and the page's own period are counted in the same pass."""
    con.execute(f"drop table if exists {COUNTS}")
    con.execute(
        f"create temp table {COUNTS} as select * from period_counts("
        "?::struct(period varchar, period_start date, period_end date)[], ?::timestamp, units := ?)",
        [periods, as_of, units],
    )
    return COUNTS


def month_periods(months: list[Month]) -> list[dict]:
    return [{"period": m.label, "period_start": m.start, "period_end": m.end} for m in months]


def monthly_series(con: duckdb.DuckDBPyConnection, months: list[Month], units: str) -> dict[str, list[Point]]:
    """unit_key → one Point per month of `months` (every unit with a case in any of them), from
    the counts of `count_periods`."""
    if not months:
        return {}
    rows = con.execute(
        f"""
        with c as (select * from {COUNTS} where sector is null and period in (select unnest(?::varchar[])))
        select c.unit_key, c.period, c.received_total, c.resolved_total, c.resolved_early, c.resolved_on_time,
               c.resolved_late, c.in_progress_overdue, i.value as timely_pct
        from c
        left join (select * from indicators_of('c') where indicator = 'timely_pct') as i
            using (unit_key, period)
        """,
        [[m.label for m in months]],
    ).fetchall()
    found: dict[str, dict[str, tuple]] = {}
    for key, period, *values in rows:
        found.setdefault(key, {})[period] = tuple(values)
    rolled = units == "current"
    series: dict[str, list[Point]] = {}
    for key, by_month in found.items():
        series[key] = []
        for m in months:
            point = Point(m, rolled_up=rolled and m.before_reform)
            if m.label in by_month:
                (point.received, point.resolved, point.early, point.on_time, point.late) = by_month[m.label][:5]
                point.in_progress_overdue, point.timely_pct = by_month[m.label][5:]
            series[key].append(point)
    return series
