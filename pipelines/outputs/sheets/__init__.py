"""Per-commune indicator workbooks for officials (docs/reference/contract.md, "Outputs for officials").

One .xlsx per commune and period, written from scratch with openpyxl:
"Biểu 06" (the official form, Thông tư 01/2020/TT-VPCP; form.py), "Chỉ số" (indicators with
labels and formulas in words; indicators.py), "Chỉ số 766" (the 766 score, the province's units
ranked, the monthly trend) and one tab per 766 metric listing the cases that cost points
(score766.py), "Theo quý" (quarterly series and a chart;
series.py), "Chất lượng dữ liệu" (counts of quarantined rows; quality.py). The numbers come from
figures.load_figures, the same source as the report text, so a sheet and a report never
disagree; the series and quality tabs read the materialised `report_form`, `indicators` and
`quarantine` tables. Columns of the form and indicator labels and kinds are data
(schemas/report_form_columns.csv, schemas/indicators.csv via pipelines.rules.indicators).
The house style and the safety rules (no formula, every string through `safe_text`) are in
style.py; file names and the standard lines in names.py; the workbook and saving in workbook.py.
"""

from pipelines.outputs.sheets.form import FORM_NOTES, FORM_TITLE, form_layout
from pipelines.outputs.sheets.indicators import indicator_rows
from pipelines.outputs.sheets.names import slug, workbook_name
from pipelines.outputs.sheets.quality import quarantine_by_file, quarantine_by_reason
from pipelines.outputs.sheets.score766 import SHEET_766, case_sheet_name
from pipelines.outputs.sheets.series import SERIES_HEADERS, quarter_series
from pipelines.outputs.sheets.style import FMT_COUNT, FMT_DAYS, FMT_PCT, FONT_NAME, NO_DATA, pct_fraction, safe_text
from pipelines.outputs.sheets.workbook import (
    SHEET_FORM,
    SHEET_INDICATORS,
    SHEET_QUALITY,
    SHEET_SERIES,
    build_workbook,
    write_sheets,
)

__all__ = [
    "FMT_COUNT",
    "FMT_DAYS",
    "FMT_PCT",
    "FONT_NAME",
    "FORM_NOTES",
    "FORM_TITLE",
    "NO_DATA",
    "SERIES_HEADERS",
    "SHEET_766",
    "SHEET_FORM",
    "SHEET_INDICATORS",
    "SHEET_QUALITY",
    "SHEET_SERIES",
    "build_workbook",
    "case_sheet_name",
    "form_layout",
    "indicator_rows",
    "pct_fraction",
    "quarantine_by_file",
    "quarantine_by_reason",
    "quarter_series",
    "safe_text",
    "slug",
    "workbook_name",
    "write_sheets",
]
