"""The warehouse's schema and its reference tables.

The objects come from sql/ in the order of the manifest (warehouse/sqlfiles.py); the reference
tables are the rule files of schemas/ (reasons, statuses, indicators, Biểu 06 columns), written
again on every run so the warehouse always holds the rules that built it.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

import duckdb

from pipelines.resources import SCHEMAS
from pipelines.sqlfiles import create_objects

if TYPE_CHECKING:
    from pipelines.config import Settings

# reference table -> (rule file under schemas/, {table column: CSV column})
REFERENCE_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "reasons": ("reasons.csv", {"reason": "reason", "message": "message"}),
    "statuses": (
        "statuses.csv",
        {"status": "status", "code": "code", "terminal": "terminal", "status_group": "group", "label": "label"},
    ),
    "indicator_definitions": (
        "indicators.csv",
        {"indicator": "indicator", "kind": "kind", "source": "source", "label": "label", "formula": "formula"},
    ),
    "report_form_columns": (
        "report_form_columns.csv",
        {
            "column_name": "column",
            "form_number": "number",
            "official": "official",
            "column_group": "group",
            "header": "header",
        },
    ),
}
_YES_NO = {"yes": True, "no": False}


def init_schema(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> None:
    """Create every table and macro (idempotent), then write the reference tables."""
    create_objects(con)
    for table in REFERENCE_TABLES:
        load_reference(con, table)
    write_deployment(con, settings)


def load_reference(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Replace `table` with the rows of its rule file (empty cells are NULL, yes/no booleans)."""
    file, columns = REFERENCE_TABLES[table]
    with open(SCHEMAS / file, encoding="utf-8", newline="") as fh:
        rows = [[_value(r[src]) for src in columns.values()] for r in csv.DictReader(fh)]
    con.execute(f"delete from {table}")
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    con.executemany(f"insert into {table} ({names}) values ({marks})", rows)
    return len(rows)


def _value(text: str) -> object:
    if text == "":
        return None
    return _YES_NO.get(text, text)


def write_deployment(con: duckdb.DuckDBPyConnection, settings: Settings | None) -> None:
    """The settings SQL needs (the time zone of "now"), one row."""
    from pipelines.config import Settings

    s = settings or Settings()
    con.execute("delete from deployment")
    con.execute(
        "insert into deployment (timezone, province, district) values (?, ?, ?)",
        [s.timezone, s.province, s.district or None],
    )


def load_communes(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The registry in scope: old communes (with successors) and the units from 01/07/2025."""
    from pipelines.reference.communes import scoped_units
    from pipelines.reference.registry import FIELDS, NEW_FIELDS

    old, new = scoped_units(settings)
    con.execute("delete from communes")
    con.execute("delete from communes_2025")
    for table, fields, rows in (("communes", FIELDS, old), ("communes_2025", NEW_FIELDS, new)):
        if rows:
            con.executemany(
                f"insert into {table} ({', '.join(fields)}) values ({', '.join('?' * len(fields))})",
                [[r.get(f) for f in fields] for r in rows],
            )
