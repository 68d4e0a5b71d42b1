"""The same comments and policy give the same decisions: in one process whatever the batch
order and company, and across processes with different hash seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mutewatch.moderate.checks import CommentInput, Moderator

COMMENTS = [
    ("You are an 1d10t.", "Ana Silva"),
    ("The council approved the budget. Der Bericht ist sehr gut geschrieben.", "B\u0430tman"),
    ("Senator John Smith took bribes from the builders.", "Nguy\u1ec5n Th\u1ecb Lan"),
    ("Gr\u00fcezi mitenand, das isch e sch\u00f6ne Artikel.", "Ana\u00a0Silva"),
    ("\U0001f44d", "xX_sniper_Xx"),
]
SCRIPT = """
import json, sys
from mutewatch.moderate.checks import CommentInput, Moderator
from mutewatch.moderate.policy import load_policy
rows = json.loads(sys.argv[1])
m = Moderator(load_policy())
out = [d.as_dict(versions=True) for d in m.check([CommentInput(str(i), t, n)
       for i, (t, n) in enumerate(rows)])]
print(json.dumps(out, sort_keys=True))
"""


def _decide(moderator: Moderator, order: list[int]) -> dict[int, str]:
    comments = [CommentInput(str(i), *COMMENTS[i]) for i in order]
    return {
        int(d.id): json.dumps(d.as_dict(versions=True), sort_keys=True)
        for d in moderator.check(comments)
    }


def test_batch_order_and_company_change_nothing(moderator: Moderator) -> None:
    forward = _decide(moderator, list(range(len(COMMENTS))))
    assert _decide(moderator, list(reversed(range(len(COMMENTS))))) == forward
    assert {i: _decide(moderator, [i])[i] for i in forward} == forward


@pytest.mark.slow
def test_two_processes_with_different_hash_seeds_agree() -> None:
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", SCRIPT, json.dumps(COMMENTS)],
            env=env, capture_output=True, text=True, check=True, timeout=300,
        )  # fmt: skip
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] and outputs[0].startswith("[")
