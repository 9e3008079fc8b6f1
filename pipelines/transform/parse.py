"""Canonical text batch → typed batch.

Vocabulary, sector, procedure-name and agency matching run in Arrow on the few distinct values of
each column (one Python normaliser for headers and values); dates and amounts are parsed by the
SQL macros of sql/macros/ in an in-process DuckDB (sql/staging/parse_batch.sql).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.reference.communes import Registry, Resolution
from pipelines.reference.registry import NEW, OLD, REFORM_DAY
from pipelines.rules.calendar import write_calendar
from pipelines.rules.text import clean_text, match_key
from pipelines.rules.vocab import status_group, terminal_statuses, vocabularies
from pipelines.sqlfiles import create_objects, sql_text
from pipelines.transform.scrub import Scrubber


def sector_label(raw: str | None) -> str | None:
    """One spelling per sector: NFC, single spaces, and "HỘ TỊCH" written as "Hộ tịch"."""
    text = clean_text(raw)
    if text and text.isupper():
        text = text[0] + text[1:].lower()
    return text


def encode(column: pa.ChunkedArray | pa.Array, fill: str | None = None) -> pa.DictionaryArray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if fill is not None:
        column = pc.fill_null(column, fill)
    return pc.dictionary_encode(column)


def map_distinct(
    column: pa.ChunkedArray | pa.Array,
    fn: Callable[[str | None], object],
    type_: pa.DataType,
    fill: str | None = None,
    dictionary: bool = False,
) -> pa.Array:
    """Apply fn to each distinct value only, then spread the results back (one dictionary
    encoding and one vectorised take: a column of a million cells has a few dozen values).
    NULL cells stay NULL without calling fn; give `fill` to map them like that text instead.

    dictionary=True returns the result dictionary-encoded instead of spreading it (no strings
    are copied); Parquet and DuckDB read it as plain text. A column already dictionary-encoded
    (several mappings of one column) is used as it is."""
    encoded = column if isinstance(column, pa.DictionaryArray) else encode(column, fill)
    results = [fn(v) for v in encoded.dictionary.to_pylist()]
    if dictionary:
        return spread(results, encoded.indices, type_)
    return pc.take(pa.array(results, type_), encoded.indices)


def spread(results: list, indices: pa.Array, type_: pa.DataType) -> pa.DictionaryArray:
    """results[i] for every index i, dictionary-encoded. A NULL result is a NULL index and never
    a dictionary entry: Parquet cannot write a dictionary holding NULL, and is_null looks at the
    indices."""
    position: list[int | None] = []
    kept: list[object] = []
    for r in results:
        position.append(None if r is None else len(kept))
        if r is not None:
            kept.append(r)
    taken = pc.take(pa.array(position, pa.int32()), indices)
    return pa.DictionaryArray.from_arrays(taken, pa.array(kept, type_))


def given(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Something other than blanks was written in the cell."""
    return pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(column), ""), False)


def text_or_null(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Trimmed text; blank becomes NULL (identifiers such as case ids and procedure codes)."""
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def derived_status(raw: pa.Table) -> pa.Array:
    """The status of a file without a status column (the TT 03/2025 book), from its dates: a
    hand-over date → returned, a finish date → resolved, neither → in progress. Refusals,
    withdrawals and stops cannot be told apart from these books; the quality report says so."""
    returned, finished = given(raw["returned_at"]), given(raw["finished_at"])
    return pc.if_else(
        returned,
        pa.scalar("returned"),
        pc.if_else(finished, pa.scalar("resolved"), pa.scalar("processing")),
    )


# the macros staging/parse_batch.sql calls (created with what they need, from sql/models.yml), and
# the statutory due time of a case exported without a due time (macros/statutory_due.sql)
PARSE_MACROS = ["tthc_parse_ts", "tthc_ts_in_range", "tthc_parse_amount", "tthc_deadline", "statutory_dues"]


class BatchParser:
    def __init__(self, registry: Registry, scrubber: Scrubber, memory_limit: str = "1GB"):
        self.registry = registry
        self.scrubber = scrubber  # every text column of the batch goes through it (scrub.py)
        # DuckDB's default is 80 % of the machine: bounded like the build (config.duckdb_memory_limit)
        self.con = duckdb.connect(config={"memory_limit": memory_limit})
        self.con.execute("set threads to 2")
        create_objects(self.con, PARSE_MACROS)
        write_calendar(self.con)  # the working days and statutory times statutory_dues counts on
        self.sql = sql_text("staging/parse_batch.sql")
        self.unresolved: dict[str, str] = {}  # agency text -> problem
        self.terminal = set(terminal_statuses())

    def _vocab(self, domain: str) -> Callable[[str | None], str | None]:
        table = vocabularies()[domain]
        return lambda v: table.get(match_key(v))

    def _boolean(self, v: str | None) -> bool | None:
        hit = vocabularies()["boolean"].get(match_key(v)) if v is not None else None
        return None if hit is None else hit == "true"

    def _units(self, agency: pa.DictionaryArray, received: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
        """(unit_key, commune_code, commune_name) of every row: its agency resolved among the
        units valid on its received date, on the distinct (agency, era) pairs only. A row without a
        readable date (it is quarantined) still names its unit when one era alone has it."""
        reform = pa.scalar(datetime.combine(REFORM_DAY, datetime.min.time()), received.type)
        era = pc.fill_null(pc.cast(pc.less(received, reform), pa.int64()), 2)  # 1 old, 0 new, 2 unknown
        pair = pc.add(pc.multiply(pc.cast(agency.indices, pa.int64()), 3), era)  # NULL where no agency
        pairs = pc.unique(pair).drop_null()
        words = agency.dictionary.to_pylist()
        found = []
        for v in pairs.to_pylist():
            text = words[v // 3]
            res = self._resolve_in(text, (NEW, OLD, None)[v % 3])
            if res.problem:
                self.unresolved[clean_text(text) or text] = res.problem
            found.append(res)
        where = pc.index_in(pair, value_set=pairs)
        return (
            spread([r.unit_key for r in found], where, pa.string()),
            spread([r.code for r in found], where, pa.string()),
            spread([r.name for r in found], where, pa.string()),
        )

    def _resolve_in(self, text: str, era: str | None) -> Resolution:
        if era is not None:
            return self.registry.resolve(text, era)
        hits = {
            r.unit_key: r
            for r in (self.registry.resolve(text, OLD), self.registry.resolve(text, NEW))
            if r.problem is None
        }
        if len(hits) == 1:
            return next(iter(hits.values()))
        return Resolution(None, None, None, "ambiguous" if hits else "unresolved")

    def _refused_at_desk(self, text: pa.ChunkedArray, status: pa.Array, due_given: pa.ChunkedArray) -> pa.Array:
        """A refusal word (vocabulary domain `refusal`: OpenCPS `denied`, "Từ chối …") that maps to a
        stop is a refusal at the desk when the row has no due date: a dossier refused at intake never
        got an appointment. With a due date it stays a stop during processing."""
        refusal = self._vocab("refusal")
        word = pc.fill_null(map_distinct(text, lambda v: refusal(v) is not None, pa.bool_()), False)
        stopped = pc.fill_null(pc.equal(status, "stopped"), False)
        at_desk = pc.and_(pc.and_(word, pc.invert(due_given.combine_chunks())), stopped)
        if not pc.any(at_desk).as_py():
            return status
        return pc.if_else(at_desk, pa.scalar("refused"), status)

    def parse(self, raw: pa.Table) -> pa.Table:
        """Typed rows in the order of `raw`, with the facts the row rules and the quality report
        use. Vocabularies and text run in Arrow on distinct values; dates and amounts in DuckDB."""
        n = raw.num_rows
        present = raw["_present"].unify_dictionaries().combine_chunks()

        def has(column: str) -> pa.Array:  # the file's header has the column (per sheet)
            return map_distinct(present, lambda v: column in (v or "").split(","), pa.bool_())

        has_status, has_channel = has("status"), has("channel")
        status = map_distinct(raw["status"], self._vocab("status"), pa.string())
        if not pc.all(has_status).as_py():  # only files without the column pay for the derivation
            status = pc.if_else(has_status, status, derived_status(raw))
        is_terminal = pc.fill_null(
            map_distinct(status, lambda s: None if s is None else s in self.terminal, pa.bool_()), False
        )
        agency = encode(raw["agency"])  # mapped several ways: encoded once
        sql_in = raw.select(
            ["received_at", "due_at", "finished_at", "returned_at", "supplement_requested_at", "filed_at", "fee_amount"]
        )
        sql_in = sql_in.append_column("is_terminal", is_terminal)
        sql_in = sql_in.append_column("batch_pos", pa.array(range(n), pa.int64()))
        self.con.register("raw_batch", sql_in)
        try:
            parsed = self.con.sql(self.sql).to_arrow_table()
        finally:
            self.con.unregister("raw_batch")
        if parsed.num_rows != n or not pc.all(pc.equal(parsed["batch_pos"], sql_in["batch_pos"])).as_py():
            parsed = parsed.sort_by("batch_pos")  # DuckDB keeps a projection's order; make sure
        status = self._refused_at_desk(raw["status"], status, parsed["due_given"])
        statutory_due = self._statutory_due(raw, parsed)
        has_digitized = has("is_digitized")
        digitized = map_distinct(raw["is_digitized"], self._boolean, pa.bool_())
        paid_online = map_distinct(raw["is_paid_online"], self._boolean, pa.bool_())
        e_result = map_distinct(raw["has_e_result"], self._boolean, pa.bool_())
        # fill="": a blank or missing sector is "Chưa phân loại", never NULL (NULL is the report's
        # all-sectors row)
        sector = map_distinct(
            raw["sector"], lambda v: sector_label(v) or "Chưa phân loại", pa.string(), fill="", dictionary=True
        )
        unit_key, commune_code, commune_name = self._units(agency, parsed["received_at"].combine_chunks())
        level = self._vocab("service_level")
        service_level = map_distinct(
            raw["service_level"], lambda v: level(v) or "none", pa.string(), fill="", dictionary=True
        )

        # a blank cell is trực tiếp (the DVCQG 766 rule for a missing KenhThucHien); a file
        # without the column says nothing: NULL, neither online nor offline
        channel = map_distinct(raw["channel"], self._vocab("channel"), pa.string(), fill="")
        if not pc.all(has_channel).as_py():
            channel = pc.if_else(has_channel, channel, pa.scalar(None, pa.string()))

        def unknown(text: pa.ChunkedArray, mapped: pa.Array) -> pa.Array:
            return pc.and_(given(text), pc.is_null(mapped))

        scrub = self.scrubber  # personal data: an identifier holding some is hashed, text is masked
        cols = {
            "batch_pos": parsed["batch_pos"],
            "case_id": scrub.ids(text_or_null(raw["case_id"])),
            "procedure_code": scrub.ids(text_or_null(raw["procedure_code"])),
            "procedure_name": scrub.text(map_distinct(raw["procedure_name"], clean_text, pa.string(), dictionary=True)),
            "sector": scrub.text(sector),
            # resolved to its unit above from the text as written; stored scrubbed
            "agency": scrub.text(map_distinct(agency, clean_text, pa.string(), dictionary=True)),
            "commune_code": commune_code,
            "commune_name": commune_name,
            "unit_key": unit_key,
            "channel": channel,
            "service_level": service_level,
            "received_at": parsed["received_at"],
            "due_at": parsed["due_at"],
            "due_deadline": parsed["due_deadline"],
            "statutory_due_at": statutory_due,
            "finished_at": parsed["finished_at"],
            "returned_at": parsed["returned_at"],
            "supplement_requested_at": parsed["supplement_requested_at"],
            "filed_at": parsed["filed_at"],
            "status": status,
            "status_group": map_distinct(status, status_group, pa.string()),
            # an empty cell is "not digitised"; a file without the column says nothing (NULL)
            "is_digitized": pc.if_else(has_digitized, pc.fill_null(digitized, False), pa.scalar(None, pa.bool_())),
            "fee_amount": parsed["fee_amount"],
            "is_paid_online": paid_online,
            "has_e_result": e_result,
            # free-text notes are not stored (README "Decisions"): the column stays, always NULL
            "note": pa.nulls(n, pa.string()),
            "source_sheet": scrub.distinct(raw["_sheet"]),
            "source_row": raw["_row"],
            "status_given": pc.or_(pc.invert(has_status), given(raw["status"])),
            "channel_absent": pc.invert(has_channel),
            "received_given": parsed["received_given"],
            "due_given": parsed["due_given"],
            "finished_bad": parsed["finished_bad"],
            "returned_bad": parsed["returned_bad"],
            "out_of_range": parsed["out_of_range"],
            "is_terminal": is_terminal,
            "finished_from_returned": parsed["finished_from_returned"],
            "finished_not_terminal": parsed["finished_not_terminal"],
            "flag_unknown_boolean": pc.or_(
                pc.or_(unknown(raw["is_digitized"], digitized), unknown(raw["is_paid_online"], paid_online)),
                unknown(raw["has_e_result"], e_result),
            ),
            "flag_bad_fee": parsed["flag_bad_fee"],
            "flag_bad_supplement_date": parsed["flag_bad_supplement_date"],
            "flag_unresolved_agency": pc.and_(pc.is_valid(raw["agency"]), pc.is_null(commune_code)),
        }
        return pa.table(cols)

    def _statutory_due(self, raw: pa.Table, parsed: pa.Table) -> pa.Array:
        """The statutory due day of the rows exported without a due time (thời hạn giải quyết theo
        quy định, counted on the working-day calendar), NULL for every other row and where the
        procedure has no statutory time or the calendar does not cover the days. Only the rows
        without a due time go to DuckDB: in a normal export there are none."""
        n = raw.num_rows
        wanted = pc.and_(pc.invert(parsed["due_given"]), pc.is_valid(parsed["received_at"]))
        empty = pa.nulls(n, pa.timestamp("us"))
        if not pc.any(wanted).as_py():
            return empty
        rows = pa.table(
            {
                "row_key": parsed["batch_pos"],
                "procedure_code": text_or_null(raw["procedure_code"]),
                "procedure_name": raw["procedure_name"],
                "received_at": parsed["received_at"],
            }
        ).filter(wanted)
        self.con.register("due_missing", rows)
        try:
            dues = self.con.sql("select row_key, statutory_due_at from statutory_dues('due_missing')").to_arrow_table()
        finally:
            self.con.unregister("due_missing")
        where = pc.index_in(parsed["batch_pos"], value_set=dues["row_key"])
        return pc.cast(pc.take(dues["statutory_due_at"], where), pa.timestamp("us"))

    def close(self) -> None:
        self.con.close()
