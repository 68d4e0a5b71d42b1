"""Parse the next batch while the store writes this one.

Parsing is Python and holds the GIL; DuckDB releases it while it writes. A reader thread
that keeps a bounded number of batches ready therefore lets the two run on two cores,
without changing what is written or in which order (the writer still commits batch after
batch, so a ``kill -9`` leaves the same consistent store).
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(items: Iterator[T], depth: int = 2) -> Generator[T, None, None]:
    """Yield ``items`` in order, produced by a thread that runs up to ``depth`` ahead.

    An exception in the producer is raised here, at the point of the stream where it
    happened; closing this generator early stops the producer.
    """
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(value: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
        except BaseException as exc:  # handed to the consumer, re-raised there
            offer(_Failed(exc))
            return
        offer(_DONE)

    thread = threading.Thread(target=produce, name="mutewatch-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            value = ready.get()
            if value is _DONE:
                return
            if isinstance(value, _Failed):
                raise value.error
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector.

    Parsing allocates millions of short-lived, acyclic objects; each allocation burst
    triggers collections that scan them all, which cost a quarter of parsing time.
    Reference counting still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
