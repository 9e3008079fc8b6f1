"""The files a run takes: discovery, "is it complete yet?", fingerprints, the archive of the inbox.

Exports land in the inbox by hand, by a mail rule or by a copy from a network share; a nightly
run must not read a file that is still being written. A file found in the inbox whose
modification time is less than `settle_seconds` old, or whose size or modification time changes
while it is being hashed, waits for the next run and is reported. Files named on the command
line are taken as they are (the user vouches for them), as are files in other folders given.
After a successful run, the inbox files it loaded (or had loaded before) move to
`<inbox_archive>/<yyyy-mm-dd>/`, so the inbox holds only what is new.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

EXPORT_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv", ".htm", ".html", ".ods"}
# names of files being written by a browser, an office suite or a copy tool
PARTIAL_MARKERS = (".part", ".crdownload", ".tmp", ".partial", ".download")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)  # in the inbox, still being written


def _is_export(f: Path) -> bool:
    name = f.name.lower()
    return (
        f.suffix.lower() in EXPORT_SUFFIXES and not name.startswith((".", "~$")) and not name.endswith(PARTIAL_MARKERS)
    )


def _young(f: Path, settle_seconds: float, now: float) -> bool:
    return settle_seconds > 0 and now - f.stat().st_mtime < settle_seconds


def discover(paths: list[Path], inbox: Path | None = None, settle_seconds: float = 0.0) -> Discovery:
    """Files given, and export files inside folders given (sorted: a stable load order). Files
    under `inbox` modified within `settle_seconds` go to `waiting` instead."""
    out = Discovery()
    now = time.time()
    inbox_dir = Path(inbox).absolute() if inbox is not None else None
    for p in map(Path, paths):
        if p.is_dir():
            in_inbox = inbox_dir is not None and (p.absolute() == inbox_dir or inbox_dir in p.absolute().parents)
            for f in sorted(f for f in p.rglob("*") if f.is_file() and _is_export(f)):
                (out.waiting if in_inbox and _young(f, settle_seconds, now) else out.files).append(f)
        elif p.exists():
            out.files.append(p)
        else:
            raise FileNotFoundError(f"không tìm thấy '{p}' — no such file or folder")
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprint(path: Path) -> tuple[str, bool]:
    """(SHA-256, stable): stable is False when the file changed size or time while being read."""
    before = os.stat(path)
    sha = file_sha256(path)
    after = os.stat(path)
    return sha, (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)


def in_inbox(path: Path, inbox: Path) -> bool:
    inbox_dir = Path(inbox).absolute()
    return inbox_dir in Path(path).absolute().parents


def archive(paths: list[Path], inbox: Path, archive_dir: str | Path, day: date) -> list[Path]:
    """Move the inbox files among `paths` into <archive_dir>/<day>/ (keeping their folder below
    the inbox; a name already taken gets -1, -2, …). Returns where they went."""
    if not str(archive_dir):
        return []
    moved = []
    for p in map(Path, paths):
        if not p.exists() or not in_inbox(p, inbox):
            continue
        target = Path(archive_dir) / day.isoformat() / p.absolute().relative_to(Path(inbox).absolute())
        target.parent.mkdir(parents=True, exist_ok=True)
        n = 1
        candidate = target
        while candidate.exists():
            candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
            n += 1
        shutil.move(str(p), str(candidate))
        moved.append(candidate)
    return moved
