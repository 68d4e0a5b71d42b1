"""Registry entries of the wrong type are refused naming the entry, never stored as text
that matches no account; an account listed under two outlets is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutewatch.errors import RegistryError
from mutewatch.outlets import parse_registry

ENTRY = "outlets: [{name: A, official: true, accounts: [%s]}]"


@pytest.mark.parametrize(
    ("account", "words"),
    [
        ("{platform: telegram, id: 1.5}", "'id' must be"),
        ("{platform: telegram, id: [1]}", "'id' must be"),
        ("{platform: telegram, id: true}", "'id' must be"),
        ("{platform: 5, id: 1}", "needs a platform"),
        ("{platform: telegram, name: [x]}", "'name' must be"),
        ("5", "needs a platform"),
    ],
)
def test_wrong_types_are_refused(tmp_path: Path, account: str, words: str) -> None:
    path = tmp_path / "outlets.yaml"
    path.write_text(ENTRY % account)
    with pytest.raises(RegistryError, match=words) as caught:
        parse_registry(path)
    assert "outlet #1 (A): account #1" in caught.value.message


def test_ids_and_names_of_the_right_types_read(tmp_path: Path) -> None:
    path = tmp_path / "outlets.yaml"
    path.write_text(ENTRY % '{platform: telegram, id: 11}, {platform: web, name: " a "}')
    [outlet] = parse_registry(path)
    assert [(r.platform, r.id, r.name) for r in outlet.accounts] == [
        ("telegram", "11", None),
        ("web", None, "a"),
    ]


@pytest.mark.parametrize(
    "second", ["{platform: telegram, id: '11'}", "{platform: twitter, name: HANDLE}"]
)
def test_one_account_under_two_outlets_is_refused(tmp_path: Path, second: str) -> None:
    path = tmp_path / "outlets.yaml"
    path.write_text(
        "outlets:\n"
        "  - {name: A, official: true, accounts: [{platform: telegram, id: 11},"
        " {platform: twitter, name: handle}]}\n"
        f"  - {{name: B, official: false, accounts: [{second}]}}\n"
    )
    with pytest.raises(RegistryError, match="under two outlets, 'A' and 'B'"):
        parse_registry(path)
