"""Settings: defaults in code, overridden by a TOML file, overridden by TTHC_* variables.

Every value remembers where it came from, so `tthc config` can say why it is what it is, and every
value is checked (pydantic, installed with Prefect) the moment it is read: a wrong value stops the
command with one line naming the key, the value, where it came from and what is accepted.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, TypeAdapter, ValidationError

from pipelines.resources import REFERENCE

DEFAULT_CONFIG_FILE = Path("tthc.toml")


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
    "storage_version": (
        Annotated[str, Field(pattern=r"^v\d+\.\d+\.\d+$")],
        "một phiên bản DuckDB mà DuckDB đang cài biết, như v1.4.0",
    ),
    "memory_limit": (
        Annotated[str, Field(pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")],
        "dung lượng như 1GB hoặc 512MB",
    ),
}


WORDS = {"timezone": "múi giờ IANA như Asia/Ho_Chi_Minh"}

# The settings naming where a deployment writes: its warehouse, inbox, outputs, backups, archives.
# Every one of them is a folder or file of the site (tests derive them all from one temporary root,
# tests/conftest.py); the settings naming inputs the deployment only reads are READ_PATHS. A new
# path setting goes in one of the two (tests/integration/test_isolation.py checks it).
SITE_PATHS = ("db", "inbox", "out", "stage", "prefect_home", "inbox_archive", "input_archive", "backups", "secret_key")
READ_PATHS = ("communes_file", "procedures_file")
# what the office keeps: the run's stage folder must be none of these, hold none, lie in none
OFFICE_DATA = {
    "db": "kho dữ liệu",
    "inbox": "hộp thư đến",
    "inbox_archive": "kho lưu tệp đã nạp",
    "input_archive": "kho lưu tệp nhập",
    "backups": "thư mục sao lưu",
    "prefect_home": "dữ liệu Prefect",
}


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
    # one-unit exports without an agency column whose title block names no unit: the unit of every
    # file of the run (`tthc run --unit`), or of the files under a folder ("folder = unit" each)
    unit: str = ""
    folder_units: list[str] = field(default_factory=list)
    # the names a signed document carries (the Biểu 06 sheet, the .docx report, Nghị định
    # 30/2020/NĐ-CP); a name not set stays a blank to fill by hand, never invented
    report_place: str = ""  # địa danh before ", ngày … tháng … năm …" (default: the unit's name)
    report_to: list[str] = field(default_factory=list)  # Kính gửi
    report_recipients: list[str] = field(default_factory=list)  # Nơi nhận (before "Lưu: VT")
    signer_title: str = "CHỦ TỊCH"  # under "TM. ỦY BAN NHÂN DÂN" (or "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    signer_name: str = ""  # who signs for the unit (THỦ TRƯỞNG ĐƠN VỊ on the form)
    preparer_name: str = ""  # NGƯỜI LẬP BIỂU
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
    # the deployment's secret key: case ids holding personal data are stored as a keyed hash under
    # it (transform/scrub.py); made on first use, kept apart from the warehouse and its backups
    secret_key: Path = Path("data/secret.key")
    # DuckDB storage format of the published file: analysts' CLI, JDBC (DBeaver), R and BI drivers
    # are DuckDB 1.4/1.5, which cannot read the 2.0 default (storage version 69)
    storage_version: str = "v1.4.0"
    # what DuckDB may hold in memory while it builds (it spills to disk beyond); lowered to a
    # quarter of the process's address-space limit when one is set (duckdb_memory_limit)
    memory_limit: str = "1GB"
    # files that are reports (a one-stop system's Biểu 06, the portal's 766 figures), not case
    # exports: read as reports even when their content is not recognised (`tthc run --report FILE`)
    report_files: list[str] = field(default_factory=list)
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
        s._check_stage()
        return s

    def _check_stage(self) -> None:
        """A run removes only the folders it made under `stage` (marked as a run's, run.for_run),
        but a stage that is, holds or lies inside the office's data is refused outright: with
        `stage = data` a run of 0.5.0 deleted the warehouse, every backup and the archive."""
        stage = resolve_path(self.stage)
        for name, label in OFFICE_DATA.items():
            value = getattr(self, name)
            if not str(value):
                continue  # inbox_archive = "" keeps the inbox files where they are
            other = resolve_path(Path(value))
            if stage == other:
                relation = "trùng với"
            elif stage in other.parents:
                relation = "chứa"
            elif other in stage.parents:
                relation = "nằm trong"
            else:
                continue
            raise SettingsError(
                f"cài đặt stage = '{self.stage}' ({self.sources.get('stage', 'mặc định')}) không hợp lệ: thư mục tạm "
                f"của lần chạy {relation} {label} ({name} = {other}); cần một thư mục riêng, ví dụ data/stage — "
                f"stage overlaps {name}"
            )

    def _read_file(self, path: Path, names: list[str]) -> None:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise SettingsError(f"không đọc được tệp cấu hình {path} ({exc.strerror}) — unreadable config") from None
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[1:200:2].count(0) > 10:
            raise SettingsError(
                f"tệp cấu hình {path} được lưu bằng UTF-16 (Notepad: 'Unicode'); hãy lưu lại bằng UTF-8 — "
                "the configuration file must be UTF-8"
            )
        try:
            data = tomllib.loads(raw.removeprefix(codecs.BOM_UTF8).decode("utf-8"))  # Notepad's BOM is fine
        except UnicodeDecodeError as exc:
            raise SettingsError(
                f"tệp cấu hình {path} không phải UTF-8 (byte {exc.start}); hãy lưu lại bằng UTF-8 — "
                "the configuration file must be UTF-8"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"tệp cấu hình {path} sai cú pháp TOML ({exc}) — invalid TOML") from None
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
        if isinstance(value, dict):  # a TOML table: folder_units = { "data/inbox/tt" = "phường Thiên Trường" }
            value = [f"{k} = {v}" for k, v in value.items()]
        items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
        return [str(v).strip() for v in items if str(v).strip()]
    if isinstance(current, bool):
        return TypeAdapter(bool).validate_python(value)
    if key in ACCEPTS:
        type_ = ACCEPTS[key][0]
        raw = _number_text(value) if isinstance(current, int | float) else value
        checked = TypeAdapter(type_).validate_python(raw, strict=False)
        if key == "storage_version":
            _known_storage_version(checked)
        return checked
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


def _known_storage_version(version: str) -> None:
    """DuckDB itself says which versions it knows (v9.9.9 has the right pattern, and no file)."""
    import duckdb

    try:
        duckdb.connect(config={"storage_compatibility_version": version}).close()
    except duckdb.Error:
        raise ValueError(f"DuckDB {duckdb.__version__} không biết phiên bản {version}") from None


def memory_bytes(text: str) -> int:
    """'1GB' → 10**9, '512MiB' → 512 * 2**20 (DuckDB's own units)."""
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]i?B)", text.strip()).groups()  # type: ignore[union-attr]
    power = "KMGT".index(unit[0]) + 1
    return int(float(number) * ((1024 if "i" in unit else 1000) ** power))


def duckdb_memory_limit(settings: Settings) -> str:
    """DuckDB's memory_limit for a run: the setting, or a quarter of the process's address-space
    limit when that is lower (prlimit --as, ulimit -v): DuckDB then spills or stops with its own
    out-of-memory error inside the limit, never with a failed allocation outside its control."""
    import resource

    wanted = memory_bytes(settings.memory_limit)
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        wanted = min(wanted, soft // 4)
    return f"{max(wanted // 2**20, 64)}MiB"


_FITTED: list[bool] = []


def fit_address_space() -> None:
    """Under an address-space limit (prlimit --as, ulimit -v) memory must be reserved as it is used:
    pyarrow's default allocator (mimalloc) reserves 1 GiB of address space at its first allocation
    and glibc 64 MB per thread arena, which used a 1.5 GiB limit up before any data did (DuckDB then
    failed to start). Then: pyarrow allocates through the system allocator, glibc keeps two arenas.
    Called once per process, before the first Arrow allocation (the command, the staging of a file).
    ARROW_DEFAULT_MEMORY_POOL is read when Arrow first allocates (arrow.apache.org, MemoryPool)."""
    import contextlib
    import ctypes
    import resource

    if _FITTED or resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
        return
    _FITTED.append(True)
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # the workbook reader's process too
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def resolve_path(path: Path) -> Path:
    """The real path, symlinks followed, whether or not the file exists yet."""
    return Path(os.path.realpath(path))
