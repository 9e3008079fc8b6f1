"""What one step hands to the next: small, serialisable records, never data frames.

StagedFile goes from transform (one file staged to Parquet) to the warehouse (load); FileOutcome
and RunSummary go from the run to the command line, the Prefect logs and `tthc status`. A leaf
module: it imports nothing of the package, so every layer may use it.
"""

from __future__ import annotations

import errno
import json
from dataclasses import asdict, dataclass, field


class EnvironmentFailure(RuntimeError):
    """The machine failed (disk full, a folder without permission), not the input: the run stops
    and says so; it is never recorded as a rejected file."""


_ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.ENOMEM}
_ENVIRONMENT_WORDS = ("No space left", "Disk quota", "Read-only file system", "Input/output error")


_MEMORY_TYPES = ("OutOfMemoryException", "ArrowMemoryError")  # DuckDB's, pyarrow's
_MEMORY_WORDS = (
    "Out of Memory",
    "bad allocation",
    "std::bad_alloc",
    "Cannot allocate memory",
    "failed to allocate",
    "can't start new thread",  # a thread's stack is address space too
)


def is_memory_error(exc: BaseException) -> bool:
    """Memory ran out (the process's limit or the machine's): DuckDB, Arrow or Python said so."""
    if isinstance(exc, MemoryError) or type(exc).__name__ in _MEMORY_TYPES:
        return True
    return isinstance(exc, Exception) and any(w in str(exc) for w in _MEMORY_WORDS)


def is_environment_error(exc: BaseException, input_path: str) -> bool:
    """Is `exc`, raised while staging `input_path`, a failure of the machine rather than of the
    file? A full disk and memory running out always are; an error about another path (the stage
    folder) is too."""
    if is_memory_error(exc):
        return True
    if not isinstance(exc, OSError):
        return False
    if exc.errno in _ENVIRONMENT_ERRNOS or any(w in str(exc) for w in _ENVIRONMENT_WORDS):
        return True
    return exc.filename is not None and str(exc.filename) != str(input_path)


@dataclass
class StagedFile:
    path: str  # where the file is read (never stored: shown_path is)
    name: str  # as stored and printed: one line, personal data scrubbed (transform/scrub.py)
    sha256: str
    size: int
    status: str = "staged"  # staged | rejected
    message: str | None = None
    kind: str | None = None
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    exported_at: str | None = None
    snapshot_at: str | None = None
    snapshot_source: str | None = None
    rows_read: int = 0
    rows_valid: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    rows_path: str | None = None
    quarantine_path: str | None = None
    unknown_columns: list[str] = field(default_factory=list)
    personal_columns: list[str] = field(default_factory=list)
    shadowed_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    sector_sources: list[str] = field(default_factory=list)  # no sector column: where the sector came from
    # a column the file lacks, filled from elsewhere: canonical -> where (the unit, the received date)
    column_sources: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # canonical column -> coarse form of its values
    family: str = ""  # the file name without its dates and numbers: exports of one source share it
    unresolved_agencies: dict[str, str] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    reason_counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict]] = field(default_factory=dict)  # rejected files only: a few rows per reason
    seconds: float = 0.0
    shown_path: str = ""  # the path as stored (ingested_files.file_path): scrubbed like the name
    # a report (their figures, not cases): the form (bieu06 | 766), who wrote it, its period, the
    # staged figures and one record per unit it reports on (unit_key, unit_name, findings)
    report_form: str | None = None
    report_system: str | None = None
    report_layout: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    figures_path: str | None = None
    report_units: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass
class FileOutcome:
    name: str
    status: str  # loaded | skipped | rejected
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicate: int = 0
    message: str | None = None
    notes: list[str] = field(default_factory=list)
    rejected: int = 0  # rows of a rejected file: not loaded, not in the quarantine table (read = all four)


@dataclass
class RunSummary:
    run_id: str
    db: str
    files: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    status: str = "succeeded"
    message: str | None = None
    waiting: list[str] = field(default_factory=list)  # inbox files still being written: next run
    archived: list[str] = field(default_factory=list)  # inbox files moved to the archive after the run
    orchestration: str | None = None  # which Prefect server the run reported to, or None without Prefect
    warnings: list[str] = field(default_factory=list)  # about the warehouse (held read-write, …)
    published: bool = True  # False: the run changed nothing, the published warehouse was left as it was

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def in_words(self) -> str:
        """The run in one sentence, for logs (the Prefect UI, journalctl) and the summary when it
        is not printed on a terminal."""
        n = _vn
        seconds = f"{self.seconds:.1f}".replace(".", ",")
        return (
            f"Lần chạy {self.run_id}: {self.count('loaded')} tệp nạp, {self.count('skipped')} bỏ qua, "
            f"{self.count('rejected')} từ chối; {n(self.total('read'))} dòng đọc = {n(self.total('loaded'))} nạp + "
            f"{n(self.total('quarantined'))} cách ly + {n(self.total('duplicate'))} trùng"
            + (f" + {n(self.total('rejected'))} thuộc tệp bị từ chối" if self.total("rejected") else "")
            + f"; {seconds} s; kho dữ liệu {self.db}."
        )


FILE_STATUS = {"loaded": "đã nạp", "skipped": "bỏ qua (đã nạp trước đó)", "rejected": "từ chối"}


def file_in_words(f: FileOutcome) -> str:
    """One file of a run in one line: its name in full, what became of it and its rows."""
    rows = f"đọc {_vn(f.read)} = nạp {_vn(f.loaded)} + cách ly {_vn(f.quarantined)} + trùng {_vn(f.duplicate)}"
    if f.rejected:
        rows += f" + {_vn(f.rejected)} của tệp bị từ chối"
    why = f"; lý do: {f.message}" if f.message else ""
    return f"{f.name}: {FILE_STATUS.get(f.status, f.status)}, {rows}{why}"


def _vn(value: int) -> str:
    return f"{value:,}".replace(",", ".")
