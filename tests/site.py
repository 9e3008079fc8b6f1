"""One temporary root for everything a test's deployment writes.

Every path setting a deployment writes to (`pipelines.config.SITE_PATHS`: warehouse, inbox, outputs,
stage, Prefect home, inbox archive, input archive, backups) is derived from one root, by
construction: tests/conftest.py puts each test (and the session's shared fixtures) in a root of its
own through the environment (`TTHC_*`, which every `tthc` process a test starts inherits) and the
working folder (the relative defaults, for a process started with the TTHC_* variables stripped).
The office's `data/` folder is never a default a test can reach; the suite checks it is left
byte for byte as it was (`data_digest`, compared at the end of the session). Nor is the machine's
Prefect server: each site has a free port of its own and no PREFECT_API_URL.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from pipelines.config import SITE_PATHS, Settings
from pipelines.prefect_server import free_port
from tests.paths import REPO

DATA = REPO / "data"


def site_paths(root: Path) -> dict[str, Path]:
    """Each site path setting under `root`, at the place its default names (data/warehouse.duckdb…)."""
    defaults = Settings()
    out = {}
    for name in SITE_PATHS:
        default = Path(str(getattr(defaults, name)))
        assert not default.is_absolute(), f"the default of {name} must be relative to the site: {default}"
        out[name] = Path(root) / default
    return out


def site_env(root: Path) -> dict[str, str]:
    """The TTHC_* variables that put a deployment in `root` (no configuration file there)."""
    env = {f"TTHC_{name.upper()}": str(path) for name, path in site_paths(root).items()}
    env["TTHC_CONFIG"] = str(Path(root) / "tthc.toml")
    return env


def enter_site(mp: pytest.MonkeyPatch, root: Path) -> Path:
    """Make `root` the site of this process: TTHC_* from it alone (a developer's own TTHC_DB or
    TTHC_KILL_AT never leaks in), and the working folder."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for key in [k for k in os.environ if k.startswith("TTHC_") or k == "PREFECT_API_URL"]:
        mp.delenv(key)
    for key, value in site_env(root).items():
        mp.setenv(key, value)
    # nor a Prefect server of the machine: the office's `tthc serve` answers on 127.0.0.1:4200, and a
    # test's run would report to it (tthc run uses the server that is up)
    mp.setenv("TTHC_PREFECT_PORT", str(free_port()))
    mp.chdir(root)
    return root


def data_digest(folder: Path = DATA) -> dict[str, str]:
    """SHA-256 of every file under `folder` (and the target of every link), by relative path."""
    out: dict[str, str] = {}
    for path in sorted(Path(folder).rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            h = hashlib.sha256()
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            out[rel] = h.hexdigest()
        elif path.is_dir():
            out[rel] = "dir"
    return out


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What differs between two digests: files added, removed or rewritten."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
