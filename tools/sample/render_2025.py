"""The 2025–2026 CSV exports and the wording of the new units.

- ``FILE_H1``: the seven old communes' 2025H1 cases in the iGate layout of file 2 (UTF-8 with BOM,
  ``;``, CRLF, same headers and value forms, old agency forms), as they stood at the cutover.
- ``FILE_2026``: the new units' cases in the DVCQG sync layout of file 3 (UTF-8, ``,``, codes,
  yyyyMMddHHmmss / ISO 8601 dates), agency names in today's forms.

No deliberate defects in these files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from .era2025 import EXPORT_2026, EXPORT_H1, H1_END, H1_START, PROVINCE_2025, REFORM_DAY, Era2025
from .model import Case, _at
from .render_csv import DVCQG_HEADERS, IGATE_HEADERS, _csv_text, dvcqg_row, igate_row
from .views import View, view_as_of
from .wording import DISTRICT, TITLE, _footer_lines, dmy, dmy_hm

# ---- wording of the new units ----------------------------------------------------------------

# All four new units are phường; since 07/2025 their one-stop shops are "Trung tâm Phục vụ hành
# chính công phường X".
WARD_AGENCY_FORMS = (
    "UBND phường {}",
    "Ủy ban nhân dân phường {}",
    "Trung tâm Phục vụ hành chính công phường {}",
    "Phường {}",
)
Q3_AGENCY_FORMS = (0, 0, 2, 1, 3, 2)
CSV_2026_AGENCY_FORMS = (2, 1, 0, 3, 2)


def ward_agency(case: Case, forms: Sequence[int]) -> str:
    return WARD_AGENCY_FORMS[forms[case.variant % len(forms)]].format(case.commune.name)


def carried_note(old_name: str) -> str:
    return f"Hồ sơ chuyển tiếp từ xã {old_name}, tiếp nhận trước ngày {dmy(_at(REFORM_DAY, 0))}"


def ward_views(era: Era2025, moment: datetime, last_received: date) -> list[View]:
    """Carried-over and new cases as the provincial system lists them at `moment`."""
    cases = era.post_reform(last_received)
    cases.sort(key=lambda c: (c.received_at, c.case_id))
    views = []
    for case in cases:
        view = view_as_of(case, moment)
        old = era.carried_from.get(case.case_id)
        if old is not None and not view.note:
            view = replace(view, note=carried_note(old.name))
        views.append(view)
    return views


def period_line(first: date, last: date) -> str:
    return f"Từ ngày {dmy(_at(first, 0))} đến ngày {dmy(_at(last, 0))}"


# ---- 2025H1, old units: iGate CSV -----------------------------------------------------------


def write_h1_csv(path: Path, views: Iterable[View]) -> Path:
    views = list(views)
    title = [TITLE, DISTRICT, period_line(H1_START, H1_END), f"Ngày xuất: {dmy_hm(EXPORT_H1)}"]
    lines: list[list[str]] = [[t] for t in title] + [[], list(IGATE_HEADERS)]
    lines.extend(igate_row(v) for v in views)
    lines.extend([t] if t else [] for t in _footer_lines(len(views)))
    path.write_bytes(_csv_text(lines, ";").encode("utf-8-sig"))
    return path


# ---- 07/2025–11/2026, new units: DVCQG sync CSV ---------------------------------------------

DVCQG_AGENCY_COL = DVCQG_HEADERS.index("DonViXuLy")


def ward_dvcqg_row(view: View) -> list[str]:
    row = dvcqg_row(view)
    row[DVCQG_AGENCY_COL] = ward_agency(view.case, CSV_2026_AGENCY_FORMS)
    return row


def write_2026_csv(path: Path, views: Iterable[View]) -> Path:
    lines: list[list[str]] = [
        [f"Dữ liệu đồng bộ hồ sơ - Cổng Dịch vụ công quốc gia - tỉnh {PROVINCE_2025}"],
        [f"Ngày xuất: {dmy_hm(EXPORT_2026)}"],
        list(DVCQG_HEADERS),
    ]
    lines.extend(ward_dvcqg_row(v) for v in views)
    path.write_bytes(_csv_text(lines, ",").encode("utf-8"))
    return path
