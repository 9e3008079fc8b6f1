"""Snapshots: every case as one export shows it at the export time (`view_as_of`, `snapshot`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .model import HO_TICH, Case


@dataclass(frozen=True)
class View:
    """A case as one export shows it at its export time."""

    case: Case
    status: int
    finished_at: datetime | None
    returned_at: datetime | None
    e_result: bool | None
    note: str


def _note(case: Case, status: int) -> str:
    proc = case.procedure
    if status == 3:
        return "Hồ sơ không đủ thành phần theo quy định"
    if status == 7:
        return "Công dân xin rút hồ sơ"
    if status == 8:
        return "Không đủ điều kiện giải quyết"
    if status == 5:
        return "Yêu cầu bổ sung giấy tờ"
    if status in (9, 10) and case.outcome == "late":
        return "Quá hạn do lỗi phần mềm quản lý hộ tịch" if proc.sector == HO_TICH else "Quá hạn do chờ xác minh"
    if proc.code == "1.001193" and case.variant % 10 == 0:
        return "Liên thông khai sinh - đăng ký thường trú - cấp thẻ BHYT"
    return ""


def view_as_of(case: Case, moment: datetime) -> View:
    f = case.finished_at
    if f is None or f > moment:
        return View(case, case.interim_status, None, None, None, _note(case, case.interim_status))
    status = case.final_status
    returned = case.returned_at if case.returned_at and case.returned_at <= moment else None
    if status == 10 and returned is None:
        status = 9
    e_result = case.e_result if status in (9, 10) else None
    return View(case, status, f, returned, e_result, _note(case, status))


def snapshot(cases: Iterable[Case], moment: datetime, last_received: date) -> list[View]:
    """Views of the cases received up to `last_received`, sorted as portals list them."""
    chosen = [c for c in cases if c.received_at.date() <= last_received]
    chosen.sort(key=lambda c: (c.received_at, c.case_id))
    return [view_as_of(c, moment) for c in chosen]
