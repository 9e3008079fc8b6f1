"""Shared fixtures: every test in a site of its own (tests/site.py), an empty warehouse schema in
memory, and settings pointing at tmp paths. The session fails when data/ changed under it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.config import Settings
from pipelines.warehouse import init_schema
from tests.site import DATA, changed, data_digest, enter_site

_DATA_BEFORE = pytest.StashKey[dict]()


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller (or the only process)
        session.config.stash[_DATA_BEFORE] = data_digest(DATA)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_DATA_BEFORE, None)
    if before is None:
        return
    diff = changed(before, data_digest(DATA))
    if diff:
        session.config.get_terminal_writer().line(
            f"the tests changed the office's data/ folder ({len(diff)}): " + ", ".join(diff[:20]), red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def _session_site(tmp_path_factory):
    """The site of the session's shared fixtures (the sample warehouse, module fixtures)."""
    mp = pytest.MonkeyPatch()
    root = enter_site(mp, tmp_path_factory.mktemp("site"))
    yield root
    mp.undo()


@pytest.fixture(autouse=True)
def site_root(_session_site, tmp_path_factory, monkeypatch) -> Path:
    """This test's site: every path setting of every Settings it loads and of every tthc process
    it starts derives from here unless the test names another tmp path."""
    return enter_site(monkeypatch, tmp_path_factory.mktemp("site"))


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    init_schema(c)
    yield c
    c.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(
        config_file=tmp_path / "none.toml",
        db=tmp_path / "warehouse.duckdb",
        stage=tmp_path / "stage",
        out=tmp_path / "out",
        inbox=tmp_path / "inbox",
        settle_seconds=0,  # files a test writes are complete; tests/integration/test_inbox.py tests the wait
        inbox_archive="",  # keep inbox files where they are (test_inbox.py tests the archive)
        prefect_home=tmp_path / "prefect",
        backups=tmp_path / "backups",
        input_archive=tmp_path / "inputs",
    )


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect backend for the whole session (it takes seconds to start)."""
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
