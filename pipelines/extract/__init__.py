"""Read any portal export into canonical text batches plus a small report about the file.

One entry point, `open_export`, sniffs what the file really is and picks the reader;
every reader hands back positional columns and source row numbers, and `shape` maps
them onto the canonical columns of schemas/columns.csv.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from pipelines.extract.alignment import check_alignment, row_widths
from pipelines.extract.csv_reader import CsvPlan, NeedsExactPass
from pipelines.extract.errors import FileRejected, NoHeaderFound
from pipelines.extract.guard import NO_BUDGET, Budget, Limits, check_size
from pipelines.extract.header import HeaderLayout, export_time, title_unit
from pipelines.extract.shape import Shaped, sector_heading, shape, sheet_sector
from pipelines.extract.sniff import sniff
from pipelines.rules.vocab import ColumnMap, column_map

__all__ = [
    "Budget",
    "FileRejected",
    "Limits",
    "ExportInfo",
    "MalformedRow",
    "NeedsExactPass",
    "NoHeaderFound",
    "UnitHint",
    "open_export",
]


@dataclass
class MalformedRow:
    """A record that does not fit the header: quarantined as malformed_row. A longer record keeps
    its canonical cells by the header's positions and the cells past its width (the reason)."""

    sheet: str | None
    row: int
    values: dict[str, str] | None = None
    extra: list[str] | None = None


@dataclass
class ExportInfo:
    """What the extractor learned about one file; small and serialisable."""

    path: str
    kind: str = ""
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    exported_at: datetime | None = None
    unknown_columns: list[str] = field(default_factory=list)
    personal_columns: list[str] = field(default_factory=list)
    shadowed_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    sector_sources: list[str] = field(default_factory=list)  # where the sector came from without a column
    # canonical -> where its values came from when the file has no such column (the unit from the
    # title block or a setting, the received date from "Ngày nộp"): rules/vocab.column_source_notes
    column_sources: dict[str, str] = field(default_factory=dict)
    rows_skipped: int = 0  # blank lines, footers, repeated headers
    malformed_rows: list[MalformedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # CSV only: an exact re-read of the whole file, see NeedsExactPass
    restart: Callable[[], Iterator[pa.Table]] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class UnitHint:
    """The unit of a one-unit export without an agency column, given by the user (`tthc run
    --unit`, the setting `folder_units`): the name and, in words, where it came from."""

    name: str
    source: str


def _note_layout(
    info: ExportInfo,
    layout: HeaderLayout,
    title: list[list[str | None]],
    sheet: str | None = None,
    unit: UnitHint | None = None,
) -> None:
    for name in layout.unknown:
        if name not in info.unknown_columns:
            info.unknown_columns.append(name)
    for j in layout.personal:
        name = layout.names[j] or ""
        if name not in info.personal_columns:
            info.personal_columns.append(name)
    for name in layout.shadowed:
        if name not in info.shadowed_columns:
            info.shadowed_columns.append(name)
    info.exported_at = info.exported_at or export_time(title)
    cmap = layout.cmap or column_map()
    if "agency" in cmap.names() and "agency" not in layout.present():
        named = title_unit(title)
        if named:
            layout.agency_hint = named
            info.column_sources["agency"] = f"dòng «{named}» ở đầu trang"
        elif unit is not None:
            layout.agency_hint = unit.name
            info.column_sources["agency"] = unit.source
    for canonical, header in layout.fallbacks.items():
        info.column_sources[canonical] = f"«{header}»"
    _check_required(layout, cmap)
    present = layout.present() | ({"agency"} if layout.agency_hint else set())
    if "sector" not in present:
        from_title = next((h for row in title for h in map(sector_heading, row) if h), None)
        layout.sector_hint = from_title or sheet_sector(sheet)
        if layout.sector_hint:
            _add(info.sector_sources, "dòng «Lĩnh vực: …» ở đầu trang" if from_title else "tên trang tính")
    # columns absent from the file's header (any of its sheets): their values are unknown
    info.missing_columns += [c for c in cmap.names() if c not in present and c not in info.missing_columns]


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _shaped(info: ExportInfo, shaped: Shaped, layout: HeaderLayout, first: bool, where: str, widths=None) -> pa.Table:
    """Count what shape dropped; the first data of each header is checked to line up with it."""
    info.rows_skipped += shaped.skipped
    if shaped.headings:
        _add(info.sector_sources, "dòng «Lĩnh vực: …» trên các hồ sơ")
    if first and "case_id" in (layout.cmap or column_map()).names():  # case exports, not the catalogue
        check_alignment(shaped.table, layout, where, widths)
    return shaped.table


def _check_required(layout: HeaderLayout, cmap: ColumnMap) -> None:
    """The columns every figure needs (schemas/columns.csv `required`). Status and channel are not
    among them: without a status column the status follows from the dates, without a channel
    column the channel is unknown (transform/parse.py)."""
    present = layout.present() | ({"agency"} if layout.agency_hint else set())
    missing = [c.canonical for c in cmap.columns if c.required == "yes" and c.canonical not in present]
    names = set(cmap.names())
    if {"finished_at", "returned_at"} <= names and not {"finished_at", "returned_at"} & present:
        missing.append("finished_at")
    if not missing:
        return
    labels = ", ".join(cmap.label(c) for c in missing)
    if missing == ["agency"]:
        raise FileRejected(
            f"thiếu cột {labels} và đầu trang không ghi tên đơn vị (như «ỦY BAN NHÂN DÂN PHƯỜNG …» hoặc «Đơn vị: "
            'UBND xã …»): hãy chạy lại với tthc run --unit "<tên xã, phường>" <tệp>, hoặc khai báo thư mục của tệp '
            'trong cài đặt folder_units ("<thư mục> = <tên xã, phường>"), hoặc thêm cột Đơn vị giải quyết vào tệp '
            "— no agency column and no unit in the title: give --unit or folder_units"
        )
    if "case_id" in missing:
        raise FileRejected(
            f"thiếu cột Mã hồ sơ (thiếu: {labels}): không có mã hồ sơ thì các lần xuất của cùng một hồ sơ "
            "không ghép được với nhau (mỗi lần nạp sẽ đếm lại hồ sơ đó), nên tệp không được nạp — "
            "no case id column: snapshots of one case cannot be merged"
        )
    raise FileRejected(f"thiếu cột bắt buộc: {labels} — required column(s) missing: {', '.join(missing)}")


def open_export(
    path: Path,
    limits: Limits | None = None,
    budget: Budget = NO_BUDGET,
    cmap: ColumnMap | None = None,
    unit: UnitHint | None = None,
) -> tuple[ExportInfo, Iterator[pa.Table]]:
    """Plan the file (may raise FileRejected) and return an iterator of canonical tables.

    cmap: the column map headers are matched with (default: the case columns of
    schemas/columns.csv; the procedure catalogue passes its own).
    unit: the unit of a file without an agency column whose title block names none.

    Planning reads only headers; the iterator streams the data. The iterator may also
    raise FileRejected (e.g. an unreadable block deep in a CSV, a workbook over a cap, the
    time budget spent).
    """
    limits = limits or Limits()
    path = Path(path)
    info = ExportInfo(path=str(path))
    check_size(path, limits)
    info.kind = sniff(path, limits)
    if info.kind == "csv":
        return info, _csv(path, info, cmap, unit)
    if info.kind == "html":
        return info, _html(path, info, limits, cmap, unit)
    return info, _workbook(path, info, limits, budget, cmap, unit)


def _csv(path: Path, info: ExportInfo, cmap: ColumnMap | None, unit: UnitHint | None) -> Iterator[pa.Table]:
    from pipelines.extract.csv_reader import plan_csv, read_csv_batches

    plan = plan_csv(path, cmap)
    info.encoding = plan.label

    def restart() -> Iterator[pa.Table]:
        _reset(info, plan)
        return batches(exact=True)

    info.restart = restart
    _note_layout(info, plan.layout, plan.title, unit=unit)

    def batches(exact: bool = False) -> Iterator[pa.Table]:
        for n, (cols, rows) in enumerate(read_csv_batches(path, plan, exact=exact)):
            yield _shaped(info, shape(cols, plan.layout, None, rows), plan.layout, n == 0, "")
        info.rows_skipped += plan.footer_lines
        width = plan.width
        for n, record in plan.malformed:
            if record is None:
                info.malformed_rows.append(MalformedRow(None, n))
                continue
            values = {c: record[j] for j, c in plan.layout.mapping.items() if j < width and record[j].strip()}
            info.malformed_rows.append(MalformedRow(None, n, values, record[width:]))

    return batches()


def _reset(info: ExportInfo, plan: CsvPlan) -> None:
    info.encoding = plan.label  # a UTF-8 file found to hold Windows-1258 lines past its head
    info.rows_skipped = 0
    info.malformed_rows.clear()
    plan.footer_lines = 0
    plan.malformed.clear()


def _workbook(
    path: Path, info: ExportInfo, limits: Limits, budget: Budget, cmap: ColumnMap | None, unit: UnitHint | None
) -> Iterator[pa.Table]:
    from pipelines.extract.excel_reader import WorkbookPlan, read_workbook

    plan = WorkbookPlan()

    def batches() -> Iterator[pa.Table]:
        for sheet, cols, rows in read_workbook(path, info.kind, limits, plan, budget, cmap):
            first = sheet.name not in info.sheets
            if first:
                info.sheets.append(sheet.name)
                _note_layout(info, sheet.layout, sheet.title, sheet.name, unit)
            shaped = shape(cols, sheet.layout, sheet.name, rows)
            yield _shaped(info, shaped, sheet.layout, first, f"trang «{sheet.name}»")
        info.skipped_sheets = plan.skipped_sheets
        if not plan.sheets:
            raise NoHeaderFound(
                "không tìm thấy dòng tiêu đề ở trang nào (cần ít nhất 3 cột như Mã hồ sơ, Trạng thái, "
                "Ngày tiếp nhận) — "
                "no header row found in any sheet"
            )

    return batches()


def _html(
    path: Path, info: ExportInfo, limits: Limits, cmap: ColumnMap | None, unit: UnitHint | None
) -> Iterator[pa.Table]:
    from pipelines.extract.html_reader import plan_html, read_html_grid

    found = plan_html(path, limits, cmap)
    if not found:
        raise NoHeaderFound("không tìm thấy bảng có dòng tiêu đề trong tệp HTML — no header row found")
    for _, layout, title in found:
        _note_layout(info, layout, title, unit=unit)

    def batches() -> Iterator[pa.Table]:
        for i, (grid, layout, _) in enumerate(found):
            widths = row_widths(grid[layout.data_start :], len(grid[layout.header_row]))
            name = f"table{i + 1}" if len(found) > 1 else None
            for n, (cols, rows) in enumerate(read_html_grid(grid, layout)):
                yield _shaped(info, shape(cols, layout, name, rows), layout, n == 0, name or "", widths)

    return batches()
