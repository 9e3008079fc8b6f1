"""`tthc doi-chieu --unit … --period …`: their Biểu 06 beside ours for one unit and period.

Prints the table (ours, theirs, difference, explanation), the cases behind each explained
difference and the sentence of section III.2, and writes a workbook with the tabs "Đối chiếu" and
"Đối chiếu – hồ sơ" (sheets/reconcile.py). cli.py only declares the command.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from rich.console import Console
from rich.table import Table

from pipelines.outputs.figures import FiguresError, connect, find_unit
from pipelines.outputs.reconcile import Reconciliation, load_reconciliation
from pipelines.outputs.sheets.names import slug
from pipelines.outputs.sheets.reconcile import (
    SHEET_RECONCILE,
    SHEET_RECONCILE_CASES,
    reconcile_cases_sheet,
    reconcile_sheet,
)
from pipelines.outputs.sheets.workbook import save_workbook
from pipelines.outputs.vnformat import vn_int
from pipelines.rules.periods import Period


def doi_chieu(
    db: Path, unit: str, period: Period, units: str | None, out_dir: Path, console: Console
) -> tuple[str, int] | None:
    """Print the reconciliation of `unit` for `period` and write its workbook; (message, exit code)
    when the request cannot be answered (no warehouse, an unknown unit)."""
    try:
        con = connect(Path(db))
        try:
            target = find_unit(con, unit, period, units)
            rec = load_reconciliation(con, target, period)
        finally:
            con.close()
    except FiguresError as exc:
        return str(exc), getattr(exc, "exit_code", 1)
    if target.note:
        console.print(target.note)
    print_reconciliation(rec, console)
    out_dir.mkdir(parents=True, exist_ok=True)
    label = period.label.replace("..", "_").replace("@", "-")
    path = out_dir / f"doi-chieu_{rec.unit.code}_{slug(rec.unit.name)}_{label}.xlsx"
    wb = Workbook()
    first = wb.active
    first.title = SHEET_RECONCILE
    reconcile_sheet(first, rec)
    reconcile_cases_sheet(wb.create_sheet(SHEET_RECONCILE_CASES), rec)
    wb.properties.title = f"Đối chiếu Biểu 06 – {rec.unit.official_name} – {period.title_vi}"
    wb.properties.creator = "tthc-analytics"
    save_workbook(wb, path)
    console.print(f"Đã ghi {path}", soft_wrap=True)
    return None


def print_reconciliation(rec: Reconciliation, console: Console) -> None:
    what = "số liệu 766" if rec.rows766 and not rec.rows else "Biểu 06"
    console.print(f"[bold]Đối chiếu {what} — {rec.unit.official_name} — {rec.period.title_vi}[/]")
    if rec.reports:
        console.print("Hệ thống khác: " + rec.source())
    for report in rec.reports:
        for finding in report["findings"]:
            console.print(f"Báo cáo của họ không tự khớp: {finding}")
    if rec.rows:
        table = Table(show_lines=False)
        for name, justify in (
            ("Cột", "center"),
            ("Chỉ tiêu", "left"),
            ("Kho", "right"),
            ("Hệ thống khác", "right"),
            ("Chênh lệch", "right"),
            ("Giải thích", "left"),
        ):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for r in rec.rows:
            diff = (
                ""
                if r.difference is None
                else (f"+{vn_int(r.difference)}" if r.difference > 0 else vn_int(r.difference))
            )
            table.add_row(f"({r.number})", r.header, vn_int(r.ours), vn_int(r.theirs), diff, r.explanation)
        console.print(table)
    if rec.rows766:
        console.print("[bold]Số liệu 766 của Cổng DVCQG[/]")
        t766 = Table(show_lines=False)
        for name, justify in (("Chỉ số", "center"), ("Số liệu", "left"), ("Kho", "right"), ("Cổng DVCQG", "right")):
            t766.add_column(name, justify=justify)  # type: ignore[arg-type]
        t766.add_column("Chênh lệch", justify="right")
        t766.add_column("Giải thích", justify="left")
        for m in rec.rows766:
            ours = m.show(m.ours) or "chưa có số liệu"
            t766.add_row(m.number, m.header, ours, m.show(m.theirs), m.show(m.difference, True), m.explanation)
        console.print(t766)
    if rec.cases or rec.cases766:
        console.print("[bold]Các hồ sơ được đếm khác nhau[/]")
        for c in rec.cases:
            console.print(f"  ({c.number}) {c.case_id}: {c.why}", soft_wrap=True)  # one line per case, greppable
        for c766 in rec.cases766:
            console.print(f"  766 {c766.number} {c766.header} {c766.case_id}: {c766.why}", soft_wrap=True)
    if not rec.rows and rec.other_periods:
        console.print("Đã nạp báo cáo của đơn vị cho kỳ: " + ", ".join(rec.other_periods), soft_wrap=True)
    console.print("III.2. TTHC chênh lệch giữa các hệ thống: " + rec.paragraph(), soft_wrap=True)
