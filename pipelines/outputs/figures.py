"""Figures of one unit and period, read from the published warehouse (read-only).

Both the report text and the sheets take their numbers from here, so the two never differ.

Which units a period is reported by (indicators.md, "Communes"): a period wholly before
01/07/2025 by the units of that time (each case under the unit on its newest snapshot); a period
wholly after, or across the reform, by today's units (every case rolled up to the unit its unit
became, `units := 'current'`). A unit named by the user is taken in the era the period asks for:
an old unit asked for a period of today's units is reported as the unit it became, a new unit asked
for a period before the reform as the old units it was made of; both say so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.rules.indicators import form_column_names
from pipelines.rules.periods import Period
from pipelines.rules.text import match_key
from pipelines.warehouse.access import WarehouseUnreadable, open_read

if TYPE_CHECKING:
    from pipelines.outputs.reconcile import Reconciliation

FORM_COLUMNS = form_column_names()  # Biểu 06 columns of report_form, in the order of the form
REFORM = "2025-07-01"
UNIT_COLUMNS = "unit_key, commune_code, commune_name, unit_type, district_name, province_name, era"


class FiguresError(ValueError):
    """A user-facing problem: unknown unit, no warehouse, …"""


@dataclass
class CommuneRef:
    unit_key: str
    code: str
    name: str
    unit_type: str
    district: str | None
    province: str | None
    era: str = "2024"

    @property
    def kind(self) -> str:
        """The unit type as the text writes it: xã, phường, thị trấn, đặc khu."""
        return (self.unit_type or "xã").lower()

    @property
    def official_name(self) -> str:
        """ "UBND xã Mỹ Tân", "UBND phường Thiên Trường": how the form, the sheets and the report
        name the reporting unit."""
        return " ".join(p for p in ("UBND", self.kind, self.name) if p)

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass
class Target:
    """A unit as a period reports it: the unit, the units mode of the macros, and a note."""

    unit: CommuneRef
    units: str  # recorded | current
    note: str | None = None


@dataclass
class Figures:
    commune: CommuneRef
    period: Period
    form: dict[str | None, dict[str, int]]  # sector (None = all) -> Biểu 06 columns
    indicators: dict[str, dict[str, float | None]]  # code -> {value, numerator, denominator}
    catalogue: dict[str, dict[str, float | None]] = field(default_factory=dict)  # the same, of procedure_indicators
    units: str = "recorded"
    note: str | None = None
    # their Biểu 06 beside ours (outputs/reconcile.py): section III.2 of the report, the Đối chiếu tabs
    reconciliation: Reconciliation | None = None

    @property
    def total(self) -> dict[str, int]:
        return self.form.get(None) or dict.fromkeys(FORM_COLUMNS, 0)

    def value(self, code: str) -> float | None:
        return (self.indicators.get(code) or {}).get("value")


class WarehouseDamaged(FiguresError):
    """The published file exists but cannot be read: the environment, not the request."""

    exit_code = 3


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    """Read-only, through a private copy when an analyst holds the file read-write, a stale WAL
    set aside (warehouse/access.py)."""
    if not Path(db).exists():
        raise FiguresError(f"chưa có kho dữ liệu '{db}': hãy chạy 'tthc run' trước — no warehouse yet")
    try:
        return open_read(Path(db)).con
    except WarehouseUnreadable as exc:
        raise WarehouseDamaged(str(exc)) from None


def units_for(period: Period) -> str:
    """'recorded' for a period wholly before 01/07/2025, else 'current' (today's units)."""
    return "recorded" if period.end.isoformat() < REFORM else "current"


def _units(con: duckdb.DuckDBPyConnection) -> list[CommuneRef]:
    return [CommuneRef(*r) for r in con.execute(f"select {UNIT_COLUMNS} from communes order by unit_key").fetchall()]


def _reporting(con: duckdb.DuckDBPyConnection, unit: CommuneRef, units: str) -> CommuneRef:
    row = con.execute(
        "select r.unit_key, r.commune_code, r.commune_name, r.unit_type, c.district_name, "
        "c.province_name, r.era from reporting_units(units := ?) r join communes c using (unit_key) "
        "where r.recorded_key = ?",
        [units, unit.unit_key],
    ).fetchall()
    return CommuneRef(*row[0]) if row else unit


def _matches(text: str, units: list[CommuneRef]) -> list[CommuneRef]:
    t = text.strip()
    key = match_key(t)
    return (
        [u for u in units if u.unit_key == t]
        or [u for u in units if u.code == t]
        or [u for u in units if key in (match_key(u.name), match_key(f"{u.unit_type} {u.name}"))]
    )


def find_commune(
    con: duckdb.DuckDBPyConnection, text: str, period: Period | None = None, units: str | None = None
) -> Target:
    """The unit `text` names (name, GSO code or unit key, any spelling), as `period` reports it
    (or as `units` forces: 'recorded' | 'current')."""
    everyone = _units(con)
    hits = _matches(text, everyone)
    if not hits:
        known = ", ".join(f"{u.full_name} ({u.unit_key})" for u in everyone if u.era == "2025")[:600]
        raise FiguresError(f"không tìm thấy đơn vị '{text}'. Đơn vị hiện nay: {known}")
    mode = units or (units_for(period) if period else "current")
    era = "2024" if mode == "recorded" else "2025"
    same_era = [u for u in hits if u.era == era]
    if len(same_era) > 1 or (not same_era and len(hits) > 1 and mode == "recorded"):
        raise FiguresError(
            f"'{text}' trùng tên nhiều đơn vị: " + ", ".join(f"{u.full_name} ({u.unit_key})" for u in same_era or hits)
        )
    if same_era:
        unit = same_era[0]
        return Target(unit, mode, _across_note(period, unit))
    # the named unit is of the other era than the period's
    if mode == "current":
        reported = {_reporting(con, u, "current").unit_key: (u, _reporting(con, u, "current")) for u in hits}
        if len(reported) > 1:
            raise FiguresError(
                f"'{text}' trùng tên nhiều đơn vị: " + ", ".join(f"{u.full_name} ({u.unit_key})" for u in hits)
            )
        old, new = next(iter(reported.values()))
        note = f"{_cap(old.full_name)} nay thuộc {new.full_name} (từ 01/07/2025): số liệu tính theo {new.full_name}."
        return Target(new, "current", note)
    unit = hits[0]  # a unit of today asked for a period before the reform: its predecessors rolled up
    olds = con.execute(
        "select c.commune_name, c.unit_type from communes c where c.successor_key = ? order by 1", [unit.unit_key]
    ).fetchall()
    names = ", ".join(f"{t} {n}" for n, t in olds)
    return Target(
        unit,
        "current",
        f"{unit.full_name[0].upper() + unit.full_name[1:]} được thành lập từ 01/07/2025; "
        f"số liệu của kỳ này là tổng các đơn vị trước đó ({names}).",
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _across_note(period: Period | None, unit: CommuneRef) -> str | None:
    if period and period.start.isoformat() < REFORM <= period.end.isoformat():
        return (
            f"Kỳ báo cáo bắt đầu trước ngày 01/07/2025: số liệu trước ngày này của các đơn vị cũ nay thuộc "
            f"{unit.full_name} được cộng vào {unit.full_name}."
        )
    return None


def all_communes(con: duckdb.DuckDBPyConnection, period: Period | None = None) -> list[Target]:
    """The units of the period's era with a case alive in the period (the registry holds a whole
    province; officials want their own), each as the period reports it."""
    mode = units_for(period) if period else "current"
    era = "2024" if mode == "recorded" else "2025"
    start, end = (period.start, period.end) if period else ("1900-01-01", "2999-12-31")
    rows = con.execute(
        f"select {UNIT_COLUMNS} from communes where era = ? and unit_key in ("
        "select distinct u.unit_key from cases c join reporting_units(units := ?) u on u.recorded_key = c.unit_key "
        "where c.received_at < ?::date + interval 1 day and (c.finished_at is null or c.finished_at >= ?::date)"
        ") order by commune_code",
        [era, mode, end, start],
    ).fetchall()
    return [Target(CommuneRef(*r), mode, _across_note(period, CommuneRef(*r))) for r in rows]


def load_figures(con: duckdb.DuckDBPyConnection, target: Target | CommuneRef, period: Period) -> Figures:
    if isinstance(target, CommuneRef):
        target = Target(target, units_for(period))
    unit, mode = target.unit, target.units
    cols = ", ".join(FORM_COLUMNS)
    form_rows = con.execute(
        f"select sector, {cols} from report_form_between(?::date, ?::date, units := ?) where unit_key = ? "
        "order by sector nulls first",
        [period.start, period.end, mode, unit.unit_key],
    ).fetchall()
    form = {r[0]: dict(zip(FORM_COLUMNS, r[1:], strict=True)) for r in form_rows}
    ind_rows = con.execute(
        "select indicator, value, numerator, denominator from indicators_between(?::date, ?::date, units := ?) "
        "where unit_key = ? and sector is null",
        [period.start, period.end, mode, unit.unit_key],
    ).fetchall()
    indicators = {r[0]: {"value": r[1], "numerator": r[2], "denominator": r[3]} for r in ind_rows}
    cat_rows = con.execute(
        "select indicator, value, numerator, denominator from procedure_indicators(?)", [unit.unit_key]
    ).fetchall()
    catalogue = {r[0]: {"value": r[1], "numerator": r[2], "denominator": r[3]} for r in cat_rows}
    from pipelines.outputs.reconcile import load_reconciliation  # it names units with this module's types

    rec = load_reconciliation(con, target, period)
    return Figures(unit, period, form, indicators, catalogue, mode, target.note, rec)
