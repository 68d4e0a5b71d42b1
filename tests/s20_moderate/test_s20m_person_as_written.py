"""The defamation clause's evidence names the person as the comment writes the name.

The check reads a view of the comment without accents and lookalike letters, and its
evidence quoted that view: a moderator read "person": "Jose Garcia" for "José García". And a
capitalised word ended at an inner capital, so "Mary McDonald" was "Mary Mc" and "Seán
O'Brien" was "Sean O'".
"""

from __future__ import annotations

import httpx
import pytest

from s20_moderate.s20m_helpers import auth, clause, held_naming, submit

pytestmark = pytest.mark.anyio
WRITTEN = {
    "José García took bribes from the tram builders.": "José García",
    "Mary McDonald took bribes from the tram builders.": "Mary McDonald",
    "Seán O'Brien took bribes from the tram builders.": "Seán O'Brien",
    "Councillor Zoë Martín embezzled the tram fund.": "Councillor Zoë Martín",
}


async def test_the_evidence_quotes_the_name_as_written(
    s20m_client: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, tokens = s20m_client
    for text, person in WRITTEN.items():
        held_naming(await submit(client, tokens, text), text, person)
    queue = (await client.get("/api/v1/moderation/queue", headers=auth(tokens))).json()
    shown = [clause(item, "defamatory")["evidence"]["person"] for item in queue["items"]]
    assert shown == list(WRITTEN.values())
