"""One workbook per commune and period: the four tabs, written next to the target and swapped in."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook

from pipelines.outputs.figures import Target, all_communes, connect, find_commune, load_figures
from pipelines.outputs.reconcile import Reconciliation, load_reconciliation
from pipelines.outputs.sheets.form import form_sheet
from pipelines.outputs.sheets.indicators import indicator_sheet
from pipelines.outputs.sheets.names import workbook_name
from pipelines.outputs.sheets.quality import quality_sheet
from pipelines.outputs.sheets.reconcile import (
    SHEET_RECONCILE,
    SHEET_RECONCILE_CASES,
    reconcile_cases_sheet,
    reconcile_sheet,
)
from pipelines.outputs.sheets.series import series_sheet
from pipelines.rules.periods import Period

SHEET_FORM = "Biểu 06"
SHEET_INDICATORS = "Chỉ số"
SHEET_SERIES = "Theo quý"
SHEET_QUALITY = "Chất lượng dữ liệu"


def build_workbook(con: duckdb.DuckDBPyConnection, target: Target, period: Period) -> Workbook:
    """The four tabs of one unit and period, in a fresh workbook."""
    fig = load_figures(con, target, period)
    commune = fig.commune
    made_at = datetime.now().replace(microsecond=0)
    wb = Workbook()
    form = wb.active
    form.title = SHEET_FORM
    form_sheet(form, fig, made_at)
    indicator_sheet(wb.create_sheet(SHEET_INDICATORS), fig)
    series_sheet(wb.create_sheet(SHEET_SERIES), con, fig)
    quality_sheet(wb.create_sheet(SHEET_QUALITY), con, fig)
    rec = fig.reconciliation or load_reconciliation(con, target, period)
    if rec.has_report:  # their report for this unit and period was loaded: the two "Đối chiếu" tabs
        add_reconcile_tabs(wb, rec)
    wb.properties.title = f"Biểu 06 – {commune.official_name} – {period.title_vi}"
    wb.properties.creator = "tthc-analytics"
    return wb


def add_reconcile_tabs(wb: Workbook, rec: Reconciliation) -> None:
    reconcile_sheet(wb.create_sheet(SHEET_RECONCILE), rec)
    reconcile_cases_sheet(wb.create_sheet(SHEET_RECONCILE_CASES), rec)


def _resolve(con: duckdb.DuckDBPyConnection, communes: list[str] | None, period: Period) -> list[Target]:
    """Every unit asked for (name, GSO code or unit key), once each, as the period reports it; all
    of the period's units with cases when None. Resolved before anything is written, so a typo does
    not leave half the files."""
    if communes is None:
        return all_communes(con, period)
    seen: dict[str, Target] = {}
    for item in communes:
        target = find_commune(con, item, period)
        seen.setdefault(target.unit.unit_key, target)
    return list(seen.values())


def save_workbook(wb: Workbook, path: Path) -> None:
    """Write next to the target and swap it in: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    os.replace(tmp, path)


def write_sheets(db: Path, period: Period, communes: list[str] | None, out_dir: Path) -> list[Path]:
    """One workbook per commune for `period` in `out_dir`; returns the paths written."""
    con = connect(Path(db))
    try:
        refs = _resolve(con, communes, period)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for ref in refs:
            path = out_dir / workbook_name(ref.unit, period)
            save_workbook(build_workbook(con, ref, period), path)
            written.append(path)
        return written
    finally:
        con.close()
