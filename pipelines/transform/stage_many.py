"""Many small files staged together: one parse connection, one parse query and one validation for
a group of files instead of one each.

Some offices export one file per day per sector: thousands of files of a few rows. Staged one by
one, each pays ~100 ms to create the parse connection's macros, ~250 ms for the parse query and
~60 ms for pandera, whatever its size (bench/small_files.py). Here the files of a group are read
one by one (header detection, shape and every check of the file are its own), their canonical
rows concatenated, parsed and validated once, and written back per file: each file still gets its
own Parquet pair and its own StagedFile, so loading and the quality report see no difference.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.config import Settings, duckdb_memory_limit, fit_address_space
from pipelines.crashpoints import checkpoint
from pipelines.extract import Budget, ExportInfo, NeedsExactPass, NoHeaderFound, open_export
from pipelines.handover import StagedFile
from pipelines.reference.communes import Registry
from pipelines.rules.text import clean_text
from pipelines.rules.vocab import column_map
from pipelines.transform.parse import BatchParser
from pipelines.transform.reports import is_named_report
from pipelines.transform.scrub import Scrubber
from pipelines.transform.stage import (
    _check_columns,
    _row_reasons,
    _warm_validation,
    _Writer,
    failed,
    file_limits,
    finish,
    new_result,
    readable_path,
    stage_file,
    staging_paths,
    unit_hint,
)

SMALL_BYTES = 512 * 1024  # a file this small is staged with others
GROUP_ROWS = 100_000  # rows parsed and validated at once (a group of small files stays far below)


def stage_plan(items: list[tuple[str, str]], groups: int) -> list[list[tuple[str, str]]]:
    """The staging work of a run: each big file alone, the small ones in at most `groups` groups
    (one per worker that can take them), each group through one parse and one validation."""
    big = [[(p, sha)] for p, sha in items if os.stat(p).st_size > SMALL_BYTES]
    small = [(p, sha) for p, sha in items if os.stat(p).st_size <= SMALL_BYTES]
    n = max(1, min(groups, len(small) // 2 or 1))
    return big + [small[i::n] for i in range(n) if small[i::n]]


def stage_items(items: list[tuple[str, str]], settings: Settings) -> list[StagedFile]:
    """Stage one group of the plan, in its order: a lone file by itself, several together."""
    if len(items) == 1:
        return [stage_file(Path(items[0][0]), settings, items[0][1])]
    done = stage_group(items, settings)
    return [done[p] for p, _ in items]


class _Pending:
    def __init__(self, path: Path, result: StagedFile, info: ExportInfo, tables: list[pa.Table], started: float):
        self.path, self.result, self.info, self.tables, self.started = path, result, info, tables, started
        self.rows = sum(t.num_rows for t in tables)


def stage_group(items: list[tuple[str, str]], settings: Settings) -> dict[str, StagedFile]:
    """Stage small files through one parser: read each, parse and validate them all at once,
    write each back. A file that needs its own pass (a CSV read exactly again) goes alone."""
    results: dict[str, StagedFile] = {}
    _warm_validation()
    fit_address_space()
    scrubber = Scrubber.from_settings(settings)
    parser = BatchParser(Registry.from_settings(settings), scrubber, duckdb_memory_limit(settings))
    try:
        pending: list[_Pending] = []
        for p, sha in items:
            checkpoint("staging")
            path, started = Path(p), time.perf_counter()
            if is_named_report(path, settings):
                results[p] = stage_file(path, settings, sha)
                continue
            result = new_result(path, sha, scrubber)
            rows_path, q_path = staging_paths(settings, result.sha256)
            try:
                limits = file_limits(settings)
                info, batches = open_export(
                    readable_path(path, rows_path.parent),
                    limits,
                    Budget(limits.max_seconds, started),
                    unit=unit_hint(path, settings),
                )
                pending.append(_Pending(path, result, info, [t for t in batches if t.num_rows], started))
            except (NeedsExactPass, NoHeaderFound):  # a file read again alone, or a report
                results[p] = stage_file(path, settings, sha)
            except BaseException as exc:
                failed(exc, path, result, rows_path, q_path, scrubber)
                results[p] = scrubber.staged(result)
            if sum(x.rows for x in pending) >= GROUP_ROWS:
                _write_group(pending, parser, settings, results)
                pending = []
        _write_group(pending, parser, settings, results)
    finally:
        parser.close()
        pa.default_memory_pool().release_unused()
    return results


def _write_group(
    pending: list[_Pending], parser: BatchParser, settings: Settings, results: dict[str, StagedFile]
) -> None:
    """One parse and one validation for the rows of every pending file, then each file's own
    Parquet pair and StagedFile."""
    if not pending:
        return
    canonical = column_map().names()
    tables = [t for x in pending for t in x.tables]
    raw = pa.concat_tables(tables) if tables else None
    typed = parser.parse(raw) if raw is not None and raw.num_rows else None
    bad = _row_reasons(typed.select(_check_columns()).to_pandas()) if typed is not None else {}
    offset = 0
    for x in pending:
        rows_path, q_path = staging_paths(settings, x.result.sha256)
        out = _Writer(rows_path, q_path, parser.scrubber)
        try:
            try:
                if x.rows and raw is not None and typed is not None:
                    f_raw = raw.slice(offset, x.rows)
                    f_typed = typed.slice(offset, x.rows)
                    f_typed = f_typed.set_column(
                        f_typed.schema.get_field_index("batch_pos"),
                        "batch_pos",
                        pc.subtract(f_typed["batch_pos"], pa.scalar(offset, pa.int64())),
                    )
                    f_bad = {i - offset: r for i, r in bad.items() if offset <= i < offset + x.rows}
                    out.add_parsed(f_raw, f_typed, f_bad, canonical)
                out.add_malformed(x.info.malformed_rows)
            finally:
                out.close()
            finish(x.path, settings, x.result, x.info, out, _unresolved(parser, x))
        except BaseException as exc:
            failed(exc, x.path, x.result, rows_path, q_path, parser.scrubber)
        offset += x.rows
        x.result.seconds = round(time.perf_counter() - x.started, 3)
        results[str(x.path)] = parser.scrubber.staged(x.result)


def _unresolved(parser: BatchParser, x: _Pending) -> dict[str, str]:
    """The agencies of this file that resolved to no unit (the parser collects them for the group)."""
    if not parser.unresolved:
        return {}
    names = {clean_text(v) for t in x.tables for v in pc.unique(t["agency"]).to_pylist() if v}
    return {a: p for a, p in parser.unresolved.items() if a in names}
