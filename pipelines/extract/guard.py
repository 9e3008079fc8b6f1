"""Caps checked before a workbook is parsed: size, zip expansion, XML entities.

A reader is only as safe as the bytes it is handed: a 40 kB zip that expands to
gigabytes, or a DTD with nested entities, must be refused before calamine sees it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pipelines.extract.errors import FileRejected

_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"[^>]*>(.*?)</(?:\w+:)?row>", re.S)
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|t)\b[^>]*>[^<]")
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 512 * 1024 * 1024
    max_unzipped_bytes: int = 2 * 1024 * 1024 * 1024
    max_zip_ratio: int = 200
    max_cells: int = 60_000_000
    max_columns: int = 1_000


def check_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise FileRejected(
            f"tệp quá lớn ({size / 2**20:.0f} MiB > {limits.max_file_bytes / 2**20:.0f} MiB) — file over the size cap"
        )


def inspect_xlsx(path: Path, limits: Limits) -> list[int]:
    """Check the archive and return, per sheet in workbook order, the 0-based first used row."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if total > limits.max_unzipped_bytes or total / packed > limits.max_zip_ratio and total > 50 * 2**20:
                raise FileRejected(
                    f"tệp nén giãn nở bất thường ({packed} byte → {total} byte, nghi 'zip bomb') — "
                    "archive expands past the size cap"
                )
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as fh:
                        head = fh.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise FileRejected(
                            f"bảng tính chứa khai báo DTD/thực thể XML ({info.filename}) — XML entity declarations are refused"
                        )
            sheets = _sheet_parts(zf)
            return [_first_used_row(zf, part) for part in sheets]
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"tệp .xlsx bị hỏng hoặc không đầy đủ ({exc}) — corrupt or truncated workbook")
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise FileRejected(f"cấu trúc bảng tính không hợp lệ ({exc}) — malformed workbook XML")


def _sheet_parts(zf: zipfile.ZipFile) -> list[str | None]:
    try:
        wb = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: list[str | None] = []
    for sheet in wb.iter():
        if sheet.tag.endswith("}sheet"):
            target = targets.get(sheet.get(_NS_REL))
            if not target:
                parts.append(None)
                continue
            target = target.lstrip("/")
            parts.append(target if target.startswith("xl/") else "xl/" + target)
    return parts


def _first_used_row(zf: zipfile.ZipFile, part: str | None) -> int:
    """calamine trims leading empty rows; this gives them back so row numbers match Excel's."""
    if part is None or part not in zf.namelist():
        return 0
    with zf.open(part) as fh:
        head = fh.read(512 * 1024)
    for m in _ROW.finditer(head):
        if _HAS_VALUE.search(m.group(2)):
            return int(m.group(1)) - 1
    return 0
