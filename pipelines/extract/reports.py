"""Their figures as input: a one-stop system's Biểu 06 report or the portal's 766 figures.

Recognised by content, beside the case exports: a JSON response of the portal's 766 dashboard API
(extract/portal766.py), or a workbook, HTML "Excel" or CSV holding a Biểu 06 header
(extract/bieu06.py). `transform/reports.py` resolves their units and stages them; the case reader
is tried first, so a case export never pays for this.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.extract.bieu06 import Bieu06Report, looks_like_bieu06, read_bieu06
from pipelines.extract.errors import FileRejected
from pipelines.extract.guard import NO_BUDGET, Budget, Limits, check_size
from pipelines.extract.portal766 import Portal766Report, load_json, looks_like_766, read_portal766
from pipelines.extract.report_grids import report_grids
from pipelines.extract.sniff import sniff

Report = Bieu06Report | Portal766Report


def read_report(path: Path, limits: Limits | None = None, budget: Budget = NO_BUDGET, named: bool = False) -> Report:
    """The report a file holds. FileRejected when it is none (`named`: the user said it is one,
    so the message says what was not found rather than 'not a report')."""
    limits = limits or Limits()
    path = Path(path)
    check_size(path, limits)
    doc = load_json(path)
    if doc is not None:
        return read_portal766(path, doc)
    kind = sniff(path, limits)
    sheets = report_grids(path, kind, limits, budget)
    if not named and not any(looks_like_bieu06(grid) for _, grid in sheets):
        raise NotAReport("không phải báo cáo Biểu 06 hay số liệu 766 — not a report")
    raw = _text(path, kind) + " " + " ".join(name for name, _ in sheets)
    return read_bieu06(path, sheets, raw)


def is_report(path: Path, limits: Limits | None = None, budget: Budget = NO_BUDGET) -> bool:
    """Whether the file's content is a report (a JSON 766 response or a Biểu 06 header)."""
    try:
        doc = load_json(Path(path))
        if doc is not None:
            return looks_like_766(doc)
        kind = sniff(Path(path), limits)
        return any(looks_like_bieu06(grid) for _, grid in report_grids(Path(path), kind, limits, budget))
    except (FileRejected, OSError):
        return False


class NotAReport(FileRejected):
    """The file is neither a case export nor a report."""


def _text(path: Path, kind: str) -> str:
    if kind not in ("html", "csv"):
        return ""
    with open(path, "rb") as fh:
        return fh.read(64 * 1024).decode("utf-8", errors="ignore")
