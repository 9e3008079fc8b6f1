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
# the six groups of Quyết định 766/QĐ-TTg by their DVCQG API codes; the warehouse's own labels
# (table score766_groups, from schemas/score766_groups.csv) win when it has them
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
    cases: dict[str, list[tuple[str, str, str]]]  # unit_key → (case_id, metric_code, reason in words)
    group_labels: dict[str, str] = field(default_factory=lambda: dict(GROUP_LABELS))
    metric_labels: dict[str, str] = field(default_factory=dict)

    def metric_label(self, code: str) -> str:
        return self.metric_labels.get(code, code)

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


def _parameters(con: duckdb.DuckDBPyConnection, macro: str) -> list[str] | None:
    """The parameters of a table macro, None when the warehouse does not define it."""
    rows = con.execute(
        "select parameters from duckdb_functions() where function_name = ? and function_type = 'table_macro'",
        [macro],
    ).fetchall()
    return list(rows[0][0]) if rows else None


def available(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this warehouse defines the 766 score macro."""
    return _parameters(con, SCORE_MACRO) is not None


def _call(con: duckdb.DuckDBPyConnection, macro: str, period: Period, units: str, as_of: object) -> list[dict]:
    """Rows of a 766 range macro as dicts; `as_of` and `units` passed when the macro takes them
    (issue 19's take both; the contract names only the dates), so its units match the page's."""
    params = _parameters(con, macro) or []
    args = "?::date, ?::date"
    values: list[object] = [period.start, period.end]
    if "as_of" in params:
        args, values = f"{args}, as_of := ?::timestamp", [*values, as_of]
    if "units" in params:
        args, values = f"{args}, units := ?", [*values, units]
    cur = con.execute(f"select * from {macro}({args})", values)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _labels(con: duckdb.DuckDBPyConnection, table: str, key: str) -> dict[str, str]:
    """code → label from a 766 rule table when the warehouse has it (schemas/score766_*.csv)."""
    if not con.execute("select 1 from duckdb_tables() where table_name = ?", [table]).fetchall():
        return {}
    return {k: v for k, v in con.execute(f"select {key}, label from {table}").fetchall() if v}


def load_scores(
    con: duckdb.DuckDBPyConnection, period: Period, units: str = "current", as_of: object = None
) -> Scores | None:
    """The period's 766 scores, or None when the warehouse has no 766 macros."""
    if not available(con):
        return None
    scores = Scores({}, {})
    scores.group_labels = GROUP_LABELS | _labels(con, "score766_groups", "group_code")
    scores.metric_labels = _labels(con, "score766_metrics", "metric_code")
    for r in sorted(_call(con, SCORE_MACRO, period, units, as_of), key=lambda r: (r["group_code"], r["metric_code"])):
        scores.units.setdefault(r["unit_key"], UnitScore(r["unit_key"])).metrics.append(
            Metric(
                r["group_code"],
                r["metric_code"],
                _float(r.get("rate_pct")),
                _float(r.get("max_points")),
                _float(r.get("points")),
                r.get("note"),
            )
        )
    if _parameters(con, CASES_MACRO) is not None:
        reasons = _labels(con, "score766_reasons", "reason")
        rows = _call(con, CASES_MACRO, period, units, as_of)
        # most points to win back first where the macro says what each case is worth
        rows.sort(key=lambda r: (-(_float(r.get("points_worth")) or 0.0), r["case_id"]))
        for r in rows:
            text = r.get("reason_text") or reasons.get(r["reason"]) or r["reason"]
            scores.cases.setdefault(r["unit_key"], []).append((r["case_id"], r["metric_code"], text))
    return scores


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
