"""Analysts read while the nightly run writes; a run killed at any moment leaves the published
warehouse as it was, and the next run completes normally."""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.run import run_local
from tests.paths import REPO as ROOT

SAMPLE = ROOT / "data" / "sample"
OLDER = [p for p in sorted(SAMPLE.iterdir()) if p.name.startswith("2024")]
NEWER = [p for p in sorted(SAMPLE.iterdir()) if p.name.startswith("2025")]
# the kill tests need a run with several files to stop in, not the biggest ones: the two smallest
KILLED = sorted(NEWER, key=lambda p: p.stat().st_size)[:2]
pytestmark = pytest.mark.slow  # each test runs the sample through a whole run at least twice

FIGURES = (
    "select count(*), sum(received_total), "
    "count(*) filter (where received_total <> resolved_total + in_progress_total + withdrawn_stopped) "
    "from report_form where sector is null"
)


def _reader(db: str, tried, stop, out: mp.Queue) -> None:
    """An analyst's session: read-only, queries in a loop, reconnects now and then, until told to
    stop. `tried` counts the queries it has tried, for the test to follow its progress."""
    seen, errors = set(), []
    con = duckdb.connect(db, read_only=True)
    i = 0
    while not stop.is_set():
        try:
            seen.add(con.execute(FIGURES).fetchone())
            i += 1
            if i % 5 == 0:
                con.close()
                con = duckdb.connect(db, read_only=True)
        except Exception as exc:
            errors.append(repr(exc))
        tried.value += 1
        time.sleep(0.01)
    con.close()
    out.put((sorted(seen), errors, i))


def _readers_answer(tried: list, when: str, more: int = 2) -> None:
    """Wait until every reader has tried `more` further queries. The deadline only stops a hung
    test: a reader that stops answering while the run is at `when` fails it."""
    want = [t.value + more for t in tried]
    deadline = time.monotonic() + 60
    while any(t.value < w for t, w in zip(tried, want, strict=True)):
        if time.monotonic() > deadline:  # a hang guard, not a measure of speed
            pytest.fail(f"a reader stopped answering {when}")
        time.sleep(0.01)


def test_readers_never_block_the_run_nor_see_half_a_warehouse(settings, monkeypatch):
    import pipelines.run
    import pipelines.warehouse.publish

    run_local(OLDER, settings)
    before = duckdb.connect(str(settings.db), read_only=True).execute(FIGURES).fetchone()
    ctx = mp.get_context("spawn")
    out, stop = ctx.Queue(), ctx.Event()
    tried = [ctx.Value("q", 0) for _ in range(3)]
    readers = [ctx.Process(target=_reader, args=(str(settings.db), t, stop, out)) for t in tried]
    for r in readers:
        r.start()
    try:
        _readers_answer(tried, "before the run", more=1)  # the readers are connected and querying
        points = []

        def every_reader_answers(name: str) -> None:  # at each crash-test point of the run, in this process
            points.append(name)
            _readers_answer(tried, f"while the run is at {name}")

        monkeypatch.setattr(pipelines.run, "checkpoint", every_reader_answers)
        monkeypatch.setattr(pipelines.warehouse.publish, "checkpoint", every_reader_answers)
        summary = run_local(NEWER, settings)
        assert summary.count("loaded") == len(NEWER)
        assert {"staged", "file_loaded", "built", "before_replace"} <= set(points)
        _readers_answer(tried, "after the run")
    finally:
        stop.set()  # the readers end on a failure too
    results = [out.get(timeout=60) for _ in readers]
    for r in readers:
        r.join(timeout=30)
    con = duckdb.connect(str(settings.db), read_only=True)
    after = con.execute(FIGURES).fetchone()
    con.close()
    assert before != after
    for seen, errors, n in results:
        assert errors == [] and n > 10
        assert set(seen) <= {before, after}  # one whole warehouse or the other, never a mix
        assert all(broken == 0 for _, _, broken in seen)


def _sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _run(db: Path, stage: Path, files: list[Path], kill_at: str | None = None, timeout: float = 120):
    env = dict(os.environ, TTHC_DB=str(db), TTHC_STAGE=str(stage), TTHC_CONFIG=str(db.parent / "none.toml"))
    if kill_at:
        env["TTHC_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--no-prefect", *map(str, files)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def published_older(tmp_path_factory) -> Path:
    """The warehouse a first night published (the 2024 files), made once for the kill tests."""
    tmp = tmp_path_factory.mktemp("older")
    db = tmp / "w.duckdb"
    assert _run(db, tmp / "stage", OLDER).returncode == 0
    return db


@pytest.mark.parametrize("kill_at", ["staged", "file_loaded", "built", "before_replace"])
def test_killed_run_leaves_the_warehouse_as_it_was(tmp_path, kill_at, published_older):
    db, stage = tmp_path / "w.duckdb", tmp_path / "stage"
    shutil.copy2(published_older, db)
    published = _sha(db)
    killed = _run(db, stage, KILLED, kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL
    assert _sha(db) == published  # untouched
    again = _run(db, stage, KILLED)  # no stale lock, no half-recorded file
    assert again.returncode == 0, again.stdout + again.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        files = con.execute("select file_name, status from ingested_files order by file_name").fetchall()
        assert [f for f, _ in files] == sorted(p.name for p in OLDER + KILLED)
        assert {s for _, s in files} == {"loaded"}
        assert con.execute("select count(*) from runs").fetchone()[0] == 2
    finally:
        con.close()
    assert not (tmp_path / "w.duckdb.building").exists()


def test_kill_at_a_random_moment(tmp_path, published_older):
    db, stage = tmp_path / "w.duckdb", tmp_path / "stage"
    shutil.copy2(published_older, db)
    published = _sha(db)
    env = dict(os.environ, TTHC_DB=str(db), TTHC_STAGE=str(stage), TTHC_CONFIG=str(tmp_path / "none.toml"))
    for delay in (0.5, 1.5, 2.5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "run", "--no-prefect", *map(str, NEWER)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = _sha(db)
        if now != published:
            # the kill came after os.replace (cleanup, summary): the new warehouse must be whole
            con = duckdb.connect(str(db), read_only=True)
            try:
                assert con.execute("select count(*) from runs").fetchone()[0] == 2
                assert con.execute(FIGURES).fetchone()[2] == 0
                assert con.execute("select count(*) from ingested_files").fetchone()[0] == len(OLDER + NEWER)
            finally:
                con.close()
            published = now
    assert _run(db, stage, NEWER).returncode == 0
