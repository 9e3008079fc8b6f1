"""Benchmark exports: one flat file of N cases in the layout of file 2 (`write_big_csv`) or of
file 1 on a single sheet (`write_big_xlsx`), whole year as of 06/01/2025, chunk by chunk."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.cell_range import CellRange

from .bigcases import _C_NAME, _DAY0, _big_chunks, _col
from .model import COMMUNES, EXPORT_B, PROCEDURES, YEAR_END
from .render_csv import IGATE_HEADERS
from .render_xlsx import A_HEADERS, FMT_DATE, FMT_DATETIME, GROUP, _set_properties
from .wording import (
    AGENCY_FORMS,
    CHANNEL_A,
    CHANNEL_IGATE,
    STATUS_A,
    STATUS_IGATE,
    _footer_lines,
    _title_lines,
)

_C_CODE = _col(c.agency_code + "-" for c in COMMUNES)
_P_CODE = _col(p.code for p in PROCEDURES)
_P_NAME = _col(p.name for p in PROCEDURES)
_P_SECTOR = _col(p.sector for p in PROCEDURES)
_P_LEVEL = _col(p.level for p in PROCEDURES)
_AGENCY = _col(f.format(c.name) for c in COMMUNES for f in AGENCY_FORMS)  # commune*4 + form

_TABLE_DAYS = [date(2023, 12, 1) + timedelta(days=i) for i in range(3 * 366)]
_DMY = _col(f"{d.day:02d}/{d.month:02d}/{d.year}" for d in _TABLE_DAYS)
_DMY_LOOSE = _col(f"{d.day}/{d.month}/{d.year}" for d in _TABLE_DAYS)
_YYMMDD = _col(f"{d:%y%m%d}-" for d in _TABLE_DAYS)
_HM = _col(f" {m // 60:02d}:{m % 60:02d}" for m in range(1440))
_SS = _col(f":{s:02d}" for s in range(60))
_SEQ = _col(f"{i:04d}" for i in range(10000))

_BIG_IGATE_STATUS = _col(STATUS_IGATE.get(i, "") for i in range(11))
_BIG_A_STATUS = _col(STATUS_A.get(i, "") for i in range(11))
_CHANNELS = ("direct", "online", "postal")  # index = DVCQG code - 1
_BIG_IGATE_CHANNEL = _col(CHANNEL_IGATE[c] for c in _CHANNELS)
_BIG_A_CHANNEL = _col(CHANNEL_A[c] for c in _CHANNELS)


def _fmt_seq(seq: np.ndarray) -> np.ndarray:
    small = seq < len(_SEQ)
    out = np.empty(len(seq), dtype=object)
    out[small] = _SEQ[seq[small]]
    out[~small] = _col(str(s) for s in seq[~small])
    return out


def _v_date(ts: np.ndarray, with_time: bool, seconds: bool = False, loose: bool = False) -> np.ndarray:
    """Vectorised dd/mm/yyyy[ HH:MM[:SS]] (or unpadded d/m/yyyy) through lookup tables."""
    out = np.full(len(ts), "", dtype=object)
    ok = ~np.isnat(ts)
    day = ts[ok].astype("datetime64[D]")
    text = (_DMY_LOOSE if loose else _DMY)[(day - _DAY0).astype(np.int64)]
    if with_time:
        tod = (ts[ok] - day).astype(np.int64)
        text = text + _HM[tod // 60]
        if seconds:
            text = text + _SS[tod % 60]
    out[ok] = text
    return out


def _v_case_id(d: dict[str, np.ndarray]) -> np.ndarray:
    yymmdd = _YYMMDD[(d["day"] - _DAY0).astype(np.int64)]
    return _C_CODE[d["commune"]] + yymmdd + _fmt_seq(d["seq"])


def _v_flag(values: np.ndarray, yes: str, no: str) -> np.ndarray:
    return np.where(values == 1, yes, np.where(values == 0, no, "")).astype(object)


def _big_igate_columns(d: dict[str, np.ndarray], people: dict[str, np.ndarray]) -> list[list]:
    """The columns of file 2 (iGate CSV), as lists of strings."""
    due_plain = _v_date(d["due"], with_time=False, loose=True)
    due_timed = _v_date(d["due"], with_time=True)
    columns = [
        _v_case_id(d),
        _P_CODE[d["proc"]],
        _P_NAME[d["proc"]],
        _P_SECTOR[d["proc"]],
        _AGENCY[d["commune"] * len(AGENCY_FORMS) + d["variant"]],
        _BIG_IGATE_CHANNEL[d["channel"] - 1],
        _P_LEVEL[d["proc"]],
        people["name"],
        people["id_number"],
        people["phone"],
        _v_date(d["received"], with_time=True, seconds=True),
        np.where(d["timed"], due_timed, due_plain),
        _v_date(d["finished"], with_time=True),
        _v_date(d["returned"], with_time=False, loose=True),
        _BIG_IGATE_STATUS[d["status"]],
        np.where(d["digitized"], "1", "0").astype(object),
        d["fee"].astype(str).astype(object),
        _v_flag(d["paid"], "Có", "Không"),
        _v_flag(d["e_result"], "Có", "Không"),
        np.full(len(d["rows"]), "", dtype=object),
    ]
    return [c.tolist() for c in columns]


def _check_static_fields(delimiter: str) -> None:
    """Free-text lookups are written unquoted in the fast path; they must not need quoting."""
    for text in (*_P_NAME, *_P_SECTOR, *_AGENCY, *_C_NAME, *STATUS_IGATE.values()):
        if delimiter in text or '"' in text:
            raise ValueError(f"needs quoting: {text!r}")


def write_big_csv(path: Path, n_rows: int, seed: int = 1) -> Path:
    """One flat iGate-style export (layout of file 2) with n_rows cases, chunk by chunk."""
    path = Path(path)
    _check_static_fields(";")
    head = [*_title_lines(YEAR_END, EXPORT_B)[:-1], "", ";".join(IGATE_HEADERS)]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("\r\n".join(head) + "\r\n")
        for d, people in _big_chunks(n_rows, seed):
            rows = zip(*_big_igate_columns(d, people), strict=True)
            while block := list(itertools.islice(rows, 10_000)):
                out.write("\r\n".join(map(";".join, block)) + "\r\n")
        out.write("\r\n".join(_footer_lines(n_rows)) + "\r\n")
    return path


def _big_a_rows(
    d: dict[str, np.ndarray],
    people: dict[str, np.ndarray],
    received_cell: WriteOnlyCell,
    due_cells: tuple[WriteOnlyCell, WriteOnlyCell],
) -> Iterator[list[object]]:
    """Rows in the layout of file 1; the date cells are reused, styled WriteOnlyCells."""
    due_timed = np.where(d["timed"], 1, 0).tolist()
    cols = [
        (d["rows"] + 1).tolist(),
        _v_case_id(d).tolist(),
        _P_CODE[d["proc"]].tolist(),
        _P_NAME[d["proc"]].tolist(),
        _P_SECTOR[d["proc"]].tolist(),
        _AGENCY[d["commune"] * len(AGENCY_FORMS) + d["variant"]].tolist(),
        _BIG_A_CHANNEL[d["channel"] - 1].tolist(),
        _P_LEVEL[d["proc"]].tolist(),
        people["name"].tolist(),
        people["id_number"].tolist(),
        people["phone"].tolist(),
        people["address"].tolist(),
        d["received"].astype(object).tolist(),
        d["due"].astype(object).tolist(),
        _v_date(d["returned"], with_time=False).tolist(),
        _v_date(d["finished"], with_time=True).tolist(),
        _BIG_A_STATUS[d["status"]].tolist(),
        np.where(d["digitized"], "x", "").tolist(),
        d["fee"].tolist(),
        _v_flag(d["paid"], "Có", "Không").tolist(),
        _v_flag(d["e_result"], "Có", "Không").tolist(),
    ]
    for values, timed in zip(zip(*cols, strict=True), due_timed, strict=True):
        row = [None if v == "" else v for v in values]
        received_cell.value = row[12]
        row[12] = received_cell
        if row[13] is not None:
            cell = due_cells[timed]
            cell.value = row[13]
            row[13] = cell
        yield row


def write_big_xlsx(path: Path, n_rows: int, seed: int = 1) -> Path:
    """One flat export in the layout of file 1 (one sheet), written in openpyxl write-only mode."""
    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách hồ sơ")
    title = _title_lines(YEAR_END, EXPORT_B)
    width = len(A_HEADERS)
    for i, text in enumerate(title, start=1):
        ws.append([text] if text else [])
        if text:
            ws.merged_cells.add(CellRange(min_col=1, min_row=i, max_col=width, max_row=i))
    top = len(title) + 1
    group_cols = [i + 1 for i, (g, _) in enumerate(A_HEADERS) if g == GROUP]
    upper = [h if g is None else None for g, h in A_HEADERS]
    upper[group_cols[0] - 1] = GROUP
    ws.append(upper)
    ws.append([h if g else None for g, h in A_HEADERS])
    ws.merged_cells.add(CellRange(min_col=group_cols[0], min_row=top, max_col=group_cols[-1], max_row=top))
    for col, (g, _) in enumerate(A_HEADERS, start=1):
        if g is None:
            ws.merged_cells.add(CellRange(min_col=col, min_row=top, max_col=col, max_row=top + 1))
    received = WriteOnlyCell(ws)
    received.number_format = FMT_DATETIME
    due_plain, due_timed = WriteOnlyCell(ws), WriteOnlyCell(ws)
    due_plain.number_format, due_timed.number_format = FMT_DATE, FMT_DATETIME
    for d, people in _big_chunks(n_rows, seed):
        for row in _big_a_rows(d, people, received, (due_plain, due_timed)):
            ws.append(row)
    ws.append([_footer_lines(n_rows)[0]])
    ws.append([])
    ws.append([None] * (width - 4) + ["Người lập biểu"])
    _set_properties(wb, EXPORT_B)
    wb.save(path)
    return path
