"""`tthc aggregates`, `tthc rollup` and `tthc deploy` (registered on the app of cli_common), and
what they print (the work is in outputs/ and pool.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipelines.cli_common import (
    EXIT_DATA,
    EXIT_ENVIRONMENT,
    EXIT_USAGE,
    ConfigOption,
    DbOption,
    app,
    fail,
    load_settings,
)
from pipelines.rules.text import strip_diacritics

if TYPE_CHECKING:  # imported by every tthc command: the work's modules load when a command runs
    from pipelines.outputs.aggregates import AggregatesExport
    from pipelines.outputs.national import RollupSummary
    from pipelines.pool import Deployed


def _n(v: int) -> str:
    return f"{v:,}".replace(",", ".")


def aggregates_lines(res: AggregatesExport) -> list[str]:
    """The export in a few lines: where, which provinces, how many rows, which rules."""
    lines = [f"Số liệu tổng hợp theo đơn vị (không có hồ sơ nào) → {res.out}"]
    lines += [f"  {table}: {_n(n)} dòng" for table, n in res.rows.items()]
    lines.append(f"  tỉnh (mã hiện nay): {', '.join(res.provinces) or 'không có'}")
    lines.append(f"  phiên bản mã {res.code_version}, quy tắc {str(res.rules_hash)[:12]}")
    return lines


def rollup_lines(res: RollupSummary) -> list[str]:
    lines = [
        f"Tổng hợp {len(res.provinces)} tỉnh, {_n(res.units)} đơn vị, {_n(res.report_rows)} dòng Biểu 06 → {res.db}",
    ]
    shown = res.provinces if len(res.provinces) <= 6 else res.provinces[:3]
    for code, name, version, rules in shown:
        lines.append(f"  {code} {name}: phiên bản {version}, quy tắc {rules[:12]}")
    if len(shown) < len(res.provinces):
        lines.append(f"  … và {len(res.provinces) - len(shown)} tỉnh khác (bảng province_exports)")
    if res.mixed_rules:
        lines.append(
            "  Chú ý: các tỉnh được tính theo quy tắc khác nhau (rules hash khác): số liệu chưa so sánh được "
            "cho đến khi mọi tỉnh chạy cùng phiên bản — provinces built by different rules"
        )
    if res.conflicts:
        lines.append(
            f"  Chú ý: {_n(res.conflicts)} dòng có trong số liệu của hơn một tỉnh; lấy bản xuất mới hơn "
            "(xem bảng rollup_conflicts)"
        )
    lines.append(f"Mở: duckdb -readonly {Path(res.db)}")
    return lines


def queue_name(province: str) -> str:
    """A province's work queue: its name without diacritics, "ninh-binh"."""
    return "-".join(strip_diacritics(province).lower().split())


def deploy_lines(d: Deployed, api_url: str) -> list[str]:
    return [
        f"Đã đăng ký {d.name} trên work pool '{d.work_pool}', hàng đợi '{d.work_queue}' ({api_url})",
        f"Trên máy của tỉnh: prefect worker start --pool {d.work_pool} --work-queue {d.work_queue}",
        f"Chạy ngay: prefect deployment run '{d.name}'",
    ]


@app.command()
def aggregates(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Thư mục chung của các tỉnh (mặc định data/out/aggregates).")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Xuất số liệu tổng hợp theo đơn vị (Biểu 06, chỉ số; không có hồ sơ) cho bản tổng hợp toàn quốc."""
    from pipelines.outputs.aggregates import export_aggregates
    from pipelines.outputs.figures import FiguresError

    settings = load_settings(config, db=db)
    try:
        res = export_aggregates(settings.db, out or Path(settings.out) / "aggregates")
    except FiguresError as exc:
        fail(str(exc), getattr(exc, "exit_code", EXIT_DATA))
    for line in aggregates_lines(res):
        typer.echo(line)


@app.command()
def rollup(
    sources: Annotated[list[Path], typer.Argument(help="Các thư mục số liệu tổng hợp của các tỉnh.")],
    out_db: Annotated[Path, typer.Option("--db", help="Tệp DuckDB tổng hợp.")] = Path("data/national.duckdb"),
    config: ConfigOption = None,
) -> None:
    """Tổng hợp số liệu theo đơn vị của nhiều tỉnh thành một kho DuckDB (toàn quốc), không cần hồ sơ."""
    from pipelines.outputs.national import RollupError, roll_up

    settings = load_settings(config)
    missing = [s for s in sources if not Path(s).is_dir()]
    if missing:
        fail(f"không có thư mục '{missing[0]}' — no such folder", EXIT_USAGE)
    try:
        res = roll_up(list(sources), out_db, settings.storage_version)
    except RollupError as exc:
        fail(str(exc))
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
    from pipelines.prefect_server import find_server, healthy

    settings = load_settings(config)
    server = find_server(settings)
    if server is None or not healthy(server.api_url):
        fail(
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
            fail(f"cần tệp cấu hình của tỉnh ('{cfg}' không có): các lần chạy trên worker đọc nó", EXIT_USAGE)
        done = deploy_province(cfg, pool, q, name, cron, settings.timezone)
    for line in deploy_lines(done, server.api_url):
        typer.echo(line)
