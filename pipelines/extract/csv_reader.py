"""CSV / "Unicode text" exports: encoding and separator sniffing, header under a title block,
streaming read into Arrow in bounded blocks.

The fast path is pyarrow's streaming reader (all columns as text). pyarrow cannot say on
which line a malformed record sits, so when a block holds one, that block and the rest of
the file are read again with Python's csv module, which numbers every record exactly.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.extract.errors import FileRejected, NoHeaderFound
from pipelines.extract.header import HeaderLayout, detect_header
from pipelines.extract.shape import is_footer_text
from pipelines.rules.vocab import ColumnMap, column_map

SNIFF_BYTES = 256 * 1024
MAX_FIELD = 256 * 1024 * 1024  # Python's csv module refuses fields over 128 kB by default
csv.field_size_limit(MAX_FIELD)
FALLBACK = "tthc-cp1258"  # decode error handler: a byte that is not UTF-8 is read as Windows-1258


def _cp1258_fallback(err: UnicodeError) -> tuple[str, int]:
    """A UTF-8 file with some lines saved in Windows-1258 (an office pasted old rows in): the
    bytes that are not valid UTF-8 are read as Windows-1258, so both kinds of lines read right."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start : err.end].decode("cp1258", errors="replace"), err.end


codecs.register_error(FALLBACK, _cp1258_fallback)


def _quiet_invalid_rows(unraisable: object, _previous=sys.unraisablehook) -> None:
    """pyarrow decodes a malformed row to hand it to our handler; when the row is not UTF-8 that
    fails inside pyarrow, which then raises ArrowInvalid (and we read the file exactly) but first
    prints the decode error as an 'unraisable' traceback. That one is expected: keep it quiet."""
    if (
        getattr(unraisable, "exc_type", None) is UnicodeDecodeError
        and getattr(getattr(unraisable, "object", None), "__name__", "") == "on_invalid"
    ):
        return
    _previous(unraisable)


sys.unraisablehook = _quiet_invalid_rows
SEPARATORS = (",", ";", "\t", "|")
# pyarrow's streaming reader reads ahead a number of blocks, not of bytes: with 24 MB blocks more
# than 1 GB was in flight on a 10M-row file while the parser lagged, and large blocks also cost
# page faults (1M rows: 2.0 s with 24 MB blocks, 1.0 s with 8 MB; ~0.5 GB in flight at most).
# Cutting the file into record-aligned chunks parsed on all cores was tried: slower (1.6 s).
STREAM_BLOCK_BYTES = 8 * 1024 * 1024
SLOW_BATCH = 50_000


@dataclass
class CsvPlan:
    encoding: str
    delimiter: str
    layout: HeaderLayout
    width: int
    title: list[list[str | None]]
    # record numbers, with the cells past the header's width of a longer record (None: shorter)
    malformed: list[tuple[int, list[str] | None]] = field(default_factory=list)
    footer_lines: int = 0
    mixed: bool = False  # UTF-8 with some Windows-1258 lines: read by the exact reader only

    @property
    def errors(self) -> str:
        return FALLBACK if self.encoding in ("utf-8", "utf-8-sig") else "replace"

    @property
    def label(self) -> str:
        return self.encoding + "+cp1258" if self.mixed else self.encoding


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) > 4 and head[1::2].count(0) > len(head) // 3:
        return "utf-16-le"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the sample
            return "utf-8"
        return "cp1258"


def mixed_utf8(head: bytes) -> bool:
    """Some lines valid multi-byte UTF-8 and others not: a UTF-8 file with Windows-1258 lines.
    (A Windows-1258 file almost never holds a valid UTF-8 multi-byte sequence.)"""
    lines = head.split(b"\n")[:-1]  # the last line of the sample may be cut
    utf8 = other = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            other += 1
    return utf8 > 0 and other > 0


def plan_csv(path: Path, cmap: ColumnMap | None = None) -> CsvPlan:
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    encoding = detect_encoding(head)
    mixed = encoding == "cp1258" and mixed_utf8(head)
    if mixed:
        encoding = "utf-8"
    text = head.decode(encoding, errors=FALLBACK if encoding.startswith("utf-8") else "replace")
    lines = text.splitlines(keepends=True)
    if len(head) == SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    sample = "".join(lines[:200])
    cmap = cmap or column_map()
    best: tuple[int, str, HeaderLayout, list[list[str | None]]] | None = None
    for sep in SEPARATORS:
        try:
            rows: list[list[str | None]] = [list(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=sep)]
        except csv.Error:  # e.g. a bare CR inside a field: not this separator's layout
            continue
        layout = detect_header(rows, cmap)
        if layout and (best is None or len(layout.mapping) > best[0]):
            best = (len(layout.mapping), sep, layout, rows)
    if best is None:
        if not text.strip():
            raise FileRejected("tệp rỗng — empty file")
        raise NoHeaderFound(
            "không tìm thấy dòng tiêu đề (cần ít nhất 3 cột như Mã hồ sơ, Trạng thái, Ngày tiếp nhận) — "
            "no header row found"
        )
    _, sep, layout, rows = best
    width = record_width(layout, rows[layout.data_start : layout.data_start + 50])
    return CsvPlan(encoding, sep, layout, width, rows[: layout.header_row], mixed=mixed)


def record_width(layout: HeaderLayout, data_rows: list[list[str | None]]) -> int:
    """The width of a record: the header's. Only when most data rows carry the same number of
    empty cells past it (every line ends with a separator the header line lacks) is that the
    width. One longer row is that row's problem, never the file's: an unquoted ';' typed in the
    last column of one row once made 8 of 9 valid rows 'malformed' and the file rejected."""
    header = len(layout.names)
    wider = [len(r) for r in data_rows if len(r) > header and not any((c or "").strip() for c in r[header:])]
    if wider and len(wider) * 2 > len([r for r in data_rows if len(r) > 1]):
        return max(set(wider), key=wider.count)
    return header


class NeedsExactPass(Exception):
    """The fast reader met a malformed or blank record before the footer: read again exactly."""


def trailing_nondata(path: Path, plan: CsvPlan) -> int:
    """How many records at the end of the file are not data-width (blank lines, footer)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 256 * 1024))
        tail = fh.read()
    text = tail.decode(plan.encoding.replace("utf-8-sig", "utf-8"), errors="replace")
    if plan.encoding.startswith("utf-16") and size > len(tail):
        text = tail[len(tail) % 2 :].decode("utf-16-le", errors="replace")
    try:
        records = list(csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=plan.delimiter))
    except csv.Error:
        return -1  # the tail cannot be split into records: the exact pass will number them
    count = 0
    for record in reversed(records[1:]):  # the first record of the tail may be cut
        if not record:
            continue  # pyarrow keeps a blank line as an all-null row: it is numbered, not malformed
        if len(record) == plan.width:
            break
        count += 1
    return count


def read_csv_batches(path: Path, plan: CsvPlan, exact: bool = False) -> Iterator[tuple[dict[int, pa.Array], pa.Array]]:
    """Yield (columns by grid position, 1-based record numbers) per block.

    pyarrow parses blocks ahead and cannot tell where a malformed record sits, so its numbering
    is exact only when every malformed record is part of the footer. That is checked at the end
    against the file's tail; otherwise NeedsExactPass asks the caller to read again with
    exact=True (Python's csv module, slower, every record numbered).
    """
    if exact or plan.mixed:
        yield from _slow_path(path, plan, skip_data=0)
        return
    names = [f"c{j}" for j in range(plan.width)]
    invalid: list[str] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row.text)
        return "skip"

    read_opts = pacsv.ReadOptions(
        skip_rows=plan.layout.data_start,
        column_names=names,
        block_size=STREAM_BLOCK_BYTES,
        encoding=plan.encoding.replace("utf-8-sig", "utf-8"),
        use_threads=True,
    )
    parse_opts = pacsv.ParseOptions(
        delimiter=plan.delimiter, invalid_row_handler=on_invalid, newlines_in_values=True, ignore_empty_lines=False
    )
    # only the mapped columns are converted: personal-data and unknown columns are tokenised (to
    # find the record boundaries) but never become Arrow arrays, which also saves their cost
    wanted = [j for j in sorted(plan.layout.mapping) if j < plan.width]
    conv_opts = pacsv.ConvertOptions(
        column_types={names[j]: pa.string() for j in wanted},
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
        include_columns=[names[j] for j in wanted],
    )
    done = 0
    for batch in _streamed_tables(path, plan, read_opts, parse_opts, conv_opts):
        n = batch.num_rows
        rows = pa.array(range(plan.layout.data_start + done + 1, plan.layout.data_start + done + n + 1), pa.int64())
        yield {j: batch.column(names[j]) for j in wanted}, rows
        done += n
    if invalid:
        footer_like = all(is_footer_text(_first_cell(t, plan.delimiter)) for t in invalid)
        if not footer_like or len(invalid) != trailing_nondata(path, plan):
            raise NeedsExactPass()
        plan.footer_lines += len(invalid)


def _streamed_tables(
    path: Path,
    plan: CsvPlan,
    read_opts: pacsv.ReadOptions,
    parse_opts: pacsv.ParseOptions,
    conv_opts: pacsv.ConvertOptions,
) -> Iterator[pa.RecordBatch]:
    try:
        reader = pacsv.open_csv(path, read_options=read_opts, parse_options=parse_opts, convert_options=conv_opts)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if "Empty CSV file" in str(exc):
            return
        _needs_exact(plan, exc)
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            _needs_exact(plan, exc)
        yield batch


def _needs_exact(plan: CsvPlan, exc: Exception) -> None:
    """What pyarrow cannot read (bytes that are not UTF-8 past the sniffed head, a line longer
    than a block) the exact reader can: read the file again with it."""
    if "utf8" in str(exc).lower().replace("-", "") and plan.encoding.startswith("utf-8"):
        plan.mixed = True
    raise NeedsExactPass() from exc


def _first_cell(text: str, sep: str) -> str:
    for cell in text.split(sep):
        if cell.strip().strip('"'):
            return cell.strip().strip('"')
    return ""


def _slow_path(path: Path, plan: CsvPlan, skip_data: int) -> Iterator[tuple[dict[int, pa.Array], pa.Array]]:
    """Exact record numbers; rows of the wrong width are recorded as malformed (or footer)."""
    try:
        yield from _slow_records(path, plan, skip_data)
    except (csv.Error, UnicodeError, OverflowError, MemoryError) as exc:
        raise FileRejected(f"không đọc được CSV ({' '.join(str(exc).split())[:200]}) — unreadable CSV") from None


def _slow_records(path: Path, plan: CsvPlan, skip_data: int) -> Iterator[tuple[dict[int, pa.Array], pa.Array]]:
    with open(path, encoding=plan.encoding, errors=plan.errors, newline="") as fh:
        reader = csv.reader(fh, delimiter=plan.delimiter)
        cols: list[list[str | None]] = [[] for _ in range(plan.width)]
        rows: list[int] = []
        for number, record in enumerate(reader, start=1):
            if number <= plan.layout.data_start:
                continue
            if len(record) > plan.width and not any(c.strip() for c in record[plan.width :]):
                record = record[: plan.width]  # a trailing separator: empty cells past the header
            if len(record) != plan.width:
                if len(record) < plan.width and is_footer_text(
                    _first_cell(plan.delimiter.join(record), plan.delimiter)
                ):
                    plan.footer_lines += 1  # blank line, "Tổng cộng", signatures
                elif len(record) > plan.width:
                    plan.malformed.append((number, record))  # the row, its extra cells at the end
                else:
                    plan.malformed.append((number, None))
                continue
            if skip_data > 0:
                skip_data -= 1
                continue
            for j in range(plan.width):
                v = record[j]
                cols[j].append(v if v != "" else None)
            rows.append(number)
            if len(rows) >= SLOW_BATCH:
                yield _arrays(cols), pa.array(rows, pa.int64())
                cols = [[] for _ in range(plan.width)]
                rows = []
        if rows:
            yield _arrays(cols), pa.array(rows, pa.int64())


def _arrays(cols: list[list[str | None]]) -> dict[int, pa.Array]:
    return {j: pa.array(c, pa.string()) for j, c in enumerate(cols)}
