"""The warehouse describes itself: a COMMENT ON for every table, column and macro, derived from
the manifest (sql/models.yml), and the live catalogue read back from DuckDB.

`apply_comments` runs after every build: sql/build/full.sql recreates periods, report_form and
indicators and init_schema recreates every macro, and both drop their comments.
"""

from __future__ import annotations

import duckdb

from pipelines.sqlfiles import manifest

# Reading order of the catalogue (and of docs/warehouse.md); objects not listed follow alphabetically.
TABLE_ORDER = (
    "cases",
    "quarantine",
    "ingested_files",
    "runs",
    "report_form",
    "indicators",
    "periods",
    "communes",
    "communes_2025",
    "unit_successors",
    "procedures",
    "reasons",
    "statuses",
    "indicator_definitions",
    "report_form_columns",
    "deployment",
)
MACRO_ORDER = (
    "report_form_between",
    "indicators_between",
    "procedure_indicators",
    "classified_for",
    "report_form_for",
    "indicators_for",
    "tthc_deadline",
    "tthc_classify",
    "tthc_pct",
    "tthc_period_label",
    "tthc_parse_ts",
)
MACRO_KINDS = ("table_macro", "macro")
_COMMENT_KIND = {
    "table": "TABLE",
    "view": "VIEW",
    "sequence": "SEQUENCE",
    "macro": "MACRO",
    "table_macro": "MACRO TABLE",
}


class CommentError(RuntimeError):
    """A COMMENT ON derived from sql/models.yml failed: usually an object it names does not exist."""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_statements() -> list[str]:
    """COMMENT ON statements for every object and column of the manifest (sql/models.yml)."""
    out = []
    for o in manifest().objects:
        out.append(f"COMMENT ON {_COMMENT_KIND[o.kind]} {o.name} IS {_quote(o.description)}")
        out.extend(f"COMMENT ON COLUMN {o.name}.{c} IS {_quote(text)}" for c, text in o.columns.items())
    return out


def apply_comments(con: duckdb.DuckDBPyConnection) -> int:
    """Run every COMMENT ON of the manifest on a writable connection; returns how many.

    Every object named there must exist (call this after build()); a missing one is an error,
    never skipped, so the file and the schema cannot drift apart silently.
    """
    stmts = comment_statements()
    for stmt in stmts:
        try:
            con.execute(stmt)
        except duckdb.Error as exc:
            target = stmt.split(" IS ", 1)[0]
            first_line = str(exc).strip().splitlines()[0]
            raise CommentError(
                f"sql/models.yml: '{target}' failed: {first_line} — every table, column and macro "
                "named there must exist when apply_comments runs (after build(), on a writable connection)"
            ) from exc
    return len(stmts)


def _order(name: str, preferred: tuple[str, ...]) -> tuple[int, str]:
    return (preferred.index(name) if name in preferred else len(preferred), name)


def catalogue(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The live catalogue of the open database: its tables, then the project's macros.

    Tables: {"kind": "table", "name", "comment", "columns": [{"name", "type", "comment"}]}.
    Macros: {"kind": "macro" | "table_macro", "name", "parameters": [...], "comment"}.
    Built-in and extension functions (internal) and temporary objects are left out.
    """
    tables = con.execute(
        """
        select table_name, comment
        from duckdb_tables()
        where database_name = current_database() and schema_name = current_schema()
          and not internal and not temporary
        union all
        select view_name, comment
        from duckdb_views()
        where database_name = current_database() and schema_name = current_schema()
          and not internal and not temporary
        """
    ).fetchall()
    columns: dict[str, list[dict]] = {}
    for table, column, type_, comment in con.execute(
        """
        select table_name, column_name, data_type, comment
        from duckdb_columns()
        where database_name = current_database() and schema_name = current_schema() and not internal
        order by table_name, column_index
        """
    ).fetchall():
        columns.setdefault(table, []).append({"name": column, "type": type_, "comment": comment})
    out: list[dict] = [
        {"kind": "table", "name": name, "comment": comment, "columns": columns.get(name, [])}
        for name, comment in sorted(tables, key=lambda t: _order(t[0], TABLE_ORDER))
    ]
    macros = con.execute(
        """
        select function_name, function_type, parameters, comment
        from duckdb_functions()
        where not internal and function_type in ('macro', 'table_macro')
          and database_name = current_database() and schema_name = current_schema()
        """
    ).fetchall()
    for name, kind, params, comment in sorted(
        macros, key=lambda m: (MACRO_KINDS.index(m[1]), *_order(m[0], MACRO_ORDER), len(m[2] or []))
    ):
        out.append({"kind": kind, "name": name, "parameters": list(params or []), "comment": comment})
    return out


def missing_comments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table, column and macro of the catalogue without a (non-blank) comment."""
    missing = []
    for item in catalogue(con):
        if not (item["comment"] or "").strip():
            missing.append(f"{item['kind']} {item['name']}")
        for col in item.get("columns", []):
            if not (col["comment"] or "").strip():
                missing.append(f"column {item['name']}.{col['name']}")
    return missing
