"""Figures of one commune and period, read from the published warehouse (read-only).

Both the report text and the sheets take their numbers from here, so the two never differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.rules.indicators import form_column_names
from pipelines.rules.periods import Period
from pipelines.rules.text import match_key

FORM_COLUMNS = form_column_names()  # Biểu 06 columns of report_form, in the order of the form


class FiguresError(ValueError):
    """A user-facing problem: unknown commune, no warehouse, …"""


@dataclass
class CommuneRef:
    code: str
    name: str
    unit_type: str
    district: str | None
    province: str | None

    @property
    def official_name(self) -> str:
        """ "UBND xã Mỹ Tân": how the form, the sheets and the report name the reporting unit."""
        return " ".join(p for p in ("UBND", (self.unit_type or "").lower(), self.name) if p)


@dataclass
class Figures:
    commune: CommuneRef
    period: Period
    form: dict[str | None, dict[str, int]]  # sector (None = all) -> Biểu 06 columns
    indicators: dict[str, dict[str, float | None]]  # code -> {value, numerator, denominator}
    catalogue: dict[str, dict[str, float | None]] = field(default_factory=dict)  # the same, of procedure_indicators

    @property
    def total(self) -> dict[str, int]:
        return self.form.get(None) or dict.fromkeys(FORM_COLUMNS, 0)

    def value(self, code: str) -> float | None:
        return (self.indicators.get(code) or {}).get("value")


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    if not Path(db).exists():
        raise FiguresError(f"chưa có kho dữ liệu '{db}': hãy chạy 'tthc run' trước — no warehouse yet")
    return duckdb.connect(str(db), read_only=True)


def _units_sql(units: int) -> str:
    if units == 2025:
        return "select commune_code, commune_name, unit_type, null as district_name, province_name from communes_2025"
    return "select commune_code, commune_name, unit_type, district_name, province_name from communes"


def find_commune(con: duckdb.DuckDBPyConnection, name_or_code: str, units: int = 2024) -> CommuneRef:
    """A commune by GSO code or name (any spelling), among the units of 2024 or of 2025."""
    rows = con.execute(_units_sql(units)).fetchall()
    key = match_key(name_or_code)
    hits = [
        r for r in rows if r[0] == name_or_code.strip() or match_key(r[1]) == key or match_key(f"{r[2]} {r[1]}") == key
    ]
    if not hits:
        known = ", ".join(f"{r[1]} ({r[0]})" for r in rows[:12])
        raise FiguresError(f"không tìm thấy xã/phường '{name_or_code}'. Có: {known}")
    if len(hits) > 1:
        raise FiguresError(f"'{name_or_code}' trùng tên nhiều đơn vị: " + ", ".join(f"{r[1]} ({r[0]})" for r in hits))
    return CommuneRef(*hits[0])


def all_communes(con: duckdb.DuckDBPyConnection, units: int = 2024) -> list[CommuneRef]:
    """Communes that have cases (the registry holds a whole province; officials want their own)."""
    # the roll-up to 2025 units is the warehouse's own (reporting_units), never rewritten here
    rows = con.execute(
        f"select * from ({_units_sql(units)}) where commune_code in ("
        "select distinct u.commune_code from cases c "
        "join reporting_units(units := ?) u on u.recorded_code = c.commune_code"
        ") order by commune_code",
        [units],
    ).fetchall()
    return [CommuneRef(*r) for r in rows]


def load_figures(con: duckdb.DuckDBPyConnection, commune: CommuneRef, period: Period, units: int = 2024) -> Figures:
    cols = ", ".join(FORM_COLUMNS)
    form_rows = con.execute(
        f"select sector, {cols} from report_form_between(?::date, ?::date, units := ?) where commune_code = ? "
        "order by sector nulls first",
        [period.start, period.end, units, commune.code],
    ).fetchall()
    form = {r[0]: dict(zip(FORM_COLUMNS, r[1:], strict=True)) for r in form_rows}
    ind_rows = con.execute(
        "select indicator, value, numerator, denominator from indicators_between(?::date, ?::date, units := ?) "
        "where commune_code = ? and sector is null",
        [period.start, period.end, units, commune.code],
    ).fetchall()
    indicators = {r[0]: {"value": r[1], "numerator": r[2], "denominator": r[3]} for r in ind_rows}
    cat_rows = con.execute(
        "select indicator, value, numerator, denominator from procedure_indicators(?)", [commune.code]
    ).fetchall()
    catalogue = {r[0]: {"value": r[1], "numerator": r[2], "denominator": r[3]} for r in cat_rows}
    return Figures(commune, period, form, indicators, catalogue)
