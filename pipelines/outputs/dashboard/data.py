"""What the dashboard shows, read from the published warehouse only (read-only; no personal data
is there to read): the province's units ranked for one period, each unit's Biểu 06, series,
cases to act on and data quality, and how fresh the data is.

Units are chosen as everywhere else (`figures.all_units`, `figures.units_for`): a period wholly
before 01/07/2025 by the units of that time, a later one by today's units. Every figure comes
from the range macros (`report_form_between`, `indicators_between`) evaluated as of the last run,
so the page says the time its numbers stand at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from pipelines.outputs.dashboard.score766 import Scores, load_scores
from pipelines.outputs.dashboard.series import (
    Month,
    Point,
    count_periods,
    first_case_day,
    month_periods,
    monthly_series,
    months_until,
)
from pipelines.outputs.figures import FORM_COLUMNS, UNIT_COLUMNS, Target, UnitRef, all_units, units_for
from pipelines.reference.registry import REFORM_DAY
from pipelines.rules.periods import Period, parse_period

RATE = "timely_pct"  # the on-time rate units are ranked by (schemas/indicators.csv, Bộ chỉ số 766 mục 2.1)
SHOWN = ("timely_pct", "early_pct", "late_pct", "online_pct", "digitized_pct", "paid_online_pct")


@dataclass
class Freshness:
    run_id: str | None
    finished_at: datetime | None
    as_of: datetime | None
    code_version: str | None
    files_loaded: int
    files_rejected: int
    newest_case: datetime | None
    units_in_scope: int
    units_without_data: list[UnitRef]


@dataclass
class UnitFigures:
    target: Target
    form: dict[str | None, dict[str, int]]  # sector (None = all) → Biểu 06 columns
    indicators: dict[str, float | None]
    series: list[Point]
    rank: int | None = None  # by RATE among the period's units
    page: str = ""  # file name of the unit's page
    brief: str = ""  # file name of the unit's PDF brief

    @property
    def unit(self) -> UnitRef:
        return self.target.unit

    @property
    def total(self) -> dict[str, int]:
        return self.form.get(None) or dict.fromkeys(FORM_COLUMNS, 0)


@dataclass
class Dashboard:
    period: Period
    province: str
    units_mode: str  # recorded | current
    made_at: datetime  # local time of the deployment
    freshness: Freshness
    months: list[Month]
    units: list[UnitFigures]  # ranked: best on-time rate first, then units without a rate
    scores: Scores | None
    predecessors: dict[str, list[str]] = field(default_factory=dict)  # unit_key → "xã Mỹ Tân", …

    def unit(self, key: str) -> UnitFigures:
        return next(u for u in self.units if u.unit.unit_key == key)

    @property
    def ranked(self) -> int:
        return sum(1 for u in self.units if u.rank is not None)


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple:
    """The first row of a query that always returns one (an aggregate)."""
    return con.execute(sql, params or []).fetchall()[0]


def default_period(con: duckdb.DuckDBPyConnection) -> Period:
    """The last whole month before the last run (the portal scores by month, once it is over)."""
    as_of = _row(con, "select max(as_of) from runs")[0]
    day = as_of.date() if as_of else _row(con, "select tthc_local_now()::date")[0]
    y, m = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return parse_period(f"{y}-{m:02d}")


def _rank(values: dict[str, float | None]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4), highest first; None is not ranked."""
    known = sorted(((v, k) for k, v in values.items() if v is not None), reverse=True)
    ranks: dict[str, int] = {}
    for i, (v, k) in enumerate(known):
        ranks[k] = ranks[known[i - 1][1]] if i and known[i - 1][0] == v else i + 1
    return ranks


def freshness(con: duckdb.DuckDBPyConnection, era: str, with_data: set[str]) -> Freshness:
    runs = con.execute(
        "select run_id, finished_at, as_of, code_version from runs order by started_at desc, rowid desc limit 1"
    ).fetchall()
    run_id, finished, as_of, version = runs[0] if runs else (None, None, None, None)
    loaded, rejected = _row(
        con,
        "select count(*) filter (where status = 'loaded'), count(*) filter (where status = 'rejected') "
        "from ingested_files",
    )
    newest = _row(con, "select max(received_at) from cases")[0]
    scope = [
        UnitRef(*r)
        for r in con.execute(
            f"select {UNIT_COLUMNS} from communes where era = ? order by commune_name, unit_key",
            [era],
        ).fetchall()
    ]
    missing = [u for u in scope if u.unit_key not in with_data]
    return Freshness(run_id, finished, as_of, version, loaded, rejected, newest, len(scope), missing)


def _period_figures(
    con: duckdb.DuckDBPyConnection, counts: str, label: str
) -> tuple[dict[str, dict[str | None, dict[str, int]]], dict[str, dict[str, float | None]]]:
    """Biểu 06 (every sector) and the indicators (all sectors) of the period `label`, from the
    counts of `count_periods` (the same report_form_of / indicators_of as report_form_between)."""
    cols = ", ".join(FORM_COLUMNS)
    con.execute(f"create or replace temp table dashboard_period as select * from {counts} where period = ?", [label])
    forms: dict[str, dict[str | None, dict[str, int]]] = {}
    for key, sector, *values in con.execute(
        f"select unit_key, sector, {cols} from report_form_of('dashboard_period') order by unit_key, sector nulls first"
    ).fetchall():
        forms.setdefault(key, {})[sector] = dict(zip(FORM_COLUMNS, values, strict=True))
    indicators: dict[str, dict[str, float | None]] = {}
    for key, code, value in con.execute(
        "select unit_key, indicator, value from indicators_of('dashboard_period') where sector is null"
    ).fetchall():
        indicators.setdefault(key, {})[code] = value
    return forms, indicators


def predecessors(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, list[str]]:
    """Today's unit → the old units rolled up into it (reporting_units: the default successor)."""
    out: dict[str, list[str]] = {}
    for key, name, kind in con.execute(
        "select successor_key, commune_name, unit_type from communes where era = '2024' "
        "and successor_key in (select unnest(?::varchar[])) order by commune_name",
        [keys],
    ).fetchall():
        out.setdefault(key, []).append(f"{(kind or 'xã').lower()} {name}")
    return out


def load_dashboard(con: duckdb.DuckDBPyConnection, period: Period, province: str) -> Dashboard:
    """Every figure of the province page and the unit pages of `period`, in a handful of queries."""
    mode = units_for(period)
    era = "recorded" if mode == "recorded" else "current"
    as_of = _row(con, "select max(as_of) from runs")[0]
    targets = all_units(con, period)
    months = months_until(period.end, first_case_day(con))
    listed = month_periods(months)
    if period.label not in {m.label for m in months}:
        listed.append({"period": period.label, "period_start": period.start, "period_end": period.end})
    counts = count_periods(con, listed, mode, as_of)
    forms, indicators = _period_figures(con, counts, period.label)
    series = monthly_series(con, months, mode)
    rates = {t.unit.unit_key: (indicators.get(t.unit.unit_key) or {}).get(RATE) for t in targets}
    ranks = _rank(rates)
    units = [
        UnitFigures(
            t,
            forms.get(t.unit.unit_key, {}),
            indicators.get(t.unit.unit_key, {}),
            series.get(t.unit.unit_key) or [Point(m) for m in months],
            ranks.get(t.unit.unit_key),
        )
        for t in targets
    ]
    units.sort(key=lambda u: (u.rank is None, u.rank or 0, u.unit.name))
    keys = [u.unit.unit_key for u in units]
    made_at = _row(con, "select tthc_local_now()")[0].replace(microsecond=0)
    return Dashboard(
        period=period,
        province=province,
        units_mode=mode,
        made_at=made_at,
        freshness=freshness(con, "2024" if era == "recorded" else "2025", set(keys)),
        months=months,
        units=units,
        scores=load_scores(con, period, mode, as_of),
        predecessors=predecessors(con, keys) if mode == "current" else {},
    )


def reform_day() -> date:
    return REFORM_DAY
