"""No process outlives the tthc process that started it, SIGKILL included.

Two mechanisms, because children are of two kinds:

- programs we start ourselves (the Prefect server, the workbook reader): launched through a tiny
  Python shim that asks the kernel to signal the child when its parent dies
  (`prctl(PR_SET_PDEATHSIG)`), checks the parent is still the one that launched it (no race with
  a parent that died during the launch), then `exec`s the real program; the request survives
  `exec`.
- Python processes started by libraries (Prefect's process-pool task workers, the flow runs of a
  served deployment): they import the package, and `watch_parent()` starts a thread that ends the
  process as soon as its parent is gone (it was re-parented). Only processes below a tthc command
  do this: the command exports TTHC_SUPERVISOR_PID, and the command itself is not watched.

Linux only (`prctl`); elsewhere the launcher simply execs and the watcher still works.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

SUPERVISOR_ENV = "TTHC_SUPERVISOR_PID"

# argv[1]: signal number, argv[2]: expected parent pid, argv[3:]: the program and its arguments
_LAUNCHER = """
import ctypes, os, sys
sig, parent = int(sys.argv[1]), int(sys.argv[2])
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):  # not Linux
    pass
if os.getppid() != parent:  # the parent died before the request took effect
    sys.exit(1)
os.execvp(sys.argv[3], sys.argv[3:])
"""


def die_with_parent(argv: list[str], sig: int = signal.SIGTERM) -> list[str]:
    """The command line that runs `argv` so that it receives `sig` when this process dies.

    Start it from a thread that lives as long as the child is needed (the kernel ties the request
    to the thread that forked): the main thread, or the thread that waits for the child."""
    return [sys.executable, "-c", _LAUNCHER, str(int(sig)), str(os.getpid()), *argv]


def supervise() -> None:
    """Called by a tthc command: every Python process started below it watches its parent."""
    os.environ[SUPERVISOR_ENV] = str(os.getpid())


_watching = False


def watch_parent(interval: float = 0.5) -> bool:
    """In a Python process started (directly or not) by a tthc command, end this process when its
    parent dies. Returns True when a watcher was started."""
    global _watching
    supervisor = os.environ.get(SUPERVISOR_ENV)
    if _watching or not supervisor or supervisor == str(os.getpid()):
        return False
    parent = os.getppid()
    if parent == 1:  # already orphaned
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="tthc-watch-parent", daemon=True).start()
    _watching = True
    return True


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (from /proc; empty where /proc is missing)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out
