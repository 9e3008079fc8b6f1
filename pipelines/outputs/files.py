"""Writing what officials receive: whole or not at all, and a failure is one line, not a traceback.

python-docx and openpyxl write through zipfile straight into the target: a full disk left half a
file under the target's name and, as the ZipFile was collected, printed "Exception ignored in …"
with a traceback after the command's own one-line message. They now write into memory; the bytes go
to a hidden file beside the target, renamed when complete.
"""

from __future__ import annotations

import os
from pathlib import Path


def save_bytes(path: Path, data: bytes) -> Path:
    """`data` at `path`, whole or not at all. A target that exists and is not a regular file (a
    device, a pipe) is written as it is: it cannot be replaced, and must never be."""
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "wb") as fh:
            fh.write(data)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
