"""The 766 score (Quyết định 766/QĐ-TTg) of every unit of a period, as the pages show it.

Read from the warehouse's contract macros `score766_between(start_date, end_date, as_of, units)`
(one row per unit × metric, with the metric's and group's labels from schemas/score766_*.csv) and
`score766_cases_between` (one row per case × metric it costs, with the reason in words and what
fixing it is worth), as of the page's last run and with the page's units. Units are ranked as the
sheets rank them (pipelines.outputs.score766.ranking: over the metrics known for every unit
listed), so a chair reads the same rank on the page and in the sheet of a closed period (an open
one is judged as of the last run, as the page's Biểu 06). A warehouse written by a version before
the 766 score has no such macros: `load_scores` gives None and the pages say "chưa có số liệu" with
the reason, never a number made up in their place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

import duckdb

from pipelines.outputs.score766 import ranking
from pipelines.rules.periods import Period
from pipelines.rules.score766 import groups

MISSING = "kho dữ liệu do phiên bản cũ ghi, chưa tính điểm Bộ chỉ số 766: chạy tthc rebuild"
SCORE_MACRO = "score766_between"
TABLE = "dashboard_766"  # the period's scores, one query per page set


@dataclass
class Metric:
    group_code: str
    metric_code: str
    label: str
    rate_pct: float | None
    max_points: float
    points: float | None
    recoverable: float | None  # max_points - points: what the listed cases would give back
    note: str | None

    @property
    def lost(self) -> float:
        """Points this metric cost the unit (0 when the data cannot say)."""
        return self.recoverable or 0.0


@dataclass
class Case:
    case_id: str
    metric_code: str
    reason: str  # in words (score766_reasons)
    worth: float  # points this case right would give back in this metric
    case_worth: float  # over all its metrics
    procedure: str | None
    received_at: datetime | None
    days_late: int | None


@dataclass
class UnitScore:
    unit_key: str
    metrics: list[Metric] = field(default_factory=list)
    rank: int | None = None

    @property
    def points(self) -> float | None:
        """Sum of the metrics whose points the data can say; None when none can."""
        known = [m.points for m in self.metrics if m.points is not None]
        return round(sum(known), 2) if known else None

    @property
    def max_known(self) -> float | None:
        known = [m.max_points for m in self.metrics if m.points is not None]
        return round(sum(known), 2) if known else None

    @property
    def unknown(self) -> list[Metric]:
        return [m for m in self.metrics if m.points is None]

    def groups(self) -> dict[str, tuple[float | None, float, float]]:
        """group_code → (points of its known metrics or None, their maximum, the group's maximum)."""
        out: dict[str, tuple[float | None, float, float]] = {}
        for m in self.metrics:
            pts, known_top, top = out.get(m.group_code, (None, 0.0, 0.0))
            if m.points is not None:
                pts, known_top = round((pts or 0.0) + m.points, 2), known_top + m.max_points
            out[m.group_code] = (pts, known_top, top + m.max_points)
        return out


@dataclass
class Scores:
    """The 766 scores of every unit of a period, with the cases behind the points lost."""

    units: dict[str, UnitScore]
    cases: dict[str, list[Case]]  # unit_key → most worth fixing first
    group_labels: dict[str, str] = field(default_factory=lambda: {g.code: g.label for g in groups()})

    def rank(self) -> dict[str, int]:
        return {k: s.rank for k, s in self.units.items() if s.rank is not None}

    def group_medians(self) -> dict[str, float]:
        """group_code → the province's median of the group's points (units with points only)."""
        by_group: dict[str, list[float]] = {}
        for s in self.units.values():
            for code, (pts, _known, _top) in s.groups().items():
                if pts is not None:
                    by_group.setdefault(code, []).append(pts)
        return {code: round(median(v), 2) for code, v in by_group.items()}


def available(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this warehouse defines the 766 score (a version before 0.6 did not)."""
    return bool(
        con.execute(
            "select 1 from duckdb_functions() where function_name = ? and function_type = 'table_macro'",
            [SCORE_MACRO],
        ).fetchall()
    )


def load_scores(
    con: duckdb.DuckDBPyConnection, period: Period, units: str = "current", as_of: object = None
) -> Scores | None:
    """The period's 766 scores of every unit with a case in it, or None without the 766 macros."""
    if not available(con):
        return None
    con.execute(
        f"create or replace temp table {TABLE} as "
        "select * from score766_between(?::date, ?::date, as_of := ?::timestamp, units := ?)",
        [period.start, period.end, as_of, units],
    )
    scores = Scores({}, {})
    for key, *values in con.execute(
        "select unit_key, group_code, metric_code, metric_label, rate_pct, max_points, points, points_recoverable, "
        f"note from {TABLE} where unit_key is not null order by unit_key, group_position, metric_code"
    ).fetchall():
        scores.units.setdefault(key, UnitScore(key)).metrics.append(Metric(*values))
    for total in ranking(con, TABLE):
        scores.units[total.unit_key].rank = total.rank
    for key, *values in con.execute(
        "select unit_key, case_id, metric_code, coalesce(reason_text, reason), points_worth, case_points_worth, "
        "procedure_name, received_at, days_late "
        "from score766_cases_between(?::date, ?::date, as_of := ?::timestamp, units := ?) "
        "order by unit_key, case_points_worth desc, points_worth desc, days_late desc nulls last, case_id, metric_code",
        [period.start, period.end, as_of, units],
    ).fetchall():
        scores.cases.setdefault(key, []).append(Case(*values))
    return scores
