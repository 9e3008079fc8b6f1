"""The commands that keep the service running: `tthc serve`, `status`, `restore`, `rebuild`,
`config` (registered on the app of cli_common; cli.py imports this module)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from pipelines.cli_common import (
    EXIT_ENVIRONMENT,
    EXIT_USAGE,
    ConfigOption,
    DbOption,
    app,
    console,
    fail,
    load_settings,
)
from pipelines.cli_output import environment_message, print_summary, say


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
    settings = load_settings(config, scope=True)
    problem = schedule_problem(cron, every, settings.timezone)  # before any server starts
    if problem:
        fail(problem, EXIT_USAGE)
    ensure_inbox(settings)
    when = f"mỗi {every:g} giây" if every else f"theo lịch '{cron}' ({settings.timezone})"
    say(f"Phục vụ luồng hằng đêm {when}; hộp thư đến {settings.inbox}; Ctrl+C để dừng.")
    try:
        serve_forever(settings, cron, every, echo=say)
    except ServerError as exc:
        fail(str(exc), 2)
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
        fail("--format chỉ nhận text hoặc json")
    st = collect(load_settings(config, db=db))
    typer.echo(st.to_json() if fmt == "json" else render(st), nl=fmt == "json")
    raise typer.Exit(st.exit_code)


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

    settings = load_settings(config, db=db)
    if list_only:
        lines = backup_lines(settings)
        for line in lines:
            console.print(line, highlight=False, soft_wrap=True)  # one backup, one line (grep, monitoring)
        console.print(f"{len(lines)} bản sao lưu trong {settings.backups}")
        return
    try:
        source, kept = do_restore(settings, name)
    except RecoveryError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    except Exception as exc:  # the run lock held too long, a full disk: the machine
        fail(environment_message(exc), EXIT_ENVIRONMENT)
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

    settings = load_settings(config, scope=True, db=db)
    try:
        summary, kept = do_rebuild(settings)
    except RecoveryError as exc:
        fail(str(exc), EXIT_ENVIRONMENT)
    except Exception as exc:  # the run lock held too long, a full disk, memory: the machine
        fail(environment_message(exc), EXIT_ENVIRONMENT)
    print_summary(summary)
    if kept:
        console.print(f"Bản vừa thay được giữ tại {kept}")
    if summary.status != "succeeded":
        raise typer.Exit(EXIT_ENVIRONMENT)


@app.command("config")
def show_config(config: ConfigOption = None) -> None:
    """In các giá trị cấu hình đang dùng và nguồn của từng giá trị (mặc định, tệp, biến môi trường)."""
    settings = load_settings(config)
    width = max(len(k) for k in settings.sources)
    for key, source in settings.sources.items():
        typer.echo(f"{key:<{width}} = {getattr(settings, key)}    # {source}")
    from pipelines.reference.communes import ScopeError, scope_summary

    try:
        typer.echo(f"\nPhạm vi (scope): {scope_summary(settings)}")
    except ScopeError as exc:
        fail(f"cài đặt phạm vi không hợp lệ: {exc}", EXIT_USAGE)
