"""Moderation policy as data: clauses, checks, thresholds, actions and reasons.

A policy is a YAML file (the default, ``default_policy.yaml``, implements the publisher's
terms). Its version is the file's own ``version`` plus a hash of its content, so two
different files never share a version.

Library use::

    from mutewatch.moderate.policy import load_policy
    policy = load_policy()            # the default; or load_policy(Path("my.yaml"))
    print(policy.version, [c.clause for c in policy.clauses])
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mutewatch.errors import InputError

DEFAULT_POLICY_FILE = Path(__file__).parent / "default_policy.yaml"
CLAUSES = (
    "defamatory",
    "racist",
    "personal",
    "irrelevant",
    "language",
    "dialect",
    "fantasy_name",
    "false_name",
)
ACTIONS = ("publish", "hold", "reject")
SEVERITY = {"publish": 0, "hold": 1, "reject": 2}
POLICY_KEYS = ("name", "version", "limits", "clauses")
CLAUSE_KEYS = (
    "clause",
    "check",
    "threshold",
    "hold_threshold",
    "action",
    "reason",
    "hold_reason",
)
LIMITS = {"max_text_chars": 10000, "max_name_chars": 120}


@dataclass(frozen=True)
class Clause:
    """One clause of the terms: its check, thresholds, action and reason for the commenter.

    ``hold_reason`` is what the commenter reads when the score falls in the hold band (at
    least ``hold_threshold``, under ``threshold``): a doubt a moderator will settle, not
    the finding that the comment broke the terms (``reason``).
    """

    clause: str
    check: str
    threshold: float
    action: str
    reason: str
    hold_threshold: float | None = None
    hold_reason: str | None = None

    def reason_for(self, action: str) -> str:
        """The commenter's reason when the clause fired with ``action``."""
        if action == "hold" and self.action != "hold" and self.hold_reason:
            return self.hold_reason
        return self.reason

    def outcome(self, score: float) -> tuple[bool, float, str]:
        """(fired, the threshold that applied, the action) for a score.

        A clause that did not fire reports the lowest threshold it would have fired at (the
        hold threshold when it has a hold band), so fired == (score >= threshold) always.
        """
        if score >= self.threshold:
            return True, self.threshold, self.action
        if self.hold_threshold is not None and score >= self.hold_threshold:
            return True, self.hold_threshold, "hold"
        return False, self.firing_threshold, "publish"

    @property
    def firing_threshold(self) -> float:
        """The lowest score at which the clause acts (holds or applies its action)."""
        return self.threshold if self.hold_threshold is None else self.hold_threshold


@dataclass(frozen=True)
class Policy:
    """A loaded policy. ``version`` identifies it in every decision."""

    name: str
    version: str
    clauses: tuple[Clause, ...]
    max_text_chars: int
    max_name_chars: int
    source: str


def _fail(source: str, message: str) -> InputError:
    return InputError(
        f"the policy {source} is invalid: {message}",
        hint=f"compare it with the default policy {DEFAULT_POLICY_FILE}",
    )


def _number(source: str, spec: dict[str, Any], key: str, where: str) -> float:
    value = spec.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise _fail(source, f"{where}: {key} must be a number in 0..1, not {value!r}")
    return float(value)


def _clause(source: str, spec: Any, index: int) -> Clause:
    from mutewatch.moderate.checks import CHECKS

    where = f"clause #{index + 1}"
    if not isinstance(spec, dict):
        raise _fail(source, f"{where} must be a mapping")
    _known_keys(source, spec, CLAUSE_KEYS, f"{where} ({spec.get('clause')})")
    name = spec.get("clause")
    if name not in CLAUSES:
        raise _fail(source, f"{where}: clause must be one of {', '.join(CLAUSES)}, not {name!r}")
    check = spec.get("check")
    if check not in CHECKS:
        raise _fail(source, f"{where} ({name}): unknown check {check!r}; known: {sorted(CHECKS)}")
    action = spec.get("action")
    if action not in ACTIONS:
        raise _fail(source, f"{where} ({name}): action must be one of {ACTIONS}, not {action!r}")
    reason = spec.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise _fail(source, f"{where} ({name}): reason must be a non-empty text")
    threshold = _number(source, spec, "threshold", f"{where} ({name})")
    hold = None
    if spec.get("hold_threshold") is not None:
        hold = _number(source, spec, "hold_threshold", f"{where} ({name})")
        if hold > threshold:
            raise _fail(source, f"{where} ({name}): hold_threshold is above threshold")
        if action == "publish":
            raise _fail(
                source,
                f"{where} ({name}): hold_threshold with action publish would hold the lower"
                " scores and publish the higher ones; use action reject or hold",
            )
    hold_reason = _hold_reason(source, spec, f"{where} ({name})", hold)
    return Clause(name, check, threshold, action, " ".join(reason.split()), hold, hold_reason)


def _hold_reason(source: str, spec: dict[str, Any], where: str, hold: float | None) -> str | None:
    """A clause's optional ``hold_reason``: a text, for a clause with a hold band."""
    text = spec.get("hold_reason")
    if text is None:
        return None
    if not isinstance(text, str) or not text.strip():
        raise _fail(source, f"{where}: hold_reason must be a non-empty text")
    if hold is None:
        raise _fail(
            source,
            f"{where}: hold_reason is read only in a hold band; give hold_threshold too"
            " (or drop hold_reason)",
        )
    return " ".join(text.split())


class _TwiceError(yaml.YAMLError):
    """A key given twice in one mapping, at ``line``."""

    def __init__(self, key: str, first: int, line: int) -> None:
        super().__init__(f"line {line}: the key {key!r} appears twice (first on line {first})")


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping: plain YAML keeps the
    last one silently, so a second ``threshold:`` or ``clauses:`` would replace the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                continue  # a merge key (<<), a number: not a field name of the format
            line = key_node.start_mark.line + 1
            if key_node.value in seen:
                raise _TwiceError(key_node.value, seen[key_node.value], line)
            seen[key_node.value] = line
        return super().construct_mapping(node, deep=deep)


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """Validate a policy document; an InputError names the clause and what is wrong."""
    try:
        doc = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except _TwiceError as exc:
        raise _fail(source, f"{exc}; keep one") from exc
    except yaml.YAMLError as exc:
        raise _fail(source, f"not YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("clauses"), list):
        raise _fail(source, "it needs a `clauses:` list")
    _known_keys(source, doc, POLICY_KEYS, "the top level")
    if not doc["clauses"]:
        raise _fail(source, "the `clauses:` list is empty: such a policy would publish everything")
    clauses = tuple(_clause(source, spec, i) for i, spec in enumerate(doc["clauses"]))
    seen = [c.clause for c in clauses]
    if len(set(seen)) != len(seen):
        raise _fail(source, "a clause appears twice")
    limits = doc.get("limits") or {}
    if not isinstance(limits, dict):
        raise _fail(source, "`limits:` must be a mapping of max_text_chars and max_name_chars")
    _known_keys(source, limits, tuple(LIMITS), "limits")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Policy(
        name=_label(source, doc, "name", "policy"),
        version=f"{_label(source, doc, 'version', 'unversioned')}+{digest}",
        clauses=clauses,
        max_text_chars=_limit(source, limits, "max_text_chars"),
        max_name_chars=_limit(source, limits, "max_name_chars"),
        source=source,
    )


def _known_keys(source: str, spec: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    """Refuse a key the policy format does not have: a misspelt ``hold_threshold`` must not
    silently remove a clause's hold band."""
    unknown = [str(k) for k in spec if k not in known]
    if unknown:
        raise _fail(
            source,
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; known: {', '.join(known)}",
        )


def _label(source: str, doc: dict[str, Any], key: str, default: str) -> str:
    """``name`` or ``version``: a text, number or date (``version: 3``), written into every
    decision; a list, mapping or true/false there is a mistake, not a label."""
    value = doc.get(key)
    if value is None:  # left out, or `version:` with nothing after it
        return default
    if isinstance(value, datetime.date):  # `version: 2026-11-29` unquoted reads as a date
        return str(value)
    label = isinstance(value, str | int | float) and not isinstance(value, bool)
    if not label or not str(value).strip():
        raise _fail(source, f"`{key}:` must be a non-empty text or number, not {value!r}")
    return str(value).strip()


def _limit(source: str, limits: dict[str, Any], key: str) -> int:
    """A size limit: a whole number of characters, at least 1 (the default when left out)."""
    value = limits.get(key, LIMITS[key])
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(source, f"limits: {key} must be a whole number of at least 1, not {value!r}")
    return value


def load_policy(path: Path | None = None) -> Policy:
    """Load and validate a policy file (the default one when ``path`` is None)."""
    target = path or DEFAULT_POLICY_FILE
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the policy file {target}: {exc}",
            hint="pass --policy with a readable UTF-8 YAML file",
        ) from exc
    return parse_policy(text, str(target))
