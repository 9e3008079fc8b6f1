"""The input archive: every input a run loaded, kept as it was, so `tthc rebuild` needs nothing else.

Each input is stored once, by content, as `<root>/objects/<ab>/<sha256>`: an independent read-only
copy of its bytes (a reflink where the filesystem shares blocks copy-on-write, btrfs or XFS; else a
plain copy). Never a hard link: a link is the office's own file under a second name, and
`cp next-export.csv a.csv` over the inbox file (or over its moved copy in the inbox archive) would
rewrite the archived object under its old SHA-256 name. Objects archived by 0.5.0 as hard links are
detached once (`detach_links`).

`<root>/index.tsv` lists each input with its day, SHA-256, name and size, one line per input in the
order loaded. Names are escaped (`escape_name`: backslash, tab, line breaks and other control
characters, and the bytes of a name that is not UTF-8, as `\\\\`, `\\t`, `\\n`, `\\xHH`), so one line is
always one input; an index written by 0.5.0 with a raw tab or line break in a name is still read.

Nothing here trusts an object: `verify` hashes it again (`tthc rebuild` does before using any).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

INDEX = "index.tsv"  # day, sha256, file name, size: one line per input, in the order loaded
HEADER = "day\tsha256\tname\tsize"
DETACHED = ".independent"  # written once every object is a file of its own (no hard links)
FICLONE = 0x40049409  # Linux ioctl: share the source's blocks copy-on-write (a reflink)
_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}\t[0-9a-f]{64}\t")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPE = re.compile(rb"\\(\\|t|n|r|x[0-9a-fA-F]{2})")


@dataclass(frozen=True)
class ArchivedInput:
    day: str
    sha256: str
    name: str  # as the file was named (a name that is not UTF-8 keeps its bytes: surrogateescape)
    size: int | None = None


def escape_name(name: str) -> str:
    """One line of the index for any file name: control characters and bytes that are not UTF-8
    (os.fsdecode keeps them as surrogates) written as backslash escapes."""
    out = []
    for ch in name:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif "\udc80" <= ch <= "\udcff":  # a byte of a name that is not UTF-8
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def unescape_name(text: str) -> str:
    """The name escape_name wrote, bytes that are not UTF-8 restored (surrogateescape)."""

    def one(m: re.Match[bytes]) -> bytes:
        code = m.group(1)
        return {b"\\": b"\\", b"t": b"\t", b"n": b"\n", b"r": b"\r"}.get(code) or bytes([int(code[1:], 16)])

    return _UNESCAPE.sub(one, text.encode("utf-8", "surrogateescape")).decode("utf-8", "surrogateescape")


def object_path(root: Path, sha: str) -> Path:
    return Path(root) / "objects" / sha[:2] / sha


def copy_independent(src: Path, dst: Path) -> None:
    """dst: a copy of src's bytes that no later write to src can change, made read-only and on disk."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        try:
            fcntl.ioctl(fout.fileno(), FICLONE, fin.fileno())
        except OSError:  # no reflinks here (ext4, tmpfs, another filesystem): copy the bytes
            shutil.copyfileobj(fin, fout, 1 << 20)
        fout.flush()
        os.fsync(fout.fileno())
    os.chmod(dst, 0o444)


def keep_inputs(files: list[tuple[Path, str, str]], root: Path, day: date) -> int:
    """Store each (path, sha256, name) once as an independent copy and list it in the index.
    Called before the warehouse that holds them is published, so what it holds is always archived.
    Returns how many new inputs were listed."""
    if not files:
        return 0
    root = Path(root)
    (root / "objects").mkdir(parents=True, exist_ok=True)
    detach_links(root)
    index = root / INDEX
    known = {a.sha256 for a in archived_inputs(root)}
    lines = [] if index.exists() else [HEADER]
    added = 0
    for path, sha, name in files:
        target = object_path(root, sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            part = target.with_name(sha + ".part")
            part.unlink(missing_ok=True)
            copy_independent(Path(path), part)
            os.replace(part, target)
        if sha not in known:
            known.add(sha)
            lines.append(f"{day.isoformat()}\t{sha}\t{escape_name(name)}\t{target.stat().st_size}")
            added += 1
    if added:
        with open(index, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    return added


def archived_inputs(root: Path) -> list[ArchivedInput]:
    """Every archived input, in the order loaded. A line of a 0.5.0 index that does not start with a
    day and a SHA-256 continues the name of the line before (a raw line break in a name); a raw tab
    in a name is a name with more than one field."""
    index = Path(root) / INDEX
    if not index.exists():
        return []
    records: list[list[str]] = []
    for line in index.read_text(encoding="utf-8", errors="surrogateescape").split("\n")[1:]:
        if _LINE.match(line):
            records.append(line.split("\t"))
        elif records and line:
            records[-1][-1] += "\n" + line  # the rest of a name cut by a raw line break
    out = []
    for fields in records:
        size = fields[-1] if len(fields) >= 4 and fields[-1].isdigit() else None
        name = "\t".join(fields[2 : -1 if size is not None else None])
        out.append(ArchivedInput(fields[0], fields[1], unescape_name(name), int(size) if size else None))
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(root: Path, item: ArchivedInput) -> str | None:
    """None when the object holds the bytes it is named after; else what is wrong, in one line."""
    path = object_path(root, item.sha256)
    try:
        found = file_sha256(path)
    except OSError as exc:
        return f"không đọc được {path} ({exc.strerror or exc})"
    if found != item.sha256:
        return f"{path} ({item.name}) đã bị thay đổi: SHA-256 là {found[:12]}…, không phải {item.sha256[:12]}…"
    return None


def detach_links(root: Path) -> int:
    """Objects archived as hard links (0.5.0) become independent copies, once; an object whose
    bytes no longer match its name is left as it is (verify names it). Returns how many."""
    root = Path(root)
    if (root / DETACHED).exists() or not (root / "objects").is_dir():
        return 0
    n = 0
    for obj in (root / "objects").glob("*/*"):
        if obj.suffix == ".part" or obj.stat().st_nlink < 2 or file_sha256(obj) != obj.name:
            continue
        part = obj.with_name(obj.name + ".part")
        part.unlink(missing_ok=True)
        copy_independent(obj, part)
        os.replace(part, obj)
        n += 1
    (root / DETACHED).touch()
    return n
