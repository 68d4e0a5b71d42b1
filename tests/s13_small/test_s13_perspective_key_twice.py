"""A Perspective request's ``?key=A&key=B``: refused as Perspective's 400 INVALID_ARGUMENT
naming the parameter (``perspective.api_key``), not the last value taken silently. The web
route reads the key through ``api_key`` once web/moderation.py passes it every value."""

from __future__ import annotations

import json

import pytest

from mutewatch.errors import InputError
from mutewatch.moderate import perspective
from mutewatch.web.moderation import perspective_error


def test_a_key_given_twice_is_a_400_invalid_argument_naming_it() -> None:
    with pytest.raises(InputError) as caught:
        perspective.api_key(["key-one", "key-two"])
    response = perspective_error(caught.value)
    assert response.status_code == 400
    error = json.loads(bytes(response.body))["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT", error
    assert 'query parameter "key"' in error["message"] and "2 times" in error["message"]
    assert "key-one" not in error["message"] and "key-two" not in error["message"]


def test_one_key_or_none_is_read_as_given() -> None:
    assert perspective.api_key(["key-one"]) == "key-one"
    assert perspective.api_key([]) is None
