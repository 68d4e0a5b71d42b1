"""Helpers of the appeal tests (imported as a plain module)."""

from __future__ import annotations

from service_more_helpers import DEFAMATORY, ON_TOPIC, fresh_text

from mutewatch.moderate.service import ModerationService

INSULT = "You are an idiot and a moron."  # the small policy rejects it (personal)
OFF_TOPIC = "My favourite recipe for banana bread uses walnuts."  # held (irrelevant)
TEXTS = {"reject": INSULT, "hold": DEFAMATORY, "publish": ON_TOPIC}


def post(
    svc: ModerationService,
    decision: str,
    by: str = "viewer1",
    name: str = "Ana Silva",
    email: str | None = None,
) -> str:
    """Submit a comment the machine decides ``decision`` on, as API user ``by``; its id."""
    record = {"article_id": "a1", "author_name": name, "text": fresh_text(TEXTS[decision])}
    if email:
        record["email"] = email
    result = svc.submit_comment(record, by)
    assert result["decision"] == decision, result
    return str(result["id"])
