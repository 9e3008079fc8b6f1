"""Crash-test hooks: with TTHC_KILL_AT=<name> the process kills itself (SIGKILL) at that point;
with TTHC_PAUSE_AT=<name> it waits there (TTHC_PAUSE_SECONDS, default 60) so a test can kill it
from outside while it is busy.

The nightly-safety tests kill a run at each phase (staged, file_loaded, built, before_replace)
and check that the published warehouse is untouched; the service tests pause workers while they
stage a file (staging) and kill their parent. A leaf module, so any layer may call it.
"""

from __future__ import annotations

import os
import signal
import time


def checkpoint(name: str) -> None:
    if os.environ.get("TTHC_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("TTHC_PAUSE_AT") == name:
        time.sleep(float(os.environ.get("TTHC_PAUSE_SECONDS", "60")))
