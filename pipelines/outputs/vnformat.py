"""Vietnamese number formats: 1.234 for counts, 97,73 % for rates; unknown says so in words."""

from __future__ import annotations

UNKNOWN = "chưa có số liệu"


def vn_int(value: float | int | None) -> str:
    if value is None:
        return UNKNOWN
    return f"{int(round(value)):,}".replace(",", ".")


def vn_count(value: float | int | None, unit: str = "hồ sơ") -> str:
    """12 → '12 hồ sơ'; None → 'chưa có số liệu' (no unit after words)."""
    return UNKNOWN if value is None else f"{vn_int(value)} {unit}"


def vn_pct(value: float | None) -> str:
    """97.73 → '97,73 %'; 100.0 → '100 %' (as reports write a whole rate); None → 'chưa có số liệu'."""
    if value is None:
        return UNKNOWN
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if text.endswith(",00"):
        text = text[:-3]
    return f"{text} %"


def vn_points(value: float | None) -> str:
    """Points of the 766 score: 13.33 → '13,33', 20.0 → '20'; None → 'chưa có số liệu'."""
    if value is None:
        return UNKNOWN
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-3] if text.endswith(",00") else text


def vn_num(value: float | int | None, decimals: int = 2) -> str:
    """85.5 → '85,5'; 1234.25 → '1.234,25'; 20.0 → '20' (points, days); None → 'chưa có số liệu'."""
    if value is None:
        return UNKNOWN
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text
