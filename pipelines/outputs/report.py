"""The report text: section "1. Cải cách thủ tục hành chính (TTHC)" with one unit's figures.

The words live in templates/report_tthc.md.j2; this module only gathers the figures and renders
Markdown. report_docx.py sets the same text in the frame of an administrative document.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipelines.outputs.coverage import period_words
from pipelines.outputs.figures import Figures
from pipelines.outputs.vnformat import UNKNOWN, vn_count, vn_int, vn_pct

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
    return env


def unit_name(f: Figures) -> str:
    """ "UBND xã Mỹ Tân" (figures.UnitRef.official_name)."""
    return f.unit.official_name


def render_markdown(f: Figures, heading: bool = True) -> str:
    """The section's text; `heading` puts the unit (name and key), the period and the reading time
    first (the .docx has them in its frame instead)."""
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
            heading=heading,
            period_words=period_words(f.period),
        )
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
