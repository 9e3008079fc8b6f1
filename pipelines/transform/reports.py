"""Stage a report (a one-stop system's Biểu 06, the portal's 766 figures): units resolved like
agencies, the report checked against its own identities, its figures written to Parquet.

A report is staged like a case export (one StagedFile, rejected with one line when it cannot be
read) and loaded by warehouse/load_reports.py into portal_reports and portal_figures. Its units
are matched among the units valid on the period's last day (the registry, as agencies are); a unit
that matches none is kept with unit_key NULL and named in the run summary.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.config import Settings, resolve_path
from pipelines.extract import Budget, FileRejected
from pipelines.extract.bieu06 import CELLS, Bieu06Report, ReportRow
from pipelines.extract.portal766 import Portal766Report
from pipelines.extract.reports import NotAReport, read_report
from pipelines.handover import StagedFile
from pipelines.reference.communes import Registry
from pipelines.reference.registry import era_of
from pipelines.rules.indicators import form_columns
from pipelines.transform.parse import sector_label
from pipelines.transform.scrub import Scrubber
from pipelines.transform.stage import failed, file_limits, new_result, staging_paths

FIGURES_SCHEMA = pa.schema(
    [
        ("unit_key", pa.string()),
        ("unit_name", pa.string()),
        ("sector", pa.string()),
        ("level", pa.string()),
        ("row_label", pa.string()),
        ("row_kind", pa.string()),  # unit | sector | group_total | total
        ("cell", pa.string()),
        ("measure", pa.string()),  # count (Biểu 06) | numerator | denominator | rate_pct | points | max_points
        ("value", pa.float64()),
        ("source_row", pa.int64()),
    ]
)
NUMBERS = {c.column: c.number for c in form_columns()}


def is_named_report(path: Path, settings: Settings) -> bool:
    """The user said this file is a report (setting report_files, `tthc run --report FILE`)."""
    named = {resolve_path(Path(p)) for p in settings.report_files}
    return bool(named) and resolve_path(Path(path)) in named


def stage_report(path: Path, settings: Settings, sha256: str | None = None, named: bool = False) -> StagedFile:
    """Never raises for bad input: a report that cannot be read is rejected with its message."""
    return _staged(path, settings, sha256, named) or _not_a_report(path, settings, sha256)


def maybe_report(path: Path, settings: Settings, sha256: str | None = None) -> StagedFile | None:
    """The file staged as a report when its content is one (read or rejected), else None: a file
    whose case-export header was not found is looked at once more as a report."""
    return _staged(path, settings, sha256, named=False)


def _staged(path: Path, settings: Settings, sha256: str | None, named: bool) -> StagedFile | None:
    started = time.perf_counter()
    result = new_result(Path(path), sha256, Scrubber.from_settings(settings))
    rows_path, q_path = staging_paths(settings, result.sha256)
    try:
        limits = file_limits(settings)
        report = read_report(Path(path), limits, Budget(limits.max_seconds, started), named=named)
        _stage(report, settings, result, rows_path.with_name("figures.parquet"))
    except NotAReport:
        return None
    except BaseException as exc:
        failed(exc, Path(path), result, rows_path, q_path, Scrubber.from_settings(settings))
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _not_a_report(path: Path, settings: Settings, sha256: str | None) -> StagedFile:
    result = new_result(Path(path), sha256, Scrubber.from_settings(settings))
    result.status = "rejected"
    result.message = "không phải báo cáo Biểu 06 hay số liệu 766 — not a report"
    return result


def _stage(report: Bieu06Report | Portal766Report, settings: Settings, result: StagedFile, out: Path) -> None:
    registry = Registry.from_settings(settings)
    era = era_of(report.period_end)
    if isinstance(report, Bieu06Report):
        rows, units = _bieu06(report, registry, era)
        result.report_form, result.report_layout = "bieu06", f"dòng theo {_ROWS_ARE[report.rows_are]}"
        result.kind = "bieu06"
    else:
        rows, units = _portal766(report, registry, era)
        result.report_form, result.report_layout, result.kind = "766", report.shape, "json"
        result.report_system = "dvcqg"
    if isinstance(report, Bieu06Report):
        result.report_system = report.system
    if not any(u["unit_key"] for u in units):
        names = ", ".join(u["unit_name"] or "(không tên)" for u in units[:5])
        raise FileRejected(
            f"không xác định được đơn vị nào của báo cáo trong phạm vi của kho ({names}) — "
            "no unit of the report resolves to a unit in scope"
        )
    result.unresolved_agencies = {u["unit_name"]: "unresolved" for u in units if not u["unit_key"] and u["unit_name"]}
    result.period_start, result.period_end = report.period_start.isoformat(), report.period_end.isoformat()
    result.exported_at = report.exported_at.isoformat() if report.exported_at else None
    result.snapshot_source = report.exported_source or "file_mtime"
    result.snapshot_at = result.exported_at or _mtime(Path(result.path))
    result.report_units = units
    pq.write_table(pa.Table.from_pylist(rows, schema=FIGURES_SCHEMA), out)
    result.figures_path = str(out)
    result.rows_read = result.rows_valid = len(rows)


_ROWS_ARE = {"unit": "đơn vị", "sector": "lĩnh vực"}


def _mtime(path: Path) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0).isoformat()


def _bieu06(report: Bieu06Report, registry: Registry, era: str) -> tuple[list[dict], list[dict]]:
    named = next(((t, hit) for t in report.unit_texts if (hit := registry.resolve(t, era)).unit_key), None)
    title_name = named[0] if named else (report.unit_texts[0] if report.unit_texts else None)
    title_key = named[1].unit_key if named else None
    if report.rows_are == "sector" and title_key is None:
        raise FileRejected(
            "báo cáo Biểu 06 theo lĩnh vực không ghi đơn vị báo cáo nào nhận ra được (dòng «Đơn vị báo cáo: …» "
            f"hay tên đơn vị ở đầu trang; đã thấy: {', '.join(report.unit_texts[:3]) or 'không có'}) — "
            "the reporting unit is not named"
        )
    rows: list[dict] = []
    units: dict[object, dict] = {}
    owner: dict[int, object] = {}  # row -> the record of the unit it reports on
    data_rows = [r for r in report.rows if r.kind == "row"]
    findings = _identities(report.rows) + _sums(report.rows)
    if not any(r.kind == "total" for r in report.rows):  # no totals row: the sum of the rows
        values = {c: sum(r.values[c] for r in data_rows) for c in CELLS}
        report.rows.append(ReportRow("(cộng các dòng)", "total", None, values, 0))
    for r in report.rows:
        name: str | None
        if report.rows_are == "unit" and r.kind == "row":
            key, name, kind, sector = registry.resolve(r.label, era).unit_key, r.label, "unit", None
        else:
            key, name = title_key, title_name
            kind = {"row": "sector", "total": "total", "group_total": "group_total"}[r.kind]
            sector = sector_label(r.label) if r.kind == "row" else None
        ident = key or ("?", name)
        owner[id(r)] = ident
        units.setdefault(ident, {"unit_key": key, "unit_name": name, "findings": []})
        rows += [
            {
                "unit_key": key,
                "unit_name": name,
                "sector": sector,
                "level": r.level,
                "row_label": r.label,
                "row_kind": kind,
                "cell": cell,
                "measure": "count",
                "value": float(v),
                "source_row": r.source_row,
            }
            for cell, v in r.values.items()
        ]
    for row, message in findings:  # a sum that does not hold is a finding of the unit the row is about
        units[owner[id(row)]]["findings"].append(message)
    return rows, list(units.values())


def _identities(rows: list[ReportRow]) -> list[tuple[ReportRow, str]]:
    """The form's own sums, row by row: (3) = (4) + (5) + (6), (7) = (8) + (9) + (10),
    (11) = (12) + (13). (3) = (7) + (11) is not one: a case withdrawn or stopped in the period is
    received and neither resolved nor in progress (TT 01/2020 counts it so, as we do)."""
    out = []
    checks = [
        ("received_total", ["received_online", "received_offline", "carried_over"]),
        ("resolved_total", ["resolved_early", "resolved_on_time", "resolved_late"]),
        ("in_progress_total", ["in_progress_on_time", "in_progress_overdue"]),
    ]
    for r in rows:
        for whole, parts in checks:
            total = sum(r.values[p] for p in parts)
            if r.values[whole] != total:
                terms = " + ".join(f"({NUMBERS[p]})" for p in parts)
                out.append((r, f"dòng «{r.label}»: ({NUMBERS[whole]}) = {r.values[whole]:,} nhưng {terms} = {total:,}"))
    return [(r, m.replace(",", ".")) for r, m in out]


def _sums(rows: list[ReportRow]) -> list[tuple[ReportRow, str]]:
    """The totals row (and each level's subtotal) against the rows it adds up."""
    out = []
    data = [r for r in rows if r.kind == "row"]
    for r in rows:
        if r.kind == "total":
            parts = data
        elif r.kind == "group_total":
            parts = [d for d in data if d.level == r.level]
        else:
            continue
        if not parts:
            continue
        for cell in CELLS:
            total = sum(p.values[cell] for p in parts)
            if r.values[cell] != total:
                out.append(
                    (r, f"dòng «{r.label}», cột ({NUMBERS[cell]}): {r.values[cell]:,} nhưng cộng các dòng = {total:,}")
                )
    return [(r, m.replace(",", ".")) for r, m in out]


def _portal766(report: Portal766Report, registry: Registry, era: str) -> tuple[list[dict], list[dict]]:
    rows: list[dict] = []
    units: dict[str, dict] = {}
    for f in report.figures:
        hit = registry.resolve(f.unit_text, era) if f.unit_text else None
        key = hit.unit_key if hit else None
        rows.append(
            {
                "unit_key": key,
                "unit_name": f.unit_text,
                "sector": None,
                "level": f.level,
                "row_label": f.unit_code,
                "row_kind": "unit",
                "cell": f.cell,
                "measure": f.measure,
                "value": f.value,
                "source_row": None,
            }
        )
        units.setdefault(f.unit_text, {"unit_key": key, "unit_name": f.unit_text, "findings": []})
    by_unit: dict[tuple[str, str], dict[str, float | None]] = {}
    for r in rows:
        by_unit.setdefault((r["unit_name"], r["cell"]), {})[r["measure"]] = r["value"]
    for (name, cell), m in by_unit.items():
        num, den, rate = m.get("numerator"), m.get("denominator"), m.get("rate_pct")
        if num is not None and den and rate is not None and abs(100 * num / den - rate) > 0.01:
            units[name]["findings"].append(
                f"{cell}: tỷ lệ {rate:g} % nhưng {num:g}/{den:g} = {100 * num / den:.2f} %".replace(".", ",")
            )
    return rows, list(units.values())
