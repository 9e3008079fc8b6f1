"""Settings: defaults in code, overridden by a TOML file, overridden by TTHC_* variables.

Every value remembers where it came from, so `tthc config` can say why it is what it is, and every
value is checked (pydantic, installed with Prefect) the moment it is read: a wrong value stops the
command with one line naming the key, the value, where it came from and what is accepted.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, TypeAdapter, ValidationError

from pipelines.resources import REFERENCE

DEFAULT_CONFIG_FILE = Path("tthc.toml")
# TTHC_* variables that are not settings (the config file itself, the crash-test hook)
NOT_SETTINGS = {"TTHC_CONFIG", "TTHC_KILL_AT"}


class SettingsError(ValueError):
    """A setting that cannot be used; the message is the one line the user sees."""


# what each constrained setting accepts, in words (the pydantic constraint says the same)
ACCEPTS: dict[str, tuple[Any, str]] = {
    "reject_share": (Annotated[float, Field(gt=0, le=1)], "một tỉ lệ trong (0; 1], ví dụ 0.2 hoặc 0,2 = 20 %"),
    "max_file_mb": (Annotated[int, Field(ge=1)], "số nguyên MB ≥ 1"),
    "max_seconds": (Annotated[float, Field(ge=0)], "số giây ≥ 0 (0 = không giới hạn)"),
    "workers": (Annotated[int, Field(ge=1, le=64)], "số nguyên từ 1 đến 64"),
    "lock_wait_seconds": (Annotated[float, Field(ge=0)], "số giây ≥ 0"),
    "prefect_port": (Annotated[int, Field(ge=1, le=65535)], "cổng từ 1 đến 65535"),
    "settle_seconds": (Annotated[float, Field(ge=0)], "số giây ≥ 0"),
    "backups_keep": (Annotated[int, Field(ge=0, le=1000)], "số bản sao lưu giữ lại, 0 đến 1000 (0 = không sao lưu)"),
    "storage_version": (Annotated[str, Field(pattern=r"^v\d+\.\d+\.\d+$")], "phiên bản lưu trữ DuckDB như v1.4.0"),
}


WORDS = {"timezone": "múi giờ IANA như Asia/Ho_Chi_Minh"}


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
    # every loaded input, content-addressed (objects/ab/<sha256>), what `tthc rebuild` reads
    input_archive: Path = Path("data/archive/inputs")
    # the previously published warehouses kept (a week of nightly runs); 0 keeps none
    backups: Path = Path("data/backups")
    backups_keep: int = 7
    # DuckDB storage format of the published file: analysts' CLI, JDBC (DBeaver), R and BI drivers
    # are DuckDB 1.4/1.5, which cannot read the 2.0 default (storage version 69)
    storage_version: str = "v1.4.0"
    # the folder shared with the national roll-up: after each nightly run the province's per-unit
    # aggregates (no case) are written there (tthc aggregates); "" writes none
    aggregates_out: str = ""
    sources: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, config_file: Path | None = None, **overrides: object) -> Settings:
        s = cls()
        names = [f.name for f in fields(s) if f.name != "sources"]
        for name in names:
            s.sources[name] = "mặc định (default)"
        path = config_file or Path(os.environ.get("TTHC_CONFIG", DEFAULT_CONFIG_FILE))
        if path.exists():
            s._read_file(path, names)
        for name in names:
            env = os.environ.get(f"TTHC_{name.upper()}")
            if env is not None:
                s._set(name, env, f"biến môi trường TTHC_{name.upper()}")
        for key, value in overrides.items():
            if value is not None:
                s._set(key, value, "dòng lệnh (command line)")
        # one real path: a symlinked warehouse is locked and replaced where it really lives
        s.db = resolve_path(s.db)
        return s

    def _read_file(self, path: Path, names: list[str]) -> None:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"tệp cấu hình {path} sai cú pháp TOML ({exc}) — invalid TOML") from None
        except OSError as exc:
            raise SettingsError(f"không đọc được tệp cấu hình {path} ({exc.strerror}) — unreadable config") from None
        section = data.get("tthc", data)
        if not isinstance(section, dict):
            raise SettingsError(f"tệp cấu hình {path}: [tthc] phải là một bảng khóa = giá trị — not a table")
        for key, value in section.items():
            if key not in names:
                near = difflib.get_close_matches(key, names, n=1)
                hint = f"; có phải '{near[0]}'?" if near else ""
                raise SettingsError(f"tệp cấu hình {path}: khóa '{key}' không có{hint} — unknown setting '{key}'")
            self._set(key, value, f"tệp {path}")

    def _set(self, key: str, value: object, source: str) -> None:
        current = getattr(self, key)
        try:
            value = _convert(key, current, value)
        except (ValidationError, ValueError) as exc:
            what = ACCEPTS[key][1] if key in ACCEPTS else WORDS.get(key, _kind(current))
            detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            raise SettingsError(
                f"cài đặt {key} = {value!r} ({source}) không hợp lệ: cần {what} — invalid setting ({detail})"
            ) from None
        setattr(self, key, value)
        self.sources[key] = source


def _kind(current: object) -> str:
    if isinstance(current, bool):
        return "có/không (true/false)"
    if isinstance(current, int):
        return "một số nguyên"
    if isinstance(current, float):
        return "một số"
    if isinstance(current, list):
        return "một danh sách"
    return "một chuỗi"


def _number_text(value: object) -> object:
    """ "0,2" (the Vietnamese decimal comma) is 0.2; "1.000,5" is refused, not guessed."""
    if isinstance(value, str):
        text = value.strip()
        if text.count(",") == 1 and "." not in text:
            return text.replace(",", ".")
        return text
    return value


def _convert(key: str, current: object, value: object) -> object:
    if isinstance(current, Path):
        if not isinstance(value, str | Path) or not str(value).strip():
            raise ValueError("cần một đường dẫn")
        return Path(str(value))
    if isinstance(current, list):
        items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
        return [str(v).strip() for v in items if str(v).strip()]
    if isinstance(current, bool):
        return TypeAdapter(bool).validate_python(value)
    if key in ACCEPTS:
        type_ = ACCEPTS[key][0]
        raw = _number_text(value) if isinstance(current, int | float) else value
        return TypeAdapter(type_).validate_python(raw, strict=False)
    if isinstance(current, int):
        return TypeAdapter(int).validate_python(_number_text(value))
    if isinstance(current, float):
        return TypeAdapter(float).validate_python(_number_text(value))
    if key == "timezone":
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
    if not isinstance(value, str):
        raise ValueError("cần một chuỗi")
    return value


def resolve_path(path: Path) -> Path:
    """The real path, symlinks followed, whether or not the file exists yet."""
    return Path(os.path.realpath(path))
