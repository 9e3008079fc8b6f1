"""The procedure catalogue (danh mục TTHC): which procedures a commune publishes, and at which
level of online service. A small reference input, read whole, mapped with the same matching keys
as the case exports (schemas/catalogue_columns.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import fastexcel
import pyarrow as pa

from pipelines.reference.communes import Registry
from pipelines.extract import FileRejected, Limits
from pipelines.extract.guard import inspect_xlsx
from pipelines.resources import SCHEMAS
from pipelines.rules.text import clean_text, match_key
from pipelines.rules.vocab import vocabularies

COMMUNE_LEVEL = {"capxa", "xa", "xaphuongthitran", "capxaphuongthitran"}


def _aliases() -> dict[str, str]:
    with open(SCHEMAS / "catalogue_columns.csv", encoding="utf-8") as fh:
        return {match_key(a): row["canonical"] for row in csv.DictReader(fh) for a in row["aliases"].split("|")}


def _rows(path: Path) -> list[list[str | None]]:
    if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
        if path.suffix.lower() == ".xlsx":
            inspect_xlsx(path, Limits())  # the same caps as case exports: no zip bombs, no entities
        try:
            sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_arrow()
        except BaseException as exc:  # calamine reports some corrupt files as Rust panics
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise FileRejected(f"danh mục TTHC '{path.name}': không đọc được ({str(exc)[:160]})")
        cols = [c.to_pylist() for c in sheet.columns]
        return [list(r) for r in zip(*cols)]
    raw = path.read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8-sig", errors="replace")
    sep = max([",", ";", "\t"], key=lambda s: text.split("\n", 1)[0].count(s))
    return list(csv.reader(text.splitlines(), delimiter=sep))


def read_catalogue(path: Path, registry: Registry) -> pa.Table:
    """Rows: procedure_code, procedure_name, sector, online_level, is_published, commune_code, admin_level."""
    rows = _rows(path)
    aliases = _aliases()
    header_at = next((i for i, r in enumerate(rows[:30])
                      if sum(1 for c in r if c and match_key(c) in aliases) >= 3), None)
    if header_at is None:
        raise FileRejected(f"danh mục TTHC '{path.name}': không tìm thấy dòng tiêu đề — no header row")
    positions = {aliases[match_key(c)]: j for j, c in enumerate(rows[header_at]) if c and match_key(c) in aliases}
    if "procedure_name" not in positions and "procedure_code" not in positions:
        raise FileRejected(f"danh mục TTHC '{path.name}': thiếu cột Mã TTHC / Tên TTHC — missing columns")
    level_vocab, yes_no = vocabularies()["service_level"], vocabularies()["boolean"]
    out: dict[str, list] = {k: [] for k in ("procedure_code", "procedure_name", "sector", "online_level",
                                            "is_published", "admin_level", "commune_code")}

    def cell(r: list, name: str) -> str | None:
        j = positions.get(name)
        return clean_text(str(r[j])) if j is not None and j < len(r) and r[j] is not None else None

    for r in rows[header_at + 1:]:
        code, name = cell(r, "procedure_code"), cell(r, "procedure_name")
        if not code and not name:
            continue
        commune = cell(r, "commune")
        out["procedure_code"].append(code)
        out["procedure_name"].append(name)
        out["sector"].append(cell(r, "sector"))
        out["online_level"].append(level_vocab.get(match_key(cell(r, "online_level") or ""), "none"))
        published = cell(r, "is_published")
        out["is_published"].append(True if published is None else yes_no.get(match_key(published)) == "true")
        level = cell(r, "admin_level")
        out["admin_level"].append("commune" if level is None or match_key(level) in COMMUNE_LEVEL else match_key(level))
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
