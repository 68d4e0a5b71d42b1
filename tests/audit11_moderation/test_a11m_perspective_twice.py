"""A Perspective request giving a field twice is refused (400 INVALID_ARGUMENT, Google's
shape, naming the field), as protobuf's JSON reader refuses it, at every depth.

Found: ``{"comment": {"text": "A", "text": "B"}}`` was scored on "B" (the JSON reader kept
the last value without a word), so a proxy or log that reads the first value saw another
comment than the one mutewatch scored; with two ``requestedAttributes`` only the last one's
attributes came back.
"""

from __future__ import annotations

import httpx
import pytest
from a11m_served import Served, served

pytestmark = [pytest.mark.server]
__all__ = ["served"]  # the fixture this module's tests use

TWICE = {
    "text": '{"comment": {"text": "Have a nice day.", "text": "Good trams."},'
    ' "requestedAttributes": {"TOXICITY": {}}}',
    "requestedAttributes": '{"comment": {"text": "Have a nice day."}, "requestedAttributes":'
    ' {"TOXICITY": {}}, "requestedAttributes": {"INSULT": {}}}',
    "TOXICITY": '{"comment": {"text": "Have a nice day."}, "requestedAttributes":'
    ' {"TOXICITY": {}, "TOXICITY": {"scoreThreshold": 0.9}}}',
    # Perspective's own curl style: unquoted keys, a trailing comma
    "comment": '{comment: {text: "x"}, comment: {text: "Have a nice day."},'
    " requestedAttributes: {TOXICITY: {}},}",
}


@pytest.mark.parametrize("field", sorted(TWICE))
def test_a_field_given_twice_is_invalid_argument(served: Served, field: str) -> None:
    url = f"{served.url}/v1alpha1/comments:analyze?key={served.viewer}"
    got = httpx.post(url, content=TWICE[field].encode(), timeout=120,
                     headers={"Content-Type": "application/json"})  # fmt: skip
    assert got.status_code == 400, got.text
    error = got.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and error["code"] == 400
    assert f'Duplicate field "{field}"' in error["message"]


def test_the_documented_request_is_still_scored(served: Served) -> None:
    body = (
        '{comment: {text: "Have a nice day."},\n      languages: ["en"],\n'
        "      requestedAttributes: {TOXICITY:{}} }"
    )  # the quickstart's curl request, line breaks and all
    url = f"{served.url}/v1alpha1/comments:analyze?key={served.viewer}"
    got = httpx.post(url, content=body.encode(), timeout=120)
    assert got.status_code == 200, got.text
    assert got.json()["attributeScores"]["TOXICITY"]["summaryScore"]["type"] == "PROBABILITY"
