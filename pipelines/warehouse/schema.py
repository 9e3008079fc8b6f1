"""The warehouse's schema and its reference tables.

The objects come from sql/ in the order of the manifest (warehouse/sqlfiles.py); the reference
tables are the rule files of schemas/ (reasons, statuses, indicators, Biểu 06 columns, the 766
metrics, the working-day calendar and statutory times), written again on every run so the
warehouse always holds the rules that built it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from pipelines.rules.calendar import write_calendar
from pipelines.rules.vocab import _read_csv
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
    "score766_groups": (
        "score766_groups.csv",
        {
            "group_code": "group_code",
            "position": "position",
            "label": "label",
            "max_points": "max_points",
            "portal_criterion": "portal_criterion",
        },
    ),
    "score766_metrics": (
        "score766_metrics.csv",
        {
            c: c
            for c in (
                "metric_code",
                "group_code",
                "formula_id",
                "label",
                "short_label",
                "max_points",
                "formula_kind",
                "threshold_pct",
                "formula",
                "empty_note",
                "missing_note",
                "case_words",
                "source",
            )
        },
    ),
    "score766_reasons": ("score766_reasons.csv", {"reason": "reason", "label": "label"}),
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
    "counting_conventions": (
        "conventions.csv",
        {
            c: c
            for c in (
                "convention",
                "seq",
                "label",
                "system",
                "source",
                "received_date",
                "end_date",
                "compare",
                "state_by",
                "excluded_statuses",
                "open_statuses",
                "waiting_statuses",
                "withdrawn_statuses",
                "stopped_statuses",
                "done_statuses",
                "waiting_as",
                "waiting_needs_received",
                "resolved_timing",
                "in_progress_due",
                "notes",
            )
        },
    ),
}
_YES_NO = {"yes": True, "no": False}


def init_schema(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> None:
    """Create every table and macro (idempotent), then write the reference tables."""
    migrate(con)
    create_objects(con)
    for table in REFERENCE_TABLES:
        load_reference(con, table)
    write_calendar(con)
    write_deployment(con, settings)


def load_reference(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Replace `table` with the rows of its rule file (empty cells are NULL, yes/no booleans)."""
    file, columns = REFERENCE_TABLES[table]
    # _read_csv refuses a row with more or fewer fields than the header (an unquoted comma)
    rows = [[_value(r[src]) for src in columns.values()] for r in _read_csv(file)]
    con.execute(f"delete from {table}")
    _insert_columns(con, table, list(columns), rows)
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


COMMUNE_FIELDS = [
    "unit_key",
    "commune_code",
    "era",
    "commune_name",
    "unit_type",
    "district_code",
    "district_name",
    "province_code",
    "province_name",
    "valid_from",
    "valid_to",
    "successor_key",
    "successor_code",
    "successor_name",
    "successor_type",
    "successor_divided",
    "district_type",
    "province_type",
]


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Before the schema is created: changes that `create … if not exists` cannot make.

    0.3.0: `communes` was keyed by GSO code (one era) and `communes_2025` was a table; both are
    reference data rewritten every run, so they are dropped and created again in the new shape.
    """
    cols = {
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() "
            "where table_name = 'communes' and database_name = current_database()"
        ).fetchall()
    }
    if cols and "unit_key" not in cols:
        con.execute("drop table communes")
    kind = con.execute("select table_type from information_schema.tables where table_name = 'communes_2025'").fetchall()
    if kind and kind[0][0] == "BASE TABLE":
        con.execute("drop table communes_2025")


def load_communes(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The registry in scope, both eras (old units with their successors), then the unit keys of
    cases loaded before units had keys (warehouses built by 0.2)."""
    from pipelines.reference.communes import scoped_units
    from pipelines.sqlfiles import run_file

    units = scoped_units(settings)
    by_key = {u.unit_key: u for u in units}
    rows = []
    links: list[list[object]] = []
    for u in units:
        succ = by_key.get(u.successor_key) if u.successor_key else None
        rows.append(
            [
                u.unit_key,
                u.commune_code,
                u.era,
                u.commune_name,
                u.unit_type,
                u.district_code,
                u.district_name,
                u.province_code,
                u.province_name,
                u.valid_from,
                u.valid_to,
                u.successor_key if succ else None,
                succ.commune_code if succ else None,
                succ.commune_name if succ else None,
                succ.unit_type if succ else None,
                u.divided if u.successors else None,
                u.district_type,
                u.province_type,
            ]
        )
        links.extend([u.unit_key, k, i == 0] for i, k in enumerate(u.successors) if k in by_key)
    con.execute("delete from communes")
    con.execute("delete from unit_successors")
    # one Arrow insert per table: executemany costs ~3 ms a row here (1.7 s for a province's units)
    _insert_columns(con, "communes", COMMUNE_FIELDS, rows)
    _insert_columns(con, "unit_successors", ["old_key", "new_key", "is_default"], links)
    run_file(con, "staging/migrate_unit_keys.sql")


def _insert_columns(
    con: duckdb.DuckDBPyConnection, table: str, names: list[str], rows: Sequence[Sequence[object]]
) -> None:
    """Insert rows (lists in the order of `names`) by column name, through one Arrow table; the
    table's own column types decide the casts."""
    if not rows:
        return
    data = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})
    con.register("_rows_arrow", data)
    try:
        con.execute(f"insert into {table} by name select * from _rows_arrow")
    finally:
        con.unregister("_rows_arrow")
