"""The report text: section "1. Cải cách thủ tục hành chính (TTHC)" with one commune's figures.

The words live in templates/report_tthc.md.j2; this module only gathers the figures, renders
Markdown, and lays the same text out as a .docx the way administrative documents are set
(Times New Roman 14, justified, A4).
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

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
    """ "UBND xã Mỹ Tân" (figures.CommuneRef.official_name)."""
    return f.commune.official_name


def render_markdown(f: Figures) -> str:
    ind = _Values({code: v["value"] for code, v in f.indicators.items()})
    cat = _Values({code: v["value"] for code, v in f.catalogue.items()})
    p = f.period
    if p.kind == "range":
        period_sentence = f"Từ ngày {p.start:%d/%m/%Y} đến ngày {p.end:%d/%m/%Y}"
    else:
        period_sentence = f"{p.title_vi} ({p.range_vi})"
    paid = f.indicators.get("paid_online_pct") or {}
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
            has_fees=bool(paid.get("denominator")),
            reconciliation=f.reconciliation.paragraph() if f.reconciliation else None,
        )
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def write_docx(markdown: str, out: Path, title: str) -> Path:
    """Plain administrative layout: Times New Roman 14, justified, 1.15 spacing, A4 margins."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.15
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    for block in markdown.split("\n\n"):
        line = block.strip()
        if not line:
            continue
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        para.paragraph_format.first_line_indent = Cm(1)
        if line.startswith("### "):
            para.add_run(line[4:]).bold = True
        else:
            para.add_run(line)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def docx_text(path: Path) -> list[str]:
    """The paragraphs of a written report, for checks (python-docx re-reads what it wrote)."""
    from docx import Document

    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]
