"""A comment of thousands of short sentences is scored in a bounded number of spans.

Before: Perspective's comments:analyze embedded every sentence on its own, so 20 KB of
"w1. w2. ..." was 3,016 embeddings (8.6 s of CPU for one request), and a fired clause's
evidence in the moderation did the same. Now a comment of more than 64 sentences is scored
in runs of neighbouring sentences (at most 129 spans, about 1/64 of the text each); comments
of up to 64 sentences keep one span per sentence.
"""

from __future__ import annotations

from mutewatch.moderate.checks import sentence_spans
from mutewatch.moderate.perspective import analyze

MANY = " ".join(f"w{i}." for i in range(4000))[:20_000]
SPANS = 129  # 2 * checks.MAX_SCORED_SPANS + 1


def test_many_sentences_become_a_bounded_number_of_runs() -> None:
    from mutewatch.moderate.checks import scored_spans

    runs = scored_spans(MANY)
    assert len(runs) <= SPANS
    starts = {a for a, _ in sentence_spans(MANY)}
    ends = {b for _, b in sentence_spans(MANY)}
    assert all(a in starts and b in ends for a, b in runs)
    assert runs[0][0] == 0 and runs[-1][1] == len(MANY.rstrip())
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(runs, runs[1:], strict=False))


def test_ordinary_comments_keep_one_span_per_sentence() -> None:
    from mutewatch.moderate.checks import MAX_SCORED_SPANS, scored_spans

    text = " ".join(f"Sentence number {i} is here." for i in range(MAX_SCORED_SPANS))
    assert scored_spans(text) == sentence_spans(text)


def test_perspective_answers_a_long_request_with_bounded_spans() -> None:
    text = " ".join(f"w{i}." for i in range(400))  # 400 sentences, 2 KB: quick to score
    request = {
        "comment": {"text": text},
        "languages": ["en"],
        "requestedAttributes": {"TOXICITY": {}},
        "spanAnnotations": True,
    }
    spans = analyze(request)["attributeScores"]["TOXICITY"]["spanScores"]
    assert 64 <= len(spans) <= SPANS
    assert spans[-1]["end"] == len(text)
