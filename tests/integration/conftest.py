"""One warehouse built from the shipped sample, shared by the integration tests that only read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import Settings
from tests.paths import REPO as ROOT
from pipelines.run import run_local

SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory) -> Settings:
    tmp = tmp_path_factory.mktemp("sample")
    s = Settings.load(config_file=tmp / "none.toml", db=tmp / "w.duckdb", stage=tmp / "stage", out=tmp / "out")
    summary = run_local([SAMPLE], s)
    assert summary.count("loaded") == len(list(SAMPLE.iterdir()))
    return s


@pytest.fixture(scope="session")
def warehouse(sample_settings) -> Path:
    return sample_settings.db
