"""The deliberate bad rows: which case of which file gets which defect, and where each landed.

The writers ask `DefectLog.kind` for every row and `record` where a defect went; the landing
places for seed 2024 are listed in `DEFECTS` and in the package docstring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .model import (
    CHUNG_THUC,
    FILE_A,
    FILE_DVCQG,
    FILE_IGATE,
    FILE_UNICODE,
    RESOLVED_OUTCOMES,
    Case,
)

BLANK_ID, BAD_DATE, DUPLICATE, UNKNOWN_STATUS = (
    "empty Mã hồ sơ",
    "impossible date 31/02/2024 in the received column",
    "exact duplicate row",
    "unknown status label",
)


@dataclass(frozen=True)
class Defect:
    file: str
    sheet: str | None  # None for CSV files
    row: int  # 1-based sheet row (xlsx) or physical line (CSV); the first of a duplicate pair
    case_id: str
    what: str


# Where the defects land with seed 2024 (checked by tests/tools/test_sample.py).
DEFECTS: tuple[Defect, ...] = (
    Defect(FILE_A, CHUNG_THUC, 702, "000.11.20.H40-240415-0001", BLANK_ID),
    Defect(FILE_IGATE, None, 776, "000.17.20.H40-240226-0001", BAD_DATE),
    Defect(FILE_DVCQG, None, 1902, "000.26.20.H40-241104-0001", DUPLICATE),
    Defect(FILE_UNICODE, None, 754, "000.35.20.H40-240917-0001", UNKNOWN_STATUS),
)


def _first(cases: Iterable[Case], gso: str, on_or_after: date, sector: str | None = None) -> Case:
    pool = [
        c
        for c in cases
        if c.commune.gso == gso
        and c.received_at.date() >= on_or_after
        and c.outcome in RESOLVED_OUTCOMES
        and (sector is None or c.procedure.sector == sector)
    ]
    return min(pool, key=lambda c: (c.received_at, c.case_id))


def pick_defects(cases: Sequence[Case]) -> dict[tuple[str, str], str]:
    """(file, case id) → defect kind; chosen by rule so every seed gets the same kinds."""
    return {
        (FILE_A, _first(cases, "13711", date(2024, 4, 15), CHUNG_THUC).case_id): BLANK_ID,
        (FILE_IGATE, _first(cases, "13717", date(2024, 2, 26)).case_id): BAD_DATE,
        (FILE_DVCQG, _first(cases, "13726", date(2024, 11, 4)).case_id): DUPLICATE,
        (FILE_UNICODE, _first(cases, "13735", date(2024, 9, 16)).case_id): UNKNOWN_STATUS,
    }


class DefectLog:
    """Applies the planned defects while a file is written and records where they landed."""

    def __init__(self, plan: dict[tuple[str, str], str]) -> None:
        self.plan = plan
        self.landed: list[Defect] = []

    def kind(self, file: str, case_id: str) -> str | None:
        return self.plan.get((file, case_id))

    def record(self, file: str, sheet: str | None, row: int, case_id: str, kind: str) -> None:
        self.landed.append(Defect(file, sheet, row, case_id, kind))


def _impossible(received_text: str) -> str:
    """Keep the time part, break the date part."""
    return re.sub(r"^\d{1,2}/\d{1,2}/\d{4}", "31/02/2024", received_text)
