"""The test suite never writes into the office's data (issue 17): every path setting of every test
derives from one temporary root, also for tests that load Settings themselves with a few paths of
their own, and for the tthc processes they start (with the environment inherited, with the TTHC_*
variables stripped, from the repository's folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from pipelines.config import Settings
from pipelines.run import run_local
from tests.paths import REPO

HEADER = "Mã hồ sơ;Tên thủ tục;Cơ quan giải quyết;Kênh nộp;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái"
ROW = "{id};Khai sinh;UBND xã Mỹ Tân;Trực tuyến;05/01/2024 08:00;09/01/2024;08/01/2024 10:00;Đã trả kết quả"


def _export(path: Path, *ids: str) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(ROW.format(id=i) for i in ids) + "\n", encoding="utf-8")
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_path_setting_is_a_site_path_or_an_input_read_only():
    """A new path setting must be classified, or the isolation of the tests would miss it."""
    from pipelines.config import READ_PATHS, SITE_PATHS

    defaults = Settings()
    paths = {f.name for f in fields(Settings) if isinstance(getattr(defaults, f.name), Path)} | {"inbox_archive"}
    assert paths == set(SITE_PATHS) | set(READ_PATHS)
    assert not set(SITE_PATHS) & set(READ_PATHS)


@pytest.mark.slow
def test_commands_run_as_the_suite_runs_them_leave_data_untouched(tmp_path):
    data = REPO / "data"
    before = _tree(data)
    cli = [sys.executable, "-m", "pipelines.cli", "run", "--no-prefect"]
    # 1. Settings.load() with every default, in the test process
    run_local([_export(tmp_path / "a.csv", "A-1")], Settings.load())
    # 2. a test naming a few paths of its own, twice (the second run keeps a backup)
    own = Settings.load(config_file=tmp_path / "none.toml", db=tmp_path / "w.duckdb", stage=tmp_path / "stage")
    run_local([_export(tmp_path / "b.csv", "B-1")], own)
    run_local([_export(tmp_path / "c.csv", "C-1")], own)
    # 3. a tthc process from the repository's folder, the environment inherited, two paths named
    env = dict(os.environ, TTHC_DB=str(tmp_path / "p.duckdb"), TTHC_STAGE=str(tmp_path / "pstage"))
    for name in ("d.csv", "e.csv"):
        done = subprocess.run([*cli, str(_export(tmp_path / name, name[0]))], env=env, cwd=REPO, capture_output=True)
        assert done.returncode == 0, done.stderr
    # 4. a tthc process with the TTHC_* variables stripped, as tests building a clean environment do
    bare = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    bare.update(TTHC_CONFIG=str(tmp_path / "none.toml"), TTHC_DB=str(tmp_path / "q.duckdb"))
    for name in ("f.csv", "g.csv"):
        done = subprocess.run([*cli, str(_export(tmp_path / name, name[0]))], env=bare, capture_output=True)
        assert done.returncode == 0, done.stderr
    # 5. a rebuild from the archive the default settings name
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "rebuild"], capture_output=True)
    assert done.returncode == 0, done.stderr

    after = _tree(data)
    assert sorted(set(after) ^ set(before)) == []
    assert [k for k in before if before[k] != after[k]] == []
    # what the runs kept (backups, archived inputs) went to the test's own site
    site = Path.cwd()
    assert site != REPO and REPO not in site.parents
    assert list((site / "data" / "backups").iterdir())
    assert (site / "data" / "archive" / "inputs" / "index.tsv").exists()
