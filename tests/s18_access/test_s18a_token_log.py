"""The access log hides what looks like a token whatever its length.

The log filter knew a token as ``mw_`` and exactly 43 characters (``new_token``'s), while
the server withholds ``mw_`` and 30 or more (``auth.TOKEN_IN_TEXT``) everywhere else: a
token of another length in a query was written to the log in clear. One shape now.
"""

from __future__ import annotations

import time

import pytest
from s18a_serving import Served

pytestmark = pytest.mark.server


@pytest.mark.parametrize("length", [30, 35, 42])
def test_a_token_of_another_length_in_a_query_is_hidden_in_the_log(
    limits: Served, length: int
) -> None:
    token = "mw_" + ("s18aLoG" * 10)[:length]
    marker = f"s18a-log-{length}"
    bearer = {"Authorization": f"Bearer {limits.token('viewer')}"}
    with limits.client("127.0.18.50") as client:
        answered = client.get(f"/api/v1/status?access_token={token}&m={marker}", headers=bearer)
        assert answered.status_code == 400  # not a parameter of the route
    deadline = time.monotonic() + 30
    while marker not in limits.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    lines = [line for line in limits.log.read_text().splitlines() if marker in line]
    assert lines, "the request is not in the log"
    assert not [line for line in lines if token in line or token[:30] in line]
    assert f"?access_token=(hidden)&m={marker} " in lines[0]
