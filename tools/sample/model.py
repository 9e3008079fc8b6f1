"""The fictional district and its cases: communes, procedures, calendar, moments, case model.

Reference data (the 7 communes of huyện Mỹ Lộc and the habits of their one-stop shops, the
commune-level TTHC by lĩnh vực, days off), the fixed moments of the sample (export times, the
seed report's period, office hours), the names of the four files, working-day helpers and the
`Case` / `Person` dataclasses that every other module of the generator works on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime

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
    Procedure("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", HO_TICH, 3, 3000, False, FULL, 10),
    Procedure("2.000635", "Thủ tục cấp bản sao Trích lục hộ tịch", HO_TICH, 1, 8000, True, FULL, 12),
    Procedure(
        "1.004859", "Thủ tục đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", HO_TICH, 3, 15000, False, FULL, 3
    ),
    Procedure("1.001022", "Thủ tục đăng ký nhận cha, mẹ, con", HO_TICH, 3, 0, False, PARTIAL, 1),
    Procedure("1.004884", "Thủ tục đăng ký lại khai sinh", HO_TICH, 5, 0, False, FULL, 1),
    Procedure(
        "2.000815",
        "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan "
        "tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        CHUNG_THUC,
        0,
        2000,
        True,
        FULL,
        18,
    ),
    Procedure(
        "2.000884",
        "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả "
        "trường hợp chứng thực điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, "
        "không thể điểm chỉ được)",
        CHUNG_THUC,
        0,
        10000,
        False,
        PARTIAL,
        5,
    ),
    Procedure(
        "2.001035",
        "Thủ tục chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
        CHUNG_THUC,
        2,
        50000,
        False,
        PARTIAL,
        3,
    ),
    Procedure(
        "2.001019",
        "Thủ tục chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở",
        CHUNG_THUC,
        3,
        50000,
        False,
        PARTIAL,
        1,
    ),
    Procedure(
        "1.001776",
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng",
        BAO_TRO,
        15,
        0,
        False,
        FULL,
        4,
    ),
    Procedure(
        "1.001653",
        "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
        BAO_TRO,
        20,
        0,
        False,
        PARTIAL,
        2,
    ),
    Procedure("1.001731", "Đổi, cấp lại Giấy xác nhận khuyết tật", BAO_TRO, 5, 0, False, FULL, 1),
    Procedure("2.000751", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", BAO_TRO, 5, 0, False, FULL, 1),
    Procedure("1.003554", "Hòa giải tranh chấp đất đai", DAT_DAI, 30, 0, False, PARTIAL, 1),
    Procedure(
        "1.010817",
        "Giải quyết chế độ mai táng phí, trợ cấp một lần khi người có công với cách mạng từ trần",
        NGUOI_CO_CONG,
        12,
        0,
        False,
        PARTIAL,
        1,
    ),
    Procedure(
        "1.010822",
        "Hỗ trợ người có công đi làm phương tiện, dụng cụ trợ giúp chỉnh hình",
        NGUOI_CO_CONG,
        10,
        0,
        False,
        FULL,
        0.5,
    ),
    Procedure(
        "1.000775",
        "Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thực hiện nhiệm vụ chính trị",
        THI_DUA,
        10,
        0,
        False,
        FULL,
        1,
    ),
    Procedure(
        "1.000748",
        "Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã cho gia đình",
        THI_DUA,
        10,
        0,
        False,
        FULL,
        0.5,
    ),
    Procedure("1.000954", "Thủ tục xét tặng danh hiệu Gia đình văn hóa hằng năm", VAN_HOA, 5, 0, False, FULL, 1),
    Procedure("1.001120", "Thủ tục xét tặng Giấy khen Khu dân cư văn hóa", VAN_HOA, 5, 0, False, FULL, 0.3),
    Procedure("2.002226", "Thông báo thành lập tổ hợp tác", TO_HOP_TAC, 3, 0, False, FULL, 0.3),
)
_PROC_WEIGHTS = [p.weight for p in PROCEDURES]

# Official days off, 2024 to 2026 (Tết, Giỗ Tổ, 30/4–1/5, Quốc khánh; no make-up Saturdays).
HOLIDAYS: frozenset[date] = frozenset(
    date.fromisoformat(s)
    for s in (
        "2024-01-01",
        "2024-02-08",
        "2024-02-09",
        "2024-02-12",
        "2024-02-13",
        "2024-02-14",
        "2024-04-18",
        "2024-04-29",
        "2024-04-30",
        "2024-05-01",
        "2024-09-02",
        "2024-09-03",
        "2025-01-01",
        "2025-01-27",
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
        # the 2025–2026 extension (tools/sample/era2025.py); later than any 2024 case's dates
        *["2025-04-07", "2025-04-30", "2025-05-01", "2025-09-01", "2025-09-02"],
        *["2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"],
        *["2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"],
    )
)
# Before Tết people register more; the Tết month and late summer are quieter.
MONTH_WEIGHT = (1.25, 0.85, 1.0, 0.95, 0.95, 1.0, 1.0, 0.95, 0.95, 1.0, 1.0, 1.15)

EXPORT_A = datetime(2024, 7, 5, 8, 15)
EXPORT_B = datetime(2025, 1, 6, 7, 30)
YEAR_START, YEAR_END = date(2024, 1, 1), date(2024, 12, 31)
A_LAST_RECEIVED = date(2024, 6, 30)

# The four files of the sample set (see the package docstring).
FILE_A = "2024-07-05_huyen-my-loc_ds-ho-so-6-thang.xlsx"
FILE_IGATE = "2025-01-06_igate_my-ha_my-thang_my-trung_my-tan.csv"
FILE_DVCQG = "2025-01-06_dvcqg_my-phuc_my-thuan.csv"
FILE_UNICODE = "2025-01-06_so-theo-doi_my-loc_unicode.csv"

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
    """D of docs/reference/indicators.md: the due time itself, or the end of a plain due date."""
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
