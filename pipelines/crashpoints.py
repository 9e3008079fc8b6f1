"""Crash-test hook: with TTHC_KILL_AT=<name> the process kills itself (SIGKILL) at that point.

The nightly-safety tests kill a run at each phase (staged, file_loaded, built, before_replace)
and check that the published warehouse is untouched. A leaf module, so any layer may call it.
"""

from __future__ import annotations

import os
import signal


def checkpoint(name: str) -> None:
    if os.environ.get("TTHC_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
