"""A server started on a store from the previous release (moderation migrations 1-2, with
comments) answers its moderation reads before anyone writes: the read migrates the store
first (migrations run in the writer, and snapshots are copies of the main file)."""

from __future__ import annotations

import duckdb
import pytest
from appeal_helpers import post
from service_more_helpers import ARTICLE, small_policy
from test_web_more import Api

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import MIGRATIONS, DirectAccess, GatewayAccess, ModerationService
from mutewatch.store import Store
from mutewatch.web.auth import add_user

BACK_TO_RELEASE_2 = """
DROP TABLE mod_fired; DROP TABLE mod_appeals; DROP TABLE mod_audit_head;
ALTER TABLE mod_audit DROP COLUMN hash; ALTER TABLE mod_audit DROP COLUMN prev_hash;
UPDATE meta SET value = '2' WHERE key = 'schema_version:moderate';
"""


@pytest.fixture(scope="module")
def old(tmp_path_factory: pytest.TempPathFactory, moderator: Moderator) -> tuple[Api, str]:
    """The app over a release-2 store holding article a1 and a held comment of viewer1."""
    root = tmp_path_factory.mktemp("oldstore")
    path = root / "store.duckdb"
    svc = ModerationService(DirectAccess(duckdb.connect(str(path))), small_policy(), moderator)
    svc.add_article(ARTICLE, actor="tester")
    cid = post(svc, "hold", by="viewer1")
    svc.access.read(lambda con: con.execute(BACK_TO_RELEASE_2))
    svc.close()
    with Store.open(path) as store:
        tokens = {role: add_user(store, f"{role}1", role)[1] for role in ("viewer", "moderator")}
    from mutewatch.web.app import create_app

    app = create_app(path, cache_dir=root / "cache", refresh_interval=0.2, linger=0.05,
                     pseudonym_key="test-key")  # fmt: skip
    app.state.moderation_service = ModerationService(
        GatewayAccess(app.state.gateway), small_policy(), moderator
    )
    return Api(app, tokens), cid


@pytest.mark.parametrize(
    "role, url",
    [
        ("moderator", "/api/v1/moderation/queue"),
        ("moderator", "/api/v1/moderation/queue?clause=defamatory&appeal=false"),
        ("viewer", "/api/v1/comments/{cid}"),
        ("moderator", "/api/v1/moderation/audit/verify"),
        ("viewer", "/api/v1/articles/a1/comments"),
    ],
)
def test_first_reads_answer(old: tuple[Api, str], role: str, url: str) -> None:
    """Reproduction: the queue and a comment's status were 500 (``mod_appeals does not
    exist``) until the first write migrated the store."""
    api, cid = old
    response = api("GET", url.format(cid=cid), role)
    assert response.status_code == 200, response.text
    body = response.json()
    if "queue" in url:
        assert [i["id"] for i in body["items"]] == [cid]  # mod_fired was backfilled
    if "verify" in url:
        assert body["intact"] and body["entries"] == 2 and body["head"]
    if url.startswith("/api/v1/comments/"):
        assert body["status"] == "held" and body["how_to_appeal"]


def test_store_file_is_migrated(old: tuple[Api, str]) -> None:
    api, _ = old
    assert api("GET", "/api/v1/moderation/queue", "moderator").status_code == 200
    service = api.app.state.moderation_service
    version = service.access.read(
        lambda con: con.execute(
            "SELECT value FROM meta WHERE key = 'schema_version:moderate'"
        ).fetchone()[0]
    )
    assert int(version) == len(MIGRATIONS)
