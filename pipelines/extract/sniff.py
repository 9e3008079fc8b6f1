"""What a file really is, from its bytes (extensions lie: old "Excel" exports are HTML or CSV)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipelines.extract.errors import FileRejected

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path) -> str:
    """Return one of: xlsx, xls, html, csv. Reject what cannot be a case export."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise FileRejected("tệp rỗng (0 byte) — empty file")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith(b"%PDF"):
        raise FileRejected("tệp PDF, không phải bảng tính hay CSV — a PDF is not a case export")
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta", b"<head", b"<body", b"<h")):
        return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 without BOM has NULs in every other byte; anything else with NULs is binary
        if head[1::2].count(0) < len(head) // 4 and head[0::2].count(0) < len(head) // 4:
            raise FileRejected("tệp nhị phân không rõ định dạng — unknown binary file")
    return "csv"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRejected(f"tệp .xlsx bị hỏng hoặc không đầy đủ (zip lỗi: {exc}) — corrupt or truncated workbook")
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    raise FileRejected("tệp nén không phải bảng tính Excel — a zip archive that is not a workbook")


def _ole_kind(path: Path) -> str:
    with open(path, "rb") as fh:
        blob = fh.read(1 << 20)
    # encrypted OOXML is stored inside an OLE container with these streams
    if "EncryptionInfo".encode("utf-16-le") in blob or "EncryptedPackage".encode("utf-16-le") in blob:
        raise FileRejected("bảng tính có mật khẩu (mã hóa), không đọc được — password-protected workbook")
    return "xls"
