"""Find the header row of an export under its title block, including two-row merged headers.

The header is the first row that matches enough known column names (canonical or
personal-data aliases); the row below it continues the header when it names columns
the first row did not (the "Nhận và trả kết quả" → "Nhận hồ sơ / Hẹn trả / Trả kết quả"
layout).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from pipelines.rules.text import clean_text, match_key, strip_diacritics
from pipelines.rules.vocab import ColumnMap

MIN_MATCHES = 3
SCAN_ROWS = 60

_EXPORT_LINE = re.compile(
    r"ngay\s*xuat\s*:?\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?",
    re.IGNORECASE,
)


@dataclass
class HeaderLayout:
    header_row: int  # 0-based index of the first header row in the grid
    n_rows: int  # 1 or 2
    names: list[str | None]  # display name per grid column (as the file wrote it)
    mapping: dict[int, str]  # grid column -> canonical column
    personal: list[int] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    shadowed: list[str] = field(default_factory=list)  # second alias of an already-mapped column
    header_keys: dict[int, str] = field(default_factory=dict)  # for spotting repeated headers
    cmap: ColumnMap | None = field(default=None, repr=False)  # the column map it was matched with
    # without a sector column: the title's "Lĩnh vực: …" line or the sheet's name, and the last
    # "Lĩnh vực: …" group row met so far (extract/shape.py fills the sector from them)
    sector_hint: str | None = None
    sector_carry: str | None = None
    # without an agency column: the unit named by the title block, `--unit` or the folder's
    # setting (extract/__init__.py), written into every row as if it were the agency column
    agency_hint: str | None = None
    # canonical -> header of the file that stands in for it (schemas/columns.csv `fallback`), and
    # canonical -> the canonical column whose values it takes (received_at ← filed_at)
    fallbacks: dict[str, str] = field(default_factory=dict)
    copies: dict[str, str] = field(default_factory=dict)

    def present(self) -> set[str]:
        """The canonical columns the file gives values for (its own or a stand-in's)."""
        return set(self.mapping.values()) | set(self.copies)

    @property
    def data_start(self) -> int:
        return self.header_row + self.n_rows


def _row_matches(row: list[str | None], cmap: ColumnMap) -> tuple[int, set[int]]:
    """Number of distinct known columns in the row and the grid positions that matched."""
    canon: set[str] = set()
    positions: set[int] = set()
    for j, cell in enumerate(row):
        if cell is None or not str(cell).strip():
            continue
        hit = cmap.lookup(cell)
        if hit:
            canon.add(hit[0])
            positions.add(j)
        elif cmap.is_personal(cell):
            canon.add("personal:" + match_key(cell))
            positions.add(j)
    return len(canon), positions


def detect_header(grid: list[list[str | None]], cmap: ColumnMap) -> HeaderLayout | None:
    """Return the header layout, or None when no row looks like a header."""
    for i, row in enumerate(grid[:SCAN_ROWS]):
        score, positions = _row_matches(row, cmap)
        if score < MIN_MATCHES:
            continue
        below = grid[i + 1] if i + 1 < len(grid) else []
        _, below_pos = _row_matches(below, cmap)
        two_rows = bool(below_pos - positions)
        return _layout(grid, i, 2 if two_rows else 1, cmap)
    return None


def _layout(grid: list[list[str | None]], i: int, n: int, cmap: ColumnMap) -> HeaderLayout:
    width = max(len(grid[i]), len(grid[i + 1]) if n == 2 and i + 1 < len(grid) else 0)
    top = list(grid[i]) + [None] * (width - len(grid[i]))
    bottom = (list(grid[i + 1]) + [None] * (width - len(grid[i + 1]))) if n == 2 else [None] * width
    names: list[str | None] = []
    for j in range(width):
        t, b = clean_text(_s(top[j])), clean_text(_s(bottom[j]))
        if b and (cmap.lookup(b) or cmap.is_personal(b)):
            names.append(b)
        elif t and (cmap.lookup(t) or cmap.is_personal(t)):
            names.append(t)
        else:
            names.append(b or t)
    mapping: dict[int, str] = {}
    ranks: dict[str, tuple[int, int]] = {}
    layout = HeaderLayout(i, n, names, mapping, cmap=cmap)
    for j, name in enumerate(names):
        if not name:
            continue
        layout.header_keys[j] = match_key(name)
        hit = cmap.lookup(name)
        if hit is None:
            if cmap.is_personal(name):
                layout.personal.append(j)
            elif not cmap.is_ignored(name):
                layout.unknown.append(name)
            continue
        canonical, rank = hit
        if canonical in ranks:
            prev_j, prev_rank = ranks[canonical]
            if rank < prev_rank:  # the alias listed first in the column map wins
                layout.shadowed.append(names[prev_j] or "")
                ranks[canonical] = (j, rank)
            else:
                layout.shadowed.append(name)
            continue
        ranks[canonical] = (j, rank)
    layout.mapping.update({j: c for c, (j, _) in ranks.items()})
    for (
        canonical,
        source,
    ) in cmap.fallbacks.items():  # the filing date is the received date only without a reception column
        if canonical not in ranks and source in ranks:
            layout.copies[canonical] = source
            layout.fallbacks[canonical] = names[ranks[source][0]] or ""
    return layout


def _s(value: object) -> str | None:
    return None if value is None else str(value)


# "Đơn vị: UBND phường Thiên Trường", "Đơn vị báo cáo: …", "Cơ quan: …" ("Đơn vị tính: hồ sơ" is not one)
_UNIT_LINE = re.compile(
    r"^\s*(?:ten\s+)?(?:don\s*vi|co\s*quan)(?:\s+(?:bao\s*cao|thuc\s*hien|giai\s*quyet))?\s*:\s*\S", re.I
)
_COMMUNE_TYPES = ("xa", "phuong", "thitran", "dackhu")  # the units cases resolve to (schemas/unit_types.csv)


def title_unit(lines: list[list[str | None]]) -> str | None:
    """The unit a one-unit export names in its title block, as written: "ỦY BAN NHÂN DÂN PHƯỜNG
    THIÊN TRƯỜNG" (one line, or "ỦY BAN NHÂN DÂN" over "PHƯỜNG THIÊN TRƯỜNG"), "UBND xã Mỹ Tân",
    "Đơn vị: UBND phường Thiên Trường". Only a commune-level unit (xã, phường, thị trấn, đặc khu)
    after an agency prefix (schemas/agency_prefixes.csv) counts: "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" do not."""
    from pipelines.rules.vocab import agency_prefixes

    texts = [t for row in lines for cell in row if cell for part in str(cell).splitlines() if (t := clean_text(part))]
    for i, text in enumerate(texts):
        plain = strip_diacritics(unicodedata.normalize("NFC", text))
        if m := _UNIT_LINE.match(plain):
            return clean_text(text[m.end() - 1 :])
        key = match_key(text)
        for prefix in agency_prefixes():
            if not key.startswith(prefix):
                continue
            rest = key[len(prefix) :]
            if rest.startswith(_COMMUNE_TYPES) and rest not in _COMMUNE_TYPES:
                return text
            if not rest and i + 1 < len(texts) and match_key(texts[i + 1]).startswith(_COMMUNE_TYPES):
                return f"{text} {texts[i + 1]}"
            break
    return None


def export_time(lines: list[list[str | None]]) -> datetime | None:
    """The "Ngày xuất: dd/mm/yyyy HH:MM" line of a title block, when there is one."""
    for row in lines:
        for cell in row:
            if not cell:
                continue
            m = _EXPORT_LINE.search(strip_diacritics(unicodedata.normalize("NFC", str(cell))))
            if m:
                d, mo, y, hh, mi, ss = m.groups()
                try:
                    return datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
                except ValueError:
                    return None
    return None
