"""Two services on one store file in one process (two connections to one DuckDB database)
append audit entries at once: the chain stays one chain, and every write lands."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
from service_more_helpers import small_policy

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import DirectAccess, ModerationService


def test_concurrent_appends_keep_the_chain(
    tmp_path: Path, moderator: Moderator, service: ModerationService
) -> None:
    """Reproduction: both transactions read the same last entry and chained onto it (a fork:
    verify reported the log broken at entry 3 though nobody tampered with it)."""
    other = ModerationService(
        DirectAccess(duckdb.connect(str(tmp_path / "store.duckdb"))), small_policy(), moderator
    )
    errors: list[BaseException] = []

    def run(svc: ModerationService, tag: str) -> None:
        for i in range(15):
            try:
                svc.add_article({"id": f"{tag}{i}", "title": "T", "body": "B"}, actor=tag)
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(s, t)) for s, t in ((service, "x"), (other, "y"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    chain = service.audit_chain()
    assert (chain["intact"], chain["entries"], chain["broken_at"]) == (True, 31, None)
    assert other.audit_chain() == chain
    other.close()
