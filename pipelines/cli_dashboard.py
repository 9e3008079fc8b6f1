"""The body of `tthc dashboard` (cli.py declares it): write the pages and briefs, say where, and
turn a request the data cannot answer into one line and an exit code."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from pipelines.config import Settings
from pipelines.outputs.vnformat import vn_int, vn_num

console = Console()
err = Console(stderr=True)


def dashboard(settings: Settings, period_text: str | None, out: Path | None, pdf: bool, browser: str) -> int:
    """Write the dashboard of one period; the exit code (0, or 1 / 3 as figures errors say)."""
    from pipelines.outputs.dashboard import write_dashboard
    from pipelines.outputs.figures import FiguresError
    from pipelines.rules.periods import PeriodError, parse_period

    try:
        period = parse_period(period_text) if period_text else None
        written = write_dashboard(settings, period, out, pdf=pdf, browser=browser)
    except PeriodError as exc:
        err.print(f"[bold red]Lỗi:[/] {exc}")
        return 1
    except FiguresError as exc:
        err.print(f"[bold red]Lỗi:[/] {exc}")
        return int(getattr(exc, "exit_code", 1))
    units = len(written.pages) - 1
    console.print(f"Bảng điều hành {written.period.title_vi}: {written.folder / 'index.html'}")
    seconds = vn_num(written.seconds_pages, 1)
    console.print(f"{vn_int(len(written.pages))} trang (tỉnh và {vn_int(units)} đơn vị) trong {seconds} s")
    if pdf and written.pdf_skipped:
        err.print(f"[bold yellow]Chú ý:[/] không in được bản tóm tắt PDF: {written.pdf_skipped}")
    elif pdf:
        console.print(f"{vn_int(len(written.briefs))} bản tóm tắt PDF (A4) trong {vn_num(written.seconds_briefs, 1)} s")
    return 0
