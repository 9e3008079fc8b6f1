"""The pages as HTML: figures → words and charts → Jinja2 templates (templates/dashboard_*.html.j2).

Every number through vnformat (1.234 · 97,73 % · 85,5), every time in the deployment's local
time, every value the data cannot give as "chưa có số liệu". One unit page serves the screen and
the printed one-page brief (its print CSS), so the two never disagree.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from statistics import median

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pipelines import __version__
from pipelines.outputs.dashboard import svg
from pipelines.outputs.dashboard.cases import CaseList
from pipelines.outputs.dashboard.data import RATE, Dashboard, UnitFigures
from pipelines.outputs.dashboard.score766 import MISSING, Case, UnitScore
from pipelines.outputs.sheets.form import FORM_NOTES
from pipelines.outputs.sheets.names import sector_key, slug
from pipelines.outputs.vnformat import UNKNOWN, vn_int, vn_num, vn_pct
from pipelines.rules.indicators import form_columns, indicator

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def _env() -> Environment:
    """One environment for every page: its templates are compiled once (per page: 0.1 s each)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _dt(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return UNKNOWN
    return value.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def page_stem(d: Dashboard, u: UnitFigures) -> str:
    """13684_thien-truong: the GSO code and the name, the same for the page and its PDF."""
    return f"{re.sub(r'[^A-Za-z0-9]', '', u.unit.code)}_{slug(u.unit.name)}"


def _common(d: Dashboard, timezone: str) -> dict:
    p = d.period
    return {
        "version": __version__,
        "made_at": _dt(d.made_at),
        "timezone": timezone,
        "as_of": _dt(d.freshness.as_of),
        "province": f"tỉnh {d.province}",
        "period_title": p.title_vi,
        "period_range": p.range_vi,
        "score_missing": MISSING,
        "months_span": f"từ {d.months[0].short_vi} đến {d.months[-1].short_vi}" if d.months else "",
    }


def _points(score: UnitScore | None) -> float | None:
    return score.points if score else None


def _spark(u: UnitFigures) -> Markup:
    return svg.sparkline([p.timely_pct for p in u.series], f"Tỷ lệ đúng hạn theo tháng của {u.unit.full_name}")


def _rate_median(d: Dashboard) -> float | None:
    rates = [r for u in d.units if (r := u.indicators.get(RATE)) is not None]
    return round(median(rates), 2) if rates else None


def province_page(d: Dashboard, timezone: str) -> str:
    f = d.freshness
    rank766 = d.scores.rank() if d.scores else {}
    rate = indicator(RATE)
    med = _rate_median(d)
    score_chart = None
    if d.scores:
        pts = {u.unit.unit_key: (d.scores.units.get(u.unit.unit_key) or None) for u in d.units}
        by_points = sorted(d.units, key=lambda u: (u.unit.unit_key not in rank766, rank766.get(u.unit.unit_key, 0)))
        known = [s.points for s in pts.values() if s and s.points is not None]
        score_chart = svg.ranked_bars(
            [(u.unit.full_name, _points(pts[u.unit.unit_key]), False) for u in by_points],
            "Điểm Bộ chỉ số 766 của các đơn vị",
            top=max([s.max_known or 0 for s in pts.values() if s] + [1]),
            median=round(median(known), 2) if known else None,
            fmt=vn_num,
        )
    rows = []
    for u in d.units:
        t, ind, key = u.total, u.indicators, u.unit.unit_key
        score = d.scores.units.get(key) if d.scores else None
        rows.append(
            {
                "key": key,
                "rank": u.rank if u.rank is not None else "–",
                "rank_sort": u.rank if u.rank is not None else "",
                "name": u.unit.full_name,
                "page": u.page,
                "received": vn_int(t["received_total"]),
                "received_v": t["received_total"],
                "resolved": vn_int(t["resolved_total"]),
                "resolved_v": t["resolved_total"],
                "late": vn_int(t["resolved_late"]),
                "late_v": t["resolved_late"],
                "overdue": vn_int(t["in_progress_overdue"]),
                "overdue_v": t["in_progress_overdue"],
                "rate": vn_pct(ind.get(RATE)),
                "rate_v": "" if ind.get(RATE) is None else ind[RATE],
                "online": vn_pct(ind.get("online_pct")),
                "online_v": "" if ind.get("online_pct") is None else ind["online_pct"],
                "points": vn_num(score.points) if score else UNKNOWN,
                "points_v": "" if not score or score.points is None else score.points,
                "spark": _spark(u),
            }
        )
    return (
        _env()
        .get_template("dashboard_province.html.j2")
        .render(
            **_common(d, timezone),
            units_line=f"{len(d.units)} đơn vị có hồ sơ trong kỳ, xếp hạng {d.ranked} đơn vị có tỷ lệ đúng hạn",
            fresh={
                "last_run": _dt(f.finished_at),
                "run_id": f.run_id or UNKNOWN,
                "files_loaded": vn_int(f.files_loaded),
                "files_rejected": vn_int(f.files_rejected),
                "newest_case": _dt(f.newest_case, with_time=False),
                "in_scope": vn_int(f.units_in_scope),
                "with_data": vn_int(f.units_in_scope - len(f.units_without_data)),
                "without_data": vn_int(len(f.units_without_data)),
                "missing": [u.full_name for u in f.units_without_data],
            },
            score_chart=score_chart,
            rate_label=rate.label if rate else RATE,
            rate_formula=rate.formula if rate else "",
            rate_median=vn_pct(med),
            rate_chart=svg.ranked_bars(
                [(u.unit.full_name, u.indicators.get(RATE), False) for u in d.units],
                "Tỷ lệ hồ sơ đúng hạn của các đơn vị",
                median=med,
            ),
            rows=rows,
        )
    )


def _case_text(c: Case) -> str:
    """The reason, the procedure and days late, and what fixing this one case gives back."""
    parts = [c.reason]
    if c.procedure:
        parts.append(c.procedure)
    if c.days_late:
        parts.append(f"quá {vn_int(c.days_late)} ngày")
    return " · ".join(parts) + f" (gỡ lại {vn_num(c.worth)} điểm)"


def _todo(d: Dashboard, u: UnitFigures, lists: list[CaseList]) -> list[dict]:
    """The three things to fix: the 766 metrics that cost most points with their cases (most worth
    fixing first) when the warehouse has the score; the cases Biểu 06 counts as late or overdue
    otherwise."""
    score = d.scores.units.get(u.unit.unit_key) if d.scores else None
    if score and d.scores:
        groups = d.scores.group_labels
        cases = d.scores.cases.get(u.unit.unit_key, [])
        worst = sorted((m for m in score.metrics if m.lost > 0), key=lambda m: -m.lost)[:3]
        return [
            {
                "title": f"{groups.get(m.group_code, m.group_code)} – {m.label}",
                "detail": f"mất {vn_num(m.lost)} điểm (đạt {vn_num(m.points)}/{vn_num(m.max_points)}, "
                f"tỷ lệ {vn_pct(m.rate_pct)})",
                "cases": [
                    {"id": c.case_id, "text": _case_text(c)}
                    for c in sorted((c for c in cases if c.metric_code == m.metric_code), key=lambda c: -c.worth)
                ][:10],
            }
            for m in worst
        ]
    return [
        {
            "title": lst.title,
            "detail": f"{vn_int(lst.total)} hồ sơ",
            "cases": [
                {
                    "id": c.case_id,
                    "text": f"{c.procedure or ''} · nhận {_dt(c.received_at, False)}, hạn {_dt(c.due_at, False)}"
                    + (f", quá {vn_int(c.days_late)} ngày" if c.days_late else ""),
                }
                for c in lst.cases
            ],
        }
        for lst in lists
    ]


def _form_table(u: UnitFigures) -> dict:
    cols = form_columns()
    groups = [{"name": g, "span": len(list(items))} for g, items in groupby(cols, key=lambda c: c.group)]
    headers = [f"{c.header} ({c.number})" if c.number else c.header for c in cols]
    rows = [{"sector": "Tổng số (mọi lĩnh vực)", "total": True, "cells": [vn_int(u.total[c.column]) for c in cols]}]
    for sector in sorted((s for s in u.form if s is not None), key=sector_key):
        rows.append({"sector": sector, "total": False, "cells": [vn_int(u.form[sector][c.column]) for c in cols]})
    return {"form_groups": groups, "form_headers": headers, "form_rows": rows, "form_notes": " ".join(FORM_NOTES)}


def unit_page(d: Dashboard, u: UnitFigures, lists: list[CaseList], quality: dict, timezone: str) -> str:
    t, ind, key = u.total, u.indicators, u.unit.unit_key
    score = d.scores.units.get(key) if d.scores else None
    rank766 = d.scores.rank() if d.scores else {}
    med = _rate_median(d)
    group_chart = unknown = None
    if score and d.scores:
        medians, labels = d.scores.group_medians(), d.scores.group_labels
        group_chart = svg.group_bars(
            [
                (labels.get(g, g), pts, known_top if pts is not None else top, medians.get(g))
                for g, (pts, known_top, top) in score.groups().items()
            ],
            f"Điểm theo nhóm chỉ số 766 của {u.unit.full_name}",
        )
        unknown = "; ".join(f"{m.label} ({m.note or 'không tính được'})" for m in score.unknown) or None
    points = f"{vn_num(score.points)}/{vn_num(score.max_known)}" if score and score.points is not None else UNKNOWN
    olds = d.predecessors.get(key, [])
    rollup = None
    if olds and any(p.rolled_up for p in u.series):
        rollup = f"Trước 01/07/2025: số liệu cộng các đơn vị cũ nay thuộc {u.unit.full_name} ({', '.join(olds)})."
    months = [p.month.short_vi for p in u.series]
    cases_766 = []
    if d.scores:
        labels = {m.metric_code: m.label for m in (score.metrics if score else [])}
        cases_766 = [
            {
                "id": c.case_id,
                "metric": labels.get(c.metric_code, c.metric_code),
                "reason": c.reason,
                "worth": vn_num(c.worth),
            }
            for c in d.scores.cases.get(key, [])[:30]
        ]
    return (
        _env()
        .get_template("dashboard_unit.html.j2")
        .render(
            **_common(d, timezone),
            **_form_table(u),
            unit_name=u.unit.official_name,
            note=u.target.note,
            points=points,
            points_known=points != UNKNOWN,
            points_rank=(
                f"hạng {rank766[key]}/{len(rank766)} đơn vị" if key in rank766 else "không xếp hạng (chưa có điểm)"
            )
            if d.scores
            else MISSING,
            rate=vn_pct(ind.get(RATE)),
            rate_rank=f"hạng {u.rank}/{d.ranked} đơn vị" if u.rank else "không xếp hạng",
            rate_median=vn_pct(med),
            received=vn_int(t["received_total"]),
            online=vn_pct(ind.get("online_pct")),
            resolved=vn_int(t["resolved_total"]),
            early=vn_int(t["resolved_early"]),
            on_time=vn_int(t["resolved_on_time"]),
            late=vn_int(t["resolved_late"]),
            overdue=vn_int(t["in_progress_overdue"]),
            in_progress=vn_int(t["in_progress_total"]),
            todo=_todo(d, u, lists),
            scores=d.scores is not None,
            trend_chart=svg.month_columns(
                months,
                [(p.early, p.on_time, p.late) for p in u.series],
                [p.rolled_up for p in u.series],
                f"Hồ sơ đã giải quyết theo tháng – {u.unit.full_name}",
                "01/07/2025: sắp xếp đơn vị hành chính" if rollup else None,
            ),
            rollup=rollup,
            rate_spark=_spark(u),
            series=[
                {
                    "month": p.month.short_vi,
                    "received": vn_int(p.received) if p.received is not None else "–",
                    "resolved": vn_int(p.resolved) if p.resolved is not None else "–",
                    "early": vn_int(p.early) if p.early is not None else "–",
                    "on_time": vn_int(p.on_time) if p.on_time is not None else "–",
                    "late": vn_int(p.late) if p.late is not None else "–",
                    "overdue": vn_int(p.in_progress_overdue) if p.in_progress_overdue is not None else "–",
                    "rate": vn_pct(p.timely_pct),
                    "note": "cộng các đơn vị cũ" if p.rolled_up else "",
                }
                for p in u.series
            ],
            group_chart=group_chart,
            unknown_metrics=unknown,
            unknown_count=vn_int(len(score.unknown)) if score else "0",
            case_rows=cases_766,
            quality=quality,
        )
    )


def quality_summary(u: UnitFigures, reasons: list[tuple[str, str | None, int]], total: int) -> dict:
    """One sentence a person can read, and the reasons behind it (counts, never values)."""
    unknown = u.total.get("received_channel_unknown") or 0
    parts = [
        f"{vn_int(total)} dòng của đơn vị bị cách ly trên mọi tệp đã nạp (cần sửa trên phần mềm một cửa rồi xuất lại)"
        if total
        else "Không có dòng nào của đơn vị bị cách ly trên các tệp đã nạp"
    ]
    if unknown:
        parts.append(f"{vn_int(unknown)} hồ sơ tiếp nhận trong kỳ không rõ hình thức nộp (tệp xuất không có cột này)")
    return {"summary": "; ".join(parts) + ".", "reasons": [{"text": m or r, "n": vn_int(n)} for r, m, n in reasons]}
