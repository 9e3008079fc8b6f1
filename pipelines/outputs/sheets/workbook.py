"""One workbook per commune and period: the four tabs, written next to the target and swapped in."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook

from pipelines.outputs.figures import CommuneRef, all_communes, connect, find_commune, load_figures
from pipelines.outputs.sheets.form import form_sheet
from pipelines.outputs.sheets.indicators import indicator_sheet
from pipelines.outputs.sheets.names import workbook_name
from pipelines.outputs.sheets.quality import quality_sheet
from pipelines.outputs.sheets.series import series_sheet
from pipelines.rules.periods import Period

SHEET_FORM = "Biểu 06"
SHEET_INDICATORS = "Chỉ số"
SHEET_SERIES = "Theo quý"
SHEET_QUALITY = "Chất lượng dữ liệu"


def build_workbook(con: duckdb.DuckDBPyConnection, commune: CommuneRef, period: Period) -> Workbook:
    """The four tabs of one commune and period, in a fresh workbook."""
    fig = load_figures(con, commune, period)
    made_at = datetime.now().replace(microsecond=0)
    wb = Workbook()
    form = wb.active
    form.title = SHEET_FORM
    form_sheet(form, fig, made_at)
    indicator_sheet(wb.create_sheet(SHEET_INDICATORS), fig)
    series_sheet(wb.create_sheet(SHEET_SERIES), con, fig)
    quality_sheet(wb.create_sheet(SHEET_QUALITY), con, fig)
    wb.properties.title = f"Biểu 06 – {commune.official_name} – {period.title_vi}"
    wb.properties.creator = "tthc-analytics"
    return wb


def _resolve(con: duckdb.DuckDBPyConnection, communes: list[str] | None) -> list[CommuneRef]:
    """Every commune asked for (name or GSO code), once each; all of them when None.
    Resolved before anything is written, so a typo does not leave half the files."""
    if communes is None:
        return all_communes(con)
    seen: dict[str, CommuneRef] = {}
    for item in communes:
        ref = find_commune(con, item)
        seen.setdefault(ref.code, ref)
    return list(seen.values())


def _save(wb: Workbook, path: Path) -> None:
    """Write next to the target and swap it in: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    os.replace(tmp, path)


def write_sheets(db: Path, period: Period, communes: list[str] | None, out_dir: Path) -> list[Path]:
    """One workbook per commune for `period` in `out_dir`; returns the paths written."""
    con = connect(Path(db))
    try:
        refs = _resolve(con, communes)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for ref in refs:
            path = out_dir / workbook_name(ref, period)
            _save(build_workbook(con, ref, period), path)
            written.append(path)
        return written
    finally:
        con.close()
