"""The checks behind the policy clauses, and the engine that turns scores into decisions.

Each check scores one prepared comment in 0..1 and returns evidence. The engine prepares a
batch once (one embedding call for all texts, language and name assessments; one more for
the sentences of the comments whose head clause fired, for their evidence spans), runs every
clause of the policy, and applies thresholds and actions. Scores are rounded to 4 decimals,
so the same input and policy always give the same decision.

Library use::

    from mutewatch.moderate.checks import CommentInput, Moderator
    from mutewatch.moderate.policy import load_policy
    moderator = Moderator(load_policy())
    [decision] = moderator.check([CommentInput(id="c1", text="Thanks, a clear report.",
                                               author_name="Ana Silva")])
    print(decision.decision, decision.reason)

The code lives in private modules, one concern each; this module is their public face, and
the only one to import from:

- ``_features``: the comment prepared once for all checks, a clause as checked, a decision;
- ``_textview``: the text as the patterns read it (Unicode evasion undone, offsets kept);
- ``_lexicon``: identity groups, person names, and the lexicon of insults and group attacks;
- ``_spans``: sentences and the evidence spans a head scores;
- ``_toxicity``: the racism and personal-attack heads, sentences that name a group scored alone;
- ``_defamation``: allegations against a named person, names typed without capitals;
- ``_relevance``: off-topic and spam or sales pitches;
- ``_companions``: language, dialect and author-name checks (the companion models);
- ``_engine``: ``CHECKS`` by name and the ``Moderator``.

The switches that report scripts and tests set here (``checks.RUN_ON_WINDOWS = False``,
``monkeypatch.setattr(checks, "candidate_sentences", ...)``) still reach the checks: a name
of ``__all__`` set on this module is set in every private module that holds it.
"""

from __future__ import annotations

import sys
from types import ModuleType

from mutewatch.moderate._companions import (
    MIXED_MAX_SENTENCES,
    MIXED_MIN_WORDS,
    MIXED_SCORE,
    check_dialect,
    check_false_name,
    check_fantasy_name,
    check_language,
    foreign_sentences,
)
from mutewatch.moderate._defamation import (
    ALLEGATION_FRAMES,
    CASELESS_COMMON_FIRST,
    CASELESS_NAME_SCORE,
    CRIME_NOUNS,
    PLAIN_ALLEGATIONS,
    TRUECASE_FILE,
    Allegation,
    accused,
    allegations,
    caseless_person_names,
    check_defamation,
    framed,
    is_caseless,
    negated,
    use_truecase,
)
from mutewatch.moderate._engine import (
    CHECKS,
    CHECKS_VERSION,
    SEVERITY_OF,
    CheckFn,
    Moderator,
)
from mutewatch.moderate._features import (
    DIM,
    SCORE_DIGITS,
    ClauseResult,
    CommentInput,
    Decision,
    Features,
    Topic,
)
from mutewatch.moderate._lexicon import (
    IDENTITY_TERMS,
    LEXICON_FILE,
    Lexicon,
    LexiconFindings,
    LexiconHit,
    clause_scores,
    identity_mentions,
    lexicon,
    lexicon_findings,
    person_names,
    personal_score,
    racist_score,
    text_words,
)
from mutewatch.moderate._lexicon import (
    _personal_hits as _personal_hits,
)
from mutewatch.moderate._lexicon import (
    _racist_hits as _racist_hits,
)
from mutewatch.moderate._relevance import (
    COPY_MIN_WORDS,
    COPY_SCORE,
    COPY_SIMILARITY,
    SIMILARITY_CEILING,
    SOLICITATION_PUSH_SCORE,
    SOLICITATION_SCORE,
    check_relevance,
    copy_words,
    offtopic_probability,
    solicitation,
    spam_signals,
    thread_copies,
    topic_similarity,
)
from mutewatch.moderate._spans import (
    MAX_SCORED_SPANS,
    embed_spans,
    head_spans,
    scored_spans,
    sentence_spans,
)
from mutewatch.moderate._textview import (
    CONFUSABLES_FILE,
    TextView,
    text_view,
)
from mutewatch.moderate._toxicity import (
    CLAUSE_MIN_WORDS,
    FOLLOW_BACK_REFERENCES,
    MAX_CANDIDATE_SENTENCES,
    MAX_RUN_ON_WINDOWS,
    RUN_ON_DISCOUNT,
    RUN_ON_WINDOW,
    RUN_ON_WINDOW_WORDS,
    RUN_ON_WINDOWS,
    RUN_ON_WORDS,
    SENTENCE_DISCOUNT,
    SPLIT_RUN_ONS,
    candidate_sentences,
    check_personal,
    check_racism,
    clause_spans,
    piece_discount,
    run_on_windows,
)

__all__ = [
    "ALLEGATION_FRAMES",
    "Allegation",
    "CASELESS_COMMON_FIRST",
    "CASELESS_NAME_SCORE",
    "CHECKS",
    "CHECKS_VERSION",
    "CLAUSE_MIN_WORDS",
    "CONFUSABLES_FILE",
    "COPY_MIN_WORDS",
    "COPY_SCORE",
    "COPY_SIMILARITY",
    "CRIME_NOUNS",
    "CheckFn",
    "ClauseResult",
    "CommentInput",
    "DIM",
    "Decision",
    "FOLLOW_BACK_REFERENCES",
    "Features",
    "IDENTITY_TERMS",
    "LEXICON_FILE",
    "Lexicon",
    "LexiconFindings",
    "LexiconHit",
    "MAX_CANDIDATE_SENTENCES",
    "MAX_RUN_ON_WINDOWS",
    "MAX_SCORED_SPANS",
    "MIXED_MAX_SENTENCES",
    "MIXED_MIN_WORDS",
    "MIXED_SCORE",
    "Moderator",
    "PLAIN_ALLEGATIONS",
    "RUN_ON_DISCOUNT",
    "RUN_ON_WINDOW",
    "RUN_ON_WINDOWS",
    "RUN_ON_WINDOW_WORDS",
    "RUN_ON_WORDS",
    "SCORE_DIGITS",
    "SENTENCE_DISCOUNT",
    "SEVERITY_OF",
    "SIMILARITY_CEILING",
    "SOLICITATION_PUSH_SCORE",
    "SOLICITATION_SCORE",
    "SPLIT_RUN_ONS",
    "TRUECASE_FILE",
    "TextView",
    "Topic",
    "accused",
    "allegations",
    "candidate_sentences",
    "caseless_person_names",
    "check_defamation",
    "check_dialect",
    "check_false_name",
    "check_fantasy_name",
    "check_language",
    "check_personal",
    "check_racism",
    "check_relevance",
    "clause_scores",
    "clause_spans",
    "copy_words",
    "embed_spans",
    "foreign_sentences",
    "framed",
    "head_spans",
    "identity_mentions",
    "is_caseless",
    "lexicon",
    "lexicon_findings",
    "negated",
    "offtopic_probability",
    "person_names",
    "personal_score",
    "piece_discount",
    "racist_score",
    "run_on_windows",
    "scored_spans",
    "sentence_spans",
    "solicitation",
    "spam_signals",
    "text_view",
    "text_words",
    "thread_copies",
    "topic_similarity",
    "use_truecase",
]

_PARTS = tuple(
    sys.modules[f"mutewatch.moderate._{part}"]
    for part in ("companions", "defamation", "engine", "features", "lexicon")
    + ("relevance", "spans", "textview", "toxicity")
)
"""The private modules the names above come from (each imported above)."""


class _Checks(ModuleType):
    """This module: a public name set on it is set where the checks read it too."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in __all__:
            for part in _PARTS:
                if name in vars(part):
                    setattr(part, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Checks
