"""One wording for the --baseline and --period options of every command that takes them
(``outlets status``, ``findings``, ``report``): the window syntax of
``measure.params.parse_range``. A command whose option has a default states it beside
(click's ``show_default``), not in these words. Plain strings: ``--help`` imports nothing."""

from __future__ import annotations

_FORMS = "inclusive UTC dates: {0}..{1}, or {0} alone; each YYYY, YYYY-MM or YYYY-MM-DD"

BASELINE_HELP = f"Baseline window, {_FORMS.format('A', 'B')} (e.g. 2015 or 2015-01..2015-06)."
PERIOD_HELP = (
    f"Period under study, {_FORMS.format('C', 'D')} (e.g. 2017-12 or 2017-12-01..2017-12-31)."
)
