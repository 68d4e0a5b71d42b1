"""A result whose size cannot be measured is answered and not kept, and requests waiting
for the same key get it too: before, the error left the key's flight open and its waiters
waited for ever."""

from __future__ import annotations

import threading
from typing import Any

from mutewatch.web.api import ResultCache


class Unsizable:
    def __sizeof__(self) -> int:
        raise RuntimeError("no size")


def test_an_unsizable_value_is_answered_not_kept_and_waiters_get_it() -> None:
    cache = ResultCache()
    started, release = threading.Event(), threading.Event()
    value = Unsizable()

    def compute() -> Any:
        started.set()
        release.wait(5)
        return value

    answers: list[Any] = []
    leader = threading.Thread(target=lambda: answers.append(cache.get_or_compute(("k",), compute)))
    leader.start()
    assert started.wait(5)
    waiter = threading.Thread(
        target=lambda: answers.append(cache.get_or_compute(("k",), lambda: "again"))
    )
    waiter.start()
    release.set()
    leader.join(5)
    waiter.join(5)
    assert not leader.is_alive() and not waiter.is_alive()
    assert answers[0] is value and answers[1] in (value, "again")
    assert ("k",) not in cache and cache.bytes == 0
