"""Per file: extract → parse → validate → two Parquet files (rows, quarantine) in the stage dir.

This is the unit of parallel work: it touches no warehouse, holds a few batches of ~250k rows in
memory (the one being parsed, the one read ahead, the reader's blocks), whatever the file's
size, and returns a small summary (`StagedFile`) that a Prefect task can pass on.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import threading
import time
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.config import Settings, duckdb_memory_limit, fit_address_space
from pipelines.crashpoints import checkpoint
from pipelines.extract import (
    Budget,
    ExportInfo,
    FileRejected,
    Limits,
    MalformedRow,
    NeedsExactPass,
    NoHeaderFound,
    UnitHint,
    open_export,
)
from pipelines.handover import EnvironmentFailure, StagedFile, is_environment_error
from pipelines.inbox import file_sha256
from pipelines.reference.communes import Registry
from pipelines.rules.vocab import column_map, flag_labels
from pipelines.sqlfiles import run_file
from pipelines.transform.batching import coalesce, prefetch
from pipelines.transform.parse import BatchParser
from pipelines.transform.quarantine import QUARANTINE_SCHEMA, examples, malformed_table, quarantine_table
from pipelines.transform.scrub import Scrubber, display_name, display_path

# what the load adds to a staged row (sql/staging/load_file.sql): which file, when, in what order
LOADED_BY_WAREHOUSE = ("source_file", "source_sha256", "snapshot_at", "file_seq", "ingested_at")


@lru_cache(maxsize=1)
def row_columns() -> list[str]:
    """The columns of a staged file: those of table `cases` (sql/sources/cases.sql, their one
    definition) but what the load adds. A column added to cases and not produced by the parse step
    fails the first file loudly instead of going missing from every Parquet file."""
    con = duckdb.connect()
    try:
        run_file(con, "sources/cases.sql")
        names = [r[0] for r in con.execute("select name from pragma_table_info('cases') order by cid").fetchall()]
    finally:
        con.close()
    return [n for n in names if n not in LOADED_BY_WAREHOUSE]


FLAG_COLUMNS = list(flag_labels())  # schemas/flags.csv: each a boolean column of the parsed batch


def one_line(message: str) -> str:
    return " ".join(str(message).split())


def file_limits(settings: Settings) -> Limits:
    """The caps of one file; `max_seconds` (the per-file time budget) is read from the settings
    when they carry it."""
    seconds = float(getattr(settings, "max_seconds", Limits.max_seconds) or 0)
    Path(settings.stage).mkdir(parents=True, exist_ok=True)
    return Limits(
        max_file_bytes=settings.max_file_mb * 2**20,
        max_seconds=seconds if seconds > 0 else None,
        work_dir=str(settings.stage),  # the workbook reader's sheets: removed with the run's folder
    )


def unit_hint(path: Path, settings: Settings) -> UnitHint | None:
    """The unit the user gave for a file without an agency column (its title block naming none):
    `tthc run --unit` (setting `unit`), else the deepest folder of `folder_units` holding the file."""
    if settings.unit:
        return UnitHint(settings.unit, f"tùy chọn --unit «{settings.unit}»")
    best: tuple[int, str, str] | None = None
    where = Path(path).resolve()
    for item in settings.folder_units:
        folder, _, name = item.partition("=")
        folder, name = folder.strip(), name.strip()
        if not folder or not name:
            continue
        root = Path(folder).expanduser().resolve()
        if root in where.parents and (best is None or len(root.parts) > best[0]):
            best = (len(root.parts), folder, name)
    if best is None:
        return None
    return UnitHint(best[2], f"cài đặt folder_units («{best[1]}» = «{best[2]}»)")


def stage_file(path: Path, settings: Settings, sha256: str | None = None) -> StagedFile:
    """Never raises for bad input: a file problem becomes status='rejected' with its message."""
    from pipelines.transform.reports import is_named_report, maybe_report, stage_report  # it builds on this module

    path = Path(path)
    checkpoint("staging")
    fit_address_space()
    if is_named_report(path, settings):
        return Scrubber.from_settings(settings).staged(stage_report(path, settings, sha256, named=True))
    started = time.perf_counter()
    scrubber = Scrubber.from_settings(settings)
    result = new_result(path, sha256, scrubber)
    rows_path, q_path = staging_paths(settings, result.sha256)
    registry = Registry.from_settings(settings)
    parser = BatchParser(registry, scrubber, duckdb_memory_limit(settings))
    try:
        budget = Budget(file_limits(settings).max_seconds, started)
        _stage(readable_path(path, rows_path.parent), settings, result, parser, rows_path, q_path, budget)
    except NoHeaderFound as exc:  # not a case export: it may be a report (their figures)
        report = maybe_report(path, settings, result.sha256)
        if report is None:
            failed(exc, path, result, rows_path, q_path, scrubber)
        else:
            result = report
    except BaseException as exc:
        failed(exc, path, result, rows_path, q_path, scrubber)
    finally:
        parser.close()
        # the allocator keeps freed batches for reuse; hand them back before the next file or the
        # load (measured on 1M rows: 586 MB resident after staging, 239 MB after this call)
        pa.default_memory_pool().release_unused()
    result.seconds = round(time.perf_counter() - started, 3)
    return scrubber.staged(result)


def new_result(path: Path, sha256: str | None, scrubber: Scrubber) -> StagedFile:
    """The record of one file about to be staged (hashed here when the run has not yet). Its name
    and path as they may be stored and printed: text, one line, personal data scrubbed."""
    sha = sha256 or file_sha256(path)
    name, shown = (v or "" for v in scrubber.many([display_name(path), display_path(path)]))
    result = StagedFile(str(path), name, sha, path.stat().st_size, family=file_family(name))
    result.shown_path = shown
    return result


def readable_path(path: Path, folder: Path) -> Path:
    """The path the readers open. A name that is not UTF-8 ('Danh s\\xe1ch.csv' unzipped from a
    Windows archive) is read through a link with a plain name in the file's stage folder: pyarrow
    and calamine take UTF-8 paths only, and the name alone must never fail the file (or the run)."""
    try:
        str(path).encode("utf-8")
        return path
    except UnicodeEncodeError:
        suffix = "".join(c for c in path.suffix if c.isascii() and c.isalnum() or c == ".")
        link = folder / ("input" + suffix)
        link.unlink(missing_ok=True)
        os.symlink(os.path.abspath(path), link)
        return link


def staging_paths(settings: Settings, sha256: str) -> tuple[Path, Path]:
    """(rows, quarantine) Parquet files of one staged file, in the run's stage folder."""
    out_dir = settings.stage / sha256[:16]
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / "rows.parquet", out_dir / "quarantine.parquet"


def failed(
    exc: BaseException, path: Path, result: StagedFile, rows_path: Path, q_path: Path, scrubber: Scrubber
) -> None:
    """A failure while staging one file: a FileRejected is the file's (rejected, with its message
    and a few example rows); the machine failing is an EnvironmentFailure (raised: the run stops);
    anything else is an unexpected problem of the file (rejected, logged). Nothing of it is kept;
    what is said of it (message, log line) is scrubbed like its values."""
    if isinstance(exc, FileRejected):
        result.status, result.message = "rejected", one_line(exc.message)
        result.examples = examples(q_path)  # nothing of the file is kept, but show why it was refused
        for p in (rows_path, q_path):
            p.unlink(missing_ok=True)
        return
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc  # KeyboardInterrupt, SystemExit; a Rust panic in a reader is a bad file
    for p in (rows_path, q_path):
        p.unlink(missing_ok=True)
    if is_environment_error(exc, str(path)):
        said = scrubber.one(display_path(f"{result.name}: {exc}"))
        raise EnvironmentFailure(f"lỗi môi trường khi xử lý {said} — the machine failed, not the file") from exc
    result.status = "rejected"
    result.message = scrubber.one(
        one_line(f"lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {str(exc)[:200]}) — unexpected error")
    )
    # the traceback only at debug level: an exception's text can quote the file's cells
    logging.getLogger(__name__).error("unexpected error staging %s: %s", result.name, result.message)
    logging.getLogger(__name__).debug("traceback", exc_info=exc)


class _Writer:
    """Valid rows and quarantined rows of one file, streamed to Parquet, with their counts."""

    def __init__(self, rows_path: Path, q_path: Path, scrubber: Scrubber):
        self.rows_path, self.q_path, self.scrubber = rows_path, q_path, scrubber
        self.rows: pq.ParquetWriter | None = None
        self.quarantine = pq.ParquetWriter(q_path, QUARANTINE_SCHEMA)
        self.read = self.valid = self.quarantined = 0
        self.flags = dict.fromkeys(FLAG_COLUMNS, 0)
        self.reasons: dict[str, int] = {}
        self.newest: datetime | None = None
        self.profile: dict[str, str] = {}

    def add(self, raw: pa.Table, parser: BatchParser, canonical: list[str]) -> None:
        typed = parser.parse(raw)
        bad = _row_reasons(typed.select(_check_columns()).to_pandas())  # position in typed -> reasons
        self.add_parsed(raw, typed, bad, canonical)

    def add_parsed(self, raw: pa.Table, typed: pa.Table, bad: dict[int, list[str]], canonical: list[str]) -> None:
        """Write one parsed and validated batch (typed.batch_pos: the position of each row in raw)."""
        if not self.profile:
            self.profile = profile_columns(raw, canonical)
        self.read += raw.num_rows
        if bad:
            positions = sorted(bad)
            source_pos = pc.take(typed["batch_pos"], pa.array(positions, pa.int64()))
            at = pa.array(positions, pa.int64())
            communes = pc.cast(pc.take(typed["commune_code"], at), pa.string())
            units = pc.cast(pc.take(typed["unit_key"], at), pa.string())
            self.quarantine.write_table(
                quarantine_table(
                    raw.take(source_pos), communes, units, [bad[p] for p in positions], canonical, self.scrubber
                )
            )
            for p in positions:
                for r in bad[p]:
                    self.reasons[r] = self.reasons.get(r, 0) + 1
            keep = pc.invert(
                pc.is_in(pa.array(range(typed.num_rows), pa.int64()), value_set=pa.array(positions, pa.int64()))
            )
            typed = typed.filter(keep)
            self.quarantined += len(bad)
        for name in FLAG_COLUMNS:
            self.flags[name] += int(pc.sum(pc.cast(typed[name], pa.int64())).as_py() or 0)
        self.newest = _max_ts(self.newest, typed)
        rows = typed.select(row_columns())
        if self.rows is None:
            self.rows = pq.ParquetWriter(self.rows_path, rows.schema)
        self.rows.write_table(rows)
        self.valid += rows.num_rows

    def add_malformed(self, malformed: list[MalformedRow]) -> None:
        """Records that do not fit the header (quarantine.malformed_table)."""
        if not malformed:
            return
        self.quarantine.write_table(malformed_table(malformed, self.scrubber))
        n = len(malformed)
        self.read += n
        self.quarantined += n
        self.reasons["malformed_row"] = self.reasons.get("malformed_row", 0) + n

    def close(self) -> None:
        self.quarantine.close()
        if self.rows is not None:
            self.rows.close()

    def discard(self) -> None:
        self.close()
        self.rows_path.unlink(missing_ok=True)
        self.q_path.unlink(missing_ok=True)


VALIDATION = "pipelines.transform.validate"  # pandas + pandera: ~0.9 s of imports


def _warm_validation() -> None:
    """Import the row rules in a thread while the first batch is read: a workbook is read by its
    worker process for seconds (the import then costs no time of its own), a CSV by pyarrow's
    threads. Imported at the top, they delayed the start of every read."""
    threading.Thread(target=importlib.import_module, args=(VALIDATION,), daemon=True, name="tthc-import").start()


def _row_reasons(frame):
    """The pandera row rules of a batch (transform/validate.py), imported on first use."""
    return importlib.import_module(VALIDATION).row_reasons(frame)


def _stage(
    path: Path,
    settings: Settings,
    result: StagedFile,
    parser: BatchParser,
    rows_path: Path,
    q_path: Path,
    budget: Budget,
) -> None:
    info, batches = open_export(path, file_limits(settings), budget, unit=unit_hint(path, settings))
    _warm_validation()
    result.kind, result.encoding = info.kind, info.encoding
    result.personal_columns = info.personal_columns
    canonical = column_map().names()
    out = _Writer(rows_path, q_path, parser.scrubber)
    try:
        try:
            for raw in prefetch(coalesce(batches)):
                budget.check("đọc dữ liệu")
                if raw.num_rows:
                    out.add(raw, parser, canonical)
        except NeedsExactPass:
            out.discard()
            budget.check("đọc lại từng dòng")
            out = _Writer(rows_path, q_path, parser.scrubber)
            assert info.restart is not None  # NeedsExactPass comes from CSV files only
            for raw in prefetch(coalesce(info.restart())):
                budget.check("đọc dữ liệu")
                if raw.num_rows:
                    out.add(raw, parser, canonical)
        out.add_malformed(info.malformed_rows)
        budget.check("kiểm tra dữ liệu")
    finally:
        out.close()
    finish(path, settings, result, info, out, dict(parser.unresolved))


def finish(
    path: Path, settings: Settings, result: StagedFile, info: ExportInfo, out: _Writer, unresolved: dict[str, str]
) -> None:
    """Everything learned about one staged file into its StagedFile; raises FileRejected when the
    file as a whole cannot be loaded (no data rows, too many bad rows)."""
    result.kind, result.encoding = info.kind, info.encoding
    result.sheets = info.sheets
    result.unknown_columns = info.unknown_columns
    result.shadowed_columns = info.shadowed_columns
    result.sector_sources = info.sector_sources
    result.column_sources = info.column_sources
    # a sector taken from the sheet name or a "Lĩnh vực: …" line is known, not missing
    result.missing_columns = [c for c in info.missing_columns if not (c == "sector" and info.sector_sources)]
    result.columns = out.profile
    result.rows_skipped = info.rows_skipped
    result.unresolved_agencies = unresolved
    result.flags = {k: v for k, v in out.flags.items() if v}
    result.reason_counts = out.reasons
    result.rows_read, result.rows_valid, result.rows_quarantined = out.read, out.valid, out.quarantined
    result.rows_path = str(out.rows_path) if out.rows is not None else None
    result.quarantine_path = str(out.q_path)
    if result.rows_read == 0:
        raise FileRejected("tệp không có dòng dữ liệu nào dưới dòng tiêu đề — no data rows under the header")
    share = result.rows_quarantined / result.rows_read
    if share > settings.reject_share:
        raise FileRejected(
            f"{result.rows_quarantined}/{result.rows_read} dòng ({share:.0%}) không hợp lệ, vượt ngưỡng "
            f"{settings.reject_share:.0%}: nhiều khả năng định dạng tệp đã thay đổi — "
            "quarantine share over the threshold"
        )
    if info.exported_at:
        result.snapshot_at, result.snapshot_source = info.exported_at.isoformat(), "export_line"
    elif out.newest:
        result.snapshot_at, result.snapshot_source = out.newest.isoformat(), "newest_date"
    else:
        result.snapshot_at = datetime.fromtimestamp(path.stat().st_mtime).isoformat()
        result.snapshot_source = "file_mtime"
    result.exported_at = info.exported_at.isoformat() if info.exported_at else None


_FORMS = [  # first match wins; a column's form is the form of most of its first values
    ("empty", re.compile(r"^$")),
    ("date dd/mm/yyyy", re.compile(r"^\d{1,2}/\d{1,2}/\d{4}( .*)?$")),
    ("date ISO", re.compile(r"^\d{4}-\d{2}-\d{2}([ T].*)?$")),
    ("date yyyyMMddHHmmss", re.compile(r"^\d{14}$")),
    ("integer", re.compile(r"^-?\d+$")),
    ("number", re.compile(r"^-?[\d.,]+$")),
    ("text", re.compile(r".")),
]


def profile_columns(raw: pa.Table, canonical: list[str], sample: int = 500) -> dict[str, str]:
    """Coarse form of each column present (for schema drift between exports of one source)."""
    out = {}
    for name in canonical:
        values = [v.strip() for v in raw[name].slice(0, sample * 4).drop_null().to_pylist()[:sample]]
        if not values:
            continue
        forms = [next(f for f, rx in _FORMS if rx.match(v)) for v in values]
        out[name] = max(set(forms), key=forms.count)
    return out


def file_family(name: str) -> str:
    """'2025-01-06_igate_my-ha.csv' and '2025-01-07_igate_my-ha.csv' are one source."""
    return re.sub(r"[\d]+", "#", name.lower())


def _check_columns() -> list[str]:
    from schemas.models import CHECK_COLUMNS

    return CHECK_COLUMNS


def _max_ts(current: datetime | None, typed: pa.Table) -> datetime | None:
    for name in ("received_at", "finished_at", "returned_at"):
        m = pc.max(typed[name]).as_py()
        if m is not None and (current is None or m > current):
            current = m
    return current
