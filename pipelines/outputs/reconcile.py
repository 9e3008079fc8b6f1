"""Their figures beside ours for one unit and period (reconcile_between, reconcile_cases_between):
what `tthc doi-chieu` prints, the "Đối chiếu" tabs hold and section III.2 of the report says.

Read from the published warehouse like every other figure (figures.connect); nothing is computed
here but the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from pipelines.outputs.figures import Target, UnitRef
from pipelines.outputs.reconcile766 import Case766, Row766, load_766, sentence_766
from pipelines.outputs.vnformat import vn_int
from pipelines.rules.indicators import FormColumn, form_columns
from pipelines.rules.periods import Period

_COUNT = re.compile(r" \(\d+ hồ sơ\)$")
SYSTEMS = {"tandan": "Tân Dân DVC", "dvcqg": "Cổng DVCQG", "opencps": "OpenCPS"}
NO_REPORT = "chưa có số liệu (chưa nạp báo cáo Biểu 06 của hệ thống khác cho đơn vị và kỳ này)"


@dataclass
class CellRow:
    cell: str
    number: int | None
    header: str
    ours: int | None
    theirs: int | None
    difference: int | None
    explained: bool
    explanation: str
    cases: int | None


@dataclass
class CaseRow:
    cell: str
    number: int | None
    header: str
    case_id: str
    why: str


@dataclass
class Reconciliation:
    unit: UnitRef
    period: Period
    rows: list[CellRow]
    cases: list[CaseRow]
    reports: list[dict] = field(default_factory=list)  # source_file, system, exported_at, findings
    other_periods: list[str] = field(default_factory=list)  # periods of the unit's reports loaded
    rows766: list[Row766] = field(default_factory=list)  # the portal's 766 figures beside our score
    cases766: list[Case766] = field(default_factory=list)

    @property
    def has_report(self) -> bool:
        return bool(self.rows) or bool(self.rows766)

    @property
    def matches(self) -> bool:
        return bool(self.rows) and all(r.explanation == "khớp" for r in self.rows)

    @property
    def no_case_data(self) -> bool:
        return bool(self.rows) and all(r.ours is None for r in self.rows)

    def source(self) -> str:
        """ "Biểu 06 của Tân Dân DVC (tệp …, xuất 05/10/2026 09:05)"."""
        parts = []
        for r in self.reports:
            who = SYSTEMS.get(r["system"] or "", "hệ thống một cửa")
            when = f", xuất {r['exported_at']:%d/%m/%Y %H:%M}" if r["exported_at"] else ""
            parts.append(f"Biểu 06 của {who} (tệp {r['source_file']}{when})")
        return "; ".join(parts)

    def paragraph(self) -> str:
        """Section III.2 of the report: khớp, or the differences and their reasons in one paragraph
        (Biểu 06, then a sentence for the portal's 766 figures when they were loaded)."""
        if not self.rows and self.rows766:
            return sentence_766(self.rows766)
        return " ".join(filter(None, [self._bieu06_paragraph(), sentence_766(self.rows766)]))

    def _bieu06_paragraph(self) -> str:
        if not self.rows:
            return f"Số liệu giữa các hệ thống: {NO_REPORT}."
        if self.no_case_data:
            return f"Số liệu giữa các hệ thống: chưa có số liệu từ tệp xuất hồ sơ để đối chiếu với {self.source()}."
        if self.matches:
            return f"Số liệu giữa các hệ thống: khớp ({self.source()})."
        differing = [r for r in self.rows if r.explanation != "khớp"]
        by_reason: dict[str, list[CellRow]] = {}
        for r in differing:  # the cells one reason explains, together
            by_reason.setdefault(_COUNT.sub("", r.explanation), []).append(r)
        parts = [
            f"{reason[:1].upper()}{reason[1:]}: "
            + ", ".join(
                f"({r.number}) {r.header} {vn_int(r.theirs)} (kho dữ liệu {vn_int(r.ours)}, {_signed(r.difference)})"
                for r in rows
            )
            for reason, rows in by_reason.items()
        ]
        return (
            f"Số liệu giữa các hệ thống chênh lệch ở {len(differing)}/{len(self.rows)} chỉ tiêu so với "
            f"{self.source()}. " + "; ".join(parts) + "."
        )


def _signed(n: int | None) -> str:
    if n is None:
        return "chưa có số liệu"
    return ("+" if n > 0 else "−" if n < 0 else "") + vn_int(abs(n))


def load_reconciliation(con: duckdb.DuckDBPyConnection, target: Target | UnitRef, period: Period) -> Reconciliation:
    """Their current Biểu 06 for the unit and period beside ours; nothing is computed when no report
    of theirs was loaded (the sheets of every unit ask)."""
    unit = target.unit if isinstance(target, Target) else target
    reports = [
        {"source_file": f, "system": s, "exported_at": e, "findings": list(fi or [])}
        for f, s, e, fi in con.execute(
            "select source_file, system, exported_at, findings from portal_reports where unit_key = ? and is_current "
            "and form = 'bieu06' and period_start = ?::date and period_end = ?::date order by exported_at",
            [unit.unit_key, period.start, period.end],
        ).fetchall()
    ]
    rows766, cases766 = load_766(con, unit.unit_key, period.start, period.end)
    if not reports:
        others = con.execute(
            "select distinct strftime(period_start, '%d/%m/%Y') || '–' || strftime(period_end, '%d/%m/%Y') "
            "from portal_reports where unit_key = ? and is_current and form = 'bieu06' order by 1",
            [unit.unit_key],
        ).fetchall()
        return Reconciliation(unit, period, [], [], [], [o[0] for o in others], rows766, cases766)
    columns = {c.column: c for c in form_columns()}
    rows = con.execute(
        "select cell, ours, theirs, difference, explained, explanation, cases "
        "from reconcile_between(?::date, ?::date, unit := ?) where form = 'bieu06' order by form_number",
        [period.start, period.end, unit.unit_key],
    ).fetchall()
    cells = [
        CellRow(r[0], columns[r[0]].number, _label(columns[r[0]]), r[1], r[2], r[3], bool(r[4]), r[5], r[6])
        for r in rows
    ]
    case_rows = []
    if any(r.cases for r in cells):
        found = con.execute(
            "select cell, case_id, why from reconcile_cases_between(?::date, ?::date, unit := ?) "
            "where form = 'bieu06' order by cell, case_id",
            [period.start, period.end, unit.unit_key],
        ).fetchall()
        case_rows = [CaseRow(c, columns[c].number, _label(columns[c]), i, w) for c, i, w in found]
        case_rows.sort(key=lambda r: (r.number or 99, r.case_id))
    return Reconciliation(unit, period, cells, case_rows, reports, [], rows766, cases766)


def _label(column: FormColumn) -> str:
    """ "Số hồ sơ đã giải quyết: Tổng số": the header under its group (three columns say Tổng số)."""
    return f"{column.group}: {column.header}"


def stamp(value: datetime | None) -> str:
    return f"{value:%d/%m/%Y %H:%M}" if value else "không ghi"
