"""No child outlives its parent: the launcher's kernel request, and the parent watcher."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from pipelines.children import SUPERVISOR_ENV, descendants, die_with_parent


def _gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def _parent(code: str, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    """A parent process running `code`, which prints its child's pid; returns both."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True, env=env or os.environ.copy()
    )
    child = int(proc.stdout.readline())
    return proc, child


def test_a_launched_program_dies_with_its_killed_parent():
    parent, child = _parent("""
        import subprocess, sys, time
        from pipelines.children import die_with_parent
        p = subprocess.Popen(die_with_parent(["sleep", "60"]))
        time.sleep(0.3)
        print(p.pid, flush=True)
        time.sleep(60)
    """)
    assert not _gone(child, 0.2)  # it runs while its parent does
    with open(f"/proc/{child}/cmdline") as fh:
        assert fh.read().startswith("sleep")  # exec'ed: the shim is gone
    parent.kill()
    parent.wait()
    assert _gone(child)


def test_the_launcher_refuses_to_start_an_orphan():
    """The request races with a parent that dies during the launch: the shim checks its parent."""
    argv = die_with_parent(["sleep", "60"])
    argv[4] = "1"  # pretend the launching parent was pid 1: it is not our parent, so exit at once
    assert subprocess.run(argv, timeout=10).returncode == 1


def test_a_python_child_of_a_tthc_command_exits_when_its_parent_dies():
    env = dict(os.environ)
    env.pop(SUPERVISOR_ENV, None)
    parent, child = _parent(
        """
        import subprocess, sys, time
        from pipelines.children import supervise
        supervise()
        code = "from pipelines.children import watch_parent; assert watch_parent(0.1); import time; time.sleep(60)"
        p = subprocess.Popen([sys.executable, "-c", code])
        time.sleep(1.0)
        print(p.pid, flush=True)
        time.sleep(60)
    """,
        env,
    )
    assert descendants(parent.pid) == [child]
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert _gone(child)


def test_the_command_itself_is_not_watched():
    env = dict(os.environ, **{SUPERVISOR_ENV: str(os.getpid())})
    code = (
        "import os; from pipelines.children import watch_parent; "
        "os.environ['TTHC_SUPERVISOR_PID'] = str(os.getpid()); print(watch_parent())"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout
    assert out.strip() == "False"
