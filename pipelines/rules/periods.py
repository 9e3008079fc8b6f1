"""Reporting periods: one parser for every form officials and analysts type (docs/reference/indicators.md).

A period is a closed date range [start, end]; `end` is inclusive to 23:59:59 in the SQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

ACCEPTED_FORMS = (
    "2024Q1 (quý), 2024Q1@nd09 (quý theo kỳ NĐ 09: 15/12–14/03), 2024-03 hoặc 'Tháng 3 năm 2024' (tháng), "
    "2024-03@nd09, "
    "2024H1 / 2024H2 (6 tháng), 2024-9M (9 tháng), 2024 (năm), 2024@nd09, "
    "2024-01-01..2024-03-25, 01/01/2024-25/03/2024, 01/01/2024..25/3/2024, 'từ 01/01/2024 đến 25/03/2024'"
)

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    def __init__(self, text: str, why: str = ""):
        super().__init__(
            f"kỳ báo cáo không hợp lệ: '{text}'{' (' + why + ')' if why else ''}. "
            f"Các dạng được chấp nhận: {ACCEPTED_FORMS}"
        )


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    kind: str  # quarter | month | half | nine_months | year | range
    rule: str = "calendar"  # calendar | nd09

    @property
    def title_vi(self) -> str:
        """How a report names the period: "Quý I năm 2024", "6 tháng đầu năm 2024", …"""
        y = self.end.year
        suffix = " (kỳ báo cáo theo Nghị định 09/2019/NĐ-CP)" if self.rule == "nd09" else ""
        if self.kind == "quarter":
            q = int(self.label[5])
            return f"Quý {ROMAN[q]} năm {y}{suffix}"
        if self.kind == "month":
            return f"Tháng {int(self.label[5:7])} năm {y}{suffix}"
        if self.kind == "half":
            return (f"6 tháng đầu năm {y}" if self.label[5] == "1" else f"6 tháng cuối năm {y}") + suffix
        if self.kind == "nine_months":
            return f"9 tháng năm {y}{suffix}"
        if self.kind == "year":
            return f"Năm {y}{suffix}"
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def range_vi(self) -> str:
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)


def _nd09(y: int, first_month: int, last_month: int) -> tuple[date, date]:
    """Nghị định 09/2019, Điều 12: from the 15th of the month before to the 14th."""
    start = date(y - 1, 12, 15) if first_month == 1 else date(y, first_month - 1, 15)
    return start, date(y, last_month, 14)


def _span(y: int, first: int, last: int, rule: str) -> tuple[date, date]:
    if rule == "nd09":
        return _nd09(y, first, last)
    return date(y, first, 1), _month_end(y, last)


_DMY = r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"
_ISO = r"(\d{4})-(\d{1,2})-(\d{1,2})"


def _date(d: str, m: str, y: str, text: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise PeriodError(text, f"ngày {d}/{m}/{y} không tồn tại") from None


FIRST_YEAR, LAST_YEAR = 2000, 2099  # dates outside are typing errors (README "Decisions", date_out_of_range)
# a month as officials write it: "Tháng 8 năm 2026", "tháng 8/2026", "Tháng 08-2026"
_MONTH_WORDS = re.compile(r"(?:tháng|thang)\s*(\d{1,2})\s*(?:năm|nam|/|-|\.)\s*(\d{4})")


def parse_period(text: str) -> Period:
    """The period a user typed; anything else (9999Q4, 0000, 31/02/2024-…) is a PeriodError, one line."""
    period = _parse(text)
    if not (period.start.year >= FIRST_YEAR and period.end.year <= LAST_YEAR):
        raise PeriodError(text, f"năm phải từ {FIRST_YEAR} đến {LAST_YEAR}")
    return period


def _parse(text: str) -> Period:
    raw = text
    m = re.search(r"\d{4}", text)
    if m and not FIRST_YEAR - 1 <= int(m[0]) <= LAST_YEAR + 1:  # before date() can refuse year 0 or 10000
        raise PeriodError(raw, f"năm phải từ {FIRST_YEAR} đến {LAST_YEAR}")
    t = unicodedata.normalize("NFC", text).strip()
    t = re.sub(r"\s+", " ", t)
    words, at, rule_text = t.partition("@")
    if m := _MONTH_WORDS.fullmatch(words.strip().lower()):
        t = f"{m[2]}-{int(m[1]):02d}{at}{rule_text}"
    rule = "calendar"
    if t.lower().endswith("@nd09"):
        rule, t = "nd09", t[:-5].strip()
    elif "@" in t:
        raise PeriodError(raw, "quy tắc sau '@' chỉ có thể là nd09")
    low = t.lower()
    if m := re.fullmatch(r"(\d{4})\s*q([1-4])", low):
        y, q = int(m[1]), int(m[2])
        s, e = _span(y, 3 * q - 2, 3 * q, rule)
        return Period(f"{y}Q{q}" + ("@nd09" if rule == "nd09" else ""), s, e, "quarter", rule)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", low):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise PeriodError(raw, "tháng phải từ 1 đến 12")
        s, e = _span(y, mo, mo, rule)
        return Period(f"{y}-{mo:02d}" + ("@nd09" if rule == "nd09" else ""), s, e, "month", rule)
    if m := re.fullmatch(r"(\d{4})\s*h([12])", low):
        y, h = int(m[1]), int(m[2])
        s, e = _span(y, 1 if h == 1 else 7, 6 if h == 1 else 12, rule)
        return Period(f"{y}H{h}" + ("@nd09" if rule == "nd09" else ""), s, e, "half", rule)
    if m := re.fullmatch(r"(\d{4})-?9m", low):
        y = int(m[1])
        s, e = _span(y, 1, 9, rule)
        return Period(f"{y}-9M" + ("@nd09" if rule == "nd09" else ""), s, e, "nine_months", rule)
    if m := re.fullmatch(r"(\d{4})", low):
        y = int(m[1])
        s, e = _span(y, 1, 12, rule)
        return Period(f"{y}" + ("@nd09" if rule == "nd09" else ""), s, e, "year", rule)
    if rule == "nd09":
        raise PeriodError(raw, "@nd09 chỉ dùng cho tháng, quý, 6 tháng, 9 tháng hoặc năm")
    words = re.sub(r"^(tu\s+ngay|từ\s+ngày|tu|từ)\s+", "", low)
    words = re.sub(r"\s+(den\s+ngay|đến\s+ngày|den|đến)\s+", "..", words)
    for pattern, order in (
        (rf"{_ISO}\s*(?:\.\.|–|—|\s-\s|\s+to\s+)\s*{_ISO}", "iso"),
        (rf"{_DMY}\s*(?:\.\.|–|—|-|\s+to\s+)\s*{_DMY}", "dmy"),
    ):
        if m := re.fullmatch(pattern, words):
            g = m.groups()
            if order == "iso":
                s, e = _date(g[2], g[1], g[0], raw), _date(g[5], g[4], g[3], raw)
            else:
                s, e = _date(g[0], g[1], g[2], raw), _date(g[3], g[4], g[5], raw)
            if e < s:
                raise PeriodError(raw, "ngày kết thúc trước ngày bắt đầu")
            return Period(f"{s:%Y-%m-%d}..{e:%Y-%m-%d}", s, e, "range")
    raise PeriodError(raw)


def quarter_of(day: date) -> Period:
    """The calendar quarter holding `day` (the nightly run writes the current quarter's sheets)."""
    return parse_period(f"{day.year}Q{(day.month - 1) // 3 + 1}")
