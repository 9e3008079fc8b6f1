"""The plumbing between readers and the per-batch work: batches joined up to a row target in
order, read ahead in a thread, the reader's errors raised where its next batch would arrive."""

from __future__ import annotations

import threading
import time

import pyarrow as pa
import pytest

from pipelines.transform.batching import coalesce, prefetch


def _tables(sizes: list[int]) -> list[pa.Table]:
    out, start = [], 0
    for n in sizes:
        out.append(pa.table({"i": pa.array(range(start, start + n), pa.int64())}))
        start += n
    return out


def test_coalesce_keeps_order_and_every_row():
    sizes = [3, 0, 5, 2, 7, 1, 4]
    out = list(coalesce(_tables(sizes), target_rows=6))
    # the first block alone (work starts early), then blocks joined until >= 6 rows
    assert [t.num_rows for t in out] == [3, 7, 7, 5]
    assert pa.concat_tables(out)["i"].to_pylist() == list(range(sum(sizes)))


def test_prefetch_yields_everything_in_order():
    items = _tables([2, 3, 4])
    assert [t["i"].to_pylist() for t in prefetch(iter(items))] == [t["i"].to_pylist() for t in items]


def test_a_reader_error_arrives_after_the_batches_before_it():
    class Broken(Exception):
        pass

    def reader():
        yield from _tables([1, 1])
        raise Broken("block 3 unreadable")

    seen = []
    with pytest.raises(Broken, match="block 3"):
        for t in prefetch(reader()):
            seen.append(t.num_rows)
    assert seen == [1, 1]


def test_a_consumer_that_stops_early_stops_the_reader():
    produced = []

    def reader():
        for t in _tables([1] * 1000):
            produced.append(t)
            yield t

    before = threading.active_count()
    it = prefetch(reader(), depth=1)
    next(it)
    it.close()  # the consumer gives up (an exception in its own work does the same)
    time.sleep(0.3)
    assert threading.active_count() == before
    assert len(produced) < 10  # the reader did not run on to the end of the file


def test_the_reader_runs_ahead_while_the_consumer_works():
    n = 4
    read = [threading.Event() for _ in range(n)]  # set by the reader once it has read block i

    def reader():
        for i, t in enumerate(_tables([1] * n)):
            read[i].set()
            yield t

    ahead = []
    for i, _ in enumerate(prefetch(reader())):
        # the consumer is still at work on block i: the reader reads block i + 1 meanwhile. Serial
        # iteration would read it only once this work is done, so the wait would time out (the
        # timeout only stops a hung test; the order of events is what is checked)
        if i + 1 < n:
            ahead.append(read[i + 1].wait(timeout=30))
    assert ahead == [True] * (n - 1)
