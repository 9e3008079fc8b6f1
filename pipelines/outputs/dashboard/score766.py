"""The seam to the 766 score (Quyết định 766/QĐ-TTg): read from the warehouse when it has it.

The warehouse macros `score766_between(start_date, end_date)` (one row per unit × metric:
unit_key, unit_name, group_code, metric_code, numerator, denominator, rate_pct, max_points,
points, note; points NULL when the data cannot say) and `score766_cases_between(start_date,
end_date)` (case_id, unit_key, metric_code, reason) are defined by the 766 work (issue 19). A
warehouse built without them gives `None` here and the pages say "chưa có số liệu" with the
reason, never a number made up in their place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

import duckdb

from pipelines.rules.periods import Period

MISSING = "kho dữ liệu chưa tính điểm Bộ chỉ số 766"
# the six groups of Quyết định 766/QĐ-TTg by their DVCQG API codes (issue 19 holds the metric rules)
GROUP_LABELS = {
    "CKMB": "Công khai, minh bạch",
    "TDGQ": "Tiến độ giải quyết",
    "CLGQ": "Dịch vụ công trực tuyến",
    "TTTT": "Thanh toán trực tuyến",
    "MDHL": "Mức độ hài lòng",
    "MDSH": "Số hóa hồ sơ",
}
SCORE_MACRO = "score766_between"
CASES_MACRO = "score766_cases_between"


@dataclass
class Metric:
    group_code: str
    metric_code: str
    rate_pct: float | None
    max_points: float | None
    points: float | None
    note: str | None

    @property
    def lost(self) -> float:
        """Points this metric cost the unit (0 when it cannot say)."""
        if self.points is None or self.max_points is None:
            return 0.0
        return max(0.0, self.max_points - self.points)


@dataclass
class UnitScore:
    unit_key: str
    metrics: list[Metric] = field(default_factory=list)

    @property
    def points(self) -> float | None:
        """Sum of the metrics whose points the data can say; None when none can."""
        known = [m.points for m in self.metrics if m.points is not None]
        return round(sum(known), 2) if known else None

    @property
    def max_known(self) -> float | None:
        known = [m.max_points or 0.0 for m in self.metrics if m.points is not None]
        return round(sum(known), 2) if known else None

    @property
    def unknown(self) -> list[Metric]:
        return [m for m in self.metrics if m.points is None]

    def groups(self) -> dict[str, tuple[float | None, float]]:
        """group_code → (points of its known metrics or None, maximum of the group)."""
        out: dict[str, tuple[float | None, float]] = {}
        for m in self.metrics:
            pts, top = out.get(m.group_code, (None, 0.0))
            if m.points is not None:
                pts = (pts or 0.0) + m.points
            out[m.group_code] = (pts, top + (m.max_points or 0.0))
        return out


@dataclass
class Scores:
    """The 766 scores of every unit of a period, with the cases behind the points lost."""

    units: dict[str, UnitScore]
    cases: dict[str, list[tuple[str, str, str]]]  # unit_key → (case_id, metric_code, reason)

    def rank(self) -> dict[str, int]:
        """Competition ranking (1, 2, 2, 4) by known points, units without points unranked."""
        scored = sorted(((s.points, k) for k, s in self.units.items() if s.points is not None), reverse=True)
        ranks: dict[str, int] = {}
        for i, (pts, key) in enumerate(scored):
            ranks[key] = ranks[scored[i - 1][1]] if i and scored[i - 1][0] == pts else i + 1
        return ranks

    def group_medians(self) -> dict[str, float]:
        """group_code → the province's median of the group's points (units with points only)."""
        by_group: dict[str, list[float]] = {}
        for s in self.units.values():
            for code, (pts, _top) in s.groups().items():
                if pts is not None:
                    by_group.setdefault(code, []).append(pts)
        return {code: round(median(v), 2) for code, v in by_group.items()}


def available(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this warehouse defines the 766 macros."""
    names = {
        r[0]
        for r in con.execute(
            "select function_name from duckdb_functions() where function_name in (?, ?)", [SCORE_MACRO, CASES_MACRO]
        ).fetchall()
    }
    return SCORE_MACRO in names


def load_scores(con: duckdb.DuckDBPyConnection, period: Period) -> Scores | None:
    """The period's 766 scores, or None when the warehouse has no 766 macros."""
    if not available(con):
        return None
    units: dict[str, UnitScore] = {}
    rows = con.execute(
        f"select unit_key, group_code, metric_code, rate_pct, max_points, points, note "
        f"from {SCORE_MACRO}(?::date, ?::date) order by unit_key, group_code, metric_code",
        [period.start, period.end],
    ).fetchall()
    for key, group, metric, rate, top, pts, note in rows:
        units.setdefault(key, UnitScore(key)).metrics.append(
            Metric(group, metric, _float(rate), _float(top), _float(pts), note)
        )
    cases: dict[str, list[tuple[str, str, str]]] = {}
    names = con.execute("select 1 from duckdb_functions() where function_name = ?", [CASES_MACRO]).fetchall()
    if names:
        for case_id, key, metric, reason in con.execute(
            f"select case_id, unit_key, metric_code, reason from {CASES_MACRO}(?::date, ?::date) "
            "order by unit_key, metric_code, case_id",
            [period.start, period.end],
        ).fetchall():
            cases.setdefault(key, []).append((case_id, metric, reason))
    return Scores(units, cases)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
