"""Vocabulary columns are mapped once per distinct value; a value that maps to nothing is NULL,
whether the result is spread out or kept dictionary-encoded, and survives Parquet and DuckDB."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pipelines.transform.parse import map_distinct


@pytest.mark.parametrize("dictionary", [False, True])
def test_unmapped_values_are_null_everywhere(tmp_path, dictionary):
    raw = pa.chunked_array([["UBND xã Mỹ Tân", "", None], ["Sở X", "UBND xã Mỹ Tân"]])
    table = {"UBND xã Mỹ Tân": "13720"}
    out = map_distinct(raw, table.get, pa.string(), dictionary=dictionary)
    assert out.to_pylist() == ["13720", None, None, None, "13720"]
    assert pc.is_null(out).to_pylist() == [False, True, True, True, False]
    pq.write_table(pa.table({"commune_code": out}), tmp_path / "x.parquet")
    back = duckdb.sql(f"select commune_code from read_parquet('{tmp_path / 'x.parquet'}')").fetchall()
    assert [r[0] for r in back] == ["13720", None, None, None, "13720"]
