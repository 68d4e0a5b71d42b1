"""Issue 5: would a positive-sentiment guard pass friendly group mentions without losing attacks?

Usage::

    MUTEWATCH_DATA=../shared/data python scripts/sentiment_guard_report_s25.py

Tried in session 25. The rule, fixed before measuring: when a comment mentions a group
(``checks.identity_mentions``), the lexicon keeps no racist or personal finding
(``checks.lexicon_findings``, data/toxicity_lexicon.json as the checks read it), VADER's
compound score of the whole comment (vaderSentiment 3.3.2, read on ``text_view``'s text,
as the patterns read it) is >= T, and no sentence of it (``sentence_spans``) has a negative
compound score (< 0), the racist and personal head scores are capped at 0.6, under the hold
band; the lexicon still scores what it finds. The sentence condition was chosen before any
figure was read: an attack padded with a friendly sentence reads positive as a whole.
Allowed T: 0.3, 0.5, 0.7 only.

Out of fold, with scripts/identity_counterfactual_report_s25.py's harness (the non-evaluation
rows, folds and C of scripts/train_moderation.py; Fox News hateful rows, which the racist head
is not fitted on, scored by the final head), at the policy (racist >= 0.8 or personal >= 0.75).
Bar set before measuring: recall on Fox hateful, ETHOS hate and ETHOS racist down at most 1
point each; harmless group-mentioning comments held down at least 2 points (9.8% -> <= 7.8%);
the issue's three examples publish. Among the T that meet it, the one with the lowest
harmless-held rate ships.

    T      harmless held   Fox hateful   ETHOS hate    ETHOS racist  Fox non-hateful held
    off    33/336 9.8%     72/363 19.8%  188/343 54.8% 105/174 60.3% 44/883 5.0%
    0.3    24/336 7.1%     67/363 18.5%  184/343 53.6% 101/174 58.0% 41/883 4.6%
    0.5    25/336 7.4%     70/363 19.3%  187/343 54.5% 104/174 59.8% 42/883 4.8%
    0.7    29/336 8.6%     70/363 19.3%  188/343 54.8% 105/174 60.3% 43/883 4.9%

No variant passes, so the checks do not use it. T = 0.3 costs Fox hateful 1.4 points, ETHOS
hate 1.2 and ETHOS racist 2.3 (9 hateful rows released); T = 0.7 moves harmless only 1.2
points and guards none of the issue's examples; T = 0.5 meets the recall and harmless bars
but "Muslims are welcome here." (VADER compound 0.46) stays held: "welcome" is one mild
positive word. VADER reads words, not who is praised: sarcasm ("Great, more <group>.
Lovely.", compound 0.85, no negative sentence) is guarded at every T, and the hateful
rows it released are attacks VADER reads as positive (a positive word beside the attack,
an attack word its lexicon lacks). VADER costs 0.32 ms a comment
(whole and sentences, 1,000 Fox News comments, one core): cost was no obstacle.
vaderSentiment is no project dependency: ``pip install vaderSentiment==3.3.2`` to run this
(MIT, lexicon in the wheel, no network). Takes about 20 s with the embedding cache warm.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import identity_counterfactual_report_s25 as cf  # noqa: E402
import train_moderation as tm  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from mutewatch.moderate import checks  # noqa: E402
from mutewatch.moderate import datasets as ds  # noqa: E402
from mutewatch.moderate._spans import sentence_spans  # noqa: E402
from mutewatch.moderate._textview import text_view  # noqa: E402

LEVELS = (0.3, 0.5, 0.7)
CAP = 0.6
ISSUE_EXAMPLES = (
    "Muslims are welcome here.",
    "Muslims. I love my neighbours.",
    "My neighbour is Mexican and she is lovely.",
)
_VADER = SentimentIntensityAnalyzer()


def sentiment(text: str) -> tuple[float, float]:
    """(compound of the whole text, lowest compound of its sentences), read on its view."""
    read = text_view(text).text
    whole = float(_VADER.polarity_scores(read)["compound"])
    lowest = min(
        float(_VADER.polarity_scores(read[a:b])["compound"]) for a, b in sentence_spans(read)
    )
    return whole, lowest


def guarded(text: str, level: float) -> bool:
    """True when the guard caps ``text``'s heads at threshold ``level``."""
    if not checks.identity_mentions(text):
        return False
    found = checks.lexicon_findings(text)
    if found.racist or found.personal:
        return False
    whole, lowest = sentiment(text)
    return whole >= level and lowest >= 0.0


def main() -> None:
    data = ds.default_data_dir()
    oof, _, _ = cf.out_of_fold(data)

    def fired(t: str, level: float | None) -> bool:
        r, p = oof[t]["racist"], oof[t]["personal"]
        if level is not None and guarded(t, level):
            r, p = min(r, CAP), min(p, CAP)
        racist, personal = checks.clause_scores(t, r, p)
        return racist >= tm.POLICY_RACIST_HOLD or personal >= tm.POLICY_PERSONAL_HOLD

    def held(texts: list[str], level: float | None) -> str:
        n = sum(fired(t, level) for t in texts)
        return f"{n}/{len(texts)} {n / len(texts):.1%}"

    groups = cf.report_groups(data)
    for level in (None, *LEVELS):
        cells = "; ".join(f"{k} {held(v, level)}" for k, v in groups.items())
        print(f"T = {level or 'off'}: {cells}")
    for level in LEVELS:
        lost = [t for t in groups["ETHOS hate"] + groups["Fox hateful"]
                if fired(t, None) and not fired(t, level)]  # fmt: skip
        print(f"T = {level}: hateful rows no longer held: {len(lost)}")
    for text in ISSUE_EXAMPLES:
        print(text, sentiment(text), {lv: guarded(text, lv) for lv in LEVELS})


if __name__ == "__main__":
    main()
