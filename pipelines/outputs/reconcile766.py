"""The portal's 766 figures beside our 766 score for one unit and period (reconcile_between and
reconcile_cases_between, form 766): the rows `tthc doi-chieu` prints under Biểu 06, the "Đối chiếu"
tab lists below it and section III.2 adds a sentence for. Nothing is computed here but the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from pipelines.outputs.vnformat import vn_int, vn_pct, vn_points

MEASURES = {"numerator": "tử số", "denominator": "mẫu số", "rate_pct": "tỷ lệ", "points": "điểm"}
_ORDER = {m: i for i, m in enumerate(MEASURES)}


@dataclass
class Row766:
    cell: str  # <metric>.<measure>, as reconcile_between names it
    number: str  # the VPCP number of the metric (2.1, 5.4), else its code
    header: str  # "Tiến độ: tử số"
    measure: str
    ours: float | None
    theirs: float | None
    difference: float | None
    explained: bool
    explanation: str
    cases: int | None

    def show(self, value: float | None, signed: bool = False) -> str:
        """A figure in the Vietnamese format of its measure (counts 1.234, rates 97,73 %, points 13,33)."""
        if value is None:
            return ""
        text = {"rate_pct": vn_pct, "points": vn_points}.get(self.measure, vn_int)(abs(value) if signed else value)
        return ("+" if value > 0 else "−" if value < 0 else "") + text if signed else text


@dataclass
class Case766:
    cell: str
    number: str
    header: str
    case_id: str
    why: str


_LABELS = """
    select m.metric_code as code, coalesce(m.formula_id, m.metric_code) as number, m.short_label as label
    from score766_metrics as m
    union all
    select g.group_code, g.group_code, g.label from score766_groups as g
"""


def load_766(
    con: duckdb.DuckDBPyConnection, unit_key: str, start: date | str, end: date | str
) -> tuple[list[Row766], list[Case766]]:
    """The unit's 766 rows (metric order, then numerator, denominator, rate, points) and the cases
    behind them; empty when no 766 figures of the portal were loaded for the unit and period."""
    loaded = con.execute(
        "select count(*) from portal_figures where form = '766' and unit_key = ? "
        "and period_start = ?::date and period_end = ?::date",
        [unit_key, start, end],
    ).fetchall()[0][0]
    if not loaded:  # the sheets of every unit ask: nothing is computed when the portal's figures are absent
        return [], []
    labels = {code: (number, label) for code, number, label in con.execute(_LABELS).fetchall()}
    found = con.execute(
        "select cell, measure, ours, theirs, difference, explained, explanation, cases "
        "from reconcile_between(?::date, ?::date, unit := ?) where form = '766'",
        [start, end, unit_key],
    ).fetchall()
    rows = []
    for cell, measure, ours, theirs, difference, explained, explanation, cases in found:
        number, header = _named(labels, cell, measure)
        rows.append(
            Row766(cell, number, header, measure, ours, theirs, difference, bool(explained), explanation, cases)
        )
    rows.sort(key=lambda r: (r.number, r.cell.split(".")[0], _ORDER.get(r.measure, 9)))
    case_rows = []
    if any(r.cases for r in rows):
        for cell, case_id, why in con.execute(
            "select cell, case_id, why from reconcile_cases_between(?::date, ?::date, unit := ?) "
            "where form = '766' order by cell, case_id",
            [start, end, unit_key],
        ).fetchall():
            number, header = _named(labels, cell, cell.rsplit(".", 1)[-1])
            case_rows.append(Case766(cell, number, header, case_id, why))
    case_rows.sort(key=lambda c: (c.number, c.cell.split(".")[0], _ORDER.get(c.cell.rsplit(".", 1)[-1], 9), c.case_id))
    return rows, case_rows


def _named(labels: dict[str, tuple[str, str]], cell: str, measure: str) -> tuple[str, str]:
    code = cell.rsplit(".", 1)[0]
    number, label = labels.get(code, (code, code))
    return number, f"{label}: {MEASURES.get(measure, measure)}"


def sentence_766(rows: list[Row766]) -> str:
    """One sentence of section III.2 for the portal's 766 figures: khớp, no case data, or the
    figures that differ with their reasons."""
    if not rows:
        return ""
    if all(r.ours is None and r.explanation == "chưa có số liệu từ tệp xuất hồ sơ" for r in rows):
        return "Số liệu 766 của Cổng DVCQG: chưa có số liệu từ tệp xuất hồ sơ để đối chiếu."
    differing = [r for r in rows if r.explanation != "khớp"]
    if not differing:
        return "Số liệu 766 của Cổng DVCQG: khớp."
    by_reason: dict[str, list[Row766]] = {}
    for r in differing:
        by_reason.setdefault(r.explanation, []).append(r)
    parts = [
        f"{reason[:1].upper()}{reason[1:]}: "
        + ", ".join(f"{r.number} {r.header} {r.show(r.theirs)} (kho dữ liệu {r.show(r.ours) or 'chưa có'})" for r in rs)
        for reason, rs in by_reason.items()
    ]
    return f"Số liệu 766 của Cổng DVCQG chênh lệch ở {len(differing)}/{len(rows)} số liệu. " + "; ".join(parts) + "."
