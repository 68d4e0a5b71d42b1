"""The web server's writer (GatewayAccess over a StoreGateway) and a direct writer on the same
store file in one process take turns, as two direct writers do (d0523cd): a comment the
server acknowledges is stored, and one that fails leaves nothing behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from s7s_helpers import TEXTS, con_of, post
from service_more_helpers import fresh_text, small_policy

from mutewatch.moderate import service as service_module
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import (
    GatewayAccess,
    ModerationService,
    _audit,
    moderation_audit_chain,
)
from mutewatch.web.access import StoreGateway


@pytest.fixture()
def web(
    service: ModerationService, moderator: Moderator, tmp_path: Path
) -> Iterator[ModerationService]:
    """A server-side service (GatewayAccess) on the file the ``service`` fixture writes."""
    gateway = StoreGateway(tmp_path / "store.duckdb", cache_dir=tmp_path / "cache")
    gateway.start()
    svc = ModerationService(GatewayAccess(gateway), small_policy())
    svc._moderator = moderator
    try:
        yield svc
    finally:
        gateway.stop()


def submit(svc: ModerationService, decision: str, name: str) -> dict[str, Any]:
    record = {"article_id": "a1", "author_name": name, "text": fresh_text(TEXTS[decision])}
    result: dict[str, Any] = svc.submit_comment(record, "viewer1")
    return result


def stored_ids(svc: ModerationService) -> set[str]:
    return {
        str(r[0]) for r in con_of(svc).execute("SELECT comment_id FROM mod_comments").fetchall()
    }


def test_the_server_writes_after_a_direct_writer_commits(
    service: ModerationService, web: ModerationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reproduction: while a direct writer's transaction had moved the audit head, the
    server's write began, lost the head ("Conflict on update") and reached the client as an
    error at once (no retry, no turn). Now it waits for the direct writer's commit and
    begins once."""
    direct_con = con_of(service)
    inside, released = threading.Event(), threading.Event()
    began: list[bool] = []  # each server transaction: begun after the direct one committed?
    real = service_module._transaction

    def noted(con: Any, fn: Any) -> Any:
        if con is not direct_con:
            began.append(released.is_set())
        return real(con, fn)

    def hold_open(con: Any) -> None:
        _audit(con, "tester", "note", article_id="a1", note="first")  # moves the head
        inside.set()
        released.wait(30)

    errors: list[BaseException] = []
    results: list[dict[str, Any]] = []

    def run(fn: Any) -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    monkeypatch.setattr(service_module, "_transaction", noted)
    first = threading.Thread(target=run, args=(lambda: service.access.write(hold_open),))
    second = threading.Thread(
        target=run, args=(lambda: results.append(submit(web, "publish", "Bo Chen")),)
    )
    try:
        first.start()
        assert inside.wait(30)
        second.start()
        second.join(0.3)  # the old code began (and lost) meanwhile; the new one waits
    finally:
        released.set()
        first.join()
        second.join()
    assert errors == []
    assert began == [True]
    assert stored_ids(service) == {results[0]["id"]}
    got = moderation_audit_chain(direct_con)
    assert got["intact"] and got["entries"] == 3  # the article, the note, the comment


def test_server_and_direct_writers_at_once_store_every_acknowledged_comment(
    service: ModerationService, web: ModerationService
) -> None:
    """Both write six comments at once: each is acknowledged and stored, the chain one chain
    (before: most of the server's comments failed with "Conflict on update")."""
    acknowledged: list[str] = []
    errors: list[BaseException] = []

    def run(svc: ModerationService, name: str) -> None:
        for i in range(6):
            try:
                acknowledged.append(str(submit(svc, "publish" if i % 2 else "hold", name)["id"]))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(s, n))
               for s, n in ((service, "Ana Silva"), (web, "Bo Chen"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert stored_ids(service) == set(acknowledged)
    assert len(acknowledged) == 12
    got = moderation_audit_chain(con_of(service))
    assert got["intact"] and got["entries"] == 13
    assert post(web, "publish", "Cy Doe")  # the server still writes after the contest
