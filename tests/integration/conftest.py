"""One warehouse built from the shipped sample, shared by the integration tests that only read it,
and a private copy of it for the tests that write to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.config import Settings
from pipelines.run import run_local
from tests.paths import REPO as ROOT

SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def _sample_run(tmp_path_factory) -> tuple[Settings, object]:
    """The shipped sample run once (without Prefect) for the whole session."""
    tmp = tmp_path_factory.mktemp("sample")
    s = Settings.load(config_file=tmp / "none.toml", db=tmp / "w.duckdb", stage=tmp / "stage", out=tmp / "out")
    summary = run_local([SAMPLE], s)
    assert summary.count("loaded") == len(list(SAMPLE.iterdir()))
    return s, summary


@pytest.fixture(scope="session")
def sample_settings(_sample_run) -> Settings:
    return _sample_run[0]


@pytest.fixture(scope="session")
def sample_summary(_sample_run) -> object:
    """The summary of the session's sample run."""
    return _sample_run[1]


@pytest.fixture(scope="session")
def warehouse(sample_settings) -> Path:
    """The session's sample warehouse: read it (read_only=True), never write to it."""
    return sample_settings.db


@pytest.fixture
def warehouse_copy(warehouse, tmp_path) -> Path:
    """A writable copy of the session's sample warehouse, private to one test."""
    db = tmp_path / "sample-copy.duckdb"
    shutil.copy2(warehouse, db)
    return db
