"""Canonical text batch → typed batch.

Vocabulary, sector, procedure-name and agency matching run in Arrow on the few distinct values of
each column (one Python normaliser for headers and values); dates and amounts are parsed by the
SQL macros of sql/00–01 in an in-process DuckDB (sql/10_parse_batch.sql).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.communes import Registry
from pipelines.paths import SQL
from pipelines.text import clean_text, match_key
from pipelines.vocab import terminal_statuses, vocabularies


def sector_label(raw: str | None) -> str | None:
    """One spelling per sector: NFC, single spaces, and "HỘ TỊCH" written as "Hộ tịch"."""
    text = clean_text(raw)
    if text and text.isupper():
        text = text[0] + text[1:].lower()
    return text


def map_distinct(column: pa.ChunkedArray, fn: Callable[[str | None], object], type_: pa.DataType,
                 fill: str | None = None) -> pa.ChunkedArray:
    """Apply fn to each distinct value only, then spread the results back (vectorised take)."""
    if fill is not None:
        column = pc.fill_null(column, fill)
    uniq = pc.unique(column)
    mapped = pa.array([fn(v) for v in uniq.to_pylist()], type_)
    return pc.take(mapped, pc.index_in(column, value_set=uniq))


class BatchParser:
    def __init__(self, registry: Registry):
        self.registry = registry
        self.con = duckdb.connect()
        self.con.execute("set threads to 2")
        for name in ("00_parse_macros.sql", "01_parse_helpers.sql"):
            self.con.execute((SQL / name).read_text(encoding="utf-8"))
        self.sql = (SQL / "10_parse_batch.sql").read_text(encoding="utf-8")
        self.unresolved: dict[str, str] = {}  # agency text -> problem
        self.terminal = set(terminal_statuses())

    def _vocab(self, domain: str) -> Callable[[str | None], str | None]:
        table = vocabularies()[domain]
        return lambda v: table.get(match_key(v))

    def _boolean(self, v: str | None) -> bool | None:
        hit = vocabularies()["boolean"].get(match_key(v)) if v is not None else None
        return None if hit is None else hit == "true"

    def _agency(self, v: str | None) -> tuple[str | None, str | None]:
        if v is None:
            return None, None
        res = self.registry.resolve(v)
        if res.problem:
            self.unresolved[clean_text(v) or v] = res.problem
        return res.code, res.name

    def enrich(self, raw: pa.Table) -> pa.Table:
        status = map_distinct(raw["status"], self._vocab("status"), pa.string())
        agency_pairs = {v: self._agency(v) for v in pc.unique(raw["agency"]).to_pylist()}
        cols = {
            "batch_pos": pa.array(range(raw.num_rows), pa.int64()),
            "channel_c": map_distinct(raw["channel"], self._vocab("channel"), pa.string(), fill=""),
            "status_c": status,
            "is_terminal": map_distinct(status, lambda s: None if s is None else s in self.terminal, pa.bool_()),
            "service_level_c": map_distinct(raw["service_level"], self._vocab("service_level"), pa.string(), fill=""),
            "digitized_c": map_distinct(raw["is_digitized"], self._boolean, pa.bool_()),
            "paid_online_c": map_distinct(raw["is_paid_online"], self._boolean, pa.bool_()),
            "e_result_c": map_distinct(raw["has_e_result"], self._boolean, pa.bool_()),
            "sector_c": map_distinct(raw["sector"], sector_label, pa.string()),
            "procedure_name_c": map_distinct(raw["procedure_name"], clean_text, pa.string()),
            "agency_c": map_distinct(raw["agency"], clean_text, pa.string()),
            "commune_code": map_distinct(raw["agency"], lambda v: agency_pairs[v][0], pa.string()),
            "commune_name": map_distinct(raw["agency"], lambda v: agency_pairs[v][1], pa.string()),
        }
        for name, arr in cols.items():
            raw = raw.append_column(name, arr)
        return raw

    def parse(self, raw: pa.Table) -> pa.Table:
        """Typed rows; `batch_pos` ties each back to its row in `raw` (DuckDB may reorder)."""
        self.con.register("raw_batch", self.enrich(raw))
        try:
            return self.con.sql(self.sql).to_arrow_table()
        finally:
            self.con.unregister("raw_batch")

    def close(self) -> None:
        self.con.close()
