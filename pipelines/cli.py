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
from rich.console import Console
from rich.markup import escape

from pipelines.cli_output import Stopped, environment_message, on_sigterm, print_summary, say, stop_now

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


# exit codes (README, "Nightly operation"): monitoring tells data problems from a broken machine
EXIT_OK = 0  # every file loaded or already loaded; the command did what was asked
EXIT_DATA = 1  # some files rejected for their content, or a request the data cannot answer
EXIT_USAGE = 2  # a wrong option, setting or configuration file
EXIT_ENVIRONMENT = 3  # the machine failed: disk, permissions, lock, damaged warehouse, server


def _fail(message: str, code: int = EXIT_DATA) -> None:
    err.print(f"[bold red]Lỗi:[/] {message}")
    raise typer.Exit(code)


def _settings(config: Path | None, scope: bool = False, **overrides: object):
    """The settings, checked whole before anything starts: a wrong value, and with `scope` an
    unknown province, district or unit, is one line and exit 2."""
    from pipelines.config import Settings, SettingsError

    if config is not None and not Path(config).is_file():
        _fail(f"không tìm thấy tệp cấu hình '{config}' (--config) — no such configuration file", EXIT_USAGE)
    try:
        settings = Settings.load(config, **overrides)
    except SettingsError as exc:
        _fail(str(exc), EXIT_USAGE)
    if scope:
        from pipelines.reference.communes import ScopeError, scope_summary

        try:
            scope_summary(settings)
        except ScopeError as exc:
            _fail(f"cài đặt phạm vi không hợp lệ: {exc}", EXIT_USAGE)
    return settings


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
    settings = _settings(config, scope=True, db=db, unit=unit)
    from pipelines.reference.communes import given_units_problem

    if problem := given_units_problem(settings):  # a typo would load a whole file under no unit
        _fail(problem, EXIT_USAGE)
    if report:  # read as reports whatever their content (setting report_files)
        settings.report_files, paths = [*settings.report_files, *map(str, report)], [*(paths or []), *report]
    targets = [str(p) for p in (paths or [settings.inbox])]
    if not paths:
        settings.inbox.mkdir(parents=True, exist_ok=True)
    missing = [p for p in targets if not (Path(p).exists() or Path(p).is_symlink())]
    if missing:
        _fail(f"không tìm thấy '{missing[0]}' — no such file or folder", EXIT_USAGE)
    started = time.perf_counter()
    try:
        with console.status("Đang nạp và tính chỉ số…", spinner="dots") if console.is_terminal else nullcontext():
            if no_prefect:
                from pipelines.run import run_local

                summary = run_local([Path(p) for p in targets], settings)
            else:
                from pipelines.service import local_clock, run_with_prefect

                local_clock(settings)  # Prefect's log lines in the deployment's time (with --verbose)
                summary = run_with_prefect(targets, settings)
    except FileNotFoundError as exc:
        _fail(str(exc), EXIT_USAGE)
    except Exception as exc:  # the data never raises (bad files are rejected): this is the machine
        _fail(environment_message(exc), EXIT_ENVIRONMENT)
    summary.seconds = round(time.perf_counter() - started, 1)
    print_summary(summary)
    if summary.status != "succeeded":
        raise typer.Exit(EXIT_ENVIRONMENT)
    if summary.count("rejected"):
        raise typer.Exit(EXIT_DATA)


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


def _units_mode(units: str | None) -> str | None:
    if units is None:
        return None
    modes = {"recorded": "recorded", "2024": "recorded", "current": "current", "2025": "current"}
    if units.lower() not in modes:
        _fail("--units chỉ nhận recorded (2024) hoặc current (2025)")
    return modes[units.lower()]


def _period(text: str):
    from pipelines.rules.periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError as exc:
        _fail(str(exc))


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
        _fail("--format chỉ nhận md hoặc docx")
    mode = _units_mode(units)
    p = _period(period)
    settings = _settings(config, db=db)
    try:
        figures, score = load_report(settings.db, commune, p, mode)
    except FiguresError as exc:
        _fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
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
        _fail(f"không ghi được {target} ({exc.strerror or exc}) — cannot write the report", EXIT_ENVIRONMENT)
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

    p, mode, settings = _period(period), _units_mode(units), _settings(config, db=db)
    if problem := reconcile(settings.db, unit, p, mode, out or settings.out, console):
        _fail(*problem)


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

    p = _period(period)
    settings = _settings(config, db=db)
    skipped: list[str] = []
    try:
        paths = write_sheets(
            settings.db, p, commune or None, out or settings.out, Signing.from_settings(settings), skipped
        )
    except FiguresError as exc:
        _fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
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
        typer.echo(show(_settings(config, db=db).db, unit, _period(period), _units_mode(units), fmt, cases), nl=False)
    except FiguresError as exc:
        _fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))


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
        _fail("--format chỉ nhận text, md hoặc json")
    settings = _settings(config, db=db)
    try:
        con = connect(settings.db)
    except FiguresError as exc:
        _fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
    try:
        report = quality_report(con, run_id)
    finally:
        con.close()
    if report["run_id"] is None and run_id != "latest":
        _fail(f"không có lần chạy '{run_id}'")
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

    raise typer.Exit(body(_settings(config, db=db), period, out, pdf, browser))


@app.command()
def serve(
    cron: Annotated[str, typer.Option("--cron", help="Lịch chạy (cron), giờ Việt Nam.")] = "0 2 * * *",
    every: Annotated[
        float | None, typer.Option("--every", help="Chạy mỗi N giây thay cho --cron (để thử lịch).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Chạy định kỳ (mặc định 2 giờ sáng, giờ Asia/Ho_Chi_Minh): nạp hộp thư đến, tính lại, công bố,
    ghi bảng tính quý. Không có PREFECT_API_URL thì tự khởi động máy chủ Prefect (lịch, giao diện
    http://127.0.0.1:4200) và dừng nó khi dừng."""
    from pipelines.prefect_server import ServerError
    from pipelines.service import ensure_inbox, schedule_problem, serve_forever

    if config:
        os.environ["TTHC_CONFIG"] = str(config)
    settings = _settings(config, scope=True)
    problem = schedule_problem(cron, every, settings.timezone)  # before any server starts
    if problem:
        _fail(problem, EXIT_USAGE)
    ensure_inbox(settings)
    when = f"mỗi {every:g} giây" if every else f"theo lịch '{cron}' ({settings.timezone})"
    say(f"Phục vụ luồng hằng đêm {when}; hộp thư đến {settings.inbox}; Ctrl+C để dừng.")
    try:
        serve_forever(settings, cron, every, echo=say)
    except ServerError as exc:
        _fail(str(exc), 2)
    say("Đã dừng tthc serve.")


@app.command()
def status(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text hoặc json.")] = "text",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Lần chạy đêm qua có chạy không? Máy chủ Prefect, lần chạy gần nhất và kế tiếp, hộp thư đến, kho dữ liệu.
    Mã thoát 0: ổn; 1: lần chạy gần nhất lỗi hoặc quá giờ; 2: không hỏi được máy chủ."""
    from pipelines.status import collect, render

    if fmt not in ("text", "json"):
        _fail("--format chỉ nhận text hoặc json")
    st = collect(_settings(config, db=db))
    typer.echo(st.to_json() if fmt == "json" else render(st), nl=fmt == "json")
    raise typer.Exit(st.exit_code)


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
        _fail("--format chỉ nhận parquet")
    settings = _settings(config, db=db)
    target = out or Path(settings.out) / "parquet"
    try:
        written = export_parquet(settings.db, target)
    except FiguresError as exc:
        _fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
    for name, n in written.items():
        console.print(f"{name}: {n:,} dòng → {target / name}".replace(",", "."))


@app.command()
def aggregates(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Thư mục chung của các tỉnh (mặc định data/out/aggregates).")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Xuất số liệu tổng hợp theo đơn vị (Biểu 06, chỉ số; không có hồ sơ) cho bản tổng hợp toàn quốc."""
    from pipelines.cli_national import aggregates_lines
    from pipelines.outputs.aggregates import export_aggregates
    from pipelines.outputs.figures import FiguresError

    settings = _settings(config, db=db)
    try:
        res = export_aggregates(settings.db, out or Path(settings.out) / "aggregates")
    except FiguresError as exc:
        _fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
    for line in aggregates_lines(res):
        typer.echo(line)


@app.command()
def rollup(
    sources: Annotated[list[Path], typer.Argument(help="Các thư mục số liệu tổng hợp của các tỉnh.")],
    out_db: Annotated[Path, typer.Option("--db", help="Tệp DuckDB tổng hợp.")] = Path("data/national.duckdb"),
    config: ConfigOption = None,
) -> None:
    """Tổng hợp số liệu theo đơn vị của nhiều tỉnh thành một kho DuckDB (toàn quốc), không cần hồ sơ."""
    from pipelines.cli_national import rollup_lines
    from pipelines.outputs.national import RollupError, roll_up

    settings = _settings(config)
    missing = [s for s in sources if not Path(s).is_dir()]
    if missing:
        _fail(f"không có thư mục '{missing[0]}' — no such folder", EXIT_USAGE)
    try:
        res = roll_up(list(sources), out_db, settings.storage_version)
    except RollupError as exc:
        _fail(str(exc))
    for line in rollup_lines(res):
        typer.echo(line)


@app.command()
def deploy(
    pool: Annotated[str, typer.Option("--pool", help="Work pool (kiểu process) của máy chủ Prefect.")] = "tthc",
    queue: Annotated[
        str | None, typer.Option("--queue", help="Hàng đợi của máy tỉnh này (mặc định: tên tỉnh không dấu).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Tên deployment (mặc định: tên hàng đợi).")] = None,
    cron: Annotated[str, typer.Option("--cron", help="Lịch chạy theo giờ địa phương.")] = "0 2 * * *",
    national: Annotated[
        list[Path] | None,
        typer.Option("--national", help="Triển khai bản tổng hợp toàn quốc từ các thư mục số liệu tổng hợp này."),
    ] = None,
    national_db: Annotated[Path, typer.Option("--national-db", help="Tệp DuckDB tổng hợp.")] = Path(
        "data/national.duckdb"
    ),
    config: ConfigOption = None,
) -> None:
    """Đăng ký lần chạy hằng đêm của tỉnh (theo tệp cấu hình) vào work pool của máy chủ Prefect;
    các worker (prefect worker start --pool … --work-queue …) trên máy của tỉnh sẽ chạy."""
    from pipelines.cli_national import deploy_lines, queue_name
    from pipelines.prefect_server import find_server, healthy

    settings = _settings(config)
    server = find_server(settings)
    if server is None or not healthy(server.api_url):
        _fail(
            "cần một máy chủ Prefect đang chạy (PREFECT_API_URL, hoặc tthc serve trên máy này) — no Prefect server",
            EXIT_ENVIRONMENT,
        )
    assert server is not None
    os.environ["PREFECT_API_URL"] = server.api_url
    from pipelines.pool import deploy_national, deploy_province

    q = queue or queue_name(settings.province)
    if national:
        done = deploy_national(list(national), national_db, pool, q, name or "toan-quoc", cron, settings.timezone)
    else:
        cfg = Path(config or os.environ.get("TTHC_CONFIG", "tthc.toml"))
        if not cfg.is_file():
            _fail(f"cần tệp cấu hình của tỉnh ('{cfg}' không có): các lần chạy trên worker đọc nó", EXIT_USAGE)
        done = deploy_province(cfg, pool, q, name, cron, settings.timezone)
    for line in deploy_lines(done, server.api_url):
        typer.echo(line)


@app.command()
def restore(
    name: Annotated[str | None, typer.Argument(help="Tên bản sao lưu (mặc định: bản mới nhất).")] = None,
    list_only: Annotated[bool, typer.Option("--list", help="Chỉ liệt kê các bản sao lưu.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Đặt lại một bản kho dữ liệu đã công bố trước đây (bản hiện tại được giữ làm sao lưu)."""
    from pipelines.recovery import RecoveryError, backup_lines
    from pipelines.recovery import restore as do_restore

    settings = _settings(config, db=db)
    if list_only:
        lines = backup_lines(settings)
        for line in lines:
            console.print(line, highlight=False, soft_wrap=True)  # one backup, one line (grep, monitoring)
        console.print(f"{len(lines)} bản sao lưu trong {settings.backups}")
        return
    try:
        source, kept = do_restore(settings, name)
    except RecoveryError as exc:
        _fail(str(exc), EXIT_ENVIRONMENT)
    except Exception as exc:  # the run lock held too long, a full disk: the machine
        _fail(environment_message(exc), EXIT_ENVIRONMENT)
    console.print(f"Đã đặt lại {settings.db} từ {source.name}")
    if kept:
        console.print(f"Bản vừa thay được giữ tại {kept}")


@app.command()
def rebuild(
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Dựng lại kho dữ liệu chỉ từ kho lưu tệp nhập (mọi tệp đã nạp), thay cho bản hiện tại."""
    from pipelines.recovery import RecoveryError
    from pipelines.recovery import rebuild as do_rebuild

    settings = _settings(config, scope=True, db=db)
    try:
        summary, kept = do_rebuild(settings)
    except RecoveryError as exc:
        _fail(str(exc), EXIT_ENVIRONMENT)
    except Exception as exc:  # the run lock held too long, a full disk, memory: the machine
        _fail(environment_message(exc), EXIT_ENVIRONMENT)
    print_summary(summary)
    if kept:
        console.print(f"Bản vừa thay được giữ tại {kept}")
    if summary.status != "succeeded":
        raise typer.Exit(EXIT_ENVIRONMENT)


@app.command("config")
def show_config(config: ConfigOption = None) -> None:
    """In các giá trị cấu hình đang dùng và nguồn của từng giá trị (mặc định, tệp, biến môi trường)."""
    settings = _settings(config)
    width = max(len(k) for k in settings.sources)
    for key, source in settings.sources.items():
        typer.echo(f"{key:<{width}} = {getattr(settings, key)}    # {source}")
    from pipelines.reference.communes import ScopeError, scope_summary

    try:
        typer.echo(f"\nPhạm vi (scope): {scope_summary(settings)}")
    except ScopeError as exc:
        _fail(f"cài đặt phạm vi không hợp lệ: {exc}", EXIT_USAGE)


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
