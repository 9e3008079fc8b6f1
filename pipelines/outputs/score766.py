"""The 766 score of one unit and period, read from the warehouse: what the sheets, the report text
and `tthc diem766` show (one source, so they never differ).

The figures come from the warehouse's contract macros (score766_for, score766_cases_between,
due_checks_between); the metric list, labels and maxima from schemas/score766_*.csv
(pipelines.rules.score766). A unit with no case in the period gets every metric "chưa có số liệu".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from pipelines.outputs.figures import Target
from pipelines.rules.periods import Period, parse_period
from pipelines.rules.score766 import Metric, groups, metrics

NO_CASE_NOTE = "chưa có số liệu: không có hồ sơ của đơn vị trong kỳ"
TREND_MONTHS = 12
METRIC_COLUMNS = (
    "unit_key, unit_name, metric_code, numerator, denominator, rate_pct, points, points_recoverable, note, period"
)


@dataclass
class MetricScore:
    metric: Metric
    numerator: int | None = None
    denominator: int | None = None
    rate_pct: float | None = None
    points: float | None = None
    recoverable: float | None = None
    note: str | None = None


@dataclass
class GroupScore:
    code: str
    label: str
    max_points: float
    points: float | None  # sum of the points known, None when none is
    known_max: float  # maximum of the metrics whose points are known


@dataclass
class UnitTotal:
    unit_key: str
    unit_name: str
    points: float  # over the metrics known for every unit compared
    known_points: float  # over every metric known for this unit
    known_max: float
    rank: int = 0


@dataclass
class CaseCost:
    case_id: str
    metric_code: str
    reason: str
    reason_text: str
    worth: float
    case_worth: float
    procedure_name: str | None
    sector: str | None
    received_at: datetime | None
    due_at: datetime | None
    due_from_statute: bool
    end_at: datetime | None
    days_late: int | None


@dataclass
class DueCheck:
    case_id: str
    procedure_name: str | None
    received_at: datetime
    due_at: datetime
    statutory_max_due_at: datetime
    basis: str | None


@dataclass
class Score766:
    target: Target
    period: Period
    scores: list[MetricScore]
    has_cases: bool
    ranking: list[UnitTotal] = field(default_factory=list)
    trend: list[tuple[str, float | None, float]] = field(default_factory=list)  # (month, points, known max)
    cases: list[CaseCost] = field(default_factory=list)
    due_checks: list[DueCheck] = field(default_factory=list)

    def score(self, code: str) -> MetricScore:
        return next(s for s in self.scores if s.metric.code == code)

    def by_group(self) -> list[GroupScore]:
        out = []
        for g in groups():
            mine = [s for s in self.scores if s.metric.group == g.code]
            known = [s for s in mine if s.points is not None]
            out.append(
                GroupScore(
                    g.code,
                    g.label,
                    g.max_points,
                    round(sum(s.points or 0 for s in known), 2) if known else None,
                    sum(s.metric.max_points for s in known),
                )
            )
        return out

    @property
    def known_points(self) -> float | None:
        known = [s.points for s in self.scores if s.points is not None]
        return round(sum(known), 2) if known else None

    @property
    def known_max(self) -> float:
        return sum(s.metric.max_points for s in self.scores if s.points is not None)

    def cases_of(self, code: str) -> list[CaseCost]:
        """The cases that cost `code` points, most worth fixing first."""
        return [c for c in self.cases if c.metric_code == code]


def _cached(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: list) -> str:
    """A temporary table holding a query's result, computed once per connection: the sheets of
    every unit of a period share one classification of the month's cases."""
    exists = con.execute("select count(*) from duckdb_tables() where table_name = ? and temporary", [name]).fetchone()
    if not exists or not exists[0]:
        con.execute(f"create temp table {name} as {sql}", params)
    return name


def _key(*parts: object) -> str:
    return "s766_" + "_".join("".join(ch if ch.isalnum() else "_" for ch in str(p)) for p in parts)


def all_scores(con: duckdb.DuckDBPyConnection, period: Period, units: str) -> str:
    """Name of the temporary table with score766_for of every unit for `period` (one query per
    connection and period)."""
    return _cached(
        con,
        _key("all", period.label, units),
        "select * from score766_between(?::date, ?::date, units := ?)",
        [period.start, period.end, units],
    )


def _months(period: Period) -> list[Period]:
    """The calendar months of the trend: the TREND_MONTHS months ending with the period's last one."""
    y, m = period.end.year, period.end.month
    out = []
    for _ in range(TREND_MONTHS):
        out.append(parse_period(f"{y}-{m:02d}"))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _trend(con: duckdb.DuckDBPyConnection, unit_key: str, period: Period, units: str) -> list[tuple]:
    """(month label, points known, their maximum) of the unit for each month of the trend, from the
    first month holding a case of the warehouse (earlier months are not shown)."""
    first = con.execute("select min(received_at)::date from cases").fetchone()
    months = [p for p in _months(period) if first and first[0] and p.end >= first[0]]
    if not months:
        return []
    listed = [{"period": p.label, "period_start": p.start, "period_end": p.end} for p in months]
    name = _cached(
        con,
        _key("trend", months[0].label, months[-1].label, units),
        "select unit_key, period, round(sum(points), 2) as points, "
        "sum(max_points) filter (where points is not null) as known_max "
        "from score766_for(?::struct(period varchar, period_start date, period_end date)[], null, units := ?) "
        "group by unit_key, period",
        [listed, units],
    )
    rows = con.execute(f"select period, points, known_max from {name} where unit_key = ?", [unit_key]).fetchall()
    got = {r[0]: (r[1], r[2]) for r in rows}
    return [(p.label, *(got.get(p.label) or (None, 0.0))) for p in months]


def ranking(con: duckdb.DuckDBPyConnection, table: str) -> list[UnitTotal]:
    """Every unit with a case in the period, ranked by its points over the metrics known for all of
    them (a unit whose export lacks a column is not ranked down for it)."""
    rows = con.execute(f"select unit_key, unit_name, metric_code, points, max_points from {table}").fetchall()
    units: dict[str, dict] = {}
    for key, name, code, points, _max in rows:
        units.setdefault(key, {"name": name, "points": {}})["points"][code] = points
    if not units:
        return []
    common = set.intersection(*({c for c, p in u["points"].items() if p is not None} for u in units.values()))
    maxima = {m.code: m.max_points for m in metrics()}
    out = [
        UnitTotal(
            key,
            u["name"],
            round(sum(u["points"][c] for c in common), 2),
            round(sum(p for p in u["points"].values() if p is not None), 2),
            sum(maxima[c] for c, p in u["points"].items() if p is not None),
        )
        for key, u in units.items()
        if key is not None
    ]
    out.sort(key=lambda t: (-t.points, t.unit_name))
    for i, t in enumerate(out):
        t.rank = i + 1 if i == 0 or t.points != out[i - 1].points else out[i - 1].rank
    return out


def _cases(con: duckdb.DuckDBPyConnection, unit_key: str, period: Period, units: str) -> list[CaseCost]:
    rows = con.execute(
        "select case_id, metric_code, reason, reason_text, points_worth, case_points_worth, procedure_name, sector, "
        "received_at, due_at, due_from_statute, end_at, days_late "
        "from score766_cases_between(?::date, ?::date, units := ?, unit := ?) "
        "order by case_points_worth desc, days_late desc nulls last, received_at, case_id, "
        "points_worth desc, metric_code",
        [period.start, period.end, units, unit_key],
    ).fetchall()
    return [CaseCost(*r) for r in rows]


def _due_checks(con: duckdb.DuckDBPyConnection, unit_key: str, period: Period, units: str) -> list[DueCheck]:
    """The unit's due times to check, from one query of every unit per connection and period (the
    sheets of a whole province ask once)."""
    table = _cached(
        con,
        _key("due", period.label, units),
        "select * from due_checks_between(?::date, ?::date, units := ?)",
        [period.start, period.end, units],
    )
    rows = con.execute(
        "select case_id, procedure_name, received_at, due_at, statutory_max_due_at, basis "
        f"from {table} where unit_key = ? order by received_at, case_id",
        [unit_key],
    ).fetchall()
    return [DueCheck(*r) for r in rows]


def load_score766(con: duckdb.DuckDBPyConnection, target: Target, period: Period, detail: bool = True) -> Score766:
    """The 766 score of the target unit for the period, the cases that cost it points and the due
    times to check; with detail=True also the ranking of the period's units and the monthly trend
    (the sheets)."""
    unit, units = target.unit, target.units
    table = all_scores(con, period, units)
    rows = con.execute(f"select {METRIC_COLUMNS} from {table} where unit_key = ?", [unit.unit_key]).fetchall()
    got = {r[2]: r for r in rows}
    scores = []
    for m in metrics():
        r = got.get(m.code)
        if r is None:
            scores.append(MetricScore(m, note=NO_CASE_NOTE if m.from_cases else f"{m.empty_note}"))
        else:
            scores.append(MetricScore(m, r[3], r[4], r[5], r[6], r[7], r[8]))
    result = Score766(target, period, scores, bool(rows))
    if rows:
        result.cases = _cases(con, unit.unit_key, period, units)
    result.due_checks = _due_checks(con, unit.unit_key, period, units)
    if detail:
        result.ranking = ranking(con, table)
        result.trend = _trend(con, unit.unit_key, period, units)
    return result


def period_words(period: Period) -> str:
    """How the 766 text names the period: "Tháng 2/2026", "Quý I/2026", "Năm 2026", or the dates."""
    if period.kind == "month" and period.rule == "calendar":
        return f"Tháng {period.end.month}/{period.end.year}"
    if period.kind == "range":
        return f"Từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"
    return period.title_vi


def ids(cases: list[CaseCost] | list[DueCheck], limit: int = 10) -> str:
    """ "T3, T5, T10" (at most `limit` ids, then "…")."""
    seen = list(dict.fromkeys(c.case_id for c in cases))
    return ", ".join(seen[:limit]) + (", …" if len(seen) > limit else "")


def day(value: date | datetime | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y}"
