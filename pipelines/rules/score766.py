"""The 766 score's groups, metrics and reasons, as the outputs see them.

All three are data (schemas/score766_groups.csv, score766_metrics.csv, score766_reasons.csv),
loaded into the warehouse as reference tables that the SQL scores with (score766_for); the sheets,
the report text and `tthc diem766` take the order, labels, maxima and formulas in words from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipelines.rules.vocab import _read_csv

FORMULA_KINDS = ("ratio", "share", "not_from_cases")


@dataclass(frozen=True)
class Group:
    code: str
    position: int
    label: str
    max_points: float


@dataclass(frozen=True)
class Metric:
    code: str
    group: str
    formula_id: str
    label: str
    short_label: str  # tab names, the terminal
    max_points: float
    kind: str  # ratio | share | not_from_cases
    threshold_pct: float
    formula: str
    empty_note: str
    case_words: str  # how the report names the cases that cost it points
    source: str

    @property
    def from_cases(self) -> bool:
        """The case exports give its rate (ratio, share)."""
        return self.kind != "not_from_cases"


@lru_cache(maxsize=1)
def groups() -> tuple[Group, ...]:
    rows = _read_csv("score766_groups.csv")
    out = [Group(r["group_code"], int(r["position"]), r["label"], float(r["max_points"])) for r in rows]
    return tuple(sorted(out, key=lambda g: g.position))


@lru_cache(maxsize=1)
def metrics() -> tuple[Metric, ...]:
    """Every metric, in the order of its group and then of the file."""
    order = {g.code: g.position for g in groups()}
    out = []
    for r in _read_csv("score766_metrics.csv"):
        if r["formula_kind"] not in FORMULA_KINDS:
            raise ValueError(f"schemas/score766_metrics.csv: {r['metric_code']}: formula_kind '{r['formula_kind']}'")
        out.append(
            Metric(
                code=r["metric_code"],
                group=r["group_code"],
                formula_id=r["formula_id"],
                label=r["label"],
                short_label=r["short_label"],
                max_points=float(r["max_points"]),
                kind=r["formula_kind"],
                threshold_pct=float(r["threshold_pct"]),
                formula=r["formula"],
                empty_note=r["empty_note"],
                case_words=r["case_words"],
                source=r["source"],
            )
        )
    return tuple(sorted(out, key=lambda m: order[m.group]))


@lru_cache(maxsize=1)
def reasons() -> dict[str, str]:
    return {r["reason"]: r["label"] for r in _read_csv("score766_reasons.csv")}


def metric(code: str) -> Metric:
    return next(m for m in metrics() if m.code == code)
