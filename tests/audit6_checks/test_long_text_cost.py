"""A 10,000-character comment (the policy's limit) costs milliseconds, whatever it holds.

Before: the spam signals tried their link and e-mail patterns from every position of a long
run of word characters ("a1a1...", "AbAb...", "a-a-..."): about 1.5-2 s of CPU per comment,
which anyone could send again and again. Now each pattern starts only where such a run
starts. The results are the same (22,932 non-evaluation comments compared).
"""

from __future__ import annotations

import time

import pytest

from mutewatch.moderate.checks import identity_mentions, lexicon_findings, spam_signals

LIMIT = 10_000
RUNS = {
    "letters_digits": "a1" * (LIMIT // 2),
    "camel": "Ab" * (LIMIT // 2),
    "hyphens": "a-" * (LIMIT // 2),
    "dots": "a." * (LIMIT // 2),
    "one_letter": "a" * LIMIT,
    "cyrillic": "\u0430" * LIMIT,
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_long_run_is_checked_quickly(name: str) -> None:
    text = RUNS[name]
    start = time.thread_time()  # CPU, not wall time: a loaded machine does not slow it
    spam_signals(text)
    identity_mentions(text)
    lexicon_findings(text)
    seconds = time.thread_time() - start
    assert seconds < 0.5, f"{name}: {seconds:.2f} s"


def test_links_and_addresses_are_still_found() -> None:
    score, evidence = spam_signals(
        "Write to jo.doe+news@mail.example.com, call +1 (555) 123-4567, see foo-bar.com"
    )
    assert evidence["links"] == ["example.com", "foo-bar.com"]
    assert evidence["contacts"] == ["jo.doe+news@mail.example.com", "+1 (555) 123-4567"]
    assert score > 0.5
