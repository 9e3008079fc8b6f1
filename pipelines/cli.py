"""`tthc`: the command line of docs/reference/contract.md. Messages in Vietnamese first, no tracebacks."""

from __future__ import annotations

import os
import signal
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from pipelines.cli_common import (
    EXIT_DATA,
    EXIT_ENVIRONMENT,
    EXIT_OK,
    EXIT_USAGE,
    ConfigOption,
    DbOption,
    PeriodOption,
    UnitsOption,
    app,
    console,
    err,
    fail,
    load_settings,
    period_of,
    units_mode,
)
from pipelines.cli_output import Stopped, environment_message, on_sigterm, print_summary, say, stop_now

__all__ = ["EXIT_DATA", "EXIT_ENVIRONMENT", "EXIT_OK", "EXIT_USAGE", "app", "main"]


@app.command()
def run(
    paths: Annotated[list[Path] | None, typer.Argument(help="Tệp hoặc thư mục cần nạp (mặc định data/inbox/).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    no_prefect: Annotated[bool, typer.Option("--no-prefect", help="Chạy trực tiếp, không qua Prefect.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="In nhật ký chi tiết của Prefect.")] = False,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="Đơn vị (xã, phường) của các tệp không có cột Đơn vị giải quyết mà đầu trang không ghi tên đơn vị.",
        ),
    ] = None,
    report: Annotated[list[Path] | None, typer.Option("--report", help="Tệp báo cáo (Biểu 06, số liệu 766).")] = None,
) -> None:
    """Nạp các tệp xuất, tính lại chỉ số, công bố kho dữ liệu và in tóm tắt."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    settings = load_settings(config, scope=True, db=db, unit=unit)
    from pipelines.reference.communes import given_units_problem

    if problem := given_units_problem(settings):  # a typo would load a whole file under no unit
        fail(problem, EXIT_USAGE)
    if report:  # read as reports whatever their content (setting report_files)
        settings.report_files, paths = [*settings.report_files, *map(str, report)], [*(paths or []), *report]
    targets = [str(p) for p in (paths or [settings.inbox])]
    if not paths:
        settings.inbox.mkdir(parents=True, exist_ok=True)
    missing = [p for p in targets if not (Path(p).exists() or Path(p).is_symlink())]
    if missing:
        fail(f"không tìm thấy '{missing[0]}' — no such file or folder", EXIT_USAGE)
    started = time.perf_counter()
    try:
        with console.status("Đang nạp và tính chỉ số…", spinner="dots") if console.is_terminal else nullcontext():
            if no_prefect:
                from pipelines.run import run_local

                summary = run_local([Path(p) for p in targets], settings)
            else:
                from pipelines.service import local_clock, run_command

                local_clock(settings)  # Prefect's log lines in the deployment's time (with --verbose)
                summary = run_command(targets, settings)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_USAGE)
    except Exception as exc:  # the data never raises (bad files are rejected): this is the machine
        fail(environment_message(exc), EXIT_ENVIRONMENT)
    summary.seconds = round(time.perf_counter() - started, 1)
    print_summary(summary)
    if summary.status != "succeeded":
        raise typer.Exit(EXIT_ENVIRONMENT)
    if summary.count("rejected"):
        raise typer.Exit(EXIT_DATA)


@app.command()
def report(
    commune: Annotated[
        str,
        typer.Option("--commune", "-c", help="Tên, mã hoặc khóa đơn vị (vd. 'Mỹ Tân', 'Thiên Trường', 13684@2025)."),
    ],
    period: PeriodOption,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md (văn bản) hoặc docx.")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Tệp kết quả (mặc định in ra màn hình với md).")
    ] = None,
    units: UnitsOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Viết phần "Cải cách thủ tục hành chính" của báo cáo CCHC cho một xã và một kỳ."""
    from pipelines.outputs.figures import FiguresError
    from pipelines.outputs.report import load_report, render_markdown
    from pipelines.outputs.report_docx import write_docx
    from pipelines.outputs.signing import Signing

    if fmt not in ("md", "docx"):
        fail("--format chỉ nhận md hoặc docx")
    mode = units_mode(units)
    p = period_of(period)
    settings = load_settings(config, db=db)
    try:
        figures, score = load_report(settings.db, commune, p, mode)
    except FiguresError as exc:
        fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
    text = render_markdown(figures, score)
    if fmt == "md":
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            console.print(f"Đã ghi {out}")
        else:
            typer.echo(text)
        return
    target = out or settings.out / f"bao-cao_{figures.unit.code}_{p.label.replace('..', '_').replace('@', '-')}.docx"
    try:
        write_docx(figures, target, Signing.from_settings(settings), score)
    except OSError as exc:
        fail(f"không ghi được {target} ({exc.strerror or exc}) — cannot write the report", EXIT_ENVIRONMENT)
    console.print(f"Đã ghi {target}")


@app.command("doi-chieu")
def doi_chieu(
    unit: Annotated[str, typer.Option("--unit", "-u", help="Tên, mã hoặc khóa đơn vị (vd. 'Thiên Trường').")],
    period: PeriodOption,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Thư mục kết quả (mặc định data/out/).")] = None,
    units: UnitsOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Đối chiếu Biểu 06 của hệ thống khác với số liệu của kho: từng ô, lý do, các hồ sơ liên quan."""
    from pipelines.outputs.doi_chieu import doi_chieu as reconcile

    p, mode, settings = period_of(period), units_mode(units), load_settings(config, db=db)
    if problem := reconcile(settings.db, unit, p, mode, out or settings.out, console):
        fail(*problem)


@app.command()
def sheets(
    period: PeriodOption,
    commune: Annotated[list[str] | None, typer.Option("--commune", "-c", help="Chỉ các xã này (lặp lại được).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Thư mục kết quả (mặc định data/out/).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Ghi một tệp Excel chỉ số (Biểu 06, chỉ số, theo quý, chất lượng dữ liệu) cho mỗi xã."""
    from pipelines.outputs.figures import FiguresError
    from pipelines.outputs.sheets import write_sheets
    from pipelines.outputs.signing import Signing

    p = period_of(period)
    settings = load_settings(config, db=db)
    skipped: list[str] = []
    try:
        paths = write_sheets(
            settings.db, p, commune or None, out or settings.out, Signing.from_settings(settings), skipped
        )
    except FiguresError as exc:
        fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
    for line in [f"Đã ghi {path}" for path in paths] + [f"Không ghi: {p}" for p in skipped] + [f"{len(paths)} tệp."]:
        say(line)
    if skipped:
        raise typer.Exit(EXIT_DATA)


@app.command()
def diem766(
    unit: Annotated[str, typer.Option("--unit", "-u", help="Tên, mã hoặc khóa đơn vị (vd. 'Thiên Trường').")],
    period: PeriodOption,
    cases: Annotated[int, typer.Option("--cases", help="Số dòng hồ sơ làm mất điểm in ra (0: không in).")] = 20,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text hoặc json.")] = "text",
    units: UnitsOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """In điểm Chỉ số 766 của một đơn vị trong một kỳ (tháng 2026-08 hay 'Tháng 8 năm 2026', quý, năm) và các
    hồ sơ làm mất điểm, phần tính được từ hồ sơ."""
    from pipelines.outputs.diem766 import show
    from pipelines.outputs.figures import FiguresError

    try:
        typer.echo(
            show(load_settings(config, db=db).db, unit, period_of(period), units_mode(units), fmt, cases), nl=False
        )
    except FiguresError as exc:
        fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))


@app.command()
def quality(
    run_id: Annotated[str, typer.Option("--run", help="Mã lần chạy, hoặc 'latest'.")] = "latest",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, md hoặc json.")] = "text",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Báo cáo chất lượng dữ liệu của một lần chạy: từng tệp, số dòng, lý do cách ly, cột lạ, thay đổi cấu trúc."""
    import json as _json

    from pipelines.outputs.figures import FiguresError, connect
    from pipelines.outputs.quality import quality_report, render_text

    if fmt not in ("text", "md", "json"):
        fail("--format chỉ nhận text, md hoặc json")
    settings = load_settings(config, db=db)
    try:
        con = connect(settings.db)
    except FiguresError as exc:
        fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
    try:
        report = quality_report(con, run_id)
    finally:
        con.close()
    if report["run_id"] is None and run_id != "latest":
        fail(f"không có lần chạy '{run_id}'")
    if fmt == "json":
        typer.echo(_json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(render_text(report, markdown=fmt == "md"))


@app.command()
def dashboard(
    period: Annotated[str | None, typer.Option("--period", "-p", help="2026-11, 2026Q3 (mặc định tháng trước)")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Thư mục kết quả (mặc định data/out/).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="In bản tóm tắt A4 (PDF) của từng đơn vị.")] = True,
    browser: Annotated[str, typer.Option("--browser", help="Trình duyệt in PDF (Chromium).")] = "chromium",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Bảng điều hành cho lãnh đạo: trang tỉnh, trang từng đơn vị, bản tóm tắt A4 (PDF); mở được khi không có mạng."""
    from pipelines.cli_dashboard import dashboard as body

    raise typer.Exit(body(load_settings(config, db=db), period, out, pdf, browser))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="Chỉ hỗ trợ parquet.")] = "parquet",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Thư mục đích (mặc định <out>/parquet, cài đặt out).")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Xuất cases và report_form ra Parquet, phân vùng theo năm và quý (Hive), cho Spark, Trino, Polars."""
    from pipelines.outputs.export import export_parquet
    from pipelines.outputs.figures import FiguresError

    if fmt != "parquet":
        fail("--format chỉ nhận parquet")
    settings = load_settings(config, db=db)
    target = out or Path(settings.out) / "parquet"
    try:
        written = export_parquet(settings.db, target)
    except FiguresError as exc:
        fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
    for name, n in written.items():
        console.print(f"{name}: {n:,} dòng → {target / name}".replace(",", "."))


# the other commands register on the same app when their modules are imported (after these, so
# `tthc --help` lists the daily commands first)
from pipelines import cli_national, cli_operate  # noqa: E402, F401


def main() -> None:
    """The `tthc` command: a failure of the machine or of the warehouse file is one line and exit
    code 3, never a traceback; "damaged" only for a file DuckDB cannot open as a database; Ctrl+C and
    SIGTERM end it with one line (a run stopped midway has published nothing: the warehouse is as it
    was)."""
    import duckdb

    from pipelines.config import fit_address_space
    from pipelines.handover import EnvironmentFailure, is_memory_error

    fit_address_space()
    signal.signal(signal.SIGTERM, on_sigterm)  # Prefect's flow engine hands SIGTERM back to this handler
    try:
        app()
    except KeyboardInterrupt:
        stop_now("Đã dừng (Ctrl+C); những gì chưa công bố không được ghi, kho dữ liệu giữ nguyên.", 130)
    except Stopped:
        stop_now("Đã dừng (SIGTERM); những gì chưa công bố không được ghi, kho dữ liệu giữ nguyên.", 143)
    except (duckdb.Error, OSError, MemoryError, EnvironmentFailure) as exc:
        err.print(f"[bold red]Lỗi:[/] {escape(environment_message(exc))}")
        if is_memory_error(exc):
            # memory ran out: leave without running the native libraries' destructors, which can
            # abort on a failed allocation of their own (std::bad_alloc, exit 134) after this line
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_ENVIRONMENT)
        sys.exit(EXIT_ENVIRONMENT)


if __name__ == "__main__":
    main()
