"""The filter that keeps Arrow's failure to decode a ragged row's text (for our invalid-row
handler) out of stderr is put in front of ``sys.unraisablehook`` once and stays: two reads
that overlapped (threads of a parallel ingest) restored each other's saved hook, so the
later one printed its rows' errors, and the filter could stay behind anyway."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from mutewatch.ingest import tabular


@pytest.fixture()
def recorded() -> Iterator[list[Any]]:
    seen: list[Any] = []
    before = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        yield seen
    finally:
        sys.unraisablehook = before


def arrow_decoding_failure() -> SimpleNamespace:
    error = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    return SimpleNamespace(
        exc_type=UnicodeDecodeError,
        exc_value=error,
        exc_traceback=None,
        err_msg=None,
        object=tabular._quarantine_into,
    )


def test_overlapping_reads_keep_the_filter(recorded: list[Any]) -> None:
    first, second = tabular._quiet_handlers(), tabular._quiet_handlers()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first read ends while the second goes on
    sys.unraisablehook(arrow_decoding_failure())
    second.__exit__(None, None, None)
    assert recorded == []


def test_other_errors_still_reach_the_hook_and_the_filter_is_put_once(
    recorded: list[Any],
) -> None:
    for _ in range(3):
        with tabular._quiet_handlers():
            pass
    other = SimpleNamespace(
        exc_type=ValueError, exc_value=ValueError("x"), exc_traceback=None, err_msg=None,
        object=tabular._quarantine_into,
    )  # fmt: skip
    sys.unraisablehook(other)
    assert recorded == [other]
    hook = sys.unraisablehook
    assert getattr(hook, "hook", None) == recorded.append  # one filter, not three nested
