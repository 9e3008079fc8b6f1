"""The body of `tthc dashboard` (cli.py declares it): write the pages and briefs, say where."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from pipelines.config import Settings
from pipelines.outputs.vnformat import vn_int, vn_num

console = Console()


def dashboard(settings: Settings, period_text: str | None, out: Path | None, pdf: bool, browser: str) -> list[str]:
    """Write the dashboard of one period; returns the warnings to print (no PDF, …). Raises
    FiguresError (no warehouse, an unknown period) for the command to turn into one line."""
    from pipelines.outputs.dashboard import write_dashboard
    from pipelines.rules.periods import parse_period

    period = parse_period(period_text) if period_text else None
    written = write_dashboard(settings, period, out, pdf=pdf, browser=browser)
    units = len(written.pages) - 1
    console.print(f"Bảng điều hành {written.period.title_vi}: {written.folder / 'index.html'}")
    console.print(
        f"{vn_int(len(written.pages))} trang (tỉnh và {vn_int(units)} đơn vị) trong {vn_num(written.seconds_pages, 1)} s"
    )
    warnings = []
    if pdf and written.pdf_skipped:
        warnings.append(f"không in được bản tóm tắt PDF: {written.pdf_skipped}")
    elif pdf:
        console.print(f"{vn_int(len(written.briefs))} bản tóm tắt PDF (A4) trong {vn_num(written.seconds_briefs, 1)} s")
    return warnings
