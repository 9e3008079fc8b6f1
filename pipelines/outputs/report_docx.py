"""The report as a .docx an official can sign and send: the administrative frame of Nghị định
30/2020/NĐ-CP (Phụ lục I, the layout of a báo cáo), as the seed report of xã Mỹ Tân has it.

    ỦY BAN NHÂN DÂN               CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    PHƯỜNG THIÊN TRƯỜNG                 Độc lập - Tự do - Hạnh phúc
    Số: …/BC-UBND                 Thiên Trường, ngày … tháng … năm …
                              BÁO CÁO
          Kết quả cải cách thủ tục hành chính Quý III năm 2026
                      Kính gửi: …
    (the section's text, pipelines/outputs/templates/report_tthc.md.j2)
    Nơi nhận:                             TM. ỦY BAN NHÂN DÂN
    - …;                                       CHỦ TỊCH
    - Lưu: VT.                              (name or blank)

Names come from settings (outputs/signing.py); a name not set stays a blank to fill by hand. Sizes
follow the decree: Times New Roman, agency and national title 13 bold, tagline 14 bold, body 14.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from pipelines.outputs.coverage import period_words
from pipelines.outputs.figures import Figures
from pipelines.outputs.files import save_bytes
from pipelines.outputs.report import render_markdown
from pipelines.outputs.score766 import Score766
from pipelines.outputs.signing import BLANK, Signing

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TAGLINE = "Độc lập - Tự do - Hạnh phúc"


def write_docx(fig: Figures, out: Path, signing: Signing | None = None, score: Score766 | None = None) -> Path:
    """The report of `fig` in the decree's frame, A4, Times New Roman."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    signing = signing or Signing()
    unit = fig.unit
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

    def line(cell_or_doc, text: str, *, bold=False, italic=False, size=14, center=True, after=0):
        para = cell_or_doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        para.paragraph_format.space_after = Pt(after)
        para.paragraph_format.first_line_indent = Cm(0)
        run = para.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        return para

    # the head: the issuing unit and the number on the left, the national title, tagline, place and date
    left, right = _two_cells(doc, Cm(6.6), Cm(9.6))
    line(left, "ỦY BAN NHÂN DÂN", bold=True, size=13)
    line(left, unit.full_name.upper(), bold=True, size=13)
    line(left, "———", size=9)
    line(left, f"Số: {BLANK}/BC-UBND", size=13)
    line(right, NATIONAL, bold=True, size=12)
    line(right, TAGLINE, bold=True, size=14)
    line(right, "———————————", size=9)
    line(right, signing.date_line(unit.name), italic=True, size=13)

    line(doc, "", after=0)
    line(doc, "BÁO CÁO", bold=True, size=14)
    line(doc, "Kết quả cải cách thủ tục hành chính", bold=True, size=14)
    line(doc, _cap(period_words(fig.period)), bold=True, size=14, after=6)
    line(doc, "Kính gửi: " + ("; ".join(signing.report_to) or BLANK), size=14, after=12)

    for block in render_markdown(fig, score, heading=False).split("\n\n"):
        text = block.strip()
        if not text:
            continue
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        para.paragraph_format.first_line_indent = Cm(1)
        if text.startswith("### "):
            para.add_run(re.sub(r"^### ", "", text)).bold = True
        else:
            para.add_run(text)
    closing = line(doc, f"{unit.official_name} trân trọng báo cáo./.", center=False, after=12)
    closing.paragraph_format.first_line_indent = Cm(1)

    # the foot: the recipients on the left, the signature on the right
    left, right = _two_cells(doc, Cm(7.5), Cm(8.5))
    line(left, "Nơi nhận:", bold=True, italic=True, size=12, center=False)
    recipients = (["Như trên;"] if signing.report_to else []) + [f"{r};" for r in signing.recipients] + ["Lưu: VT."]
    for r in recipients:
        line(left, f"- {r}", size=11, center=False)
    line(right, "TM. ỦY BAN NHÂN DÂN", bold=True, size=14)
    for title_line in signing.signer_title.splitlines():
        line(right, title_line, bold=True, size=14)
    for _ in range(4):  # room for the signature and the seal
        line(right, "", size=14)
    line(right, signing.signer_name or BLANK, bold=True, size=14)

    buffer = io.BytesIO()
    doc.save(buffer)  # into memory: a failed write is ours to report, whole or not at all (outputs/files.py)
    return save_bytes(out, buffer.getvalue())


def _two_cells(doc, left_width, right_width):
    """A borderless one-row table of two cells of fixed widths, emptied of their first paragraph."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    cells = table.rows[0].cells
    for column, cell, width in zip(table.columns, cells, (left_width, right_width), strict=True):
        column.width = cell.width = width
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return cells


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def docx_text(path: Path) -> list[str]:
    """Every non-empty paragraph of a written report in document order, a table's cells left to
    right (python-docx re-reads what it wrote), for checks."""
    from docx import Document
    from docx.table import Table

    out: list[str] = []
    for item in Document(str(path)).iter_inner_content():
        if isinstance(item, Table):
            out += [p.text for row in item.rows for cell in row.cells for p in cell.paragraphs if p.text.strip()]
        elif item.text.strip():
            out.append(item.text)
    return out
