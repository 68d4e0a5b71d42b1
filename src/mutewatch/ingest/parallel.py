"""Parse in a second process while this one writes the store.

Parsing is Python and holds the GIL, so a thread cannot run it beside DuckDB's writes (we
measured a thread: slower than none). A forked reader process can: it parses the file and
sends each batch (Arrow tables pickle as their buffers) through a pipe, while this process
writes the previous one. The pipe holds one batch at a time, so memory stays bounded, and
the writer still commits batch after batch in file order: what is written, and where a
``kill -9`` leaves the store, do not change.

The reader is forked only from the main thread of a process (the CLI). Elsewhere (the web
server's writer thread, a library caller's thread) the batches are read in-process, because
forking a process that runs other threads is not safe. ``MUTEWATCH_INGEST_PROCESS=0`` reads
in-process everywhere.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar, cast

from mutewatch.errors import InputError

T = TypeVar("T")


def worker_allowed() -> bool:
    """True when a reader process may be forked here (see the module docstring)."""
    return (
        os.environ.get("MUTEWATCH_INGEST_PROCESS", "1") != "0"
        and threading.current_thread() is threading.main_thread()
        and "fork" in multiprocessing.get_all_start_methods()
    )


def read_in_worker(produce: Callable[[], Iterator[T]], what: str) -> ReaderStream[T]:
    """What ``produce()`` yields, produced in a forked process that starts at once.

    The reader is forked before this returns, so it parses while the caller prepares (hashes
    the file, opens its writer). An exception in the reader is raised here at the same point
    of the stream; a reader that dies without one raises an InputError naming ``what``.
    ``close()`` stops the reader, whether the stream was read or not.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    reader = context.Process(
        target=_serve,
        args=(produce, sender, receiver, os.getpid()),
        name="mutewatch-reader",
        daemon=True,
    )
    reader.start()
    sender.close()
    return ReaderStream(reader, receiver, what)


class ReaderStream(Generic[T]):
    """The items a reader process sends, in order; ``close()`` ends the reader."""

    def __init__(self, reader: BaseProcess, receiver: Connection, what: str) -> None:
        self._reader, self._receiver, self._what = reader, receiver, what
        self._done = False

    def __iter__(self) -> ReaderStream[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        try:
            kind, value = self._receiver.recv()
        except EOFError:
            self.close()
            raise InputError(
                f"{self._what}: the reader process ended unexpectedly"
                f" (exit code {self._reader.exitcode})",
                hint="run again; MUTEWATCH_INGEST_PROCESS=0 reads in this process",
            ) from None
        if kind == "item":
            return cast(T, value)
        self.close()
        if kind == "error":
            raise value
        raise StopIteration

    def close(self) -> None:
        """Stop the reader (if it still runs) and release the pipe; safe to call twice."""
        if self._done:
            return
        self._done = True
        self._receiver.close()
        if self._reader.is_alive():
            self._reader.terminate()
        self._reader.join()


def _serve(
    produce: Callable[[], Iterator[Any]], sender: Connection, receiver: Connection, writer: int
) -> None:
    """The reader process: send every item, then "done", or the exception that stopped it."""
    _die_with(writer)
    # The fork copied the writer's end too; closed here, the pipe breaks when the writer
    # dies (kill -9), so this process stops instead of blocking on a full pipe forever.
    receiver.close()
    try:
        for item in produce():
            sender.send(("item", item))
        sender.send(("done", None))
    except (BrokenPipeError, KeyboardInterrupt):  # the writer went away: stop quietly
        return
    except BaseException as exc:  # handed to the writer, re-raised there
        try:
            sender.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            sender.send(("error", InputError(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()


_PR_SET_PDEATHSIG = 1


def _die_with(writer: int) -> None:
    """On Linux, have the kernel kill this reader the moment its writer dies (kill -9
    included): a broken pipe alone stops it only at its next send, which a reader busy
    parsing a large block reaches seconds later."""
    if sys.platform != "linux":
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    except (OSError, AttributeError):  # no prctl: the broken pipe still stops the reader
        return
    if os.getppid() != writer:  # the writer died before the signal was asked for
        os._exit(0)


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
