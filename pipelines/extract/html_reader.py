"""Old "Excel" exports that are really HTML tables (<table> saved as .xls)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
from lxml import etree, html

from pipelines.extract.csv_reader import detect_encoding
from pipelines.extract.errors import FileRejected
from pipelines.extract.guard import Limits
from pipelines.extract.header import HeaderLayout, detect_header
from pipelines.rules.vocab import ColumnMap, column_map


def html_grids(path: Path, limits: Limits | None = None) -> list[list[list[str | None]]]:
    """Each <table> as a grid of cell texts; colspan is expanded so positions line up."""
    limits = limits or Limits()
    size = path.stat().st_size
    if size > limits.max_html_bytes:  # the whole tree is held in memory, ~10x the file
        raise FileRejected(
            f"tệp HTML quá lớn để đọc ({size / 2**20:.0f} MiB > {limits.max_html_bytes / 2**20:.0f} MiB) — "
            "HTML export over the size cap"
        )
    raw = path.read_bytes()
    encoding = detect_encoding(raw[: 256 * 1024])
    parser = html.HTMLParser(
        encoding=encoding.replace("utf-8-sig", "utf-8"), no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        doc = etree.fromstring(raw, parser).getroottree()
    except (etree.ParserError, OSError, ValueError) as exc:
        raise FileRejected(f"không đọc được bảng HTML ({exc}) — unreadable HTML export") from None
    root = doc.getroot()
    if root is None:
        raise FileRejected("tệp HTML rỗng — empty HTML file")
    grids = []
    cells = 0
    for table in root.iter("table"):
        grid = []
        for tr in table.iter("tr"):
            row: list[str | None] = []
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                text = " ".join(cell.itertext()).strip() or None
                span = int(cell.get("colspan", "1") or 1) if str(cell.get("colspan", "1")).isdecimal() else 1
                row.append(text)
                row.extend([None] * (min(span, 100) - 1))
            cells += len(row)
            if cells > limits.max_cells:
                raise FileRejected(f"bảng HTML quá lớn (hơn {limits.max_cells} ô) — HTML table over the cell cap")
            grid.append(row)
        grids.append(grid)
    return grids


def plan_html(
    path: Path, limits: Limits | None = None, cmap: ColumnMap | None = None
) -> list[tuple[list[list[str | None]], HeaderLayout, list[list[str | None]]]]:
    cmap = cmap or column_map()
    found = []
    for grid in html_grids(path, limits):
        layout = detect_header(grid, cmap)
        if layout:
            found.append((grid, layout, grid[: layout.header_row]))
    return found


def read_html_grid(
    grid: list[list[str | None]], layout: HeaderLayout
) -> Iterator[tuple[dict[int, pa.Array], pa.Array]]:
    body = grid[layout.data_start :]
    cols = {j: pa.array([r[j] if j < len(r) else None for r in body], pa.string()) for j in layout.mapping}
    first = layout.data_start + 1
    yield cols, pa.array(range(first, first + len(body)), pa.int64())
