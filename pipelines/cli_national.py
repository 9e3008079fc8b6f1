"""`tthc aggregates` and `tthc rollup`: what they print (the work is in outputs/)."""

from __future__ import annotations

from pathlib import Path

from pipelines.outputs.aggregates import AggregatesExport
from pipelines.outputs.national import RollupSummary
from pipelines.pool import Deployed
from pipelines.rules.text import strip_diacritics


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
