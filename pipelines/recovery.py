"""The ways back from a damaged or wrong warehouse: `tthc restore` and `tthc rebuild`.

restore puts a previous published warehouse back (the run keeps the last `backups_keep` of them,
settings `backups`); rebuild makes a new warehouse from the input archive alone (every input a run
loaded, content-addressed under `input_archive`, inbox.keep_inputs), in the order they were loaded,
so its figures are those of the warehouse it replaces. Either way the file being replaced is kept
as a backup first: nothing is ever thrown away.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.config import Settings
from pipelines.handover import RunSummary
from pipelines.inbox import archived_inputs
from pipelines.run import run_local, run_lock
from pipelines.warehouse.access import set_aside_wal
from pipelines.warehouse.publish import keep_backup, list_backups


class RecoveryError(RuntimeError):
    """Nothing to restore from; the message is one line."""


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
    """Put back the newest backup (or the one named); returns (restored from, where the replaced
    file was kept). Under the run lock: never while a run writes."""
    found = backups_of(settings)
    if name:
        found = [p for p in found if p.name == name or p.stem == name]
    if not found:
        where = Path(settings.backups)
        raise RecoveryError(
            f"không có bản sao lưu {'tên ' + name + ' ' if name else ''}trong {where}; dùng 'tthc rebuild' để dựng "
            "lại từ kho lưu tệp nhập — no backup to restore"
        )
    source = found[0]
    db = Path(settings.db)
    with run_lock(settings):
        db.parent.mkdir(parents=True, exist_ok=True)
        work = db.with_name(db.name + ".restoring")
        shutil.copy2(source, work)
        kept = _swap_in(work, settings, "before-restore")
    return source, kept


def rebuild(settings: Settings) -> tuple[RunSummary, Path | None]:
    """A new warehouse from the input archive alone, swapped in for the current one."""
    inputs = archived_inputs(Path(settings.input_archive))
    if not inputs:
        raise RecoveryError(
            f"kho lưu tệp nhập {settings.input_archive} trống: không có gì để dựng lại — the input archive is empty"
        )
    db = Path(settings.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tthc-rebuild-", dir=db.parent) as tmp:
        folder = Path(tmp) / "inputs"
        for n, (_, sha, name) in enumerate(inputs, start=1):
            target = folder / f"{n:06d}" / name  # one folder per input: the load order, the names
            target.parent.mkdir(parents=True)
            obj = Path(settings.input_archive) / "objects" / sha[:2] / sha
            try:
                os.link(obj, target)
            except OSError:
                shutil.copy2(obj, target)
        new = Path(tmp) / db.name
        rebuilt = replace(
            settings,
            db=new,
            backups_keep=0,
            inbox_archive="",
            stage=Path(tmp) / "stage",
            settle_seconds=0.0,
        )
        summary = run_local([folder], rebuilt)
        with run_lock(settings):
            kept = _swap_in(new, settings, "before-rebuild")
    summary.db = str(db)
    return summary, kept
