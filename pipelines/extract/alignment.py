"""Values that do not fit their columns: rows shifted against the header are rejected, never loaded.

A real exporter (Tân Dân DVC, `XuatDanhSachHoSoTable`) writes fewer cells per row than its header
has, so every value after the missing cell sits one column to the left. Such a file must be
refused with a message that names the shift, before its values become wrong cases. Only the forms
of the values are reported, never the values themselves (a shifted column may hold names).
"""

from __future__ import annotations

import re

import pyarrow as pa

from pipelines.extract.errors import FileRejected
from pipelines.extract.header import HeaderLayout
from pipelines.rules.text import match_key
from pipelines.rules.vocab import vocabularies

SAMPLE = 200  # non-blank values looked at per column
MIN_VALUES = 5  # fewer than this: too little to judge
FIT = 0.5  # a column fits when at least this share of its values has the column's form
# a date standing on its own (not the digits inside a DVCQG case id such as 000.00.13693.H40-…)
_DATE = re.compile(r"(?:^|\s)(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2})(?:\D|$)")
_NUMBER_DATE = re.compile(r"\d{8}(\d{6})?|\d{1,6}(\.\d+)?")  # yyyyMMdd[HHmmss], an Excel serial
DATE_COLUMNS = ("received_at", "due_at", "finished_at", "returned_at")


def looks_like_date(value: str) -> bool:
    v = value.strip()
    return bool(_DATE.search(v) or _NUMBER_DATE.fullmatch(v))


def _values(table: pa.Table, name: str) -> list[str]:
    out = []
    for v in table[name].slice(0, SAMPLE * 4).to_pylist():
        if v is not None and str(v).strip():
            out.append(str(v))
            if len(out) == SAMPLE:
                break
    return out


def misfits(table: pa.Table, layout: HeaderLayout) -> tuple[list[str], bool]:
    """What does not fit, in words, and whether it is strong enough to reject the file: a date
    column without dates, or case ids that are dates or status labels. Status or channel words
    outside the vocabulary are named but are not enough on their own: that is new vocabulary,
    left to the row rules (status_unknown, channel_unknown)."""
    names = {c: layout.names[j] or c for j, c in layout.mapping.items()}
    status_words = vocabularies()["status"]
    channel_words = vocabularies()["channel"]
    found: list[str] = []
    strong = False
    for canonical, header in names.items():
        values = _values(table, canonical)
        if len(values) < MIN_VALUES:
            continue
        n = len(values)
        if canonical in DATE_COLUMNS:
            fit = sum(looks_like_date(v) for v in values)
            if fit < FIT * n:
                found.append(f"cột '{header}': {fit}/{n} giá trị là ngày")
                strong = True
        elif canonical == "case_id":
            wrong = sum(looks_like_date(v) or match_key(v) in status_words for v in values)
            if wrong > (1 - FIT) * n:
                found.append(f"cột '{header}': {wrong}/{n} giá trị là ngày hoặc trạng thái, không phải mã hồ sơ")
                strong = True
        elif canonical in ("status", "channel"):
            words = status_words if canonical == "status" else channel_words
            fit = sum(match_key(v) in words for v in values)
            if fit < FIT * n:
                what = "trạng thái" if canonical == "status" else "hình thức nộp"
                found.append(f"cột '{header}': {fit}/{n} giá trị thuộc danh mục {what}")
    return found, strong


def check_alignment(
    table: pa.Table, layout: HeaderLayout, where: str = "", widths: tuple[int, int] | None = None
) -> None:
    """Raise FileRejected when the rows do not line up with the header.

    widths: (cells in most data rows, cells in the header) when the reader can count them (HTML
    tables); a difference is named first, it is the cause of the misfits that follow."""
    found, strong = misfits(table, layout)
    prefix = f"{where}: " if where else ""
    if widths and widths[0] != widths[1]:
        found.insert(0, f"mỗi dòng dữ liệu có {widths[0]} ô nhưng dòng tiêu đề có {widths[1]} cột")
        strong = strong or bool(found[1:])
    if not strong:
        return
    raise FileRejected(
        f"{prefix}các giá trị không khớp với tiêu đề cột ({'; '.join(found)}): dữ liệu bị lệch cột so với "
        "dòng tiêu đề, tệp không được nạp để không sinh số liệu sai — rows shifted against the header"
    )


def row_widths(body: list[list[str | None]], header_width: int) -> tuple[int, int] | None:
    """(the most common number of cells of the non-blank data rows, header width) of a grid whose
    rows keep their own lengths (HTML); None when there are no such rows."""
    counts: dict[int, int] = {}
    for row in body:
        if any(c is not None and str(c).strip() for c in row):
            counts[len(row)] = counts.get(len(row), 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda k: counts[k]), header_width
