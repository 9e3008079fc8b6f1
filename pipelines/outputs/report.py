"""The report text: section "1. Cải cách thủ tục hành chính (TTHC)" with one unit's figures.

The words live in templates/report_tthc.md.j2; this module only gathers the figures and renders
Markdown. report_docx.py sets the same text in the frame of an administrative document.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipelines.outputs.coverage import period_words
from pipelines.outputs.figures import Figures, connect, find_unit, load_figures
from pipelines.outputs.score766 import Score766, ids, load_score766
from pipelines.outputs.score766 import period_words as score_period_words
from pipelines.outputs.vnformat import UNKNOWN, vn_count, vn_int, vn_pct, vn_points
from pipelines.rules.periods import Period

TEMPLATES = Path(__file__).parent / "templates"


class _Values(dict):
    """Attribute access for the template; a missing indicator is None (→ 'chưa có số liệu')."""

    def __getattr__(self, name: str) -> object:
        return self.get(name)


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["vn_int"] = vn_int
    env.filters["vn_count"] = vn_count
    env.filters["vn_pct"] = vn_pct
    env.filters["vn_points"] = vn_points
    env.filters["case_ids"] = ids
    return env


def unit_name(f: Figures) -> str:
    """ "UBND xã Mỹ Tân" (figures.UnitRef.official_name)."""
    return f.unit.official_name


def load_report(db: Path, unit: str, period: Period, units: str | None = None) -> tuple[Figures, Score766]:
    """The figures and the 766 score of one unit's report (FiguresError: unknown unit, no warehouse)."""
    con = connect(db)
    try:
        ref = find_unit(con, unit, period, units)
        return load_figures(con, ref, period), load_score766(con, ref, period, detail=False)
    finally:
        con.close()


def render_markdown(f: Figures, score: Score766 | None = None, heading: bool = True) -> str:
    """The section's text; with `score`, the 766 paragraph too (templates/score766.md.j2); `heading`
    puts the unit (name and key), the period and the reading time first (the .docx has them in its
    frame instead)."""
    ind = _Values({code: v["value"] for code, v in f.indicators.items()})
    cat = _Values({code: v["value"] for code, v in f.catalogue.items()})
    p = f.period
    if p.kind == "range":
        period_sentence = f"Từ ngày {p.start:%d/%m/%Y} đến ngày {p.end:%d/%m/%Y}"
    else:
        period_sentence = f"{p.title_vi} ({p.range_vi})"
    text = (
        _env()
        .get_template("report_tthc.md.j2")
        .render(
            f=f,
            t=_Values(f.total),
            ind=ind,
            cat=cat,
            unknown=UNKNOWN,
            period_sentence=period_sentence,
            unit_short=unit_name(f),
            score=score,
            score_period=score_period_words(p),
            scored=[m for m in score.scores if m.points is not None] if score else [],
            unknown_metrics=[m for m in score.scores if m.metric.kind == "ratio" and m.points is None] if score else [],
            online=score.score("ONLINE_DOSSIER") if score else None,
            heading=heading,
            period_words=period_words(f.period),
            reconciliation=f.reconciliation.paragraph() if f.reconciliation else None,
        )
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
