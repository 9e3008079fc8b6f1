"""Turn a positional grid batch into the canonical text table, dropping what is not data.

Only mapped columns are ever selected, so personal-data and unknown columns are left
behind here, at the first step, and never reach validation, quarantine or logs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.extract.header import HeaderLayout
from pipelines.rules.text import match_key, strip_diacritics
from pipelines.rules.vocab import ColumnMap, column_map

_FOOTER_MARKERS = (
    "tongcong",
    "tongso",
    "ghichu",
    "total",
) + (
    _SIGNATURE := (
        "nguoilap",  # Người lập biểu, Người lập sổ
        "thutruong",
        "lanhdao",
        "chutich",  # Chủ tịch UBND xã, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH
        "ktchutich",
        "phochutich",
        "tmuyban",
        "tmubnd",
        "xacnhan",
        "kyten",
        "kyghirohoten",
        "kydongdau",
        "noinhan",
        "luuvt",
        "canbobaocao",
        "quantri",
    )
)
_DATE_LINE = re.compile(r"ngay\d*thang\d*nam")
_PAGE_LINE = re.compile(r"^(?:cong|trang\d+\D*\d*|page\d+\D*\d*)$")  # "Cộng:", "Trang 1/3", "Page 2 of 5"
# group headings between case rows: "Lĩnh vực: Hộ tịch", "I. Lĩnh vực hộ tịch", "Tháng 10/2023", "Quý I"
_HEADING = re.compile(
    r"^(?:[ivx]+|\d{1,2}|[a-h])?(?:linhvuc|thang\d{1,2}(?:\d{4})?$|quy(?:[ivx]+|[1-4])(?:\d{4})?$|nam\d{4}$)"
)
_SECTOR_LINE = re.compile(r"^\s*(?:(?:[IVX]+|\d{1,2}|[A-Ha-h])\s*[.)/-]\s*)?linh\s*vuc\s*[:\-]\s*\S", re.IGNORECASE)
# a received date as any reader writes it: d/m/y, ISO, time first, yyyyMMdd[HHmmss], an Excel serial
_DATE_LIKE = r"^\s*(?:\d{1,4}\s*[/.\-:]\s*\d|\d{5,14}(?:\.\d+)?\s*$)"
# control characters (tab, LF, CR excepted): NULs from a broken save, terminal escapes. They
# would reach the quality report's terminal output and break the .xlsx/.docx writers.
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"


def canonical_schema(cmap: ColumnMap | None = None) -> pa.Schema:
    fields = [pa.field(c, pa.string()) for c in (cmap or column_map()).names()]
    # _present: the canonical columns the file's header has (comma-joined, one dictionary entry per
    # sheet): a column absent from the file is unknown for its cases, an empty cell is not
    return pa.schema(
        fields
        + [
            pa.field("_sheet", pa.string()),
            pa.field("_row", pa.int64()),
            pa.field("_present", pa.dictionary(pa.int32(), pa.string())),
        ]
    )


def is_footer_text(text: str | None) -> bool:
    """Totals, page and signature lines, "…, ngày … tháng … năm …", group headings."""
    key = match_key(text)
    return (
        not key
        or key.startswith(_FOOTER_MARKERS)
        or bool(_DATE_LINE.search(key) or _HEADING.match(key) or _PAGE_LINE.match(key))
    )


def is_signature(text: str | None) -> bool:
    """The signature block that ends a printed list: every line after it is part of it."""
    key = match_key(text)
    return bool(key) and (key.startswith(_SIGNATURE) or bool(_DATE_LINE.search(key)))


def sector_heading(text: str | None) -> str | None:
    """ "Lĩnh vực: Hộ tịch" (a title line or a group row) → "Hộ tịch"."""
    if not text:
        return None
    plain = strip_diacritics(unicodedata.normalize("NFC", str(text)))
    if not _SECTOR_LINE.match(plain):
        return None
    cut = re.search(r"[:\-]", plain[plain.casefold().index("vuc") :])
    if cut is None:
        return None
    start = plain.casefold().index("vuc") + cut.end()
    value = " ".join(str(text)[start:].split())
    return value or None


_GENERIC_SHEET = (
    "sheet",
    "trangtinh",
    "danhsach",
    "dshoso",
    "hoso",
    "baocao",
    "tonghop",
    "thongke",
    "export",
    "data",
    "sotheodoi",
    "bieu",
    "tthc",
)


def sheet_sector(name: str | None) -> str | None:
    """A sheet named for its lĩnh vực ("Hộ tịch", as the TT 03/2025 book is kept per lĩnh vực)
    gives the sector; "Sheet1", "Tháng 10", "Danh sách hồ sơ", "2024" do not."""
    key = match_key(name)
    if len(key) < 4 or any(ch.isdigit() for ch in key) or key.startswith(_GENERIC_SHEET):
        return None
    return " ".join(str(name).split())


@dataclass
class Shaped:
    table: pa.Table
    skipped: int
    headings: int = 0  # "Lĩnh vực: …" group rows that gave the sector of the rows below them


def shape(columns: dict[int, pa.Array], layout: HeaderLayout, sheet: str | None, rows: pa.Array) -> Shaped:
    """columns: grid position -> string array; rows: source row number of each element."""
    n = len(rows)
    out: dict[str, pa.Array] = {}
    for j, canonical in layout.mapping.items():
        arr = columns.get(j)
        out[canonical] = strip_controls(arr) if arr is not None else pa.nulls(n, pa.string())
    for canonical, source in layout.copies.items():  # received_at ← the filing date, without a reception column
        out[canonical] = out[source]
    cmap = layout.cmap or column_map()
    if layout.agency_hint and "agency" not in out:  # a one-unit export: its unit on every row
        out["agency"] = pa.array([layout.agency_hint] * n, pa.string())
    for name in cmap.names():
        out.setdefault(name, pa.nulls(n, pa.string()))
    out["_sheet"] = pa.array([sheet] * n, pa.string()) if n else pa.array([], pa.string())
    out["_row"] = rows
    mapped = ",".join(sorted(layout.present()))
    out["_present"] = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([mapped]))
    table = pa.table(out, schema=canonical_schema(cmap))
    keep, headings = _data_rows(table, layout)
    if "sector" not in layout.present():
        table = _fill_sector(table, layout, headings)
    if keep is None:
        return Shaped(table, 0, len(headings))
    kept = table.filter(keep)
    return Shaped(kept, n - kept.num_rows, len(headings))


def _fill_sector(table: pa.Table, layout: HeaderLayout, headings: list[tuple[int, str]]) -> pa.Table:
    """A file without a sector column: each row takes the "Lĩnh vực: …" group row above it, else
    the title's "Lĩnh vực" line or the sheet's name (layout.sector_hint); the last group row
    carries into the next batch."""
    first = layout.sector_carry or layout.sector_hint
    if not headings and first is None:
        return table
    positions = np.array([i for i, _ in headings], dtype=np.int64)
    labels = pa.array([first] + [label for _, label in headings], pa.string())
    which = np.searchsorted(positions, np.arange(table.num_rows), side="right")
    if headings:
        layout.sector_carry = headings[-1][1]
    at = table.schema.get_field_index("sector")
    return table.set_column(at, "sector", pc.take(labels, pa.array(which)))


def _has_controls(arr: pa.Array) -> bool:
    """A byte-level look at the value buffer (a superset of the values when sliced): no regex
    runs over a column unless one of its bytes is a control character."""
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    for chunk in chunks:
        if chunk.null_count == len(chunk) or not pa.types.is_string(chunk.type):
            continue
        data = chunk.buffers()[2]
        if data is None or data.size == 0:
            continue
        b = np.frombuffer(data, np.uint8)
        low = b < 32
        if not low.any() and not (b == 127).any():
            continue
        if (low & (b != 9) & (b != 10) & (b != 13)).any() or (b == 127).any():
            return True
    return False


def strip_controls(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if not _has_controls(arr):
        return arr
    return pc.replace_substring_regex(arr, _CONTROL, "")


def _blank(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.or_kleene(pc.is_null(arr), pc.equal(pc.utf8_trim_whitespace(arr), ""))


def _data_rows(table: pa.Table, layout: HeaderLayout) -> tuple[pa.Array | None, list[tuple[int, str]]]:
    """Mask of real case rows, and the "Lĩnh vực: …" group rows (position, sector).

    A case row always has its received date, so only rows without one written as a date are
    looked at (in Python: they are few). Such a row is not data when all it holds, in whichever
    columns, is footer wording (totals, "Người lập biểu", "Chủ tịch UBND xã", "…, ngày … tháng …
    năm …"), a group heading ("Lĩnh vực: Hộ tịch", "Tháng 10/2023"), a numbering row "(1) (2) …",
    numbers of a totals line, or a repeated header; after a signature line, the signer's name
    too. Anything else stays a data row and meets the row rules (and quarantine).
    """
    if table.num_rows == 0:
        return None, []
    mapped = sorted(layout.present())
    if "received_at" in mapped:
        dated = pc.fill_null(pc.match_substring_regex(table["received_at"], _DATE_LIKE), False)
        candidates = pc.invert(dated)
    else:
        core = [c for c in ("status",) if c in mapped] or mapped
        candidates = pc.fill_null(_blank(table[core[0]]), True)
    repeated = _repeated_header(table, layout)
    candidates = pc.or_(candidates, repeated)
    if not pc.any(candidates).as_py():
        return None, []
    blank = None  # rows with nothing in any mapped column: dropped without a look
    for name in mapped:
        b = pc.fill_null(_blank(table[name]), True)
        blank = b if blank is None else pc.and_(blank, b)
    assert blank is not None
    candidates = pc.and_(candidates, pc.invert(blank))
    if not pc.any(candidates).as_py():
        return pc.invert(blank), []
    idx = pc.indices_nonzero(candidates).to_pylist()
    rep = set(pc.indices_nonzero(repeated).to_pylist())
    cells = {name: pc.take(table[name], pa.array(idx, pa.int64())).to_pylist() for name in mapped}
    keep = np.invert(np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool))
    headings: list[tuple[int, str]] = []
    signed = False
    for k, i in enumerate(idx):
        texts = {name: str(cells[name][k]) for name in mapped if cells[name][k] and str(cells[name][k]).strip()}
        has_id = "case_id" in texts
        sector = next((h for h in map(sector_heading, texts.values()) if h), None)
        numbers = [t for t in texts.values() if match_key(t).isdigit()]
        if (
            i in rep
            or (sector and not has_id)
            or all(is_footer_text(t) or match_key(t).isdigit() and name != "case_id" for name, t in texts.items())
            or len(numbers) == len(texts) >= 3  # a numbering row (1) (2) (3) …
            or (signed and not has_id)
        ):
            keep[i] = False
            signed = signed or any(is_signature(t) for t in texts.values())
            if sector and len(texts) == 1:
                headings.append((i, sector))
    return pa.array(keep), headings


def _repeated_header(table: pa.Table, layout: HeaderLayout) -> pa.ChunkedArray:
    """Rows that repeat the header (page breaks in exported reports): two or more header cells."""
    hits = None
    for j, canonical in layout.mapping.items():
        name = layout.names[j]
        if not name:
            continue
        eq = pc.cast(pc.fill_null(pc.equal(pc.utf8_trim_whitespace(table[canonical]), name), False), pa.int8())
        hits = eq if hits is None else pc.add(hits, eq)
    if hits is None:
        return pc.fill_null(pc.equal(table["case_id"], "\x00"), False)
    return pc.greater_equal(hits, 2)
