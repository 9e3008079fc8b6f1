"""What every `tthc` command shares: the Typer app, the consoles, the exit codes, the options and
the one way a command fails (one line, an exit code, never a traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    help="tthc-analytics: hồ sơ TTHC từ cổng dịch vụ công → kho DuckDB → Biểu 06, chỉ số, báo cáo.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()


@app.callback()
def _root() -> None:
    """tthc-analytics."""
    from pipelines.children import supervise

    supervise()  # every process started below this command ends with it


err = Console(stderr=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="Tệp kho DuckDB (mặc định data/warehouse.duckdb).")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="Tệp cấu hình TOML (mặc định tthc.toml).")]

UnitsOption = Annotated[
    str | None,
    typer.Option(
        "--units",
        help="recorded (2024): đơn vị ghi trên hồ sơ; current (2025): gộp về đơn vị hiện nay. Mặc định theo kỳ: "
        "kỳ trước 01/07/2025 theo đơn vị thời đó, kỳ sau hoặc qua mốc này theo đơn vị hiện nay.",
    ),
]
PeriodOption = Annotated[
    str,
    typer.Option(
        "--period",
        "-p",
        help="Kỳ báo cáo: 2024Q1, 2024Q1@nd09, 2024-03, 2024H1, 2024, 2024-01-01..2024-03-25, 01/01/2024-25/03/2024.",
    ),
]


# exit codes (README, "Nightly operation"): monitoring tells data problems from a broken machine
EXIT_OK = 0  # every file loaded or already loaded; the command did what was asked
EXIT_DATA = 1  # some files rejected for their content, or a request the data cannot answer
EXIT_USAGE = 2  # a wrong option, setting or configuration file
EXIT_ENVIRONMENT = 3  # the machine failed: disk, permissions, lock, damaged warehouse, server


def fail(message: str, code: int = EXIT_DATA) -> None:
    err.print(f"[bold red]Lỗi:[/] {message}")
    raise typer.Exit(code)


def load_settings(config: Path | None, scope: bool = False, **overrides: object):
    """The settings, checked whole before anything starts: a wrong value, and with `scope` an
    unknown province, district or unit, is one line and exit 2."""
    from pipelines.config import Settings, SettingsError

    if config is not None and not Path(config).is_file():
        fail(f"không tìm thấy tệp cấu hình '{config}' (--config) — no such configuration file", EXIT_USAGE)
    try:
        settings = Settings.load(config, **overrides)
    except SettingsError as exc:
        fail(str(exc), EXIT_USAGE)
    if scope:
        from pipelines.reference.communes import ScopeError, scope_summary

        try:
            scope_summary(settings)
        except ScopeError as exc:
            fail(f"cài đặt phạm vi không hợp lệ: {exc}", EXIT_USAGE)
    return settings


def units_mode(units: str | None) -> str | None:
    if units is None:
        return None
    modes = {"recorded": "recorded", "2024": "recorded", "current": "current", "2025": "current"}
    if units.lower() not in modes:
        fail("--units chỉ nhận recorded (2024) hoặc current (2025)")
    return modes[units.lower()]


def period_of(text: str):
    from pipelines.rules.periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError as exc:
        fail(str(exc))
