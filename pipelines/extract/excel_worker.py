"""The workbook parser's own process: calamine (through fastexcel) reads every sheet as text and
writes each one as an Arrow IPC file; the parent maps them without copying.

Why a process: calamine is native code. On a hostile workbook it can abort the whole process
(a Rust panic that is not caught, an allocation of a huge cell rectangle) or eat memory; here it
can only end this process, under an address-space cap. And it lets the parent check the archive
(pipelines/extract/guard.py) at the same time, on the other core, instead of before.

    python pipelines/extract/excel_worker.py WORKBOOK OUT_DIR MAX_COLUMNS MAX_CELLS ADDRESS_SPACE [PARENT_PID]

With PARENT_PID it asks the kernel to kill it when that parent dies (no orphan after a SIGKILL).

It imports nothing of this project (a standalone script keeps its start-up short).

OUT_DIR/manifest.json lists, in workbook order, each sheet with its Arrow file or the error that
stopped it; an error opening the workbook is the manifest's "open_error".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return " ".join(lines[0].split())[:200] if lines else type(exc).__name__


def _fatal(exc: BaseException) -> bool:
    """calamine errors and Rust panics (pyo3's PanicException is a BaseException) are the file's
    fault and are reported; KeyboardInterrupt and SystemExit are not."""
    return not isinstance(exc, Exception) and type(exc).__name__ != "PanicException"


def cap_address_space(limit: int) -> None:
    """Lower this process's address-space limit (never above a limit it inherited). Set here,
    not in the parent between fork and exec, which is unsafe when the parent runs threads."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent dies (Linux prctl PR_SET_PDEATHSIG); exit at once if
    the parent is already gone. The same request as pipelines/children.py, made here because this
    script imports nothing of the project."""
    import contextlib
    import ctypes
    import os
    import signal

    with contextlib.suppress(OSError, AttributeError):  # not Linux: the parent still kills it on its way out
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        sys.exit(1)


def main(workbook: str, out_dir: str, max_columns: int, max_cells: int) -> int:
    import fastexcel
    import pyarrow as pa

    out = Path(out_dir)
    manifest: dict = {"sheets": []}

    def save() -> None:
        tmp = out / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        tmp.replace(out / "manifest.json")

    try:
        reader = fastexcel.read_excel(workbook)
        names = list(reader.sheet_names)
    except BaseException as exc:
        if _fatal(exc):
            raise
        manifest["open_error"] = _first_line(exc)
        save()
        return 0
    for idx, name in enumerate(names):
        entry: dict = {"name": name}
        manifest["sheets"].append(entry)
        try:
            sheet = reader.load_sheet(idx, header_row=None, dtypes="string")
            entry["width"], entry["height"] = sheet.width, sheet.total_height
            if sheet.width > max_columns or sheet.total_height * max(1, sheet.width) > max_cells:
                entry["over_cap"] = True  # the parent words the message; nothing converted
                break
            data = sheet.to_arrow()
            path = out / f"sheet{idx}.arrow"
            with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, data.schema) as writer:
                writer.write_batch(data)
            entry["arrow"] = path.name
        except BaseException as exc:
            if _fatal(exc):
                raise
            entry["error"] = _first_line(exc)
            break  # the parent rejects the file at its first unreadable sheet
    save()
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 6:
        die_with_parent(int(sys.argv[6]))
    cap_address_space(int(sys.argv[5]))
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
