"""Turn a positional grid batch into the canonical text table, dropping what is not data.

Only mapped columns are ever selected, so personal-data and unknown columns are left
behind here, at the first step, and never reach validation, quarantine or logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.extract.header import HeaderLayout
from pipelines.rules.text import match_key
from pipelines.rules.vocab import ColumnMap, column_map

_FOOTER_MARKERS = (
    "tongcong",
    "tongso",
    "cong",
    "nguoilap",
    "nguoilapbieu",
    "thutruong",
    "lanhdao",
    "xacnhan",
    "kyten",
    "kyghirohoten",
    "trang",
    "page",
    "ghichu",
    "total",
)
_DATE_LINE = re.compile(r"ngay\d*thang\d*nam")
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
    key = match_key(text)
    return not key or key.startswith(_FOOTER_MARKERS) or bool(_DATE_LINE.search(key))


@dataclass
class Shaped:
    table: pa.Table
    skipped: int


def shape(columns: dict[int, pa.Array], layout: HeaderLayout, sheet: str | None, rows: pa.Array) -> Shaped:
    """columns: grid position -> string array; rows: source row number of each element."""
    n = len(rows)
    out: dict[str, pa.Array] = {}
    for j, canonical in layout.mapping.items():
        arr = columns.get(j)
        out[canonical] = strip_controls(arr) if arr is not None else pa.nulls(n, pa.string())
    cmap = layout.cmap or column_map()
    for name in cmap.names():
        out.setdefault(name, pa.nulls(n, pa.string()))
    out["_sheet"] = pa.array([sheet] * n, pa.string()) if n else pa.array([], pa.string())
    out["_row"] = rows
    mapped = ",".join(sorted(set(layout.mapping.values())))
    out["_present"] = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([mapped]))
    table = pa.table(out, schema=canonical_schema(cmap))
    keep = _data_rows(table, layout)
    if keep is None:
        return Shaped(table, 0)
    kept = table.filter(keep)
    return Shaped(kept, n - kept.num_rows)


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


def _data_rows(table: pa.Table, layout: HeaderLayout) -> pa.Array | None:
    """Mask of real case rows: blank lines, footers and repeated header rows are not data.

    A row with no received date and no status is a candidate; it is dropped when
    what it does hold is only footer wording ("Tổng cộng", "Người lập biểu", "…, ngày … tháng …").
    Anything else stays a data row and meets the row rules (and quarantine).
    """
    if table.num_rows == 0:
        return None
    mapped = sorted(set(layout.mapping.values()))
    core = [c for c in ("received_at", "status") if c in mapped] or mapped
    empty = _blank(table[core[0]])
    for name in core[1:]:
        empty = pc.and_(empty, _blank(table[name]))
    repeated = _repeated_header(table, layout)
    candidates = pc.or_(pc.fill_null(empty, True), repeated)
    if not pc.any(candidates).as_py():
        return None
    blank = pc.fill_null(empty, True)  # rows with nothing in any mapped column: dropped without a look
    for name in mapped:
        if name not in core:
            blank = pc.and_(blank, pc.fill_null(_blank(table[name]), True))
    candidates = pc.and_(candidates, pc.invert(blank))
    if not pc.any(candidates).as_py():
        return pc.invert(blank)
    idx = pc.indices_nonzero(candidates).to_pylist()  # few rows: decide each in Python
    rep = set(pc.indices_nonzero(repeated).to_pylist())
    cells = {name: pc.take(table[name], pa.array(idx, pa.int64())).to_pylist() for name in mapped}
    keep = np.invert(np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool))
    for k, i in enumerate(idx):
        texts = [cells[name][k] for name in mapped if cells[name][k] and str(cells[name][k]).strip()]
        if i in rep or all(is_footer_text(t) for t in texts):
            keep[i] = False
    return pa.array(keep)


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
