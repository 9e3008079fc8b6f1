"""The warehouse describes itself: a COMMENT ON for every table, column and macro
(sql/models.yml), the live catalogue read back from DuckDB, and docs/warehouse.md
generated from that catalogue.

    python -m pipelines.warehouse.docs [DB] [OUT]

writes the page for the warehouse DB (default data/warehouse.duckdb) to OUT (default
docs/warehouse.md). The comments are applied to a temporary writable copy first, so the command
works on any warehouse, even one opened read-only by analysts, and never changes DB.

`apply_comments` must run after every build: sql/build/full.sql recreates periods, report_form and
indicators and init_schema recreates every macro, and both drop their comments.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from pipelines.sqlfiles import manifest

PAGE = Path("docs") / "warehouse.md"

# Reading order of the page; objects not listed follow in alphabetical order.
TABLE_ORDER = ("cases", "quarantine", "ingested_files", "runs", "report_form", "indicators", "periods",
               "communes", "communes_2025", "procedures", "reasons", "statuses", "indicator_definitions",
               "report_form_columns", "deployment")
MACRO_ORDER = ("report_form_between", "indicators_between", "procedure_indicators", "classified_for",
               "report_form_for", "indicators_for", "tthc_deadline", "tthc_classify", "tthc_pct",
               "tthc_period_label", "tthc_parse_ts")
MACRO_KINDS = ("table_macro", "macro")
_COMMENT_KIND = {"table": "TABLE", "sequence": "SEQUENCE", "macro": "MACRO", "table_macro": "MACRO TABLE"}


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


def _cell(text: str | None) -> str:
    """Comment text inside a Markdown table cell or list item."""
    return (text or "").replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("\n", " ").strip()


HEADER = """\
# The warehouse: tables, macros, example queries

<!-- Generated by `python -m pipelines.warehouse.docs DB docs/warehouse.md` from the comments of
     the warehouse (sql/models.yml): edit those, then regenerate. Do not edit by hand. -->

`data/warehouse.duckdb` is a DuckDB file rebuilt by every `tthc run`: the newest snapshot of
every case of the portals' exports (no personal data), what was quarantined and why, and
Biểu số 06/VPCP/KSTT with the indicators of the quarterly administrative-reform report per
commune, period and sector. Every table, column and macro below carries its description in the
file itself (`COMMENT ON`): `select table_name, comment from duckdb_tables()`,
`select table_name, column_name, comment from duckdb_columns()`,
`select function_name, comment from duckdb_functions() where not internal`.

## Opening it

Always open it **read-only**:

```bash
duckdb -readonly data/warehouse.duckdb
```

```python
import duckdb

con = duckdb.connect("data/warehouse.duckdb", read_only=True)
con.sql("select * from report_form where sector is null").show()
```

Why read-only: DuckDB lets one process write a file or many read it. The nightly run never
writes into the published file: it builds a copy (`warehouse.duckdb.building`) and replaces the
file atomically (`os.replace`) only after every check passed, so a reader never sees a half-built
warehouse. A read-only connection keeps reading the file it opened: **reconnect to see the new
data** after a run. A writable connection would lock the file (the run reads it to skip files
already loaded, and would fail), and anything written into it would be lost at the next swap.

## Conventions

- Times are naive `TIMESTAMP`s in local time, Asia/Ho_Chi_Minh (UTC+7), never UTC. A time of
  exactly 00:00 means the export gave a date without a time of day.
- Periods are closed date ranges: `period_end` is inclusive to 23:59:59. Materialised periods are
  calendar quarters (`2024Q1`) and years (`2024`); any other range goes through
  `report_form_between` / `indicators_between`.
- `sector` NULL in `report_form` and `indicators` is the all-sectors total row; a case without a
  sector is counted under "Chưa phân loại".
- Rates (`*_pct`) are percentages 0–100 rounded to 2 decimals, NULL when the denominator is 0
  ("không có số liệu"), never 0 or 100 in that case.
- Communes are keyed by their GSO code (`commune_code`); names are not unique across units
  (xã Mỹ Lộc 13735 and phường Mỹ Lộc 13708 from 01/07/2025).
- In-progress cases of the materialised tables are judged at `runs.as_of` of the last run.
"""


def _examples() -> list[tuple[str, str, str]]:
    """(title, explanation, sql) of the example queries; each runs on the shipped sample."""
    return [
        (
            "The seed report's figures",
            "Xã Mỹ Tân, 01/01–25/03/2024, all sectors: 353 resolved, 345 early, 8 on time, 0 late "
            "(section II.1 of the seed report).",
            "select *\n"
            "from report_form_between(date '2024-01-01', date '2024-03-25')\n"
            "where commune_name = 'Mỹ Tân' and sector is null;",
        ),
        (
            "Cases resolved late in a quarter",
            "Through `classified_for`, the same definition as Biểu 06 column 10 (`k` is the struct of "
            "`tthc_classify`), with the deadline `tthc_deadline(due_at)` and the days past it.",
            "select l.commune_name, l.sector, l.case_id, c.procedure_name, l.received_at, c.due_at,\n"
            "       tthc_deadline(c.due_at) as deadline, l.finished_at,\n"
            "       round(epoch(l.finished_at - tthc_deadline(c.due_at)) / 86400, 1) as days_late\n"
            "from classified_for(\n"
            "         [{'period': '2024Q2', 'period_start': date '2024-04-01', 'period_end': date '2024-06-30'}],\n"
            "         timestamp '2024-06-30 23:59:59') as l\n"
            "join cases as c using (case_id)\n"
            "where l.k.resolved_late\n"
            "order by l.commune_name, l.finished_at;",
        ),
        (
            "A commune quarter by quarter",
            "The materialised quarters of xã Mỹ Tân, all sectors, with the early rate from `indicators`.",
            "select r.period, r.received_total, r.resolved_total, r.resolved_early, r.resolved_on_time,\n"
            "       r.resolved_late, r.in_progress_total, r.in_progress_overdue, i.value as early_pct\n"
            "from report_form as r\n"
            "join periods as p using (period)\n"
            "left join indicators as i\n"
            "  on i.commune_code = r.commune_code and i.period = r.period\n"
            " and i.sector is null and i.indicator = 'early_pct'\n"
            "where p.period_kind = 'quarter' and r.commune_code = '13723' and r.sector is null\n"
            "order by r.period_start;",
        ),
        (
            "The quarantine by reason",
            "A row counts once under each rule it broke.",
            "select q.reason, r.message, count(*) as rows_quarantined\n"
            "from (select unnest(reasons) as reason from quarantine) as q\n"
            "left join reasons as r using (reason)\n"
            "group by q.reason, r.message\n"
            "order by rows_quarantined desc, q.reason;",
        ),
        (
            "2024 under the units of 01/07/2025",
            "`units := 2025` reports each 2024 commune under the unit it became (xã Mỹ Tân, Mỹ Trung "
            "→ phường Thiên Trường), so a series across the reorganisation is continuous.",
            "select commune_code, commune_name, received_total, resolved_total, resolved_early,\n"
            "       resolved_on_time, resolved_late, in_progress_total\n"
            "from report_form_between(date '2024-01-01', date '2024-12-31', units := 2025)\n"
            "where sector is null\n"
            "order by commune_code;",
        ),
    ]


def render_markdown(con: duckdb.DuckDBPyConnection) -> str:
    """docs/warehouse.md for the open warehouse: header, one section per table, the macros, examples."""
    items = catalogue(con)
    tables = [i for i in items if i["kind"] == "table"]
    macros = [i for i in items if i["kind"] != "table"]
    out = [HEADER]
    out.append("## Tables\n")
    out.extend(f"- [`{t['name']}`](#{t['name']}): {_cell(t['comment'])}" for t in tables)
    out.append("")
    for t in tables:
        out.append(f"### {t['name']}\n")
        out.append(f"{_cell(t['comment'])}\n")
        out.append("| column | type | description |")
        out.append("|---|---|---|")
        out.extend(f"| `{c['name']}` | `{c['type']}` | {_cell(c['comment'])} |" for c in t["columns"])
        out.append("")
    out.append("## Macros\n")
    out.append("Table macros are used in `FROM`; named parameters are passed as `name := value`. "
               "Scalar macros are used like functions.\n")
    for kind, title in (("table_macro", "Table macros"), ("macro", "Scalar macros")):
        group = [m for m in macros if m["kind"] == kind]
        if not group:
            continue
        out.append(f"### {title}\n")
        out.extend(f"- `{m['name']}({', '.join(m['parameters'])})`: {_cell(m['comment'])}" for m in group)
        out.append("")
    out.append("## Example queries\n")
    out.append("Each runs as is on a warehouse built from `data/sample/` "
               "(`tests/integration/test_warehouse_docs.py` runs them).\n")
    for title, explanation, sql in _examples():
        out.append(f"### {title}\n")
        out.append(f"{explanation}\n")
        out.append(f"```sql\n{sql}\n```\n")
    return "\n".join(out).rstrip("\n") + "\n"


def write_page(db: Path, out: Path) -> Path:
    """Render the page of warehouse `db` into `out`, applying the comments on a temporary copy."""
    db, out = Path(db), Path(out)
    if not db.exists():
        raise FileNotFoundError(f"không tìm thấy kho dữ liệu '{db}' — no such warehouse")
    with tempfile.TemporaryDirectory(prefix="tthc-docs-") as tmp:
        copy = Path(tmp) / db.name
        shutil.copy2(db, copy)
        wal = db.with_name(db.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, copy.with_name(copy.name + ".wal"))
        con = duckdb.connect(str(copy))
        try:
            apply_comments(con)
            page = render_markdown(con)
        finally:
            con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.warehouse.docs",
        description="Write the warehouse documentation page (tables, columns, macros, example queries).",
    )
    parser.add_argument("db", nargs="?", default="data/warehouse.duckdb", help="warehouse file (read, never changed)")
    parser.add_argument("out", nargs="?", default=str(PAGE), help="page to write (default docs/warehouse.md)")
    args = parser.parse_args(argv)
    try:
        path = write_page(Path(args.db), Path(args.out))
    except (OSError, duckdb.Error, CommentError) as exc:
        print(f"lỗi — error: {exc}", file=sys.stderr)
        return 1
    print(f"đã ghi — written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
