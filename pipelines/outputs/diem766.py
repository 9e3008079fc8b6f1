"""`tthc diem766 --unit … --period …`: the 766 score of one unit in the terminal, the table of the
sheet's "Chỉ số 766" tab and the cases that cost points, most worth fixing first.

Plain text with fixed columns (a terminal, a log, an e-mail all show it the same), or JSON with the
same figures for scripts. The figures come from outputs/score766.py, as the sheets and the report.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.outputs.figures import FiguresError, connect, find_unit
from pipelines.outputs.score766 import Score766, load_score766, period_words
from pipelines.outputs.vnformat import UNKNOWN, vn_int, vn_pct, vn_points
from pipelines.rules.periods import Period

FORMATS = ("text", "json")


def show(db: Path, unit: str, period: Period, units: str | None, fmt: str = "text", cases: int = 20) -> str:
    """What `tthc diem766` prints (FiguresError for an unknown format or unit, or no warehouse)."""
    if fmt not in FORMATS:
        raise FiguresError("--format chỉ nhận text hoặc json")
    score = load(db, unit, period, units)
    return render_json(score) + "\n" if fmt == "json" else render_text(score, max(cases, 0))


def load(db: Path, unit: str, period: Period, units: str | None = None) -> Score766:
    """The unit's score for the period (FiguresError for an unknown unit or no warehouse)."""
    con = connect(db)
    try:
        return load_score766(con, find_unit(con, unit, period, units), period)
    finally:
        con.close()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(s: Score766, cases: int = 20) -> str:
    unit = s.target.unit
    lines = [
        f"Chỉ số 766 (Quyết định 766/QĐ-TTg) — {unit.official_name} ({unit.unit_key})",
        f"{period_words(s.period)} ({s.period.range_vi}); phần tính được từ hồ sơ của đơn vị",
    ]
    if s.target.note:
        lines.append(s.target.note)
    if not s.has_cases:
        lines.append(f"{UNKNOWN}: không có hồ sơ của đơn vị trong kỳ.")
    lines.append("")
    head = f"{'Mã chỉ số':<34} {'Chỉ số':<26} {'Tử/Mẫu':>11} {'Tỷ lệ':>9} {'Điểm':>7} {'Tối đa':>6} {'Gỡ lại':>6}"
    for g in s.by_group():
        lines.append(f"{g.label}: {vn_points(g.points)} / {vn_points(g.max_points)} điểm")
        lines.append("  " + head)
        for ms in (x for x in s.scores if x.metric.group == g.code):
            m = ms.metric
            parts = f"{vn_int(ms.numerator)}/{vn_int(ms.denominator)}" if ms.denominator else ""
            rate = vn_pct(ms.rate_pct) if ms.rate_pct is not None else ""
            points = vn_points(ms.points) if ms.points is not None else "—"
            back = vn_points(ms.recoverable) if ms.recoverable else ""
            lines.append(
                f"  {m.code:<34} {_cut(m.short_label, 26):<26} {parts:>11} {rate:>9} {points:>7} "
                f"{vn_points(m.max_points):>6} {back:>6}"
            )
            if ms.points is None and ms.note:
                lines.append(f"      {ms.note}")
        lines.append("")
    if s.known_points is not None:
        lines.append(
            f"Tổng điểm tính được: {vn_points(s.known_points)} / {vn_points(s.known_max)}; "
            f"{vn_points(100 - s.known_max)} điểm còn lại không tính được từ tệp xuất hồ sơ."
        )
    if s.due_checks:
        lines.append(
            f"Hồ sơ hẹn trả sai quy định: {len(s.due_checks)} ({', '.join(d.case_id for d in s.due_checks[:10])})."
        )
    if cases and s.cases:
        lines += ["", f"Hồ sơ làm mất điểm ({len({c.case_id for c in s.cases})} hồ sơ), gỡ lại được nhiều điểm trước:"]
        lines.append(f"  {'Mã hồ sơ':<28} {'Chỉ số':<26} {'Lý do':<40} {'Gỡ lại':>7} {'Cả hồ sơ':>8}")
        for c in s.cases[:cases]:
            label = next(x.metric.short_label for x in s.scores if x.metric.code == c.metric_code)
            lines.append(
                f"  {_cut(c.case_id, 28):<28} {_cut(label, 26):<26} {_cut(c.reason_text, 40):<40} "
                f"{vn_points(round(c.worth, 2)):>7} {vn_points(round(c.case_worth, 2)):>8}"
            )
        if len(s.cases) > cases:
            lines.append(f"  … và {len(s.cases) - cases} dòng nữa (--cases để in thêm; bảng tính có đủ)")
    return "\n".join(lines) + "\n"


def render_json(s: Score766) -> str:
    return json.dumps(
        {
            "unit_key": s.target.unit.unit_key,
            "unit_name": s.target.unit.official_name,
            "period": s.period.label,
            "period_start": s.period.start.isoformat(),
            "period_end": s.period.end.isoformat(),
            "points_known": s.known_points,
            "max_points_known": s.known_max,
            "metrics": [
                {
                    "group_code": ms.metric.group,
                    "metric_code": ms.metric.code,
                    "numerator": ms.numerator,
                    "denominator": ms.denominator,
                    "rate_pct": ms.rate_pct,
                    "max_points": ms.metric.max_points,
                    "points": ms.points,
                    "points_recoverable": ms.recoverable,
                    "note": ms.note,
                }
                for ms in s.scores
            ],
            "cases": [
                {
                    "case_id": c.case_id,
                    "metric_code": c.metric_code,
                    "reason": c.reason,
                    "points_worth": c.worth,
                    "case_points_worth": c.case_worth,
                }
                for c in s.cases
            ],
            "due_checks": [d.case_id for d in s.due_checks],
        },
        ensure_ascii=False,
        indent=2,
    )
