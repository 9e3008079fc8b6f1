"""The procedure catalogue (danh mục TTHC): which procedures a commune publishes, and at which
level of online service. A small reference input read by the same extractor as the case exports
(sniffing, caps, the workbook reader in its capped worker process, header detection under a
title block, footers), with its own column map (schemas/catalogue_columns.csv)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.extract import FileRejected, Limits, open_export
from pipelines.reference.communes import Registry
from pipelines.rules.text import clean_text, match_key
from pipelines.rules.vocab import catalogue_map, vocabularies

COMMUNE_LEVEL = {"capxa", "xa", "xaphuongthitran", "capxaphuongthitran"}
FIELDS = ("procedure_code", "procedure_name", "sector", "online_level", "is_published", "admin_level", "commune_code")


def read_catalogue(path: Path, registry: Registry, limits: Limits | None = None) -> pa.Table:
    """Rows: procedure_code, procedure_name, sector, online_level, is_published, commune_code, admin_level."""
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
        code, name = cell["procedure_code"], cell["procedure_name"]
        if not code and not name:
            continue
        out["procedure_code"].append(code)
        out["procedure_name"].append(name)
        out["sector"].append(cell["sector"])
        out["online_level"].append(level_vocab.get(match_key(cell["online_level"] or ""), "none"))
        published = cell["is_published"]
        out["is_published"].append(True if published is None else yes_no.get(match_key(published)) == "true")
        level = cell["admin_level"]
        out["admin_level"].append("commune" if level is None or match_key(level) in COMMUNE_LEVEL else match_key(level))
        commune = cell["commune"]
        out["commune_code"].append(registry.resolve(commune).code if commune else None)
    return pa.table(out)


def load_catalogue(con: duckdb.DuckDBPyConnection, path: Path | None, registry: Registry) -> int:
    """Replace `procedures` with the catalogue file's rows (absent file: an empty catalogue)."""
    con.execute("delete from procedures")
    if path is None or not Path(path).exists():
        return 0
    table = read_catalogue(Path(path), registry)
    con.register("catalogue_rows", table)
    try:
        con.execute("insert into procedures by name select * from catalogue_rows")
    finally:
        con.unregister("catalogue_rows")
    return table.num_rows
