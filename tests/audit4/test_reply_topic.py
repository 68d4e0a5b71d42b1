"""A reply is judged against its article and the published thread, and against its parent
only when the parent is published: a held or rejected comment is no topic to be on."""

from __future__ import annotations

from appeal_helpers import OFF_TOPIC

from mutewatch.moderate.service import ModerationService

SPAM_AGAIN = "My favourite recipe for banana bread uses pecans and walnuts."
# checks-11: on an article with no published thread, similarity holds only what reads as
# off topic as on a full thread; these two are (the second one more so), the recipe above not.
HELD_OFF_TOPIC = "My favourite recipe for carrot cake uses walnuts and raisins."
REPLY_OFF_TOPIC = "I make my carrot cake with walnuts and raisins too."


def _irrelevant(result: dict[str, object]) -> dict[str, object]:
    clauses = result["clauses"]
    assert isinstance(clauses, list)
    [clause] = [c for c in clauses if c["clause"] == "irrelevant"]
    return dict(clause)


def _submit(svc: ModerationService, text: str, parent_id: str | None = None) -> dict[str, object]:
    record = {"article_id": "a1", "author_name": "Ana Silva", "text": text}
    if parent_id:
        record["parent_id"] = parent_id
    return svc.submit_comment(record, "viewer1")


def test_off_topic_reply_to_a_held_off_topic_comment_is_held(service: ModerationService) -> None:
    """Reproduction: the off-topic comment is held; an off-topic reply to it (parent_id) was
    published, judged on topic by its similarity to the held parent, and then seeded the
    thread every later comment is judged against."""
    held = _submit(service, HELD_OFF_TOPIC)
    assert held["decision"] == "hold"
    reply = _submit(service, REPLY_OFF_TOPIC, parent_id=str(held["id"]))
    assert reply["decision"] == "hold", reply
    evidence = _irrelevant(reply)["evidence"]
    assert isinstance(evidence, dict) and "parent" not in evidence["similarity"]
    assert service.published_comments("a1")["total"] == 0


def test_a_published_parent_still_counts(service: ModerationService) -> None:
    """After a moderator publishes the parent, a reply is judged against it too."""
    held = _submit(service, OFF_TOPIC)
    service.act(str(held["id"]), {"action": "approve", "note": "fine"}, "mod1")
    reply = _submit(service, SPAM_AGAIN, parent_id=str(held["id"]))
    evidence = _irrelevant(reply)["evidence"]
    assert isinstance(evidence, dict) and "parent" in evidence["similarity"]
