"""Canonical text batch → typed batch, in an in-process DuckDB (sql/00…, sql/10_parse_batch.sql)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import duckdb

from pipelines.communes import Registry
from pipelines.paths import SQL
from pipelines.text import clean_text, match_key
from pipelines.vocab import terminal_statuses, vocabularies

_VOCAB_COLUMNS = {
    "channel": "channel",
    "status": "status",
    "service_level": "service_level",
    "is_digitized": "boolean",
    "is_paid_online": "boolean",
    "has_e_result": "boolean",
}


def sector_label(raw: str) -> str | None:
    """One spelling per sector: NFC, single spaces, and "HỘ TỊCH" written as "Hộ tịch"."""
    text = clean_text(raw)
    if text and text.isupper():
        text = text[0] + text[1:].lower()
    return text


class BatchParser:
    def __init__(self, registry: Registry):
        self.registry = registry
        self.con = duckdb.connect()
        self.con.execute("set threads to 2")
        for name in ("00_parse_macros.sql", "01_parse_helpers.sql"):
            self.con.execute((SQL / name).read_text(encoding="utf-8"))
        self.con.execute("create table terminal_statuses(status varchar)")
        self.con.executemany("insert into terminal_statuses values (?)", [[s] for s in terminal_statuses()])
        self.sql = (SQL / "10_parse_batch.sql").read_text(encoding="utf-8")
        self.unresolved: dict[str, str] = {}  # agency text -> problem

    def _maps(self, raw: pa.Table) -> tuple[pa.Table, pa.Table]:
        vocab = vocabularies()
        domains, raws, canon = [], [], []
        for column, domain in _VOCAB_COLUMNS.items():
            for value in pc.unique(pc.fill_null(raw[column], "")).to_pylist():
                hit = vocab[domain].get(match_key(value))
                if hit is not None:
                    domains.append(domain), raws.append(value), canon.append(hit)
        for value in pc.unique(raw["sector"]).to_pylist():
            if value is not None and (label := sector_label(value)):
                domains.append("sector"), raws.append(value), canon.append(label)
        value_map = pa.table({"domain": domains, "raw": raws, "canonical": canon}, schema=pa.schema(
            [("domain", pa.string()), ("raw", pa.string()), ("canonical", pa.string())]))
        a_raw, a_code, a_name = [], [], []
        for value in pc.unique(raw["agency"]).to_pylist():
            if value is None:
                continue
            res = self.registry.resolve(value)
            a_raw.append(value), a_code.append(res.code), a_name.append(res.name)
            if res.problem:
                self.unresolved[clean_text(value) or value] = res.problem
        agency_map = pa.table({"raw": a_raw, "commune_code": a_code, "commune_name": a_name}, schema=pa.schema(
            [("raw", pa.string()), ("commune_code", pa.string()), ("commune_name", pa.string())]))
        return value_map, agency_map

    def parse(self, raw: pa.Table) -> pa.Table:
        value_map, agency_map = self._maps(raw)
        self.con.register("raw_batch", raw)
        self.con.register("value_map", value_map)
        self.con.register("agency_map", agency_map)
        try:
            return self.con.sql(self.sql).to_arrow_table()
        finally:
            for name in ("raw_batch", "value_map", "agency_map"):
                self.con.unregister(name)

    def close(self) -> None:
        self.con.close()
