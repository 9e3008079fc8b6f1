"""How the portals word values: date forms, agency names, status and channel labels, and the
title / footer blocks the exports share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from .model import Case, _at, has_time


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


def fmt_due(t: datetime | None, plain: Callable[[datetime], str], timed: Callable[[datetime], str]) -> str:
    if t is None:
        return ""
    return timed(t) if has_time(t) else plain(t)


def yes_no(value: bool | None, yes: str = "Có", no: str = "Không") -> str:
    return "" if value is None else (yes if value else no)


AGENCY_FORMS = ("UBND xã {}", "Ủy ban nhân dân xã {}", "Bộ phận một cửa xã {}", "Xã {}")


def agency(case: Case, forms: Sequence[int]) -> str:
    """Agency wording: each file uses its own subset of the usual forms."""
    return AGENCY_FORMS[forms[case.variant % len(forms)]].format(case.commune.name)


STATUS_A = {
    2: "Đã tiếp nhận",
    3: "Từ chối tiếp nhận",
    4: "Đang xử lý",
    5: "Chờ bổ sung",
    6: "Chờ thanh toán",
    7: "Đã rút",
    8: "Dừng xử lý",
    9: "Chờ trả kết quả",
    10: "Đã trả kết quả",
}
STATUS_IGATE = {
    2: "Mới tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang giải quyết",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Trả lại",
    9: "Đã có kết quả",
    10: "Đã trả",
}
STATUS_UNICODE = {
    2: "Được tiếp nhận",
    3: "Từ chối tiếp nhận",
    4: "Chờ phê duyệt",
    5: "Chờ bổ sung",
    6: "Chờ thanh toán",
    7: "Rút hồ sơ",
    8: "Không giải quyết",
    9: "Hoàn thành",
    10: "Đã trả kết quả",
}
CHANNEL_A = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "Bưu chính công ích"}
CHANNEL_IGATE = {"online": "Nộp trực tuyến", "direct": "Tại bộ phận một cửa", "postal": "Qua bưu điện"}
CHANNEL_UNICODE = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "BCCI"}
CHANNEL_CODE = {"direct": "1", "online": "2", "postal": "3"}
UNKNOWN_STATUS_LABEL = "Đã chuyển xử lý liên thông"


TITLE = "DANH SÁCH HỒ SƠ"
DISTRICT = "UBND HUYỆN MỸ LỘC"


def _title_lines(last_received: date, exported: datetime) -> list[str]:
    return [
        TITLE,
        DISTRICT,
        f"Từ ngày 01/01/2024 đến ngày {dmy(_at(last_received, 0))}",
        f"Ngày xuất: {dmy_hm(exported)}",
        "",
    ]


def _footer_lines(n: int) -> list[str]:
    return [f"Tổng cộng: {n} hồ sơ", "", "Người lập biểu"]
