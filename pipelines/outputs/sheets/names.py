"""File names and the standard lines that name the unit, the area and the period."""

from __future__ import annotations

import re

from pipelines.outputs.figures import UnitRef
from pipelines.rules.periods import Period
from pipelines.rules.text import strip_diacritics


def slug(text: str) -> str:
    """ASCII, lower-case, dash-separated: safe in every file system and e-mail client."""
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text).casefold()).strip("-") or "don-vi"


def workbook_name(commune: UnitRef, period: Period) -> str:
    """bieu06_13723_my-tan_2024Q1.xlsx; '..' and '@' of a period label become '_' and '-'."""
    label = re.sub(r"[^A-Za-z0-9_-]", "-", period.label.replace("..", "_").replace("@", "-"))
    code = re.sub(r"[^A-Za-z0-9]", "", commune.code)
    return f"bieu06_{code}_{slug(commune.name)}_{label}.xlsx"


def unit_line(commune: UnitRef) -> str:
    """ "Đơn vị: UBND xã Mỹ Tân (13723@2024)", the first line of every tab: the official name and
    the key (a GSO code alone names two units across the reform)."""
    return f"Đơn vị: {commune.label}"


def period_line(period: Period) -> str:
    if period.kind == "range":
        return f"Kỳ báo cáo: {period.title_vi}"
    return f"Kỳ báo cáo: {period.title_vi} ({period.range_vi})"


def area_line(commune: UnitRef) -> str:
    """ "Địa bàn: xã Mỹ Tân, huyện Mỹ Lộc, tỉnh Nam Định" in full, as the form is signed."""
    return f"Địa bàn: {commune.area}"


def sector_key(sector: str) -> tuple[str, str]:
    """Vietnamese-friendly order: "Đất đai" among the D's, not after "Văn hóa"."""
    return strip_diacritics(sector).casefold(), sector
