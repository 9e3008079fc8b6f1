"""Settings: defaults in code, overridden by a TOML file, overridden by TTHC_* variables.

Every value remembers where it came from, so `tthc config` can say why it is what it is.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from pipelines.resources import REFERENCE

DEFAULT_CONFIG_FILE = Path("tthc.toml")


@dataclass
class Settings:
    db: Path = Path("data/warehouse.duckdb")
    inbox: Path = Path("data/inbox")
    out: Path = Path("data/out")
    stage: Path = Path("data/stage")
    communes_file: Path = REFERENCE / "communes.csv"
    procedures_file: Path = REFERENCE / "procedures.csv"  # the procedure catalogue (danh mục TTHC)
    # units the catalogue rows that name no unit apply to (a province-wide list loaded for them)
    procedures_units: list[str] = field(default_factory=list)
    # scope: today's province (or an old one), an old district to tell old names apart (history),
    # and optionally the units (names, codes or keys) the deployment serves
    province: str = "Ninh Bình"
    district: str = ""
    units: list[str] = field(default_factory=list)
    timezone: str = "Asia/Ho_Chi_Minh"
    reject_share: float = 0.20  # a file whose quarantine share exceeds this is rejected whole
    max_file_mb: int = 512
    max_seconds: float = 300.0  # per-file time budget for extract + validate; 0 disables it
    workers: int = 2
    # a run that finds another one writing the warehouse waits this long for it, then gives up
    lock_wait_seconds: float = 600.0
    # nightly service: the Prefect server's database and UI (tthc serve starts it when no
    # PREFECT_API_URL is configured), on 127.0.0.1 only
    prefect_home: Path = Path("data/prefect")
    prefect_port: int = 4200
    # a file in a scanned folder modified less than this many seconds ago may still be being
    # copied: it waits for the next run (and is reported)
    settle_seconds: float = 60.0
    # where loaded inbox files are moved, by date (archive/2026-12-01/…); "" keeps them in the inbox
    inbox_archive: str = "data/archive"
    # DuckDB storage format of the published file: analysts' CLI, JDBC (DBeaver), R and BI drivers
    # are DuckDB 1.4/1.5, which cannot read the 2.0 default (storage version 69)
    storage_version: str = "v1.4.0"
    sources: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, config_file: Path | None = None, **overrides: object) -> Settings:
        s = cls()
        for f in fields(s):
            if f.name != "sources":
                s.sources[f.name] = "mặc định (default)"
        path = config_file or Path(os.environ.get("TTHC_CONFIG", DEFAULT_CONFIG_FILE))
        if path.exists():
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            for key, value in data.get("tthc", data).items():
                if hasattr(s, key) and key != "sources":
                    s._set(key, value, f"tệp {path}")
        for f in fields(s):
            env = os.environ.get(f"TTHC_{f.name.upper()}")
            if env is not None and f.name != "sources":
                s._set(f.name, env, f"biến môi trường TTHC_{f.name.upper()}")
        for key, value in overrides.items():
            if value is not None:
                s._set(key, value, "dòng lệnh (command line)")
        return s

    def _set(self, key: str, value: object, source: str) -> None:
        current = getattr(self, key)
        if isinstance(current, Path):
            value = Path(str(value))
        elif isinstance(current, list):
            items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
            value = [str(v).strip() for v in items if str(v).strip()]
        elif isinstance(current, bool):
            value = str(value).lower() in ("1", "true", "yes", "có")
        elif isinstance(current, int):
            value = int(str(value))
        elif isinstance(current, float):
            value = float(str(value))
        setattr(self, key, value)
        self.sources[key] = source
