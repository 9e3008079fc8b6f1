"""The column map and value vocabularies, read from the CSV files under schemas/.

Adding a vendor's wording is one line in schemas/columns.csv or vocabularies.csv.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.resources import SCHEMAS
from pipelines.rules.text import match_key


@dataclass(frozen=True)
class Column:
    canonical: str
    label: str
    required: str  # yes | no | cond
    kind: str  # text | vocab | date | number
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class ColumnMap:
    columns: tuple[Column, ...]
    # match_key(alias) -> (canonical, rank of alias in its list)
    by_key: dict[str, tuple[str, int]] = field(hash=False)
    personal_keys: frozenset[str] = field(hash=False)
    ignored_keys: frozenset[str] = field(hash=False, default=frozenset())
    # canonical -> the canonical column whose values it takes when a file has none of its own
    # aliases (schemas/columns.csv `fallback`: received_at takes the filing date, filed_at)
    fallbacks: dict[str, str] = field(hash=False, default_factory=dict)

    def lookup(self, header: object) -> tuple[str, int] | None:
        return self.by_key.get(match_key(header))

    def is_personal(self, header: object) -> bool:
        return match_key(header) in self.personal_keys

    def is_ignored(self, header: object) -> bool:
        """Known columns that carry nothing about the case (STT): dropped without a warning."""
        return match_key(header) in self.ignored_keys

    def names(self) -> list[str]:
        return [c.canonical for c in self.columns]

    def label(self, canonical: str) -> str:
        return next(c.label for c in self.columns if c.canonical == canonical)


def _read_csv(name: str) -> list[dict[str, str]]:
    """The rows of a rule file; a row with more or fewer fields than the header (an unquoted comma
    inside "Tên tổ chức, cá nhân") is an error, never a silently shortened alias list."""
    with open(SCHEMAS / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for n, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            raise ValueError(f"schemas/{name}, line {n}: {len(row) - (None in row)} fields, quote values with commas")
    return rows


@lru_cache(maxsize=1)
def column_map() -> ColumnMap:
    columns = []
    by_key: dict[str, tuple[str, int]] = {}
    for row in _read_csv("columns.csv"):
        aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
        col = Column(row["canonical"], row["label"], row["required"], row["kind"], aliases)
        columns.append(col)
        for rank, alias in enumerate(aliases):
            key = match_key(alias)
            if key in by_key and by_key[key][0] != col.canonical:
                raise ValueError(f"schemas/columns.csv: alias {alias!r} names two columns")
            by_key.setdefault(key, (col.canonical, rank))
    personal = {
        match_key(alias)
        for row in _read_csv("personal_columns.csv")
        for alias in row["aliases"].split("|")
        if alias.strip()
    }
    clash = personal & by_key.keys()
    if clash:
        raise ValueError(f"schemas: personal-data aliases also map to columns: {sorted(clash)}")
    ignored = {
        match_key(alias)
        for row in _read_csv("ignored_columns.csv")
        for alias in row["aliases"].split("|")
        if alias.strip()
    }
    fallbacks = {row["canonical"]: row["fallback"] for row in _read_csv("columns.csv") if row.get("fallback")}
    if unknown := set(fallbacks.values()) - {c.canonical for c in columns}:
        raise ValueError(f"schemas/columns.csv: a fallback names no column: {sorted(unknown)}")
    return ColumnMap(tuple(columns), by_key, frozenset(personal), frozenset(ignored), fallbacks)


@lru_cache(maxsize=1)
def catalogue_map() -> ColumnMap:
    """The column map of the procedure catalogue (schemas/catalogue_columns.csv): read by the same
    extractor as case exports, with its own columns; no column is required by the reader (the
    catalogue needs a code or a name, checked where it is read)."""
    columns: list[Column] = []
    by_key: dict[str, tuple[str, int]] = {}
    for row in _read_csv("catalogue_columns.csv"):
        aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
        columns.append(Column(row["canonical"], aliases[0], "no", "text", aliases))
        for rank, alias in enumerate(aliases):
            by_key.setdefault(match_key(alias), (row["canonical"], rank))
    return ColumnMap(tuple(columns), by_key, frozenset(), column_map().ignored_keys)


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, dict[str, str]]:
    """domain -> {match_key(value): canonical}."""
    out: dict[str, dict[str, str]] = {}
    for row in _read_csv("vocabularies.csv"):
        out.setdefault(row["domain"], {})[match_key(row["value"])] = row["canonical"]
    return out


@lru_cache(maxsize=1)
def statuses() -> dict[str, dict[str, str]]:
    """status -> its row of schemas/statuses.csv (code, terminal, group, label)."""
    return {row["status"]: row for row in _read_csv("statuses.csv")}


def missing_column_notes(missing: list[str]) -> list[str]:
    """What a file without some columns cannot tell, one line per kind (run summary and quality
    report say the same): no status column → the status follows from the dates; no channel column
    → the channel is unknown; any other column → its values are unknown (never "no")."""
    cmap = column_map()
    notes = []
    if "status" in missing:
        notes.append(
            "không có cột Trạng thái: trạng thái suy ra từ ngày (có ngày trả kết quả → đã trả kết quả; có ngày có "
            "kết quả → đã có kết quả; không có → đang giải quyết), không phân biệt được hồ sơ rút, dừng, từ chối"
        )
    if "channel" in missing:
        notes.append(
            "không có cột Hình thức nộp: các hồ sơ của tệp không rõ hình thức nộp, không tính vào trực tuyến "
            "hay trực tiếp (Biểu 06 cột 4, 5)"
        )
    # filed_at (Ngày nộp hồ sơ) is read only to reconcile with other systems: its absence changes
    # no figure, so it is not announced (ingested_files.missing_columns still lists it)
    rest = [c for c in missing if c not in ("status", "channel", "filed_at")]
    if rest:
        labels = ", ".join(cmap.label(c) for c in rest)
        notes.append(f"tệp không có cột (giá trị chưa biết, không tính là «không»): {labels}")
    return notes


def column_source_notes(sources: dict[str, str]) -> list[str]:
    """Where a file's values of a column came from when the file has no such column (the run
    summary and the quality report say the same): the unit from the title block, `--unit` or
    the folder's setting; the received date from the filing date ("Ngày nộp")."""
    cmap = column_map()
    notes = []
    for canonical, where in sources.items():
        if canonical == "agency":
            notes.append(f"không có cột {cmap.label('agency')}: đơn vị lấy từ {where}")
        elif canonical == "received_at":
            notes.append(
                f"ngày tiếp nhận lấy từ cột {where}: hồ sơ trực tuyến có thể được tiếp nhận muộn hơn "
                "(tệp không có cột Ngày tiếp nhận)"
            )
        else:
            notes.append(f"{cmap.label(canonical)} lấy từ {where}")
    return notes


@lru_cache(maxsize=1)
def flag_labels() -> dict[str, str]:
    """flag code (a column of the staged rows, a key of ingested_files.flags) -> the words users
    read (schemas/flags.csv): the run summary and the quality report never print the codes."""
    return {row["flag"]: row["message"] for row in _read_csv("flags.csv")}


def flag_notes(flags: dict[str, int]) -> list[str]:
    """ "3 hồ sơ …" per flag with a count, in words, Vietnamese number format."""
    labels = flag_labels()
    return [f"{n:,}".replace(",", ".") + f" {labels.get(k, k)}" for k, n in sorted(flags.items()) if n]


def terminal_statuses() -> list[str]:
    return [s for s, row in statuses().items() if row["terminal"] == "yes"]


def status_group(status: str | None) -> str | None:
    """How a status counts (schemas/statuses.csv `group`): refused (never accepted, counts only
    as refused at intake), withdrawn_stopped (ended without a result), active, resolved."""
    row = statuses().get(status) if status is not None else None
    return row["group"] if row else None


@dataclass(frozen=True)
class Reason:
    code: str
    column: str | None  # the canonical column whose raw value explains the reason, if one does
    message: str


@lru_cache(maxsize=1)
def reason_table() -> dict[str, Reason]:
    return {
        row["reason"]: Reason(row["reason"], row["column"] or None, row["message"]) for row in _read_csv("reasons.csv")
    }


def reasons() -> dict[str, str]:
    """reason code -> the Vietnamese message officials read."""
    return {code: r.message for code, r in reason_table().items()}


def reason_column(code: str) -> str | None:
    r = reason_table().get(code)
    return r.column if r else None


@lru_cache(maxsize=1)
def agency_prefixes() -> tuple[str, ...]:
    keys = [match_key(r["prefix"]) for r in _read_csv("agency_prefixes.csv")]
    return tuple(sorted(keys, key=len, reverse=True))


@lru_cache(maxsize=1)
def unit_types() -> dict[str, str]:
    """match_key(alias) -> unit type."""
    return {
        match_key(alias): row["unit_type"] for row in _read_csv("unit_types.csv") for alias in row["aliases"].split("|")
    }
