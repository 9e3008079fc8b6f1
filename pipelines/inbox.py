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
import stat
import time
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from pipelines.inputs_archive import file_sha256

__all__ = ["Discovery", "archive", "check_file", "discover", "file_sha256", "fingerprint", "safe_fingerprint"]

# .json: the portal's 766 dashboard responses public tools save (read by content, extract/reports.py)
EXPORT_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv", ".htm", ".html", ".ods", ".json"}
# files people put in an export folder by mistake (the signed report, a scan, a zipped export): taken
# like an export so the run lists each one as "not an export" with its reason, as when named
DOCUMENT_SUFFIXES = {".pdf", ".doc", ".docx", ".odt", ".rtf", ".xlsb", ".zip", ".rar", ".7z", ".jpg", ".jpeg", ".png"}
# names of files being written by a browser, an office suite or a copy tool
PARTIAL_MARKERS = (".part", ".crdownload", ".tmp", ".partial", ".download")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    waiting: list[Path] = field(default_factory=list)  # in the inbox, still being written
    # what cannot be read at all (a folder without permission, a FIFO, a broken link): path, reason
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def _is_export(f: Path) -> bool:
    name = f.name.lower()
    return (
        f.suffix.lower() in EXPORT_SUFFIXES | DOCUMENT_SUFFIXES
        and not name.startswith((".", "~$"))
        and not name.endswith(PARTIAL_MARKERS)
    )


def _young(st: os.stat_result, settle_seconds: float, now: float) -> bool:
    return settle_seconds > 0 and now - st.st_mtime < settle_seconds


def _special(mode: int) -> str | None:
    """Why a file that is not a regular file cannot be an export (opening a FIFO blocks)."""
    for test, what in (
        (stat.S_ISFIFO, "ống dẫn FIFO"),
        (stat.S_ISCHR, "thiết bị ký tự"),
        (stat.S_ISBLK, "thiết bị khối"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return f"không phải tệp thường ({what}), không đọc — not a regular file"
    return None if stat.S_ISREG(mode) else "không phải tệp thường — not a regular file"


def check_file(p: Path) -> tuple[os.stat_result | None, str | None]:
    """(stat, None) for a regular file this process can read; (None, reason) otherwise. Never
    opens the file: a FIFO or a device would block or hang the run."""
    try:
        st = os.stat(p)  # follows links: a broken link fails here
    except FileNotFoundError:
        return None, "liên kết hỏng, tệp đích không còn — broken link" if p.is_symlink() else "tệp không còn — gone"
    except PermissionError:
        return None, "không có quyền truy cập thư mục chứa tệp — permission denied"
    except OSError as exc:
        return None, f"không đọc được thông tin tệp ({exc.strerror}) — {exc.strerror}"
    reason = _special(st.st_mode)
    if reason:
        return None, reason
    if not os.access(p, os.R_OK):
        return None, "không có quyền đọc tệp — permission denied"
    return st, None


def _folder_error(out: Discovery, top: Path, exc: OSError) -> None:
    folder = Path(exc.filename or top)
    out.unreadable.append((folder, f"không mở được thư mục ({exc.strerror}) — unreadable folder"))


def discover(paths: list[Path], inbox: Path | None = None, settle_seconds: float = 0.0) -> Discovery:
    """Files given, and export files inside folders given (sorted: a stable load order). Files
    under `inbox` modified within `settle_seconds` go to `waiting` instead. A file or folder that
    cannot be read goes to `unreadable` with its reason; the others go on."""
    out = Discovery()
    now = time.time()
    inbox_dir = Path(inbox).absolute() if inbox is not None else None
    for p in map(Path, paths):
        if p.is_dir():
            in_inbox = inbox_dir is not None and (p.absolute() == inbox_dir or inbox_dir in p.absolute().parents)
            found: list[tuple[Path, os.stat_result]] = []

            for root, dirs, names in os.walk(p, onerror=partial(_folder_error, out, p)):
                dirs.sort()
                for name in names:
                    f = Path(root) / name
                    if not _is_export(f):
                        continue
                    st, reason = check_file(f)
                    if reason:
                        out.unreadable.append((f, reason))
                    else:
                        assert st is not None
                        found.append((f, st))
            for f, st in sorted(found):
                (out.waiting if in_inbox and _young(st, settle_seconds, now) else out.files).append(f)
        elif p.exists() or p.is_symlink():
            _, reason = check_file(p)
            if reason:
                out.unreadable.append((p, reason))
            else:
                out.files.append(p)
        else:
            raise FileNotFoundError(f"không tìm thấy '{p}' — no such file or folder")
    return out


def safe_fingerprint(path: Path) -> tuple[str | None, bool, str | None]:
    """fingerprint(), with a file that cannot be read (permission changed since discovery, an I/O
    error of its disk) as (None, False, reason) instead of an error that would stop the run."""
    try:
        sha, stable = fingerprint(path)
    except OSError as exc:
        return None, False, f"không đọc được tệp ({exc.strerror or exc}) — unreadable file"
    return sha, stable, None


def unreadable_key(path: Path) -> str:
    """The ingested_files key of a file that could not be read: by its path (no bytes to hash),
    so the next run tries it again and its record is replaced, not repeated."""
    return "unreadable-" + hashlib.sha256(str(Path(path).absolute()).encode()).hexdigest()[:48]


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
