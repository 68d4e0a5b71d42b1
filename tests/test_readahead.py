"""The read-ahead thread: same items, same order, errors where they happened, clean stop."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from mutewatch.ingest.readahead import gc_paused, read_ahead


def test_items_arrive_in_order() -> None:
    assert list(read_ahead(iter(range(1000)), depth=3)) == list(range(1000))


def test_an_error_is_raised_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("record 3 is broken")

    seen: list[int] = []
    with pytest.raises(ValueError, match="record 3"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_closing_early_stops_the_producer() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for i in range(10_000):
            produced.append(i)
            yield i

    stream = read_ahead(items(), depth=2)
    assert next(stream) == 0
    stream.close()
    assert not any(t.name == "mutewatch-read-ahead" for t in threading.enumerate())
    assert len(produced) <= 5  # one taken, two queued, one waiting to be queued


def test_gc_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
