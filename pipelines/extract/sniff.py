"""What a file really is, from its bytes (extensions lie: old "Excel" exports are HTML or CSV)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipelines.extract.errors import FileRejected
from pipelines.extract.guard import Limits, check_zip_entries

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# C0 controls other than tab, LF, CR (and ESC/SUB/FF, which do turn up in text): a few are
# stray bytes in a text export and are cleaned later; many mean the file is binary
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26, 27)) + b"\x7f"
BINARY_SHARE = 0.05


def sniff(path: Path, limits: Limits | None = None) -> str:
    """Return one of: xlsx, xls, ods, html, csv. Reject what cannot be a case export."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise FileRejected("tệp rỗng (0 byte) — empty file")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path, limits or Limits())
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith(b"%PDF"):
        raise FileRejected("tệp PDF, không phải bảng tính hay CSV — a PDF is not a case export")
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta", b"<head", b"<body", b"<h")):
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text with a BOM
    if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
        return "csv"  # UTF-16 without BOM: a NUL in every other byte
    binary = len(head) - len(head.translate(None, _BINARY_BYTES))
    if binary > BINARY_SHARE * len(head):
        raise FileRejected("tệp nhị phân không rõ định dạng — unknown binary file")
    return "csv"


def _zip_kind(path: Path, limits: Limits) -> str:
    check_zip_entries(path, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected(
            f"tệp .xlsx bị hỏng hoặc không đầy đủ (zip lỗi: {' '.join(str(exc).split())[:200]}) — "
            "corrupt or truncated workbook"
        ) from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        # calamine's .xlsb reader allocates the rectangle its cell records span before any check
        # can see it; portals never export .xlsb
        raise FileRejected(
            "bảng tính dạng .xlsb không được hỗ trợ, hãy lưu lại dạng .xlsx — binary workbook (.xlsb) not supported"
        )
    if "content.xml" in names:
        return "ods"
    raise FileRejected("tệp nén không phải bảng tính Excel — a zip archive that is not a workbook")


_ENCRYPTED_STREAMS = tuple(n.encode("utf-16-le") for n in ("EncryptionInfo", "EncryptedPackage"))


def _ole_kind(path: Path) -> str:
    """An OLE compound file is a legacy .xls, or an encrypted .xlsx (its package sits inside an
    OLE container as the streams EncryptionInfo / EncryptedPackage). Stream names live in
    128-byte directory entries that can be anywhere in the file: scan all of it."""
    with open(path, "rb") as fh:
        carry = b""
        offset = 0
        while True:
            block = fh.read(8 * 1024 * 1024)
            if not block:
                break
            data = carry + block
            base = offset - len(carry)
            for name in _ENCRYPTED_STREAMS:
                pos = data.find(name)
                while pos >= 0:
                    if (base + pos) % 128 == 0:  # the start of a directory entry
                        raise FileRejected(
                            "bảng tính có mật khẩu (mã hóa), không đọc được — password-protected workbook"
                        )
                    pos = data.find(name, pos + 1)
            carry = data[-64:]
            offset += len(block)
    return "xls"
