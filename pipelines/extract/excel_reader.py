"""Workbooks (.xlsx, .xls, .ods) through fastexcel (calamine → Arrow), every cell as text.

calamine runs in its own process (pipelines/extract/excel_worker.py) under an address-space cap,
while this process checks the archive (guard.py): a hostile workbook can at worst end the worker,
and the check costs no time of its own (it used to run first: 1.2 s of a 6.2 s 200k-row file).
The header is found in the first rows of each sheet; only the mapped columns go on, so
personal-data columns are dropped here.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from pipelines.extract.errors import FileRejected
from pipelines.extract.guard import NO_BUDGET, Budget, Limits, inspect_xlsx
from pipelines.extract.header import SCAN_ROWS, HeaderLayout, detect_header
from pipelines.rules.vocab import ColumnMap, column_map


@dataclass
class SheetPlan:
    index: int
    name: str
    layout: HeaderLayout
    offset: int  # Excel row number of grid row 0, minus one
    title: list[list[str | None]]


@dataclass
class WorkbookPlan:
    sheets: list[SheetPlan] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)


def worker_address_space(limits: Limits) -> int:
    """The worker's address-space cap: room for the largest sheet the guard lets through
    (calamine and Arrow take ~100 bytes of address space per cell, measured) plus 1 GiB."""
    return 2**30 + 128 * limits.max_cells


def _open_failure(msg: str) -> FileRejected:
    if "password" in msg.lower() or "encrypt" in msg.lower():
        return FileRejected("bảng tính có mật khẩu (mã hóa), không đọc được — password-protected workbook")
    return FileRejected(f"không mở được bảng tính ({msg}) — unreadable workbook")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


class SheetWorker:
    """The calamine process of one workbook: started at once, collected with `sheets()`."""

    def __init__(self, path: Path, limits: Limits):
        self.limits = limits
        self.dir = Path(tempfile.mkdtemp(prefix="tthc-sheets-", dir=limits.work_dir))
        try:
            self.stderr = open(self.dir / "stderr.txt", "wb")  # noqa: SIM115 - closed in close(), with the worker
            # run as a script, not `-m pipelines.extract.…`: the package's imports would cost the worker 0.1 s
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).with_name("excel_worker.py")),
                    str(path),
                    str(self.dir),
                    str(limits.max_columns),
                    str(limits.max_cells),
                    str(worker_address_space(limits)),
                    str(os.getpid()),  # the worker dies with this process (SIGKILL included)
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
            )
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def sheets(self, budget: Budget) -> list[tuple[int, str, pa.RecordBatch]]:
        """Wait for the worker; every sheet it read, memory-mapped; FileRejected for what it could not."""
        try:
            code = self.proc.wait(timeout=budget.remaining())
        except subprocess.TimeoutExpired:
            self.close()
            raise FileRejected(
                f"xử lý tệp vượt quá thời gian cho phép ({budget.seconds:g} giây, khi đọc bảng tính) — "
                "over the per-file time budget (max_seconds)"
            ) from None
        manifest_path = self.dir / "manifest.json"
        if code != 0 or not manifest_path.exists():
            how = f"tín hiệu {_signal_name(-code)}" if code < 0 else f"mã thoát {code}"
            raise FileRejected(
                f"bộ đọc bảng tính dừng bất thường khi đọc tệp này ({how}) — the workbook reader crashed on this file"
            )
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if "open_error" in manifest:
            raise _open_failure(manifest["open_error"])
        out = []
        for idx, entry in enumerate(manifest["sheets"]):
            name = entry["name"]
            if entry.get("over_cap"):
                if entry["width"] > self.limits.max_columns:
                    raise FileRejected(
                        f"trang '{name}' có {entry['width']} cột (tối đa {self.limits.max_columns}) — sheet too wide"
                    )
                raise FileRejected(f"trang '{name}' quá lớn ({entry['height']} dòng) — sheet over the cell cap")
            if "error" in entry:
                raise FileRejected(f"không đọc được trang '{name}' ({entry['error']}) — unreadable sheet")
            with pa.memory_map(str(self.dir / entry["arrow"])) as source:
                out.append((idx, name, pa.ipc.open_file(source).get_batch(0)))
        return out

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)  # mapped sheets stay readable until released


XLS_OFFSETS_MAX_BYTES = 64 * 1024 * 1024  # BIFF8 holds at most 65,536 rows: real .xls files are far smaller


def xls_first_rows(path: Path) -> dict[str, int]:
    """Sheet name -> 0-based row of its first cell in a legacy .xls. calamine drops leading empty
    rows there too, and BIFF has no cheap index of them: xlrd (pure Python, ~1.5 s for 60k rows;
    it keeps no cell for a blank formatted one, as calamine) tells. Best effort: {} when unsure."""
    if path.stat().st_size > XLS_OFFSETS_MAX_BYTES:
        return {}
    try:
        import xlrd

        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO(), verbosity=0)
        out = {}
        for i in range(book.nsheets):
            sheet = book.sheet_by_index(i)
            out[sheet.name] = next(
                (
                    r
                    for r in range(sheet.nrows)
                    if any(c.ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) for c in sheet.row(r))
                ),
                0,
            )
            book.unload_sheet(i)
        return out
    except Exception:
        return {}


def _grid(batch: pa.RecordBatch) -> list[list[str | None]]:
    cols = [c.to_pylist() for c in batch.columns]
    return [list(r) for r in zip(*cols, strict=True)] if cols else []


def read_workbook(
    path: Path, kind: str, limits: Limits, plan: WorkbookPlan, budget: Budget = NO_BUDGET, cmap: ColumnMap | None = None
) -> Iterator[tuple[SheetPlan, dict[int, pa.Array], pa.Array]]:
    """Each sheet with a header: its plan, its columns below the header and Excel row numbers.

    The worker parses while this process checks the archive; a rejection by the check stops the
    worker. Sheets without a header (a cover sheet, a summary) are listed in plan.skipped_sheets.
    """
    worker = SheetWorker(path, limits)
    try:
        offsets = inspect_xlsx(path, limits, budget, kind) if kind in ("xlsx", "ods") else []
        first_rows = xls_first_rows(path) if kind == "xls" else {}
        budget.check("đọc bảng tính")
        sheets = worker.sheets(budget)
    finally:
        worker.close()
    if kind == "xls":
        offsets = [first_rows.get(name, 0) for _, name, _ in sheets]
    cmap = cmap or column_map()
    for idx, name, data in sheets:
        budget.check(f"đọc trang '{name}'")
        grid = _grid(data.slice(0, SCAN_ROWS))
        layout = detect_header(grid, cmap)
        if layout is None:
            plan.skipped_sheets.append(name)
            continue
        sp = SheetPlan(idx, name, layout, offsets[idx] if idx < len(offsets) else 0, grid[: layout.header_row])
        plan.sheets.append(sp)
        body = data.slice(layout.data_start)
        columns = {pos: body.column(pos) for pos in sorted(layout.mapping) if pos < body.num_columns}
        first = sp.offset + layout.data_start + 1
        yield sp, columns, pa.array(range(first, first + body.num_rows), pa.int64())
