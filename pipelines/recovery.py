"""The ways back from a damaged or wrong warehouse: `tthc restore` and `tthc rebuild`.

restore puts a previous published warehouse back (the run keeps the last `backups_keep` of them,
settings `backups`); rebuild makes a new warehouse from the input archive alone (every input a run
loaded, content-addressed under `input_archive`, inputs_archive.keep_inputs), in the order they were
loaded, so its figures are those of the warehouse it replaces. Either way the file being replaced is
kept as a backup first: nothing is ever thrown away.

Both hold the run lock for their whole duration (a run meanwhile waits, as for another run: a
rebuild that read the archive while a run added to it would publish without the run's files), and
both check what they put back before the swap: restore checks the backup (its SHA-256, DuckDB opens
it, every block reads, the tables are there), rebuild hashes every archived object and refuses,
naming it, one whose bytes are not the ones it was stored as.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.config import Settings
from pipelines.handover import RunSummary
from pipelines.inputs_archive import archived_inputs, object_path, verify
from pipelines.run import run_unlocked
from pipelines.run_guard import run_lock
from pipelines.warehouse.access import set_aside_wal
from pipelines.warehouse.backups import check_warehouse, keep_backup, list_backups

REBUILD_PREFIX = "tthc-rebuild-"
REBUILD_MARK = ".tthc-rebuild"  # in the working folder of a rebuild: the only folders a rebuild removes


class RecoveryError(RuntimeError):
    """Nothing (whole) to restore from; the message is one line."""


def backups_of(settings: Settings) -> list[Path]:
    """The kept warehouses, newest first."""
    return list_backups(Path(settings.backups), Path(settings.db))


def _stamp(settings: Settings, what: str) -> str:
    """Local time of the deployment, as the run ids the nightly backups are named by."""
    return f"{datetime.now(ZoneInfo(settings.timezone)):%Y%m%dT%H%M%S}-{what}"


def _swap_in(new: Path, settings: Settings, what: str) -> Path | None:
    """Keep the current file as a backup, set its WAL aside, move `new` into its place."""
    db = Path(settings.db)
    # kept apart from the nightly rotation: a recovery never prunes the backups it may need again
    kept = keep_backup(db, Path(settings.backups), 10**6, _stamp(settings, what)) if db.exists() else None
    set_aside_wal(db)
    os.replace(new, db)
    return kept


def restore(settings: Settings, name: str | None = None) -> tuple[Path, Path | None]:
    """Put back the newest backup (or the one named), once it is found whole; returns (restored
    from, where the replaced file was kept)."""
    db = Path(settings.db)
    with run_lock(settings):
        found = backups_of(settings)
        if name:
            found = [p for p in found if p.name == name or p.stem == name]
        if not found:
            where = Path(settings.backups)
            raise RecoveryError(
                f"không có bản sao lưu {'tên ' + name + ' ' if name else ''}trong {where}; dùng 'tthc rebuild' để "
                "dựng lại từ kho lưu tệp nhập — no backup to restore"
            )
        source = found[0]
        problem = check_warehouse(source)
        if problem:
            others = ", ".join(p.name for p in found[1:3])
            raise RecoveryError(
                f"không đặt lại bản sao lưu {source.name}: {problem}; kho dữ liệu giữ nguyên. "
                + (f"Chọn bản khác (tthc restore <tên>, ví dụ {others}) hoặc dùng" if others else "Dùng")
                + " 'tthc rebuild' để dựng lại từ kho lưu tệp nhập — the backup is not whole"
            )
        db.parent.mkdir(parents=True, exist_ok=True)
        work = db.with_name(db.name + ".restoring")
        try:
            shutil.copyfile(source, work)
            kept = _swap_in(work, settings, "before-restore")
        finally:
            work.unlink(missing_ok=True)
    return source, kept


def clear_rebuild_leftovers(folder: Path) -> None:
    """The working folders of rebuilds that were killed (called under the run lock); 0.5.0 left
    unmarked ones, told by their layout (an `inputs` folder, the new file, a stage)."""
    for old in folder.glob(REBUILD_PREFIX + "*"):
        if not old.is_dir() or old.is_symlink():
            continue
        legacy = (old / "inputs").is_dir() and {p.name for p in old.iterdir()} <= {"inputs", "stage"} | {
            p.name for p in old.glob("*.duckdb*")
        }
        if (old / REBUILD_MARK).is_file() or legacy:
            shutil.rmtree(old, ignore_errors=True)


def rebuild(settings: Settings) -> tuple[RunSummary, Path | None]:
    """A new warehouse from the input archive alone, swapped in for the current one."""
    db = Path(settings.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with run_lock(settings):
        clear_rebuild_leftovers(db.parent)
        root = Path(settings.input_archive)
        inputs = archived_inputs(root)
        if not inputs:
            raise RecoveryError(f"kho lưu tệp nhập {root} trống: không có gì để dựng lại — the input archive is empty")
        for item in inputs:
            problem = verify(root, item)
            if problem:
                raise RecoveryError(
                    f"không dựng lại: tệp lưu {problem}; kho dữ liệu giữ nguyên. Hãy chép lại tệp gốc vào hộp thư "
                    "đến hoặc dùng 'tthc restore' — an archived input is not the file it was"
                )
        work = db.parent / f"{REBUILD_PREFIX}{_stamp(settings, 'work')}"
        work.mkdir()
        try:
            (work / REBUILD_MARK).write_text("tthc rebuild\n", encoding="utf-8")
            folder = work / "inputs"
            for n, item in enumerate(inputs, start=1):
                target = folder / f"{n:06d}" / item.name  # one folder per input: the load order, the names
                target.parent.mkdir(parents=True)
                try:
                    os.link(object_path(root, item.sha256), target)  # read-only, and removed with the folder
                except OSError:
                    shutil.copyfile(object_path(root, item.sha256), target)
            new = work / db.name
            rebuilt = replace(
                settings, db=new, backups_keep=0, inbox_archive="", stage=work / "stage", settle_seconds=0.0
            )
            summary = run_unlocked([folder], rebuilt)
            kept = _swap_in(new, settings, "before-rebuild")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    summary.db = str(db)
    return summary, kept


def backup_lines(settings: Settings) -> list[str]:
    """`tthc restore --list`: one line per kept warehouse, newest first, saying what it holds."""
    from pipelines.outputs.vnformat import vn_int
    from pipelines.warehouse.backups import RECOVERY, describe

    lines = []
    for path in backups_of(settings):
        info = describe(path)
        size = f"{info.size / 2**20:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
        kind = " (giữ lại trước khi " + path.stem.rsplit("-", 1)[-1] + ")" if RECOVERY in path.name else ""
        if info.problem:
            lines.append(f"{path.name}  {size} MB{kind} — {info.problem}")
            continue
        held = f"lần chạy {info.run_id}, công bố lúc {info.published_at} (giờ địa phương)"
        periods = f", quý {info.periods[0]} – {info.periods[1]}" if info.periods else ", chưa có kỳ nào"
        counts = f"{vn_int(info.files)} tệp đã nạp, {vn_int(info.cases)} hồ sơ{periods}"
        lines.append(f"{path.name}  {size} MB{kind} — {held if info.run_id else 'chưa có lần chạy'}; {counts}")
    return lines
