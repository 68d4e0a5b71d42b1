"""``moderation_stats(article_id=...)`` is checked by the queue filter's own rule
(``service.query_text``), which alone words the length message: an id no reader can see, or
with a NUL, was looked up and answered "no article" (the queue refuses it, 400), and one
UTF-8 cannot encode failed inside DuckDB (InvalidInputException, not a mutewatch error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutewatch.errors import InputError, MutewatchError, NotFoundError, UsageError
from mutewatch.moderate import service
from mutewatch.moderate.service import migrate_moderation
from mutewatch.moderate.stats import moderation_stats
from mutewatch.store import Store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("s13stats") / "store.duckdb"
    with Store.open(path) as store:
        migrate_moderation(store.con)
    return path


def _refusal(store_path: Path, article_id: str) -> MutewatchError:
    refused = pytest.raises(MutewatchError)
    with Store.open(store_path, read_only=True) as store, refused as caught:
        moderation_stats(store, article_id=article_id)
    return caught.value


@pytest.mark.parametrize("article_id", ["x" * 201, "\u200b\u200b", "a\x00b"])
def test_the_stats_filter_is_refused_as_the_queue_filter_is(
    store_path: Path, article_id: str
) -> None:
    refused = _refusal(store_path, article_id)
    assert type(refused) is UsageError, refused  # not a 404 "no article ..."
    assert "the stats filter field `article_id`" in refused.message
    with pytest.raises(UsageError) as queue:
        service.query_text(article_id, "article_id", "stats filter")
    assert (refused.message, refused.hint) == (queue.value.message, queue.value.hint)
    assert "`article_id`" in refused.message


def test_the_length_message_is_the_queue_filters(store_path: Path) -> None:
    refused = _refusal(store_path, "y" * 201)
    assert str(refused) == (
        "the stats filter field `article_id` has 201 characters; the limit is 200 (shorten it)"
    )


def test_text_utf8_cannot_encode_is_a_mutewatch_error(store_path: Path) -> None:
    refused = _refusal(store_path, "a\ud800b")
    assert isinstance(refused, InputError), refused
    assert "article_id" in refused.message


def test_a_200_character_id_is_still_looked_up(store_path: Path) -> None:
    assert isinstance(_refusal(store_path, "z" * 200), NotFoundError)
