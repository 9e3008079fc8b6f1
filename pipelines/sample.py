"""Deterministic sample of portal case exports: huyện Mỹ Lộc, tỉnh Nam Định, 2024.

Why this exists: the pipeline needs input that looks like what communes really download from
their portals (title blocks, merged two-row headers, vendor wordings, mixed date forms, overlapping
snapshots, personal-data columns, a few broken rows) *and* a known answer to check against: the
seed report of xã Mỹ Tân (01/01/2024–25/03/2024: 353 resolved, 353 online, 345 early, 8 on time,
0 late, 353 digitised, paid online 100 %).

How: every case is simulated first (true received / due / finished / returned times, outcome,
interim status) per commune with its own `random.Random`, xã Mỹ Tân is calibrated to the seed
figures, and then each snapshot renders every case "as of" its export time, so all files agree.
No network, no clock, no global state: the same seed gives the same bytes.

Files written by `generate_sample` (seed 2024), all for the 7 communes of huyện Mỹ Lộc:

1. ``2024-07-05_huyen-my-loc_ds-ho-so-6-thang.xlsx`` — snapshot A, "Ngày xuất: 05/07/2024 08:15",
   cases received 01/01–30/06/2024, all communes; one sheet per lĩnh vực (name cut to 31 chars,
   sector column kept); title block, two-row header with a merged "Nhận và trả kết quả" over
   "Nhận hồ sơ / Hẹn trả / Trả kết quả", footer "Tổng cộng: N hồ sơ" / "Người lập biểu".
   "Nhận hồ sơ" and "Hẹn trả" are real Excel date cells, "Ngày có kết quả" is text
   dd/mm/yyyy HH:MM, "Trả kết quả" text dd/mm/yyyy. Status and channel as labels.
2. ``2025-01-06_igate_my-ha_my-thang_my-trung_my-tan.csv`` — snapshot B (06/01/2025 07:30), all
   2024 cases of Mỹ Hà, Mỹ Thắng, Mỹ Trung, Mỹ Tân; UTF-8 with BOM, ``;``, CRLF, headers without
   diacritics ("Ma ho so", "Ten TTHC", "Don vi xu ly" …); received dd/mm/yyyy HH:MM:SS, due
   d/m/yyyy (no time) or dd/mm/yyyy HH:MM, finished dd/mm/yyyy HH:MM, returned d/m/yyyy.
   Title lines and footer are single-field lines (the portal does not pad them).
3. ``2025-01-06_dvcqg_my-phuc_my-thuan.csv`` — snapshot B for Mỹ Phúc, Mỹ Thuận in the DVCQG
   sync wording (MaHoSo, TenTTHC, DonViXuLy, KenhThucHien 1/2/3, TrangThaiHoSo 1–10, …); UTF-8
   without BOM, ``,``; dates yyyyMMddHHmmss, NgayKetThucXuLy mixes in ISO 8601 with +07:00,
   NgayTra is ISO 8601; a two-line title block, no footer.
4. ``2025-01-06_so-theo-doi_my-loc_unicode.csv`` — snapshot B for xã Mỹ Lộc as Excel "Unicode
   text": UTF-16 LE with BOM, tab separated, title/footer padded with tabs, headers in NFD Unicode
   and another vendor wording ("Số hồ sơ", "Thủ tục hành chính", "Cơ quan thực hiện", …).

Case ids are DVCQG-like ``000.23.20.H40-240105-0001`` (commune code, yymmdd received, sequence),
unique in the district and identical in A and B. Personal columns are fake: applicant name,
CCCD "036…" (12 digits), phone "09…" (10 digits) everywhere, address in files 1 and 4, e-mail in
file 3; every CCCD and every phone number is unique in the sample.

Deliberate defects (seed 2024, listed in `DEFECTS`; rows are 1-based sheet rows for the xlsx and
physical line numbers for the CSVs, title lines included); none touches xã Mỹ Tân:

- ``2024-07-05_huyen-my-loc_ds-ho-so-6-thang.xlsx`` sheet "Chứng thực" row 702: empty "Mã hồ sơ"
  (case 000.11.20.H40-240415-0001 of Mỹ Hà; its row in file 2 is intact).
- ``2025-01-06_igate_my-ha_my-thang_my-trung_my-tan.csv`` line 776: "Ngay tiep nhan" is
  "31/02/2024 …", an impossible date (case 000.17.20.H40-240226-0001 of Mỹ Thắng; valid in A).
- ``2025-01-06_dvcqg_my-phuc_my-thuan.csv`` line 1902 and again line 1903: the same row twice, byte for byte
  (case 000.26.20.H40-241104-0001 of Mỹ Phúc).
- ``2025-01-06_so-theo-doi_my-loc_unicode.csv`` line 754: unknown status label
  "Đã chuyển xử lý liên thông" (case 000.35.20.H40-240917-0001 of Mỹ Lộc).

`write_big_csv` / `write_big_xlsx` write one flat benchmark export in the layout of file 2 /
file 1 (single sheet, whole year as of 06/01/2025), generated in vectorised numpy chunks.
CCCD and phone numbers there are unique up to 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import math
import random
import re
import sys
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commune:
    """One commune and the habits of its one-stop shop (drive the realistic variation)."""

    gso: str
    name: str
    agency_code: str  # DVCQG mã định danh: the first part of every case id
    annual_cases: int
    p_online: float
    p_postal: float
    p_due_time: float  # share of appointments that carry a time of day
    p_late: float
    p_pay_online: float  # online cases with a fee that pay through the portal
    p_digitized: float


COMMUNES: tuple[Commune, ...] = (
    Commune("13711", "Mỹ Hà", "000.11.20.H40", 1150, 0.93, 0.01, 0.80, 0.012, 0.92, 0.97),
    Commune("13717", "Mỹ Thắng", "000.17.20.H40", 1300, 0.82, 0.03, 0.30, 0.020, 0.85, 0.95),
    Commune("13720", "Mỹ Trung", "000.20.20.H40", 1060, 0.90, 0.01, 0.60, 0.010, 0.90, 0.96),
    Commune("13723", "Mỹ Tân", "000.23.20.H40", 1580, 0.97, 0.005, 0.50, 0.004, 0.98, 0.99),
    Commune("13726", "Mỹ Phúc", "000.26.20.H40", 1250, 0.74, 0.04, 0.90, 0.025, 0.80, 0.93),
    Commune("13732", "Mỹ Thuận", "000.32.20.H40", 1040, 0.88, 0.02, 0.20, 0.015, 0.88, 0.96),
    Commune("13735", "Mỹ Lộc", "000.35.20.H40", 1100, 0.80, 0.03, 0.70, 0.020, 0.85, 0.95),
)
MY_TAN = "13723"

HO_TICH = "Hộ tịch"
CHUNG_THUC = "Chứng thực"
BAO_TRO = "Bảo trợ xã hội"
DAT_DAI = "Đất đai"
NGUOI_CO_CONG = "Người có công"
THI_DUA = "Thi đua - khen thưởng"
VAN_HOA = "Văn hóa"
TO_HOP_TAC = "Thành lập và hoạt động của tổ hợp tác"  # longer than an Excel sheet name
SECTORS = (HO_TICH, CHUNG_THUC, BAO_TRO, DAT_DAI, NGUOI_CO_CONG, THI_DUA, VAN_HOA, TO_HOP_TAC)

FULL, PARTIAL = "Toàn trình", "Một phần"


@dataclass(frozen=True)
class Procedure:
    """A commune-level TTHC: code, name, sector, working days allowed, fee (VND) and weight."""

    code: str
    name: str
    sector: str
    days: int  # 0 = same day (next working day when received after 15:00)
    fee: int
    per_page: bool  # fee is charged per page / copy
    level: str
    weight: float


PROCEDURES: tuple[Procedure, ...] = (
    Procedure("1.001193", "Thủ tục đăng ký khai sinh", HO_TICH, 1, 0, False, FULL, 14),
    Procedure("1.000656", "Thủ tục đăng ký khai tử", HO_TICH, 1, 0, False, FULL, 6),
    Procedure("1.000894", "Thủ tục đăng ký kết hôn", HO_TICH, 1, 0, False, PARTIAL, 4),
    Procedure("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", HO_TICH, 3, 3000,
              False, FULL, 10),
    Procedure("2.000635", "Thủ tục cấp bản sao Trích lục hộ tịch", HO_TICH, 1, 8000, True,
              FULL, 12),
    Procedure("1.004859", "Thủ tục đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
              HO_TICH, 3, 15000, False, FULL, 3),
    Procedure("1.001022", "Thủ tục đăng ký nhận cha, mẹ, con", HO_TICH, 3, 0, False, PARTIAL, 1),
    Procedure("1.004884", "Thủ tục đăng ký lại khai sinh", HO_TICH, 5, 0, False, FULL, 1),
    Procedure("2.000815", "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan "
              "tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", CHUNG_THUC, 0, 2000, True,
              FULL, 18),
    Procedure("2.000884", "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả "
              "trường hợp chứng thực điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, "
              "không thể điểm chỉ được)", CHUNG_THUC, 0, 10000, False, PARTIAL, 5),
    Procedure("2.001035", "Thủ tục chứng thực hợp đồng, giao dịch liên quan đến tài sản là động "
              "sản, quyền sử dụng đất và nhà ở", CHUNG_THUC, 2, 50000, False, PARTIAL, 3),
    Procedure("2.001019", "Thủ tục chứng thực văn bản thỏa thuận phân chia di sản mà di sản là "
              "động sản, quyền sử dụng đất, nhà ở", CHUNG_THUC, 3, 50000, False, PARTIAL, 1),
    Procedure("1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ "
              "kinh phí chăm sóc, nuôi dưỡng hàng tháng", BAO_TRO, 15, 0, False, FULL, 4),
    Procedure("1.001653", "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết "
              "tật", BAO_TRO, 20, 0, False, PARTIAL, 2),
    Procedure("1.001731", "Đổi, cấp lại Giấy xác nhận khuyết tật", BAO_TRO, 5, 0, False, FULL, 1),
    Procedure("2.000751", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", BAO_TRO, 5, 0,
              False, FULL, 1),
    Procedure("1.003554", "Hòa giải tranh chấp đất đai", DAT_DAI, 30, 0, False, PARTIAL, 1),
    Procedure("1.010817", "Giải quyết chế độ mai táng phí, trợ cấp một lần khi người có công với "
              "cách mạng từ trần", NGUOI_CO_CONG, 12, 0, False, PARTIAL, 1),
    Procedure("1.010822", "Hỗ trợ người có công đi làm phương tiện, dụng cụ trợ giúp chỉnh hình",
              NGUOI_CO_CONG, 10, 0, False, FULL, 0.5),
    Procedure("1.000775", "Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành "
              "tích thực hiện nhiệm vụ chính trị", THI_DUA, 10, 0, False, FULL, 1),
    Procedure("1.000748", "Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã cho gia "
              "đình", THI_DUA, 10, 0, False, FULL, 0.5),
    Procedure("1.000954", "Thủ tục xét tặng danh hiệu Gia đình văn hóa hằng năm", VAN_HOA, 5, 0,
              False, FULL, 1),
    Procedure("1.001120", "Thủ tục xét tặng Giấy khen Khu dân cư văn hóa", VAN_HOA, 5, 0, False,
              FULL, 0.3),
    Procedure("2.002226", "Thông báo thành lập tổ hợp tác", TO_HOP_TAC, 3, 0, False, FULL, 0.3),
)
_PROC_WEIGHTS = [p.weight for p in PROCEDURES]

# Official days off in 2024 and January 2025 (Tết, Giỗ Tổ, 30/4–1/5, Quốc khánh).
HOLIDAYS: frozenset[date] = frozenset(date.fromisoformat(s) for s in (
    "2024-01-01", "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14",
    "2024-04-18", "2024-04-29", "2024-04-30", "2024-05-01", "2024-09-02", "2024-09-03",
    "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
))
# Before Tết people register more; the Tết month and late summer are quieter.
MONTH_WEIGHT = (1.25, 0.85, 1.0, 0.95, 0.95, 1.0, 1.0, 0.95, 0.95, 1.0, 1.0, 1.15)

EXPORT_A = datetime(2024, 7, 5, 8, 15)
EXPORT_B = datetime(2025, 1, 6, 7, 30)
YEAR_START, YEAR_END = date(2024, 1, 1), date(2024, 12, 31)
A_LAST_RECEIVED = date(2024, 6, 30)

# The seed report's period and figures for xã Mỹ Tân.
WINDOW_START = datetime(2024, 1, 1)
WINDOW_END = datetime(2024, 3, 25, 23, 59, 59)
TARGET_RESOLVED, TARGET_ON_TIME = 353, 8

RECEIVE_FROM, RECEIVE_TO = 7 * 3600 + 35 * 60, 16 * 3600 + 45 * 60  # officer accepts 07:35–16:45
WORK_START, WORK_END = 7 * 3600 + 30 * 60, 17 * 3600 + 15 * 60

RESOLVED_OUTCOMES = ("early", "on_time", "late")
OUTCOME_STATUS = {"refused": 3, "withdrawn": 7, "stopped": 8}


def is_workday(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def add_workdays(day: date, n: int) -> date:
    """The n-th working day after `day` (n = 0: `day` itself, or the next working day)."""
    while not is_workday(day):
        day += timedelta(days=1)
    for _ in range(n):
        day += timedelta(days=1)
        while not is_workday(day):
            day += timedelta(days=1)
    return day


def workdays(start: date, end: date) -> list[date]:
    """Working days in [start, end)."""
    days, day = [], start
    while day < end:
        if is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


WORKDAYS_2024 = workdays(YEAR_START, YEAR_END + timedelta(days=1))


def _at(day: date, seconds: int) -> datetime:
    return datetime.combine(day, dtime(0)) + timedelta(seconds=seconds)


def _tod(moment: datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def has_time(moment: datetime) -> bool:
    """00:00 is how Excel and the portals store a plain date."""
    return moment.time() != dtime(0)


def deadline(due: datetime) -> datetime:
    """D of indicators.md: the due time itself, or the end of a plain due date."""
    return due if has_time(due) else datetime.combine(due.date(), dtime(23, 59, 59))


# --------------------------------------------------------------------------------------------
# Case model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str
    email: str
    address: str


@dataclass(eq=False)
class Case:
    """The truth about one case; snapshots are derived from it with `view_as_of`."""

    commune: Commune
    procedure: Procedure
    received_at: datetime
    channel: str  # online | direct | postal
    outcome: str  # early | on_time | late | open | withdrawn | stopped | refused
    due_at: datetime | None
    fee: int
    is_digitized: bool
    paid_online: bool | None  # None when there is nothing to pay
    e_result: bool
    interim_status: int  # status shown while the case is open (2, 4, 5 or 6)
    returned_status: bool  # resolved cases: is the result handed over (10) or waiting (9)
    variant: int  # picks wording variants (agency name, date form) per file
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    case_id: str = ""
    person: Person | None = None

    @property
    def final_status(self) -> int | None:
        if self.outcome == "open":
            return None
        if self.outcome in RESOLVED_OUTCOMES:
            return 10 if self.returned_status else 9
        return OUTCOME_STATUS[self.outcome]


def _poisson(lam: float, rng: random.Random) -> int:
    """Knuth's method; the daily rates are small."""
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _month_weight_sum() -> float:
    return sum(MONTH_WEIGHT[d.month - 1] for d in WORKDAYS_2024)


def arrivals(commune: Commune, rng: random.Random) -> list[datetime]:
    """Reception times in 2024: a Poisson count per working day, times in office hours."""
    rate = commune.annual_cases / _month_weight_sum()
    out: list[datetime] = []
    for day in WORKDAYS_2024:
        n = _poisson(rate * MONTH_WEIGHT[day.month - 1], rng)
        out.extend(sorted(_at(day, rng.randint(RECEIVE_FROM, RECEIVE_TO)) for _ in range(n)))
    return out


def _is_strict(commune: Commune, received_at: datetime) -> bool:
    """Mỹ Tân's seed-report period: everything online, digitised, paid online, never late."""
    return commune.gso == MY_TAN and received_at <= WINDOW_END


def draw_channel(commune: Commune, procedure: Procedure, rng: random.Random) -> str:
    p_online = commune.p_online * (1.0 if procedure.level == FULL else 0.8)
    u = rng.random()
    if u < p_online:
        return "online"
    return "postal" if u > 1 - commune.p_postal else "direct"


def draw_outcome(commune: Commune, rng: random.Random, strict: bool) -> str:
    if strict:
        table = {"refused": 0.006, "withdrawn": 0.006, "stopped": 0.003, "early": 0.985}
    else:
        table = {"refused": 0.008, "withdrawn": 0.008, "stopped": 0.004, "open": 0.003,
                 "late": commune.p_late, "on_time": 0.06}
        table["early"] = 1 - sum(table.values())
    return rng.choices(list(table), weights=list(table.values()))[0]


def appointment(received_at: datetime, procedure: Procedure, channel: str,
                with_time: bool) -> datetime:
    """Due time as the portal sets it: same-day certification at the counter, else N working days."""
    day = received_at.date()
    if procedure.days == 0 and channel != "online":
        due_day = day if _tod(received_at) < 15 * 3600 else add_workdays(day, 1)
        return _at(due_day, 17 * 3600)
    due_day = add_workdays(day, max(procedure.days, 1))
    if with_time:
        return datetime.combine(due_day, dtime(received_at.hour, received_at.minute))
    return datetime.combine(due_day, dtime(0))


def early_finish(received_at: datetime, due_at: datetime, rng: random.Random) -> datetime:
    """A finish on a working day before the due date, mostly soon after reception."""
    days = workdays(received_at.date(), due_at.date())
    day = days[int(len(days) * rng.random() ** 2)]
    if day == received_at.date():
        room = max(600, WORK_END - _tod(received_at))
        return received_at + timedelta(seconds=rng.randint(600, room))
    return _at(day, rng.randint(WORK_START, WORK_END))


def on_time_finish(received_at: datetime, due_at: datetime, rng: random.Random) -> datetime:
    """A finish on the due date itself, at least a minute before a timed deadline."""
    day = due_at.date()
    high = _tod(due_at) - 60 if has_time(due_at) else WORK_END
    low = _tod(received_at) + 60 if day == received_at.date() else WORK_START
    return _at(day, rng.randint(low, max(low, high)))


def finish_time(case: Case, rng: random.Random) -> datetime | None:
    r, d = case.received_at, case.due_at
    if case.outcome == "early":
        return early_finish(r, d, rng)
    if case.outcome == "on_time":
        return on_time_finish(r, d, rng)
    if case.outcome == "late":
        return deadline(d) + timedelta(seconds=rng.randint(3600, 8 * 86400))
    if case.outcome in ("withdrawn", "stopped"):
        return r + timedelta(seconds=rng.randint(3600, 10 * 86400))
    if case.outcome == "refused":
        return r + timedelta(seconds=rng.randint(600, 4 * 3600))
    return None


def set_finish(case: Case, finished_at: datetime | None, rng: random.Random) -> None:
    """Finish time plus a consistent hand-over time for results given back (status 10)."""
    case.finished_at = finished_at
    case.returned_at = None
    if finished_at is None or case.final_status != 10:
        return
    if case.channel == "online" and case.e_result:
        case.returned_at = finished_at + timedelta(seconds=rng.randint(30, 1800))
        return
    k = rng.choice((0, 0, 1, 2))
    day = add_workdays(finished_at.date(), k)
    if k == 0:
        case.returned_at = finished_at + timedelta(seconds=rng.randint(300, 7200))
    else:
        case.returned_at = _at(day, rng.randint(WORK_START, WORK_END))


def _fee(procedure: Procedure, rng: random.Random) -> int:
    pages = rng.randint(1, 8) if procedure.per_page else 1
    return procedure.fee * pages


def draw_case(commune: Commune, received_at: datetime, rng: random.Random) -> Case:
    """One case with its whole timeline; strictness follows the seed report for Mỹ Tân."""
    strict = _is_strict(commune, received_at)
    procedure = rng.choices(PROCEDURES, weights=_PROC_WEIGHTS)[0]
    channel = "online" if strict else draw_channel(commune, procedure, rng)
    outcome = draw_outcome(commune, rng, strict)
    refused = outcome == "refused"
    due_at = None if refused else appointment(
        received_at, procedure, channel, rng.random() < commune.p_due_time)
    if outcome == "early" and due_at.date() <= received_at.date():
        outcome = "on_time"  # a same-day appointment cannot be beaten by a day
    fee = 0 if refused else _fee(procedure, rng)
    paid = None
    if fee > 0:
        paid = strict or (channel == "online" and rng.random() < commune.p_pay_online)
    interim = rng.choices((4, 2, 5, 6), weights=(0.78, 0.1, 0.08, 0.04 if fee else 0))[0]
    case = Case(
        commune=commune, procedure=procedure, received_at=received_at, channel=channel,
        outcome=outcome, due_at=due_at, fee=fee,
        is_digitized=not refused and (strict or rng.random() < commune.p_digitized),
        paid_online=paid,
        e_result=rng.random() < (0.92 if channel == "online" else 0.3),
        interim_status=interim, returned_status=rng.random() < 0.97,
        variant=rng.randrange(1000),
    )
    set_finish(case, finish_time(case, rng), rng)
    return case


def _resolved_in_window(case: Case) -> bool:
    f = case.finished_at
    return case.outcome in RESOLVED_OUTCOMES and f is not None and WINDOW_START <= f <= WINDOW_END


def calibrate_my_tan(cases: list[Case], commune: Commune, rng: random.Random) -> list[Case]:
    """Make Mỹ Tân's seed-report period hold exactly 353 resolved cases, 8 of them on time.

    Cases are dropped or added at random dates in the period (the arrival process stays
    plausible), then 8 early cases whose due date falls in the period are moved to their due
    date. Everything else about the commune is left as simulated.
    """
    resolved = [c for c in cases if _resolved_in_window(c)]
    dropped: set[int] = set()
    while len(resolved) > TARGET_RESOLVED:
        dropped.add(id(resolved.pop(rng.randrange(len(resolved)))))
    kept = [c for c in cases if id(c) not in dropped]
    window_days = [d for d in WORKDAYS_2024 if d <= WINDOW_END.date()]
    while len(resolved) < TARGET_RESOLVED:
        received = _at(rng.choice(window_days), rng.randint(RECEIVE_FROM, RECEIVE_TO))
        case = draw_case(commune, received, rng)
        if _resolved_in_window(case):
            kept.append(case)
            resolved.append(case)
    movable = [c for c in resolved if c.outcome == "early" and c.due_at <= WINDOW_END]
    for case in rng.sample(movable, TARGET_ON_TIME):
        case.outcome = "on_time"
        set_finish(case, on_time_finish(case.received_at, case.due_at, rng), rng)
    kept.sort(key=lambda c: c.received_at)
    return kept


def assign_ids(cases: Sequence[Case]) -> None:
    """DVCQG-like ids: commune code, yymmdd of reception, 4-digit sequence of the day."""
    counters: dict[tuple[str, date], int] = {}
    for case in sorted(cases, key=lambda c: (c.commune.gso, c.received_at)):
        key = (case.commune.gso, case.received_at.date())
        counters[key] = counters.get(key, 0) + 1
        case.case_id = (f"{case.commune.agency_code}-{case.received_at:%y%m%d}-"
                        f"{counters[key]:04d}")


# --------------------------------------------------------------------------------------------
# Fake people (personal-data columns the pipeline must drop)
# --------------------------------------------------------------------------------------------

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Đặng", "Bùi", "Ngô", "Phan",
          "Đinh", "Trịnh", "Lương", "Mai", "Đào", "Tạ", "Hà", "Cao", "Lưu", "Đoàn", "Trương")
FAMILY_WEIGHT = (30, 11, 9, 7, 5, 5, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1)
MIDDLE = (("Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Thanh", "Công", "Ngọc", "Tiến"),
          ("Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Phương", "Thùy", "Kim", "Diệu"))
GIVEN = (("An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
          "Khánh", "Khoa", "Long", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn",
          "Thắng", "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh"),
         ("Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Huệ", "Huyền",
          "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương",
          "Quyên", "Tâm", "Thảo", "Thủy", "Trang", "Vân", "Yến"))
PHONE_PREFIXES = ("094", "096", "097", "098")  # third digit ≥ 4: never inside a yyyyMMdd date


def unique_id_serial(i: int) -> int:
    """A bijection of 0..999,999: distinct people get distinct CCCD serials."""
    return (i * 7919 + 104729) % 1_000_000


def unique_phone_tail(i: int) -> int:
    """A bijection of 0..9,999,999 for the last 7 phone digits."""
    return (i * 7_777_777 + 3_141_592) % 10_000_000


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum()).lower()


def make_person(i: int, commune: Commune, rng: random.Random) -> Person:
    female = rng.random() < 0.52
    family = rng.choices(FAMILY, weights=FAMILY_WEIGHT)[0]
    middle, given = rng.choice(MIDDLE[female]), rng.choice(GIVEN[female])
    born = rng.randint(1950, 2005)
    century_sex = (0 if born < 2000 else 2) + int(female)
    id_number = f"036{century_sex}{born % 100:02d}{unique_id_serial(i):06d}"
    phone = f"{PHONE_PREFIXES[i % len(PHONE_PREFIXES)]}{unique_phone_tail(i):07d}"
    email = f"{ascii_slug(given + family)}.{phone[-6:]}@gmail.com"
    address = (f"Số {rng.randint(1, 240)}, xóm {rng.randint(1, 14)}, xã {commune.name}, "
               f"huyện Mỹ Lộc, tỉnh Nam Định")
    return Person(f"{family} {middle} {given}", id_number, phone, email, address)


def assign_people(cases: Sequence[Case], seed: int) -> None:
    rng = random.Random(f"{seed}:people")
    for i, case in enumerate(sorted(cases, key=lambda c: c.case_id)):
        case.person = make_person(i, case.commune, rng)


def simulate_cases(seed: int = 2024) -> list[Case]:
    """All 2024 cases of the district, Mỹ Tân calibrated, ids and people assigned."""
    cases: list[Case] = []
    for commune in COMMUNES:
        rng = random.Random(f"{seed}:{commune.gso}")
        commune_cases = [draw_case(commune, r, rng) for r in arrivals(commune, rng)]
        if commune.gso == MY_TAN:
            commune_cases = calibrate_my_tan(commune_cases, commune, rng)
        cases.extend(commune_cases)
    assign_ids(cases)
    assign_people(cases, seed)
    check_my_tan(cases)
    return cases


def my_tan_figures(cases: Iterable[Case]) -> dict[str, int]:
    """The seed-report figures recomputed from the true timelines (definitions of indicators.md)."""
    resolved = [c for c in cases if c.commune.gso == MY_TAN and _resolved_in_window(c)]
    early = [c for c in resolved if c.finished_at.date() < c.due_at.date()]
    late = [c for c in resolved if c.finished_at > deadline(c.due_at)]
    with_fee = [c for c in resolved if c.fee > 0]
    return {
        "resolved_total": len(resolved),
        "resolved_online": sum(c.channel == "online" for c in resolved),
        "resolved_early": len(early),
        "resolved_on_time": len(resolved) - len(early) - len(late),
        "resolved_late": len(late),
        "resolved_digitized": sum(c.is_digitized for c in resolved),
        "with_fee": len(with_fee),
        "with_fee_paid_online": sum(bool(c.paid_online) for c in with_fee),
    }


def check_my_tan(cases: Sequence[Case]) -> None:
    """Refuse to write a sample that does not reproduce the seed report."""
    got = my_tan_figures(cases)
    want = {"resolved_total": 353, "resolved_online": 353, "resolved_early": 345,
            "resolved_on_time": 8, "resolved_late": 0, "resolved_digitized": 353}
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    if wrong or got["with_fee"] == 0 or got["with_fee_paid_online"] != got["with_fee"]:
        raise RuntimeError(f"Mỹ Tân calibration failed: {got}")


# --------------------------------------------------------------------------------------------
# Snapshots
# --------------------------------------------------------------------------------------------


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
        return ("Quá hạn do lỗi phần mềm quản lý hộ tịch" if proc.sector == HO_TICH
                else "Quá hạn do chờ xác minh")
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


# --------------------------------------------------------------------------------------------
# Value wordings and date forms
# --------------------------------------------------------------------------------------------


def dmy(t: datetime) -> str:
    return f"{t.day:02d}/{t.month:02d}/{t.year}"


def dmy_loose(t: datetime) -> str:
    return f"{t.day}/{t.month}/{t.year}"


def dmy_hm(t: datetime) -> str:
    return f"{dmy(t)} {t.hour:02d}:{t.minute:02d}"


def dmy_hms(t: datetime) -> str:
    return f"{dmy_hm(t)}:{t.second:02d}"


def compact(t: datetime) -> str:
    return f"{t:%Y%m%d%H%M%S}"


def iso_local(t: datetime) -> str:
    return f"{t:%Y-%m-%dT%H:%M:%S}+07:00"


def fmt(t: datetime | None, form: Callable[[datetime], str]) -> str:
    return "" if t is None else form(t)


def fmt_due(t: datetime | None, plain: Callable[[datetime], str],
            timed: Callable[[datetime], str]) -> str:
    if t is None:
        return ""
    return timed(t) if has_time(t) else plain(t)


def yes_no(value: bool | None, yes: str = "Có", no: str = "Không") -> str:
    return "" if value is None else (yes if value else no)


AGENCY_FORMS = ("UBND xã {}", "Ủy ban nhân dân xã {}", "Bộ phận một cửa xã {}", "Xã {}")


def agency(case: Case, forms: Sequence[int]) -> str:
    """Agency wording: each file uses its own subset of the usual forms."""
    return AGENCY_FORMS[forms[case.variant % len(forms)]].format(case.commune.name)


STATUS_A = {2: "Đã tiếp nhận", 3: "Từ chối tiếp nhận", 4: "Đang xử lý", 5: "Chờ bổ sung",
            6: "Chờ thanh toán", 7: "Đã rút", 8: "Dừng xử lý", 9: "Chờ trả kết quả",
            10: "Đã trả kết quả"}
STATUS_IGATE = {2: "Mới tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang giải quyết",
                5: "Yêu cầu bổ sung giấy tờ", 6: "Yêu cầu thực hiện nghĩa vụ tài chính",
                7: "Công dân yêu cầu rút hồ sơ", 8: "Trả lại", 9: "Đã có kết quả", 10: "Đã trả"}
STATUS_UNICODE = {2: "Được tiếp nhận", 3: "Từ chối tiếp nhận", 4: "Chờ phê duyệt",
                  5: "Chờ bổ sung", 6: "Chờ thanh toán", 7: "Rút hồ sơ", 8: "Không giải quyết",
                  9: "Hoàn thành", 10: "Đã trả kết quả"}
CHANNEL_A = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "Bưu chính công ích"}
CHANNEL_IGATE = {"online": "Nộp trực tuyến", "direct": "Tại bộ phận một cửa",
                 "postal": "Qua bưu điện"}
CHANNEL_UNICODE = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "BCCI"}
CHANNEL_CODE = {"direct": "1", "online": "2", "postal": "3"}
UNKNOWN_STATUS_LABEL = "Đã chuyển xử lý liên thông"


# --------------------------------------------------------------------------------------------
# Deliberate defects
# --------------------------------------------------------------------------------------------

FILE_A = "2024-07-05_huyen-my-loc_ds-ho-so-6-thang.xlsx"
FILE_IGATE = "2025-01-06_igate_my-ha_my-thang_my-trung_my-tan.csv"
FILE_DVCQG = "2025-01-06_dvcqg_my-phuc_my-thuan.csv"
FILE_UNICODE = "2025-01-06_so-theo-doi_my-loc_unicode.csv"

BLANK_ID, BAD_DATE, DUPLICATE, UNKNOWN_STATUS = (
    "empty Mã hồ sơ", "impossible date 31/02/2024 in the received column",
    "exact duplicate row", "unknown status label")


@dataclass(frozen=True)
class Defect:
    file: str
    sheet: str | None  # None for CSV files
    row: int  # 1-based sheet row (xlsx) or physical line (CSV); the first of a duplicate pair
    case_id: str
    what: str


# Where the defects land with seed 2024 (checked by tests/unit/test_sample.py).
DEFECTS: tuple[Defect, ...] = (
    Defect(FILE_A, CHUNG_THUC, 702, "000.11.20.H40-240415-0001", BLANK_ID),
    Defect(FILE_IGATE, None, 776, "000.17.20.H40-240226-0001", BAD_DATE),
    Defect(FILE_DVCQG, None, 1902, "000.26.20.H40-241104-0001", DUPLICATE),
    Defect(FILE_UNICODE, None, 754, "000.35.20.H40-240917-0001", UNKNOWN_STATUS),
)


def _first(cases: Iterable[Case], gso: str, on_or_after: date,
           sector: str | None = None) -> Case:
    pool = [c for c in cases if c.commune.gso == gso and c.received_at.date() >= on_or_after
            and c.outcome in RESOLVED_OUTCOMES and (sector is None or c.procedure.sector == sector)]
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


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

TITLE = "DANH SÁCH HỒ SƠ"
DISTRICT = "UBND HUYỆN MỸ LỘC"


def _title_lines(last_received: date, exported: datetime) -> list[str]:
    return [TITLE, DISTRICT, f"Từ ngày 01/01/2024 đến ngày {dmy(_at(last_received, 0))}",
            f"Ngày xuất: {dmy_hm(exported)}", ""]


def _footer_lines(n: int) -> list[str]:
    return [f"Tổng cộng: {n} hồ sơ", "", "Người lập biểu"]


# ---- snapshot A: xlsx -----------------------------------------------------------------------

GROUP = "Nhận và trả kết quả"
A_HEADERS: tuple[tuple[str | None, str], ...] = (
    (None, "STT"), (None, "Mã hồ sơ"), (None, "Mã TTHC"), (None, "Tên thủ tục hành chính"),
    (None, "Lĩnh vực"), (None, "Cơ quan giải quyết"), (None, "Kênh nộp"), (None, "Mức độ DVC"),
    (None, "Chủ hồ sơ"), (None, "Số CCCD"), (None, "Số điện thoại"), (None, "Địa chỉ"),
    (GROUP, "Nhận hồ sơ"), (GROUP, "Hẹn trả"), (GROUP, "Trả kết quả"),
    (None, "Ngày có kết quả"), (None, "Trạng thái"), (None, "Số hóa"), (None, "Phí, lệ phí"),
    (None, "Thanh toán trực tuyến"), (None, "Kết quả điện tử"), (None, "Ghi chú"),
)
A_COL = {name: i for i, (_, name) in enumerate(A_HEADERS)}
A_WIDTHS = (6, 27, 10, 60, 16, 26, 18, 12, 22, 15, 13, 40, 17, 17, 12, 17, 18, 7, 10, 10, 10, 30)
FMT_DATETIME, FMT_DATE = "dd/mm/yyyy hh:mm", "dd/mm/yyyy"
A_AGENCY_FORMS = (0, 0, 0, 1, 2)


def a_row(number: int, view: View) -> list[object]:
    """One data row of snapshot A; the two date columns hold real datetimes."""
    c, p = view.case, view.case.person
    values = [
        number, c.case_id, c.procedure.code, c.procedure.name, c.procedure.sector,
        agency(c, A_AGENCY_FORMS), CHANNEL_A[c.channel], c.procedure.level,
        p.name, p.id_number, p.phone, p.address,
        c.received_at, c.due_at, fmt(view.returned_at, dmy),
        fmt(view.finished_at, dmy_hm), STATUS_A[view.status], "x" if c.is_digitized else "",
        c.fee, yes_no(c.paid_online), yes_no(view.e_result), view.note,
    ]
    return [None if v == "" else v for v in values]  # Excel has no empty-string cells


def _a_header(ws, top: int) -> None:
    """Two header rows: the group cell merged across, every other header merged down."""
    bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center",
                                              wrap_text=True)
    group_cols = [i + 1 for i, (g, _) in enumerate(A_HEADERS) if g == GROUP]
    for col, (group, name) in enumerate(A_HEADERS, start=1):
        upper, lower = ws.cell(top, col), ws.cell(top + 1, col)
        if group is None:
            upper.value = name
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
        else:
            lower.value = name
        for cell in (upper, lower):
            cell.font, cell.alignment = bold, center
    ws.cell(top, group_cols[0]).value = GROUP
    ws.merge_cells(start_row=top, start_column=group_cols[0], end_row=top,
                   end_column=group_cols[-1])


def _a_title(ws, lines: list[str]) -> None:
    last = len(A_HEADERS)
    for row, text in enumerate(lines, start=1):
        if not text:
            continue
        cell = ws.cell(row, 1, text)
        cell.alignment = Alignment(horizontal="center")
        cell.font = Font(bold=row <= 2)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)


def _a_sheet(wb: Workbook, sector: str, views: list[View], log: DefectLog) -> None:
    ws = wb.create_sheet(sector[:31])
    title = _title_lines(A_LAST_RECEIVED, EXPORT_A)
    _a_title(ws, title)
    header_top = len(title) + 1
    _a_header(ws, header_top)
    row = header_top + 2
    for number, view in enumerate(views, start=1):
        values = a_row(number, view)
        if log.kind(FILE_A, view.case.case_id) == BLANK_ID:
            values[A_COL["Mã hồ sơ"]] = None
            log.record(FILE_A, ws.title, row, view.case.case_id, BLANK_ID)
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value)
        ws.cell(row, A_COL["Nhận hồ sơ"] + 1).number_format = FMT_DATETIME
        due = view.case.due_at
        ws.cell(row, A_COL["Hẹn trả"] + 1).number_format = (
            FMT_DATETIME if due is not None and has_time(due) else FMT_DATE)
        ws.cell(row, A_COL["Phí, lệ phí"] + 1).number_format = "#,##0"
        row += 1
    footer = _footer_lines(len(views))
    ws.cell(row, 1, footer[0]).font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    ws.cell(row + 2, len(A_HEADERS) - 3, footer[2]).font = Font(bold=True)
    for col, width in enumerate(A_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(header_top + 2, 3)


FIXED_ZIP_TIME = (2024, 7, 5, 8, 15, 0)


def normalize_xlsx(path: Path, modified: datetime) -> None:
    """openpyxl stamps the save time into core.xml and the zip entries; pin both."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    stamp = f"{modified:%Y-%m-%dT%H:%M:%SZ}".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)


def _set_properties(wb: Workbook, exported: datetime) -> None:
    utc = exported - timedelta(hours=7)
    wb.properties.creator = "Hệ thống thông tin giải quyết TTHC tỉnh Nam Định"
    wb.properties.lastModifiedBy = "Bộ phận một cửa"
    wb.properties.created = utc
    wb.properties.modified = utc


def write_snapshot_a(path: Path, views: list[View], log: DefectLog) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for sector in SECTORS:
        in_sector = [v for v in views if v.case.procedure.sector == sector]
        if in_sector:
            _a_sheet(wb, sector, in_sector, log)
    _set_properties(wb, EXPORT_A)
    wb.save(path)
    normalize_xlsx(path, EXPORT_A - timedelta(hours=7))
    return path


# ---- snapshot B: iGate-style CSV (UTF-8 BOM, ';') --------------------------------------------

IGATE_HEADERS = (
    "Ma ho so", "Ma TTHC", "Ten TTHC", "Linh vuc", "Don vi xu ly", "Kenh thuc hien",
    "Muc do DVC", "Chu ho so", "So dinh danh", "So dien thoai", "Ngay tiep nhan",
    "Ngay hen tra", "Ngay ket thuc xu ly", "Ngay tra", "Trang thai ho so", "So hoa ho so",
    "Le phi", "TT truc tuyen", "Tra ket qua dien tu", "Ghi chu",
)
IGATE_AGENCY_FORMS = (0, 1, 2, 3, 0, 0)


def igate_row(view: View) -> list[str]:
    c, p = view.case, view.case.person
    return [
        c.case_id, c.procedure.code, c.procedure.name, c.procedure.sector,
        agency(c, IGATE_AGENCY_FORMS), CHANNEL_IGATE[c.channel], c.procedure.level,
        p.name, p.id_number, p.phone,
        dmy_hms(c.received_at), fmt_due(c.due_at, dmy_loose, dmy_hm),
        fmt(view.finished_at, dmy_hm), fmt(view.returned_at, dmy_loose),
        STATUS_IGATE[view.status], "1" if c.is_digitized else "0", str(c.fee),
        yes_no(c.paid_online), yes_no(view.e_result), view.note,
    ]


def _csv_text(rows: Iterable[Sequence[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def write_igate_csv(path: Path, views: list[View], log: DefectLog) -> Path:
    lines: list[list[str]] = [[t] for t in _title_lines(YEAR_END, EXPORT_B)]
    lines[-1] = []
    lines.append(list(IGATE_HEADERS))
    for view in views:
        row = igate_row(view)
        if log.kind(FILE_IGATE, view.case.case_id) == BAD_DATE:
            col = IGATE_HEADERS.index("Ngay tiep nhan")
            row[col] = _impossible(row[col])
            log.record(FILE_IGATE, None, len(lines) + 1, view.case.case_id, BAD_DATE)
        lines.append(row)
    lines.extend([t] if t else [] for t in _footer_lines(len(views)))
    path.write_bytes(_csv_text(lines, ";").encode("utf-8-sig"))
    return path


# ---- snapshot B: DVCQG sync CSV (UTF-8, ',') ------------------------------------------------

DVCQG_HEADERS = (
    "MaHoSo", "MaTTHC", "TenTTHC", "TenLinhVuc", "DonViXuLy", "KenhThucHien", "ChuHoSo",
    "SoDinhDanh", "SoDienThoai", "Email", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy",
    "NgayTra", "TrangThaiHoSo", "HoSoCoThanhPhanSoHoa", "PhiLePhi", "DuocThanhToanTrucTuyen",
    "GhiChu",
)
DVCQG_AGENCY_FORMS = (1, 1, 0, 2)


def dvcqg_row(view: View) -> list[str]:
    c, p = view.case, view.case.person
    finished_form = iso_local if c.variant % 3 == 0 else compact  # rows synced by API v2
    return [
        c.case_id, c.procedure.code, c.procedure.name, c.procedure.sector,
        agency(c, DVCQG_AGENCY_FORMS), CHANNEL_CODE[c.channel], p.name, p.id_number, p.phone,
        p.email, compact(c.received_at), fmt(c.due_at, compact),
        fmt(view.finished_at, finished_form), fmt(view.returned_at, iso_local),
        str(view.status), "1" if c.is_digitized else "0", str(c.fee),
        yes_no(c.paid_online, "1", "0"), view.note,
    ]


def write_dvcqg_csv(path: Path, views: list[View], log: DefectLog) -> Path:
    lines: list[list[str]] = [["Dữ liệu đồng bộ hồ sơ - Cổng Dịch vụ công quốc gia"],
                              [f"Ngày xuất: {dmy_hm(EXPORT_B)}"], list(DVCQG_HEADERS)]
    for view in views:
        row = dvcqg_row(view)
        lines.append(row)
        if log.kind(FILE_DVCQG, view.case.case_id) == DUPLICATE:
            log.record(FILE_DVCQG, None, len(lines), view.case.case_id, DUPLICATE)
            lines.append(list(row))
    path.write_bytes(_csv_text(lines, ",").encode("utf-8"))
    return path


# ---- snapshot B: Excel "Unicode text" (UTF-16, tab) -----------------------------------------

UNICODE_HEADERS = tuple(unicodedata.normalize("NFD", h) for h in (
    "STT", "Số hồ sơ", "Mã thủ tục", "Thủ tục hành chính", "Tên lĩnh vực", "Cơ quan thực hiện",
    "Hình thức tiếp nhận", "Mức độ", "Người nộp", "Số giấy tờ", "Số điện thoại", "Địa chỉ",
    "Ngày nhận", "Hạn giải quyết", "Ngày hoàn thành", "Ngày trả kết quả", "Tình trạng",
    "Đã số hóa", "Lệ phí", "TT trực tuyến", "Cấp kết quả điện tử", "Ghi chú",
))
UNICODE_AGENCY_FORMS = (3, 0)
UNICODE_STATUS_COL = 16


def unicode_row(number: int, view: View) -> list[str]:
    c, p = view.case, view.case.person
    return [
        str(number), c.case_id, c.procedure.code, c.procedure.name, c.procedure.sector,
        agency(c, UNICODE_AGENCY_FORMS), CHANNEL_UNICODE[c.channel], c.procedure.level,
        p.name, p.id_number, p.phone, p.address,
        dmy_hm(c.received_at), fmt_due(c.due_at, dmy, dmy_hm), fmt(view.finished_at, dmy_hms),
        fmt(view.returned_at, dmy_loose), STATUS_UNICODE[view.status],
        "✓" if c.is_digitized else "", str(c.fee), yes_no(c.paid_online, "True", "False"),
        yes_no(view.e_result), view.note,
    ]


def write_unicode_text(path: Path, views: list[View], log: DefectLog) -> Path:
    width = len(UNICODE_HEADERS)
    padded = [[t] + [""] * (width - 1) for t in _title_lines(YEAR_END, EXPORT_B)]
    lines = padded + [list(UNICODE_HEADERS)]
    for number, view in enumerate(views, start=1):
        row = unicode_row(number, view)
        if log.kind(FILE_UNICODE, view.case.case_id) == UNKNOWN_STATUS:
            row[UNICODE_STATUS_COL] = UNKNOWN_STATUS_LABEL
            log.record(FILE_UNICODE, None, len(lines) + 1, view.case.case_id, UNKNOWN_STATUS)
        lines.append(row)
    lines += [[t] + [""] * (width - 1) for t in _footer_lines(len(views))]
    path.write_bytes(_csv_text(lines, "\t").encode("utf-16"))  # LE with BOM, as Excel writes
    return path


# --------------------------------------------------------------------------------------------
# The sample set
# --------------------------------------------------------------------------------------------

B_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (FILE_IGATE, ("13711", "13717", "13720", "13723")),
    (FILE_DVCQG, ("13726", "13732")),
    (FILE_UNICODE, ("13735",)),
)
_B_WRITERS = {FILE_IGATE: write_igate_csv, FILE_DVCQG: write_dvcqg_csv,
              FILE_UNICODE: write_unicode_text}


def build_sample(out_dir: Path, seed: int = 2024) -> tuple[list[Path], list[Defect]]:
    """Write the sample set; also return where the deliberate defects landed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = simulate_cases(seed)
    log = DefectLog(pick_defects(cases))
    paths = [write_snapshot_a(out_dir / FILE_A, snapshot(cases, EXPORT_A, A_LAST_RECEIVED), log)]
    for name, communes in B_FILES:
        chosen = [c for c in cases if c.commune.gso in communes]
        paths.append(_B_WRITERS[name](out_dir / name, snapshot(chosen, EXPORT_B, YEAR_END), log))
    return paths, log.landed


def generate_sample(out_dir: Path, seed: int = 2024) -> list[Path]:
    """Write the committed sample set into `out_dir` and return the files written."""
    return build_sample(out_dir, seed)[0]


# --------------------------------------------------------------------------------------------
# Benchmark files: vectorised numpy generation
# --------------------------------------------------------------------------------------------

_HOL64 = np.array(sorted(HOLIDAYS), dtype="datetime64[D]")
_WORKDAYS64 = np.array(WORKDAYS_2024, dtype="datetime64[D]")
_DAY_P = np.array([MONTH_WEIGHT[d.month - 1] for d in WORKDAYS_2024])
_DAY_P /= _DAY_P.sum()
_COMMUNE_P = np.array([c.annual_cases for c in COMMUNES], float)
_COMMUNE_P /= _COMMUNE_P.sum()
_PROC_P = np.array(_PROC_WEIGHTS) / sum(_PROC_WEIGHTS)


def _col(values: Iterable[object]) -> np.ndarray:
    return np.array(list(values), dtype=object)


_C_ONLINE = np.array([c.p_online for c in COMMUNES])
_C_POSTAL = np.array([c.p_postal for c in COMMUNES])
_C_DUE_TIME = np.array([c.p_due_time for c in COMMUNES])
_C_LATE = np.array([c.p_late for c in COMMUNES])
_C_PAY = np.array([c.p_pay_online for c in COMMUNES])
_C_DIGITIZED = np.array([c.p_digitized for c in COMMUNES])
_C_CODE = _col(c.agency_code + "-" for c in COMMUNES)
_C_NAME = _col(c.name for c in COMMUNES)
_P_DAYS = np.array([p.days for p in PROCEDURES])
_P_FEE = np.array([p.fee for p in PROCEDURES])
_P_PER_PAGE = np.array([p.per_page for p in PROCEDURES])
_P_LEVEL_FACTOR = np.array([1.0 if p.level == FULL else 0.8 for p in PROCEDURES])
_P_CODE = _col(p.code for p in PROCEDURES)
_P_NAME = _col(p.name for p in PROCEDURES)
_P_SECTOR = _col(p.sector for p in PROCEDURES)
_P_LEVEL = _col(p.level for p in PROCEDURES)
_AGENCY = _col(f.format(c.name) for c in COMMUNES for f in AGENCY_FORMS)  # commune*4 + form

_DAY0 = np.datetime64("2023-12-01", "D")
_TABLE_DAYS = [date(2023, 12, 1) + timedelta(days=i) for i in range(3 * 366)]
_DMY = _col(f"{d.day:02d}/{d.month:02d}/{d.year}" for d in _TABLE_DAYS)
_DMY_LOOSE = _col(f"{d.day}/{d.month}/{d.year}" for d in _TABLE_DAYS)
_YYMMDD = _col(f"{d:%y%m%d}-" for d in _TABLE_DAYS)
_HM = _col(f" {m // 60:02d}:{m % 60:02d}" for m in range(1440))
_SS = _col(f":{s:02d}" for s in range(60))
_SEQ = _col(f"{i:04d}" for i in range(10000))

# outcome codes, in the order their probabilities are cumulated
REFUSED, WITHDRAWN, STOPPED, OPEN, LATE, ON_TIME, EARLY = range(7)
_OUTCOME_FIXED = np.array([0.008, 0.008, 0.004, 0.003])
_FINAL_STATUS = np.array([3, 7, 8, 0, 10, 10, 10])

_BIG_IGATE_STATUS = _col(STATUS_IGATE.get(i, "") for i in range(11))
_BIG_A_STATUS = _col(STATUS_A.get(i, "") for i in range(11))
_CHANNELS = ("direct", "online", "postal")  # index = DVCQG code - 1
_BIG_IGATE_CHANNEL = _col(CHANNEL_IGATE[c] for c in _CHANNELS)
_BIG_A_CHANNEL = _col(CHANNEL_A[c] for c in _CHANNELS)

_FAMILY = _col(FAMILY)
_FAMILY_P = np.array(FAMILY_WEIGHT, float) / sum(FAMILY_WEIGHT)
_MIDDLE = tuple(_col(m) for m in MIDDLE)
_GIVEN = tuple(_col(g) for g in GIVEN)
_PHONE_PREFIX = _col(PHONE_PREFIXES)


def _seq_numbers(keys: np.ndarray, issued: np.ndarray) -> np.ndarray:
    """1-based sequence per (commune, day) key, continuing the counts of earlier chunks."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    lengths = np.diff(np.r_[starts, len(keys)])
    rank_sorted = np.arange(len(keys)) - np.repeat(starts, lengths)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = rank_sorted
    seq = issued[keys] + rank + 1
    np.add.at(issued, keys, 1)
    return seq


def _fmt_seq(seq: np.ndarray) -> np.ndarray:
    small = seq < len(_SEQ)
    out = np.empty(len(seq), dtype=object)
    out[small] = _SEQ[seq[small]]
    out[~small] = _col(str(s) for s in seq[~small])
    return out


def _big_timeline(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Communes, procedures, channels and true times for n cases (sorted by reception)."""
    commune = rng.choice(len(COMMUNES), n, p=_COMMUNE_P)
    proc = rng.choice(len(PROCEDURES), n, p=_PROC_P)
    day = _WORKDAYS64[rng.choice(len(_WORKDAYS64), n, p=_DAY_P)]
    tod = rng.integers(RECEIVE_FROM, RECEIVE_TO + 1, n)
    order = np.lexsort((tod, day))
    commune, proc, day, tod = commune[order], proc[order], day[order], tod[order]
    u = rng.random(n)
    channel = np.where(u < _C_ONLINE[commune] * _P_LEVEL_FACTOR[proc], 2,
                       np.where(u > 1 - _C_POSTAL[commune], 3, 1))
    same_day = (_P_DAYS[proc] == 0) & (channel != 2)
    n_days = np.where(same_day, (tod >= 15 * 3600).astype(int), np.maximum(_P_DAYS[proc], 1))
    due_day = np.busday_offset(day, n_days, roll="forward", holidays=_HOL64)
    timed = same_day | (rng.random(n) < _C_DUE_TIME[commune])
    due_tod = np.where(same_day, 17 * 3600, np.where(timed, tod // 60 * 60, 0))
    return {"commune": commune, "proc": proc, "day": day, "tod": tod, "channel": channel,
            "due_day": due_day, "due_tod": due_tod, "timed": timed}


def _big_outcomes(rng: np.random.Generator, t: dict[str, np.ndarray]) -> np.ndarray:
    n = len(t["day"])
    late = _C_LATE[t["commune"]]
    cum = np.cumsum(_OUTCOME_FIXED)
    u = rng.random(n)
    outcome = np.searchsorted(cum, u, side="right")  # 0..4 (4 = not a fixed outcome)
    rest = outcome == 4
    outcome[rest] = np.where(u[rest] < cum[-1] + late[rest], LATE,
                             np.where(u[rest] < cum[-1] + late[rest] + 0.06, ON_TIME, EARLY))
    outcome[(outcome == EARLY) & (t["due_day"] <= t["day"])] = ON_TIME
    return outcome


def _big_finish(rng: np.random.Generator, t: dict[str, np.ndarray],
                outcome: np.ndarray) -> np.ndarray:
    """True finish times by outcome, with the same rules as `finish_time`."""
    n = len(outcome)
    day, tod, due_day, due_tod, timed = (t[k] for k in ("day", "tod", "due_day", "due_tod",
                                                        "timed"))
    start = day.astype("datetime64[s]")
    received = start + tod
    due = due_day.astype("datetime64[s]") + due_tod
    limit = np.where(timed, due, due_day.astype("datetime64[s]") + 86399)
    u = rng.random(n)
    span = np.busday_count(day, due_day, holidays=_HOL64)
    k = np.floor(rng.random(n) ** 2 * np.maximum(span, 1)).astype(int)
    early_day = np.busday_offset(day, k, roll="forward", holidays=_HOL64)
    early_tod = np.where(k == 0, tod + 600 + (u * np.maximum(0, WORK_END - tod - 600)).astype(int),
                         WORK_START + (u * (WORK_END - WORK_START)).astype(int))
    high = np.where(timed, due_tod - 60, WORK_END)
    low = np.where(due_day == day, tod + 60, WORK_START)
    on_tod = low + (u * np.maximum(0, high - low)).astype(int)
    f = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    pick = {
        EARLY: early_day.astype("datetime64[s]") + early_tod,
        ON_TIME: due_day.astype("datetime64[s]") + on_tod,
        LATE: limit + rng.integers(3600, 8 * 86400, n),
        WITHDRAWN: received + rng.integers(3600, 10 * 86400, n),
        STOPPED: received + rng.integers(3600, 10 * 86400, n),
        REFUSED: received + rng.integers(600, 4 * 3600, n),
    }
    for code, values in pick.items():
        mask = outcome == code
        f[mask] = values[mask]
    return f


def _big_cases(rng: np.random.Generator, n: int, first_row: int,
               issued: np.ndarray) -> dict[str, np.ndarray]:
    """n benchmark cases as seen on 06/01/2025 07:30, as numpy arrays."""
    t = _big_timeline(rng, n)
    outcome = _big_outcomes(rng, t)
    finished = _big_finish(rng, t, outcome)
    refused = outcome == REFUSED
    received = t["day"].astype("datetime64[s]") + t["tod"]
    due = t["due_day"].astype("datetime64[s]") + t["due_tod"]
    due[refused] = np.datetime64("NaT")
    done = ~np.isnat(finished) & (finished <= np.datetime64(EXPORT_B))
    status = np.where(done, _FINAL_STATUS[outcome],
                      rng.choice([4, 2, 5], n, p=[0.8, 0.1, 0.1]))
    returned = finished + rng.integers(300, 2 * 86400, n)
    keep_returned = (status == 10) & (rng.random(n) < 0.97) & (returned <= np.datetime64(EXPORT_B))
    status[(status == 10) & ~keep_returned] = 9
    returned[~keep_returned] = np.datetime64("NaT")
    finished[~done] = np.datetime64("NaT")
    pages = np.where(_P_PER_PAGE[t["proc"]], rng.integers(1, 9, n), 1)
    fee = np.where(refused, 0, _P_FEE[t["proc"]] * pages)
    online = t["channel"] == 2
    paid = np.where(fee > 0, (online & (rng.random(n) < _C_PAY[t["commune"]])).astype(int), -1)
    resolved = np.isin(status, (9, 10))
    e_result = np.where(resolved, (rng.random(n) < np.where(online, 0.92, 0.3)).astype(int), -1)
    digitized = (rng.random(n) < _C_DIGITIZED[t["commune"]]) & ~refused
    keys = t["commune"] * 1000 + (t["day"] - _DAY0).astype(np.int64)
    seq = _seq_numbers(keys, issued)
    return {**t, "received": received, "due": due, "finished": finished, "returned": returned,
            "status": status, "fee": fee, "paid": paid, "e_result": e_result,
            "digitized": digitized, "seq": seq, "rows": np.arange(first_row, first_row + n),
            "variant": rng.integers(0, len(AGENCY_FORMS), n)}


def _v_date(ts: np.ndarray, with_time: bool, seconds: bool = False,
            loose: bool = False) -> np.ndarray:
    """Vectorised dd/mm/yyyy[ HH:MM[:SS]] (or unpadded d/m/yyyy) through lookup tables."""
    out = np.full(len(ts), "", dtype=object)
    ok = ~np.isnat(ts)
    day = ts[ok].astype("datetime64[D]")
    text = (_DMY_LOOSE if loose else _DMY)[(day - _DAY0).astype(np.int64)]
    if with_time:
        tod = (ts[ok] - day).astype(np.int64)
        text = text + _HM[tod // 60]
        if seconds:
            text = text + _SS[tod % 60]
    out[ok] = text
    return out


def _v_people(rng: np.random.Generator, d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    n = len(d["rows"])
    female = rng.random(n) < 0.52
    family = _FAMILY[rng.choice(len(FAMILY), n, p=_FAMILY_P)]
    middle = np.where(female, _MIDDLE[1][rng.integers(0, 10, n)], _MIDDLE[0][rng.integers(0, 10, n)])
    given = np.where(female, _GIVEN[1][rng.integers(0, 28, n)], _GIVEN[0][rng.integers(0, 28, n)])
    born = rng.integers(1950, 2006, n)
    rows = d["rows"]
    id_tail = (np.where(born >= 2000, 2, 0) + female) * 10**8 + (born % 100) * 10**6 \
        + unique_id_serial(rows)
    id_number = "036" + _col(f"{x:09d}" for x in id_tail.tolist())
    phone = _PHONE_PREFIX[rows % len(PHONE_PREFIXES)] + _col(
        f"{x:07d}" for x in unique_phone_tail(rows).tolist())
    address = ("Số " + rng.integers(1, 241, n).astype(str).astype(object) + ", xóm "
               + rng.integers(1, 15, n).astype(str).astype(object) + ", xã "
               + _C_NAME[d["commune"]] + ", huyện Mỹ Lộc, tỉnh Nam Định")
    return {"name": family + " " + middle + " " + given, "id_number": id_number,
            "phone": phone, "address": address}


def _v_case_id(d: dict[str, np.ndarray]) -> np.ndarray:
    yymmdd = _YYMMDD[(d["day"] - _DAY0).astype(np.int64)]
    return _C_CODE[d["commune"]] + yymmdd + _fmt_seq(d["seq"])


def _v_flag(values: np.ndarray, yes: str, no: str) -> np.ndarray:
    return np.where(values == 1, yes, np.where(values == 0, no, "")).astype(object)


def _big_igate_columns(d: dict[str, np.ndarray], people: dict[str, np.ndarray]) -> list[list]:
    """The columns of file 2 (iGate CSV), as lists of strings."""
    due_plain = _v_date(d["due"], with_time=False, loose=True)
    due_timed = _v_date(d["due"], with_time=True)
    columns = [
        _v_case_id(d), _P_CODE[d["proc"]], _P_NAME[d["proc"]], _P_SECTOR[d["proc"]],
        _AGENCY[d["commune"] * len(AGENCY_FORMS) + d["variant"]],
        _BIG_IGATE_CHANNEL[d["channel"] - 1], _P_LEVEL[d["proc"]],
        people["name"], people["id_number"], people["phone"],
        _v_date(d["received"], with_time=True, seconds=True),
        np.where(d["timed"], due_timed, due_plain),
        _v_date(d["finished"], with_time=True),
        _v_date(d["returned"], with_time=False, loose=True),
        _BIG_IGATE_STATUS[d["status"]], np.where(d["digitized"], "1", "0").astype(object),
        d["fee"].astype(str).astype(object), _v_flag(d["paid"], "Có", "Không"),
        _v_flag(d["e_result"], "Có", "Không"), np.full(len(d["rows"]), "", dtype=object),
    ]
    return [c.tolist() for c in columns]


_CHUNK = 50_000  # rows in memory at a time (~200 MB peak for the CSV)


def _big_chunks(n_rows: int, seed: int) -> Iterator[tuple[dict, dict]]:
    rng = np.random.default_rng(seed)
    issued = np.zeros(len(COMMUNES) * 1000, dtype=np.int64)
    for first in range(0, n_rows, _CHUNK):
        d = _big_cases(rng, min(_CHUNK, n_rows - first), first, issued)
        yield d, _v_people(rng, d)


def _check_static_fields(delimiter: str) -> None:
    """Free-text lookups are written unquoted in the fast path; they must not need quoting."""
    for text in (*_P_NAME, *_P_SECTOR, *_AGENCY, *_C_NAME, *STATUS_IGATE.values()):
        if delimiter in text or '"' in text:
            raise ValueError(f"needs quoting: {text!r}")


def write_big_csv(path: Path, n_rows: int, seed: int = 1) -> Path:
    """One flat iGate-style export (layout of file 2) with n_rows cases, chunk by chunk."""
    path = Path(path)
    _check_static_fields(";")
    head = [*_title_lines(YEAR_END, EXPORT_B)[:-1], "", ";".join(IGATE_HEADERS)]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("\r\n".join(head) + "\r\n")
        for d, people in _big_chunks(n_rows, seed):
            rows = zip(*_big_igate_columns(d, people))
            while block := list(itertools.islice(rows, 10_000)):
                out.write("\r\n".join(map(";".join, block)) + "\r\n")
        out.write("\r\n".join(_footer_lines(n_rows)) + "\r\n")
    return path


def _big_a_rows(d: dict[str, np.ndarray], people: dict[str, np.ndarray],
                received_cell: WriteOnlyCell, due_cells: tuple[WriteOnlyCell, WriteOnlyCell]
                ) -> Iterator[list[object]]:
    """Rows in the layout of file 1; the date cells are reused, styled WriteOnlyCells."""
    due_timed = np.where(d["timed"], 1, 0).tolist()
    cols = [
        (d["rows"] + 1).tolist(), _v_case_id(d).tolist(), _P_CODE[d["proc"]].tolist(),
        _P_NAME[d["proc"]].tolist(), _P_SECTOR[d["proc"]].tolist(),
        _AGENCY[d["commune"] * len(AGENCY_FORMS) + d["variant"]].tolist(),
        _BIG_A_CHANNEL[d["channel"] - 1].tolist(), _P_LEVEL[d["proc"]].tolist(),
        people["name"].tolist(), people["id_number"].tolist(), people["phone"].tolist(),
        people["address"].tolist(), d["received"].astype(object).tolist(),
        d["due"].astype(object).tolist(),
        _v_date(d["returned"], with_time=False).tolist(),
        _v_date(d["finished"], with_time=True).tolist(), _BIG_A_STATUS[d["status"]].tolist(),
        np.where(d["digitized"], "x", "").tolist(), d["fee"].tolist(),
        _v_flag(d["paid"], "Có", "Không").tolist(), _v_flag(d["e_result"], "Có", "Không").tolist(),
    ]
    for values, timed in zip(zip(*cols), due_timed):
        row = [None if v == "" else v for v in values]
        received_cell.value = row[12]
        row[12] = received_cell
        if row[13] is not None:
            cell = due_cells[timed]
            cell.value = row[13]
            row[13] = cell
        yield row


def write_big_xlsx(path: Path, n_rows: int, seed: int = 1) -> Path:
    """One flat export in the layout of file 1 (one sheet), written in openpyxl write-only mode."""
    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách hồ sơ")
    title = _title_lines(YEAR_END, EXPORT_B)
    width = len(A_HEADERS)
    for i, text in enumerate(title, start=1):
        ws.append([text] if text else [])
        if text:
            ws.merged_cells.add(CellRange(min_col=1, min_row=i, max_col=width, max_row=i))
    top = len(title) + 1
    group_cols = [i + 1 for i, (g, _) in enumerate(A_HEADERS) if g == GROUP]
    upper = [h if g is None else None for g, h in A_HEADERS]
    upper[group_cols[0] - 1] = GROUP
    ws.append(upper)
    ws.append([h if g else None for g, h in A_HEADERS])
    ws.merged_cells.add(CellRange(min_col=group_cols[0], min_row=top, max_col=group_cols[-1],
                                  max_row=top))
    for col, (g, _) in enumerate(A_HEADERS, start=1):
        if g is None:
            ws.merged_cells.add(CellRange(min_col=col, min_row=top, max_col=col, max_row=top + 1))
    received = WriteOnlyCell(ws)
    received.number_format = FMT_DATETIME
    due_plain, due_timed = WriteOnlyCell(ws), WriteOnlyCell(ws)
    due_plain.number_format, due_timed.number_format = FMT_DATE, FMT_DATETIME
    for d, people in _big_chunks(n_rows, seed):
        for row in _big_a_rows(d, people, received, (due_plain, due_timed)):
            ws.append(row)
    ws.append([_footer_lines(n_rows)[0]])
    ws.append([])
    ws.append([None] * (width - 4) + ["Người lập biểu"])
    _set_properties(wb, EXPORT_B)
    wb.save(path)
    return path


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.sample",
        description="Write the deterministic sample of portal exports (huyện Mỹ Lộc, 2024).")
    parser.add_argument("out_dir", nargs="?", type=Path, help="folder for the sample files")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    parser.add_argument("--big-csv", nargs=2, metavar=("N", "PATH"),
                        help="also write a benchmark CSV of N rows to PATH")
    parser.add_argument("--big-xlsx", nargs=2, metavar=("N", "PATH"),
                        help="also write a benchmark xlsx of N rows to PATH")
    args = parser.parse_args(argv)
    if not (args.out_dir or args.big_csv or args.big_xlsx):
        parser.error("give OUT_DIR and/or --big-csv / --big-xlsx")
    if args.out_dir:
        for path in generate_sample(args.out_dir, args.seed):
            print(f"{path}\t{path.stat().st_size:,} bytes")
    for option, writer in ((args.big_csv, write_big_csv), (args.big_xlsx, write_big_xlsx)):
        if option:
            started = time.perf_counter()
            path = writer(Path(option[1]), int(option[0]))
            print(f"{path}\t{path.stat().st_size:,} bytes\t{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
