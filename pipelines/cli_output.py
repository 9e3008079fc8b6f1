"""What `tthc run` and `tthc rebuild` print: the run summary table and one-line failures."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()


def environment_message(exc: BaseException) -> str:
    """One line for a failure of the machine (never a traceback)."""
    import duckdb

    from pipelines.handover import EnvironmentFailure, is_memory_error
    from pipelines.warehouse.access import explain

    if isinstance(exc, duckdb.Error) or is_memory_error(exc):  # damaged only if DuckDB cannot open it
        return explain(exc)
    if isinstance(exc, EnvironmentFailure):  # its message is the sentence (the run lock, a full disk)
        return " ".join(str(exc).split())
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"lỗi môi trường: {exc.strerror}{where}; chưa công bố gì, kho dữ liệu giữ nguyên — environment failure"
    text = " ".join(str(exc).split())[:300]
    return f"{text} — {type(exc).__name__}"


def print_summary(summary) -> None:
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
    for path in summary.waiting:
        console.print(f"[yellow]…[/] {escape(Path(path).name)}: tệp đang được chép vào hộp thư, lần chạy sau sẽ nạp")
    for warning in summary.warnings:
        console.print(f"[yellow]⚠[/] {escape(warning)}")
    if summary.archived:
        console.print(
            f"Đã chuyển {len(summary.archived)} tệp đã nạp sang {escape(str(Path(summary.archived[0]).parent))}"
        )
    if summary.orchestration:
        console.print(f"Prefect: {summary.orchestration}")
    if not summary.published:
        console.print(
            "Không có gì mới để nạp: chưa công bố bản mới, kho dữ liệu và các bản sao lưu giữ nguyên "
            "— nothing new, nothing published"
        )
    db = escape(str(summary.db))
    console.print(f"Kho dữ liệu: [bold]{db}[/]  (mở: duckdb -readonly {db})")
