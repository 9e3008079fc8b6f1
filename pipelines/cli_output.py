"""What `tthc run` and `tthc rebuild` print: the run summary table and one-line failures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.handover import file_in_words

console = Console()


class Stopped(BaseException):
    """SIGTERM (systemctl stop, kill, a service manager): the command ends like Ctrl+C does."""


def on_sigterm(signum: int, frame: object) -> None:
    raise Stopped()


def stop_now(message: str, code: int) -> None:
    """End now: a worker thread still staging a file would otherwise hold the exit until it is
    done (the interpreter joins them). Nothing is lost: a run is published atomically or not at
    all, the next run removes what this one left (README, "Crash safety"), and every child ends
    with this process (children.py)."""
    Console(stderr=True).print(message)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def say(line: str) -> None:
    """One whole line, never wrapped nor styled: a command printed in a log must run as printed."""
    console.print(line, soft_wrap=True, markup=False, highlight=False)


def environment_message(exc: BaseException) -> str:
    """One line for a failure of the machine (never a traceback)."""
    import duckdb

    from pipelines.handover import EnvironmentFailure, is_memory_error
    from pipelines.warehouse.access import WarehouseUnreadable, explain

    if isinstance(exc, duckdb.Error) or is_memory_error(exc):  # damaged only if DuckDB cannot open it
        return explain(exc)
    if isinstance(exc, EnvironmentFailure | WarehouseUnreadable):  # its message is the sentence
        return " ".join(str(exc).split())
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"lỗi môi trường: {exc.strerror}{where}; chưa công bố gì, kho dữ liệu giữ nguyên — environment failure"
    text = " ".join(str(exc).split())[:300]
    return f"{text} — {type(exc).__name__}"


def print_summary(summary) -> None:
    """A table on a terminal; one line per file in a log or a pipe (a table squeezed to 80
    columns there cuts every file name to 12 characters)."""
    if not console.is_terminal:
        _print_lines(summary)
        return
    table = Table(title=f"Lần chạy {summary.run_id}", show_lines=False)
    right = ("Đọc", "Nạp", "Cách ly", "Trùng")
    for col in ("Tệp", "Trạng thái", "Đọc", "Nạp", "Cách ly", "Trùng", "Ghi chú"):
        table.add_column(col, justify="right" if col in right else "left")
    labels = {"loaded": "đã nạp", "skipped": "bỏ qua (đã nạp)", "rejected": "[red]từ chối[/]"}
    for f in summary.files:
        table.add_row(
            escape(f.name),  # a file name is text, never markup ("[/]" in a name broke the summary)
            labels.get(f.status, f.status),
            f"{f.read:,}".replace(",", "."),
            f"{f.loaded:,}".replace(",", "."),
            f"{f.quarantined:,}".replace(",", "."),
            f"{f.duplicate:,}".replace(",", "."),
            escape(f.message or ""),
        )
    console.print(table)
    for f in summary.files:
        for note in f.notes:
            console.print(f"[yellow]⚠[/] {escape(f.name)}: {escape(note)}")
    n = lambda v: f"{v:,}".replace(",", ".")
    rejected = summary.total("rejected")  # rows of files rejected whole: nothing of them is kept
    console.print(
        f"Tệp: {summary.count('loaded')} nạp, {summary.count('skipped')} bỏ qua, {summary.count('rejected')} từ chối. "
        f"Dòng: {n(summary.total('read'))} đọc = {n(summary.total('loaded'))} nạp + "
        f"{n(summary.total('quarantined'))} cách ly + {n(summary.total('duplicate'))} trùng"
        + (f" + {n(rejected)} thuộc tệp bị từ chối" if rejected else "")
        + f". Thời gian: {str(summary.seconds).replace('.', ',')} s."
    )
    _print_tail(summary)


def _print_lines(summary) -> None:
    for f in summary.files:
        console.print(file_in_words(f), soft_wrap=True, markup=False, highlight=False)
        for note in f.notes:
            console.print(f"  ⚠ {note}", soft_wrap=True, markup=False, highlight=False)
    console.print(summary.in_words(), soft_wrap=True, markup=False, highlight=False)
    _print_tail(summary)


def _print_tail(summary) -> None:
    """What waits, warnings, the archive, the orchestration and where the warehouse is."""
    for path in summary.waiting:
        console.print(
            f"… {Path(path).name}: tệp đang được chép vào hộp thư, lần chạy sau sẽ nạp", soft_wrap=True, markup=False
        )
    for warning in summary.warnings:
        console.print(f"⚠ {warning}", soft_wrap=True, markup=False)
    if summary.archived:
        console.print(
            f"Đã chuyển {len(summary.archived)} tệp đã nạp sang {Path(summary.archived[0]).parent}",
            soft_wrap=True,
            markup=False,
        )
    if summary.orchestration:
        console.print(f"Prefect: {summary.orchestration}", soft_wrap=True, markup=False)
    if not summary.published:
        console.print(
            "Không có gì mới để nạp: chưa công bố bản mới, kho dữ liệu và các bản sao lưu giữ nguyên "
            "— nothing new, nothing published",
            soft_wrap=True,
            markup=False,
        )
    cli = Path(sys.executable).with_name("duckdb")
    opener = str(cli) if cli.exists() else "duckdb"
    console.print(
        f"Kho dữ liệu: {summary.db}  (mở: {opener} -readonly {summary.db})",
        soft_wrap=True,
        highlight=False,
        markup=False,
    )
