"""Figures of one unit and period, read from the published warehouse (read-only).

Both the report text and the sheets take their numbers from here, so the two never differ.

Which units a period is reported by (docs/reference/indicators.md, "Units"): a period wholly before
01/07/2025 by the units of that time (each case under the unit on its newest snapshot); a period
wholly after, or across the reform, by today's units (every case rolled up to the unit its unit
became, `units := 'current'`). A unit named by the user is taken in the era the period asks for:
an old unit asked for a period of today's units is reported as the unit it became, a new unit asked
for a period before the reform as the old units it was made of; both say so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.reference.registry import REFORM_DAY
from pipelines.rules.indicators import form_column_names
from pipelines.rules.periods import Period
from pipelines.rules.text import closest, match_key
from pipelines.warehouse.access import WarehouseUnreadable, open_read

if TYPE_CHECKING:
    from pipelines.outputs.reconcile import Reconciliation

FORM_COLUMNS = form_column_names()  # Biểu 06 columns of report_form, in the order of the form
UNIT_COLUMNS = (
    "unit_key, commune_code, commune_name, unit_type, district_name, province_name, era, district_type, province_type"
)


class FiguresError(ValueError):
    """A user-facing problem: unknown unit, no warehouse, …"""


class NoFigures(FiguresError):
    """The data cannot support the figures asked for (a period without data, a future period, a
    unit that did not exist then): "chưa có số liệu" with the reason, never zeros. Exit code 1."""

    exit_code = 1


@dataclass
class UnitRef:
    unit_key: str
    code: str
    name: str
    unit_type: str
    district: str | None
    province: str | None
    era: str = "2024"
    district_type: str | None = None
    province_type: str | None = None

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

    @property
    def label(self) -> str:
        """ "UBND phường Thiên Trường (13684@2025)": the official name and the key, at the top of
        every report and sheet (a code alone names two units across the reform)."""
        return f"{self.official_name} ({self.unit_key})"

    @property
    def area(self) -> str:
        """ "xã Mỹ Tân, huyện Mỹ Lộc, tỉnh Nam Định", "phường Thiên Trường, tỉnh Ninh Bình": the
        "Địa bàn" of the form, in full."""
        parts = [self.full_name]
        if self.district:
            parts.append(" ".join(p for p in (self.district_type or "huyện", self.district) if p))
        if self.province:
            parts.append(" ".join(p for p in (self.province_type or "tỉnh", self.province) if p))
        return ", ".join(parts)


@dataclass
class Target:
    """A unit as a period reports it: the unit, the units mode of the macros, and a note."""

    unit: UnitRef
    units: str  # recorded | current
    note: str | None = None


@dataclass
class Figures:
    unit: UnitRef
    period: Period
    form: dict[str | None, dict[str, int]]  # sector (None = all) -> Biểu 06 columns
    indicators: dict[str, dict[str, float | None]]  # code -> {value, numerator, denominator}
    catalogue: dict[str, dict[str, float | None]] = field(default_factory=dict)  # the same, of procedure_indicators
    units: str = "recorded"
    note: str | None = None
    as_of: datetime | None = None  # the reading time of every figure: the last build (runs.as_of)
    payment_gap: str | None = None  # why the payment rate cannot say more (columns missing), or None
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
    return "recorded" if period.end < REFORM_DAY else "current"


def _units(con: duckdb.DuckDBPyConnection) -> list[UnitRef]:
    return [UnitRef(*r) for r in con.execute(f"select {UNIT_COLUMNS} from communes order by unit_key").fetchall()]


def _reporting(con: duckdb.DuckDBPyConnection, unit: UnitRef, units: str) -> UnitRef:
    cols = ", ".join(f"c.{c.strip()}" for c in UNIT_COLUMNS.split(","))
    row = con.execute(
        f"select {cols} from reporting_units(units := ?) r join communes c using (unit_key) where r.recorded_key = ?",
        [units, unit.unit_key],
    ).fetchall()
    return UnitRef(*row[0]) if row else unit


def _matches(text: str, units: list[UnitRef]) -> list[UnitRef]:
    t = text.strip()
    key = match_key(t)
    return (
        [u for u in units if u.unit_key == t]
        or [u for u in units if u.code == t]
        or [u for u in units if key in (match_key(u.name), match_key(f"{u.unit_type} {u.name}"))]
    )


def find_unit(
    con: duckdb.DuckDBPyConnection, text: str, period: Period | None = None, units: str | None = None
) -> Target:
    """The unit `text` names (name, GSO code or unit key, any spelling), as `period` reports it
    (or as `units` forces: 'recorded' | 'current')."""
    everyone = _units(con)
    hits = _matches(text, everyone)
    if not hits:
        labels = {f"{u.unit_type} {u.name}": f"{u.full_name} ({u.unit_key})" for u in everyone}
        labels |= {u.name: f"{u.full_name} ({u.unit_key})" for u in everyone}
        near = closest(text, labels)
        hint = f"; có phải {', '.join(near)}?" if near else "; tthc config cho biết phạm vi đơn vị đang dùng"
        raise FiguresError(f"không tìm thấy đơn vị '{text}'{hint} — unknown unit")
    mode = units or (units_for(period) if period else "current")
    era = "2024" if mode == "recorded" else "2025"
    same_era = [u for u in hits if u.era == era]
    if len(same_era) > 1 or (not same_era and len(hits) > 1 and mode == "recorded"):
        raise FiguresError(
            f"'{text}' trùng tên nhiều đơn vị: " + ", ".join(f"{u.full_name} ({u.unit_key})" for u in same_era or hits)
        )
    if same_era:
        unit = same_era[0]
        notes = [_code_note(text, unit, hits), _across_note(period, unit)]
        return Target(unit, mode, " ".join(n for n in notes if n) or None)
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
    # a unit of today asked for a period before the reform: its predecessors rolled up, and
    # load_figures says which of them the warehouse has data for (coverage.predecessors_note)
    return Target(hits[0], "current", None)


def _code_note(text: str, unit: UnitRef, hits: list[UnitRef]) -> str | None:
    """A bare GSO code names two units across the reform (13684: phường Lộc Hạ until 30/06/2025,
    phường Thiên Trường after): say which one the period took, and the other."""
    others = [u for u in hits if u.unit_key != unit.unit_key]
    if text.strip() != unit.code or not others:
        return None
    other = others[0]
    when = "đến 30/06/2025" if other.era == "2024" else "từ 01/07/2025"
    return (
        f"Mã {unit.code} trong kỳ này là {unit.full_name} ({unit.unit_key}); {when} mã này là của "
        f"{other.full_name} ({other.unit_key})."
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _across_note(period: Period | None, unit: UnitRef) -> str | None:
    if period and period.start < REFORM_DAY <= period.end:
        return (
            f"Kỳ báo cáo bắt đầu trước ngày 01/07/2025: số liệu trước ngày này của các đơn vị cũ nay thuộc "
            f"{unit.full_name} được cộng vào {unit.full_name}."
        )
    return None


def all_units(con: duckdb.DuckDBPyConnection, period: Period | None = None) -> list[Target]:
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
    return [Target(UnitRef(*r), mode, _across_note(period, UnitRef(*r))) for r in rows]


def as_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The reading time of a warehouse: the `as_of` of its last build (local time). Every output
    reads its figures at this time, so the Biểu 06 tab, the series tab and the report agree."""
    return con.execute("select max(as_of) from runs").fetchall()[0][0]


def load_figures(con: duckdb.DuckDBPyConnection, target: Target | UnitRef, period: Period) -> Figures:
    """The figures of one unit and period, read at the warehouse's build time; NoFigures when the
    data cannot support them (pipelines/outputs/coverage.py says why)."""
    from pipelines.outputs import coverage

    if isinstance(target, UnitRef):
        target = Target(target, units_for(period))
    unit, mode = target.unit, target.units
    problem = coverage.unsupported(con, unit, mode, period)
    if problem:
        raise NoFigures(coverage.no_figures_message(unit, period, problem))
    reading = as_of(con)
    cols = ", ".join(FORM_COLUMNS)
    form_rows = con.execute(
        f"select sector, {cols} from report_form_between(?::date, ?::date, as_of := ?, units := ?) "
        "where unit_key = ? order by sector nulls first",
        [period.start, period.end, reading, mode, unit.unit_key],
    ).fetchall()
    if not form_rows:
        reason = coverage.no_rows_reason(con, unit, mode, period)
        raise NoFigures(coverage.no_figures_message(unit, period, reason, target.note))
    form = {r[0]: dict(zip(FORM_COLUMNS, r[1:], strict=True)) for r in form_rows}
    ind_rows = con.execute(
        "select indicator, value, numerator, denominator from indicators_between(?::date, ?::date, as_of := ?, "
        "units := ?) where unit_key = ? and sector is null",
        [period.start, period.end, reading, mode, unit.unit_key],
    ).fetchall()
    indicators = {r[0]: {"value": r[1], "numerator": r[2], "denominator": r[3]} for r in ind_rows}
    cat_rows = con.execute(
        "select indicator, value, numerator, denominator from procedure_indicators(?)", [unit.unit_key]
    ).fetchall()
    catalogue = {r[0]: {"value": r[1], "numerator": r[2], "denominator": r[3]} for r in cat_rows}
    notes = [target.note, coverage.predecessors_note(con, unit, mode, period)]
    note = " ".join(n for n in notes if n) or None
    gap = coverage.payment_gap(con, unit, mode, period)
    from pipelines.outputs.reconcile import load_reconciliation  # it names units with this module's types

    rec = load_reconciliation(con, target, period)
    return Figures(unit, period, form, indicators, catalogue, mode, note, reading, gap, rec)
