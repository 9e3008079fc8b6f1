"""One workbook per unit and period: the tabs, written next to the target and swapped in."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
from openpyxl import Workbook

from pipelines.outputs.coverage import period_words
from pipelines.outputs.figures import NoFigures, Target, all_units, connect, find_unit, load_figures
from pipelines.outputs.files import save_bytes
from pipelines.outputs.reconcile import Reconciliation, load_reconciliation
from pipelines.outputs.score766 import load_score766
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
from pipelines.outputs.sheets.score766 import score_sheets
from pipelines.outputs.sheets.series import series_sheet
from pipelines.outputs.signing import Signing
from pipelines.rules.periods import Period

SHEET_FORM = "Biểu 06"
SHEET_INDICATORS = "Chỉ số"
SHEET_SERIES = "Theo quý"
SHEET_QUALITY = "Chất lượng dữ liệu"


def build_workbook(
    con: duckdb.DuckDBPyConnection, target: Target, period: Period, signing: Signing | None = None
) -> Workbook:
    """The tabs of one unit and period, in a fresh workbook: Biểu 06, Chỉ số, Chỉ số 766 and a tab per
    766 metric scored from the cases, Theo quý, Chất lượng dữ liệu. Every tab reads the figures at
    one time, the warehouse's last build (figures.as_of); the time written is local time."""
    fig = load_figures(con, target, period)
    unit = fig.unit
    made_at = con.execute("select date_trunc('second', tthc_local_now())").fetchall()[0][0]
    wb = Workbook()
    form = wb.active
    form.title = SHEET_FORM
    form_sheet(form, fig, made_at, signing)
    indicator_sheet(wb.create_sheet(SHEET_INDICATORS), fig)
    score_sheets(wb, load_score766(con, target, period))
    series_sheet(wb.create_sheet(SHEET_SERIES), con, fig)
    quality_sheet(wb.create_sheet(SHEET_QUALITY), con, fig)
    rec = fig.reconciliation or load_reconciliation(con, target, period)
    if rec.has_report:  # their report for this unit and period was loaded: the two "Đối chiếu" tabs
        add_reconcile_tabs(wb, rec)
    wb.properties.title = f"Biểu 06 – {unit.official_name} – {period.title_vi}"
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
        return all_units(con, period)
    seen: dict[str, Target] = {}
    for item in communes:
        target = find_unit(con, item, period)
        seen.setdefault(target.unit.unit_key, target)
    return list(seen.values())


def save_workbook(wb: Workbook, path: Path) -> None:
    """Written whole next to the target and swapped in: a reader never sees half a file, a full
    disk leaves none (outputs/files.py)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    save_bytes(path, buffer.getvalue())


def write_sheets(
    db: Path,
    period: Period,
    communes: list[str] | None,
    out_dir: Path,
    signing: Signing | None = None,
    skipped: list[str] | None = None,
) -> list[Path]:
    """One workbook per unit for `period` in `out_dir`; returns the paths written. A unit the data
    cannot support gets no workbook: its reason goes to `skipped` (NoFigures when nothing at all
    can be written)."""
    con = connect(Path(db))
    try:
        refs = _resolve(con, communes, period)
        if not refs:
            first, last = con.execute(
                "select min(received_at)::date, max(greatest(received_at, finished_at, returned_at))::date from cases"
            ).fetchall()[0]
            held = (
                f"kho dữ liệu có hồ sơ từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"
                if first
                else "kho dữ liệu trống"
            )
            raise NoFigures(f"chưa có số liệu — {period_words(period)}: không đơn vị nào có hồ sơ trong kỳ ({held})")
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        written, problems = [], []
        for ref in refs:
            try:
                wb = build_workbook(con, ref, period, signing)
            except NoFigures as exc:
                problems.append(str(exc))
                continue
            path = out_dir / workbook_name(ref.unit, period)
            save_workbook(wb, path)
            written.append(path)
        if skipped is not None:
            skipped.extend(problems)
        if problems and not written:
            raise NoFigures("; ".join(problems))
        return written
    finally:
        con.close()
