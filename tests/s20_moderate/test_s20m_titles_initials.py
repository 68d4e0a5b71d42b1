"""An allegation against "Mr. Smith", "Ms. Berg", "J. Smith" or "John F. Smith", or one
after a pause ("Ana Berg... took bribes"), goes to a moderator, as one against "John Smith"
does.

The sentence pattern ended a sentence at every full stop, so "Mr. Smith took bribes" was read
as "Mr." and "Smith took bribes": the defamation check, which reads sentence by sentence,
found no named person (a lone capitalised word at a sentence's start is no name) and the
comment was published. Names with an initial were not names at all ("F." broke the run of
capitalised words). News comments name people so all the time.

A title's full stop now ends no sentence before a word on its line, nor does an initial's
before a capital, nor an ellipsis before a word in lower case; "U.S." still does, and "Plan
B." is no one's name.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mutewatch.moderate.checks import sentence_spans
from s20_moderate.s20m_helpers import check_lines, clause, held_naming, submit

pytestmark = pytest.mark.anyio
NAMED = {
    "Mr. Smith took bribes from the tram builders.": "Mr. Smith",
    "Ms. Berg stole money from the tram fund.": "Ms. Berg",
    "J. Smith took bribes from the tram builders.": "J. Smith",
    "Mayor John F. Smith took bribes from the tram builders.": "Mayor John F. Smith",
    "Councillor Ana Berg... took bribes from the tram builders.": "Councillor Ana Berg",
    "Councillor Ben Lund…took bribes from the tram builders.": "Councillor Ben Lund",
}
NOBODY = [
    "Plan B. Then the council stole the show with the tram line.",
    "Mr. Smith did not take bribes from the tram builders.",
]


async def test_allegations_against_titled_and_initialled_names_are_held(
    s20m_client: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    """Through the service: each held, naming the person; the negated allegation and the
    one naming nobody are still published."""
    client, tokens = s20m_client
    for text, person in NAMED.items():
        held_naming(await submit(client, tokens, text), text, person)
    for text in NOBODY:
        body = await submit(client, tokens, text)
        assert clause(body, "defamatory")["fired"] is False, (text, body)


def test_moderate_check_holds_them_too(tmp_path: Path, s20m_policy: Path) -> None:
    """``moderate check`` on the same texts: the named ones held, the others published."""
    decisions = check_lines([*NAMED, *NOBODY], tmp_path, s20m_policy)
    assert [d["decision"] for d in decisions] == ["hold"] * len(NAMED) + ["publish"] * 2


def test_the_sentences_around_titles_and_initials() -> None:
    """Perspective's spans and the checks' sentences: a title or an initial stays with its
    name; other full stops still end sentences."""
    cases = {
        "Mr. Smith spoke. Then he left.": ["Mr. Smith spoke.", "Then he left."],
        "I met John F. Smith. He left.": ["I met John F. Smith.", "He left."],
        "Dr. jones was there. Ok.": ["Dr. jones was there.", "Ok."],
        "John Smith Jr. spoke. Fine.": ["John Smith Jr. spoke.", "Fine."],
        "Ana Berg... took it. Wait... What?": ["Ana Berg... took it.", "Wait...", "What?"],
        "What kind of idiot name is foo? Sorry, I like your name.": [
            "What kind of idiot name is foo?",
            "Sorry, I like your name.",
        ],
    }
    for text, sentences in cases.items():
        assert [text[a:b] for a, b in sentence_spans(text)] == sentences, text
