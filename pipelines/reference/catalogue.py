"""The procedure catalogue (danh mục TTHC): which procedures a unit publishes, and at which level
of online service. A small reference input read by the same extractor as the case exports
(sniffing, caps, the workbook reader in its capped worker process, header detection under a
title block, footers), with its own column map (schemas/catalogue_columns.csv).

A catalogue row applies to the unit it names ("Áp dụng cho", "Đơn vị", "Mã xã": a name, a GSO code
or a unit key, resolved among the units in scope of both eras); a row naming no unit applies to
the units of the setting `procedures_units` (a province-wide list loaded for named units), else to
none. A unit no row applies to has no catalogue figure: it is "chưa có số liệu", never another
unit's catalogue.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.extract import FileRejected, Limits, open_export
from pipelines.reference.communes import Registry, find_units
from pipelines.rules.text import clean_text, match_key
from pipelines.rules.vocab import catalogue_map, vocabularies

COMMUNE_LEVEL = {"capxa", "xa", "xaphuongthitran", "capxaphuongthitran"}
FIELDS = (
    "procedure_code",
    "procedure_name",
    "sector",
    "online_level",
    "is_published",
    "admin_level",
    "commune_code",
    "unit_key",
)


def _units_of(text: str | None, registry: Registry, default: list[str]) -> list[str | None]:
    """The unit keys a catalogue row applies to (a name or code shared by two units: none)."""
    units = list(registry.units.values())
    if text:
        hits = find_units(text, units)
        return [hits[0].unit_key] if len(hits) == 1 else [None]
    keys: list[str | None] = []
    for item in default:
        keys.extend(u.unit_key for u in find_units(item, units))
    return keys or [None]


def read_catalogue(
    path: Path, registry: Registry, limits: Limits | None = None, default_units: list[str] | None = None
) -> pa.Table:
    """One row per catalogue row and unit it applies to (FIELDS)."""
    try:
        info, batches = open_export(Path(path), limits, cmap=catalogue_map())
        rows = pa.concat_tables(list(batches)).to_pylist()
    except FileRejected as exc:
        raise FileRejected(f"danh mục TTHC '{Path(path).name}': {exc.message}") from exc
    present = set(catalogue_map().names()) - set(info.missing_columns)
    if not {"procedure_name", "procedure_code"} & present:
        raise FileRejected(f"danh mục TTHC '{Path(path).name}': thiếu cột Mã TTHC / Tên TTHC — missing columns")
    level_vocab, yes_no = vocabularies()["service_level"], vocabularies()["boolean"]
    out: dict[str, list] = {k: [] for k in FIELDS}
    for r in rows:
        cell = {k: clean_text(v) if isinstance(v, str) else None for k, v in r.items()}
        if not cell["procedure_code"] and not cell["procedure_name"]:
            continue
        published, level = cell["is_published"], cell["admin_level"]
        values = {
            "procedure_code": cell["procedure_code"],
            "procedure_name": cell["procedure_name"],
            "sector": cell["sector"],
            "online_level": level_vocab.get(match_key(cell["online_level"] or ""), "none"),
            "is_published": True if published is None else yes_no.get(match_key(published)) == "true",
            "admin_level": "commune" if level is None or match_key(level) in COMMUNE_LEVEL else match_key(level),
        }
        for key in _units_of(cell["commune"], registry, default_units or []):
            for name, value in values.items():
                out[name].append(value)
            out["commune_code"].append(registry.units[key].commune_code if key else None)
            out["unit_key"].append(key)
    return pa.table(out)


def load_catalogue(
    con: duckdb.DuckDBPyConnection, path: Path | None, registry: Registry, default_units: list[str] | None = None
) -> int:
    """Replace `procedures` with the catalogue file's rows (absent file: an empty catalogue)."""
    con.execute("delete from procedures")
    if path is None or not Path(path).exists():
        return 0
    table = read_catalogue(Path(path), registry, default_units=default_units)
    con.register("catalogue_rows", table)
    try:
        con.execute("insert into procedures by name select * from catalogue_rows")
    finally:
        con.unregister("catalogue_rows")
    return table.num_rows
