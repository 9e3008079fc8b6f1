"""One column contract (issue 18): the case columns are defined once, in `sql/sources/cases.sql`
(and, for what the exports call them, `schemas/columns.csv`); the staged Parquet, the parse step,
the quarantine schema and the duplicate fingerprint of `load_file.sql` follow from it or are
pinned to it here, so a new column can never go silently missing from one of them."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.extract.shape import canonical_schema
from pipelines.reference.communes import Registry
from pipelines.rules.vocab import column_map, flag_labels
from pipelines.sqlfiles import run_file
from pipelines.transform.parse import BatchParser
from pipelines.transform.quarantine import QUARANTINE_SCHEMA
from pipelines.transform.scrub import Scrubber
from pipelines.transform.stage import FLAG_COLUMNS, LOADED_BY_WAREHOUSE, row_columns
from schemas.models import CHECK_COLUMNS
from tests.paths import REPO

POSITION = {"case_id", "source_sheet", "source_row"}  # what a duplicate may differ in and stay one case


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return dict(con.execute(f"select name, type from pragma_table_info('{table}')").fetchall())


def test_every_column_an_export_can_name_reaches_the_cases_table(con):
    cases = _table_columns(con, "cases")
    assert set(column_map().names()) <= set(cases)
    assert set(row_columns()) == set(cases) - set(LOADED_BY_WAREHOUSE)


def test_the_parse_step_produces_every_staged_check_and_flag_column(settings):
    """A new column in cases.sql that parse does not produce fails here (and on the first file),
    instead of going missing from every Parquet file."""
    raw = pa.table(
        {
            **{c: ["TT-1"] if c == "case_id" else [None] for c in column_map().names()},
            "_sheet": [None],
            "_row": [2],
            "_present": pa.DictionaryArray.from_arrays(pa.array([0], pa.int32()), pa.array(["case_id"])),
        },
        schema=canonical_schema(),
    )
    parser = BatchParser(Registry.from_settings(settings), Scrubber.from_settings(settings))
    try:
        typed = parser.parse(raw)
    finally:
        parser.close()
    produced = set(typed.column_names)
    assert set(row_columns()) <= produced
    assert set(CHECK_COLUMNS) <= produced
    assert set(FLAG_COLUMNS) == set(flag_labels()) and set(FLAG_COLUMNS) <= produced


def test_the_quarantine_parquet_fits_the_quarantine_table(con):
    table = _table_columns(con, "quarantine")
    types = {"string": "VARCHAR", "int64": "BIGINT", "list<item: string>": "VARCHAR[]"}
    for f in QUARANTINE_SCHEMA:
        if f.name == "detail":  # not a column: load_quarantine.sql appends it to reason_text
            assert "q.detail" in (REPO / "sql" / "staging" / "load_quarantine.sql").read_text(encoding="utf-8")
            continue
        assert f.name in table, f.name
        if f.name != "raw_values":  # JSON text, stored as json
            assert table[f.name] == types[str(f.type)], f.name


def _staged(tmp_path, rows: list[dict]) -> str:
    """Two staged rows of one file, typed as the parse step types them (the cases table's types)."""
    con = duckdb.connect()
    run_file(con, "sources/cases.sql")
    types = _table_columns(con, "cases")
    con.close()
    arrow = {"VARCHAR": pa.string(), "TIMESTAMP": pa.timestamp("us"), "BOOLEAN": pa.bool_(), "DOUBLE": pa.float64(),
             "BIGINT": pa.int64()}  # fmt: skip
    table = pa.table({c: pa.array([r[c] for r in rows], arrow[types[c]]) for c in row_columns()})
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path)
    return str(path)


SAMPLE = {
    "case_id": "TT-1",
    "procedure_code": "1.001193",
    "procedure_name": "Đăng ký khai sinh",
    "sector": "Hộ tịch",
    "agency": "UBND phường Thiên Trường",
    "commune_code": "13684",
    "commune_name": "Thiên Trường",
    "unit_key": "13684@2025",
    "channel": "online",
    "service_level": "full",
    "received_at": datetime(2026, 7, 6, 8, 0),
    "due_at": datetime(2026, 7, 9),
    "statutory_due_at": None,
    "finished_at": datetime(2026, 7, 8, 10, 0),
    "returned_at": datetime(2026, 7, 8, 15, 0),
    "supplement_requested_at": None,
    "filed_at": datetime(2026, 7, 5, 21, 0),
    "status": "returned",
    "is_digitized": True,
    "fee_amount": 0.0,
    "is_paid_online": False,
    "has_e_result": True,
    "note": "gọi [đã ẩn]",
    "source_sheet": None,
    "source_row": 2,
}
OTHER = {
    "procedure_code": "2.000815",
    "procedure_name": "Chứng thực",
    "sector": "Chứng thực",
    "agency": "UBND xã Mỹ Tân",
    "commune_code": "13723",
    "commune_name": "Mỹ Tân",
    "unit_key": "13723@2024",
    "channel": "direct",
    "service_level": "none",
    "received_at": datetime(2026, 7, 7, 8, 0),
    "due_at": datetime(2026, 7, 10),
    "statutory_due_at": datetime(2026, 7, 10, 17, 0),
    "finished_at": datetime(2026, 7, 9, 10, 0),
    "returned_at": None,
    "supplement_requested_at": datetime(2026, 7, 8, 9, 0),
    "filed_at": None,
    "status": "resolved",
    "is_digitized": False,
    "fee_amount": 50000.0,
    "is_paid_online": True,
    "has_e_result": False,
    "note": "khác",
}


@pytest.mark.parametrize("column", sorted(set(SAMPLE) - POSITION))
def test_two_rows_of_one_case_differing_in_any_column_conflict(con, tmp_path, column):
    """The fingerprint of load_file.sql covers every staged column but the position: two rows of
    one case in one file that differ in `column` are both quarantined, never collapsed into one."""
    assert set(SAMPLE) == set(row_columns()) and set(OTHER) == set(row_columns()) - POSITION
    second = dict(SAMPLE, source_row=3, **{column: OTHER[column]})
    path = _staged(tmp_path, [SAMPLE, second])
    con.execute(
        "create or replace temp table load_batch as select ? as rows_path, null::varchar as q_path, 'sha' as sha, "
        "'f.csv' as file, timestamp '2026-07-10' as snapshot_at, 1::bigint as file_seq",
        [path],
    )
    run_file(con, "staging/load_file.sql", rows_paths=[path], run_id="r", ingested_at=datetime(2026, 7, 10))
    assert con.execute("select count(*) from cases").fetchone()[0] == 0
    quarantined = con.execute("select reasons, raw_values from quarantine").fetchall()
    assert [r[0] for r in quarantined] == [["conflicting_duplicate"]] * 2
    assert all('"note"' not in r[1] and "unit_key" not in r[1] for r in quarantined)  # no free text


def test_identical_rows_of_one_case_collapse(con, tmp_path):
    path = _staged(tmp_path, [SAMPLE, dict(SAMPLE, source_row=3)])
    con.execute(
        "create or replace temp table load_batch as select ? as rows_path, null::varchar as q_path, 'sha' as sha, "
        "'f.csv' as file, timestamp '2026-07-10' as snapshot_at, 1::bigint as file_seq",
        [path],
    )
    run_file(con, "staging/load_file.sql", rows_paths=[path], run_id="r", ingested_at=datetime(2026, 7, 10))
    assert con.execute("select count(*) from cases").fetchone()[0] == 1
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
