"""Batch plumbing between a reader and the per-batch work of stage.py.

Readers yield blocks of a size that suits them (pyarrow's CSV blocks, a workbook sheet, a slice
of an HTML table). Two things make the per-batch work cheaper without changing what it computes:

- `coalesce` joins small blocks up to a row target, so DuckDB sees batches large enough to use
  both cores and the fixed cost of binding the parse query is paid a few times per file, not
  once per 70k rows;
- `prefetch` reads the next batch in a background thread while the current one is parsed and
  validated (pyarrow and DuckDB release the GIL), so reading is mostly hidden behind the work.

Memory stays bounded: at most `depth` coalesced batches wait in the queue.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator

import pyarrow as pa

TARGET_ROWS = 250_000


def coalesce(tables: Iterable[pa.Table], target_rows: int = TARGET_ROWS) -> Iterator[pa.Table]:
    """Concatenate consecutive tables (same schema) until at least target_rows rows.

    The first table is passed on alone, so the work starts as soon as the reader has one block
    (the reader then runs ahead while it is parsed)."""
    pending: list[pa.Table] = []
    rows = 0
    first = True
    for table in tables:
        if not table.num_rows:
            continue
        pending.append(table)
        rows += table.num_rows
        if rows >= target_rows or first:
            first = False
            yield pa.concat_tables(pending) if len(pending) > 1 else pending[0]
            pending, rows = [], 0
    if pending:
        yield pa.concat_tables(pending) if len(pending) > 1 else pending[0]


_DONE = object()


def prefetch(items: Iterable[pa.Table], depth: int = 1) -> Iterator[pa.Table]:
    """Iterate `items` in a background thread, `depth` items ahead.

    An exception raised by the producer is re-raised here, in the consumer, at the point where
    the item it failed to produce would have arrived. When the consumer stops early (an
    exception of its own, a generator closed), the producer is told to stop and joined.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("done", _DONE))
        except BaseException as exc:
            put(("error", exc))

    worker = threading.Thread(target=produce, name="tthc-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        worker.join()
