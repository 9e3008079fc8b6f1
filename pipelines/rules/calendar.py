"""The working-day calendar and the statutory processing times, as rows for SQL.

The rules are data (schemas/): the days off and make-up days of each year
(calendar_days_off.csv: Bộ luật Lao động 2019 Điều 112 and the yearly notices), the years the
calendar is complete for (calendar_years.csv), the weekly rest days and the 15:00 cut-off
(calendar_rules.csv), and the statutory time of each procedure (statutory_times.csv). This module
turns them into the two tables SQL computes statutory due times with (`working_days`,
`statutory_times`, macros in sql/macros/statutory_due.sql): the warehouse writes them with its
reference tables, and the parse step writes them into its own connection to decide whether a
case without a due time can be judged. The arithmetic is written once, in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache

import duckdb
import pyarrow as pa

from pipelines.rules.vocab import _read_csv

DAY_KINDS = {
    "holiday": "ngày lễ, Tết",
    "compensatory": "nghỉ bù",
    "swap_off": "nghỉ hoán đổi",
    "make_up": "làm bù",
}
OFF_KINDS = {"holiday", "compensatory", "swap_off"}
UNITS = {
    "same_day": "trong ngày",
    "working_day": "ngày làm việc",
    "working_hour": "giờ làm việc",
    "day": "ngày",
}


@dataclass(frozen=True)
class DayOff:
    day: date
    kind: str  # holiday | compensatory | swap_off | make_up (DAY_KINDS)
    name: str
    basis: str


@dataclass(frozen=True)
class StatutoryTime:
    procedure_code: str
    procedure_name: str
    names: tuple[str, ...]  # the catalogue name and the short names exports use
    amount: int
    unit: str  # UNITS
    max_working_days: int | None  # the longest lawful time (e.g. with verification), if any
    after_cutoff: bool  # a case received after the cut-off counts from the next working day
    basis: str


class CalendarError(ValueError):
    """A rule file of the calendar says something that cannot be right."""


@lru_cache(maxsize=1)
def calendar_rules() -> dict[str, str]:
    return {r["rule"]: r["value"] for r in _read_csv("calendar_rules.csv")}


def rest_weekdays() -> frozenset[int]:
    """ISO weekdays of the weekly rest (6, 7: Saturday, Sunday)."""
    return frozenset(int(d) for d in calendar_rules()["weekly_rest_days"].split("|"))


def cutoff() -> time:
    return time.fromisoformat(calendar_rules()["afternoon_cutoff"])


@lru_cache(maxsize=1)
def calendar_years() -> tuple[int, ...]:
    return tuple(sorted(int(r["year"]) for r in _read_csv("calendar_years.csv")))


@lru_cache(maxsize=1)
def days_off() -> tuple[DayOff, ...]:
    out = []
    years = set(calendar_years())
    for r in _read_csv("calendar_days_off.csv"):
        d = DayOff(date.fromisoformat(r["day"]), r["kind"], r["name"], r["basis"])
        if d.kind not in DAY_KINDS:
            raise CalendarError(f"schemas/calendar_days_off.csv: {d.day}: loại ngày '{d.kind}' không có")
        if d.day.year not in years:
            raise CalendarError(
                f"schemas/calendar_days_off.csv: {d.day}: năm {d.day.year} không có trong calendar_years.csv"
            )
        out.append(d)
    return tuple(out)


def working_day_rows() -> list[tuple[date, bool, int, str | None, str | None]]:
    """(day, is_working_day, working_seq, day_kind, name) for every day of the covered years, in
    order. working_seq counts the working days up to and including the day, so the n-th working day
    after a day d is the working day whose working_seq is working_seq(d) + n. A year missing from
    calendar_years.csv has no rows: a due time that needs it is unknown, never guessed."""
    special = {d.day: d for d in days_off()}
    rest = rest_weekdays()
    rows = []
    seq = 0
    for year in calendar_years():
        day = date(year, 1, 1)
        while day.year == year:
            s = special.get(day)
            if s is not None:
                working = s.kind == "make_up"
            else:
                working = day.isoweekday() not in rest
            seq += working
            rows.append((day, working, seq, s.kind if s else None, s.name if s else None))
            day += timedelta(days=1)
    return rows


@lru_cache(maxsize=1)
def statutory_times() -> tuple[StatutoryTime, ...]:
    out = []
    for r in _read_csv("statutory_times.csv"):
        unit = r["unit"]
        if unit not in UNITS:
            raise CalendarError(f"schemas/statutory_times.csv: {r['procedure_code']}: đơn vị '{unit}' không có")
        names = (r["procedure_name"], *(a.strip() for a in r["aliases"].split("|") if a.strip()))
        out.append(
            StatutoryTime(
                procedure_code=r["procedure_code"],
                procedure_name=r["procedure_name"],
                names=names,
                amount=int(r["amount"]),
                unit=unit,
                max_working_days=int(r["max_working_days"]) if r["max_working_days"] else None,
                after_cutoff=r["after_cutoff"] == "yes",
                basis=r["basis"],
            )
        )
    return tuple(out)


def write_calendar(con: duckdb.DuckDBPyConnection) -> None:
    """Replace `working_days` and `statutory_times` with the rule files' rows (the tables and the
    macro tthc_procedure_key must exist: sql/sources/working_days.sql, statutory_times.sql)."""
    # through Arrow: executemany cost ~1 s a call for these ~1,100 rows (every run and every parse)
    days: list[tuple[object, ...]] = list(zip(*working_day_rows(), strict=True)) or [()] * 5
    working_days = pa.table(
        {
            "day": pa.array(days[0], pa.date32()),
            "is_working_day": pa.array(days[1], pa.bool_()),
            "working_seq": pa.array(days[2], pa.int32()),
            "day_kind": pa.array(days[3], pa.string()),
            "name": pa.array(days[4], pa.string()),
        }
    )
    limit = cutoff()
    times = statutory_times()
    statutes = pa.table(
        {
            "procedure_code": pa.array([s.procedure_code for s in times], pa.string()),
            "procedure_name": pa.array([s.procedure_name for s in times], pa.string()),
            "names": pa.array([list(s.names) for s in times], pa.list_(pa.string())),
            "amount": pa.array([s.amount for s in times], pa.int32()),
            "unit": pa.array([s.unit for s in times], pa.string()),
            "max_working_days": pa.array([s.max_working_days for s in times], pa.int32()),
            "cutoff": pa.array([limit if s.after_cutoff else None for s in times], pa.time64("us")),
            "basis": pa.array([s.basis for s in times], pa.string()),
        }
    )
    con.execute("delete from working_days")
    con.register("_working_days_rows", working_days)
    con.execute("insert into working_days by name select * from _working_days_rows")
    con.unregister("_working_days_rows")
    con.execute("delete from statutory_times")
    con.register("_statutory_rows", statutes)
    con.execute("insert into statutory_times by name select * from _statutory_rows")
    con.unregister("_statutory_rows")
    # the match keys by the one SQL normaliser cases are matched with
    con.execute("update statutory_times set name_keys = list_transform(names, lambda n: tthc_procedure_key(n))")
