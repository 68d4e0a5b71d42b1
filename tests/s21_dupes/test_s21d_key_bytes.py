"""A non-ASCII Idempotency-Key header is refused naming the byte, not a character it is not.

Found: Starlette decodes a header's bytes as latin-1, one character per byte, so a key
holding "é" sent as UTF-8 (bytes C3 A9) was refused as holding "U+00C3" (Ã), a character
the client never sent. Now the message names the byte and where it is, and the character
it begins when the key is UTF-8.
"""

from __future__ import annotations

import httpx
from s21d_helpers import Api


def _refused(api: Api, key: bytes) -> str:
    sent = {"Content-Type": "application/json", "Idempotency-Key": key}
    answer: httpx.Response = api("POST", "/api/v1/comments", "viewer", content=b"", headers=sent)
    assert answer.status_code == 400, answer.text
    return str(answer.json()["error"]["message"])


def test_a_utf8_character_is_named_by_its_first_byte(api: Api) -> None:
    message = _refused(api, "caf\u00e9".encode())
    assert "U+00C3" not in message  # the old message: the byte read as latin-1
    assert "byte 0xC3 at byte 3" in message, message
    assert "U+00E9" in message  # the character the client sent


def test_a_byte_that_is_not_utf8_is_named_alone(api: Api) -> None:
    message = _refused(api, b"key\xe9x")
    assert "byte 0xE9 at byte 3)" in message, message
    assert "U+" not in message
