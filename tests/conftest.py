"""Shared fixtures: an empty warehouse schema in memory, and settings pointing at tmp paths."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.config import Settings
from pipelines.warehouse import init_schema


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
