"""``moderation_stats``: a clause whose action is publish (it flags, and lets the comment
through) and fired is counted under the comments it decided; the sentence names them
(it said "decided the outcome of 1 (0 held, 0 rejected)")."""

from __future__ import annotations

import json

from s7s_helpers import con_of, post

from mutewatch.moderate.service import ModerationService
from mutewatch.moderate.stats import moderation_stats


def test_a_publishing_clause_s_decisions_are_named(service: ModerationService) -> None:
    published = post(service, "publish", "Ana Silva")
    post(service, "hold", "Bo Chen")
    flagged = [
        {"clause": "irrelevant", "fired": True, "score": 0.9, "threshold": 0.5,
         "evidence": {"action": "publish"}},
    ]  # fmt: skip
    con_of(service).execute(
        "UPDATE mod_decisions SET clauses = ? WHERE comment_id = ?",
        [json.dumps(flagged), published],
    )
    stats = moderation_stats(con_of(service))
    assert stats["clauses"]["irrelevant"]["decided"]["publish"] == 1
    [sentence] = [s for s in stats["findings"] if s.startswith("The clause irrelevant")]
    assert "decided the outcome of 1 (1 published, 0 held, 0 rejected)" in sentence
    [held] = [s for s in stats["findings"] if s.startswith("The clause defamatory")]
    assert "decided the outcome of 1 (1 held, 0 rejected)" in held
