"""The run's guards: one run at a time per warehouse (`run_lock`), and the run's own stage folder,
the only thing under `stage` a run ever removes (`for_run`, `remove_run_folder`)."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from pipelines.config import Settings
from pipelines.handover import EnvironmentFailure


class RunLocked(EnvironmentFailure):
    """Another run holds the warehouse, or its lock cannot be taken; the message is one line."""


@contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    """One run at a time per warehouse; a second run waits for the first up to lock_wait_seconds
    (a manual run during the nightly one). flock is released by the OS when a process dies, even
    by SIGKILL, so a killed run never leaves a stale lock behind."""
    path = Path(settings.db).with_name(Path(settings.db).name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() and not path.exists():
        raise RunLocked(
            f"tệp khóa {path} là một liên kết hỏng (trỏ tới {os.readlink(path)}, không tồn tại) nên không khóa được "
            f"kho dữ liệu; hãy xóa liên kết đó (rm '{path}') rồi chạy lại — the run lock is a broken symlink"
        )
    deadline = time.monotonic() + max(0.0, float(settings.lock_wait_seconds))
    with open(path, "a+") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLocked(
                        f"một lần chạy khác đang ghi kho dữ liệu {settings.db} (đã chờ {settings.lock_wait_seconds:g} "
                        "giây) — another run is in progress"
                    ) from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


RUN_MARK = ".tthc-run"  # in every folder a run creates under `stage`: the only folders a run removes


def for_run(settings: Settings, run_id: str) -> Settings:
    """The run's own staging folder `<stage>/<run_id>`, marked as a run's, so two runs (or a killed
    one) never mix their files.

    Called under the run lock: any other marked folder there was left by a run that was killed and
    is removed. Nothing else under `stage` is touched, whatever the setting names (the settings
    also refuse a stage that holds or lies in the office's data, config.py)."""
    stage = Path(settings.stage)
    if stage.is_dir():
        for folder in stage.iterdir():
            if folder.is_dir() and not folder.is_symlink() and (folder / RUN_MARK).is_file():
                shutil.rmtree(folder, ignore_errors=True)
    own = stage / run_id
    own.mkdir(parents=True)
    (own / RUN_MARK).write_text(run_id + "\n", encoding="utf-8")
    return replace(settings, stage=own)


def remove_run_folder(folder: Path) -> None:
    """Remove a run's own stage folder, and only one that is marked as a run's."""
    if (folder / RUN_MARK).is_file() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)
