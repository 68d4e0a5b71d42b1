"""The JSON bodies of the moderation routes, as OpenAPI request bodies.

The routes read their bodies raw (``moderation._json_body``: invalid UTF-8 and lone
surrogates are refused by the library, naming the field), so FastAPI cannot describe them
from a model; without these, ``/openapi.json`` and ``/docs`` named no field of
``POST /api/v1/comments`` or the other moderation bodies. The limits are the library's
own (``mutewatch.moderate._limits``, which the service enforces), read without importing
the service to build the routes; tests/s14_web/test_s14w_request_bodies.py checks the
bodies against the service.
"""

from __future__ import annotations

from typing import Any

from mutewatch.moderate._limits import (
    MAX_BODY_CHARS,
    MAX_EMAIL_CHARS,
    MAX_ID_CHARS,
    MAX_NOTE_CHARS,
    MAX_TITLE_CHARS,
)

ACTIONS = ("approve", "reject", "edit")  # service.ACTIONS
STATUSES = ("held", "published", "rejected")  # the values of service.STATUS_OF
POLICY_LIMIT = "within the policy's `limits` (the shipped policy: {} characters)"


def _text(description: str, max_length: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "description": description}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def json_body(
    properties: dict[str, Any], required: list[str], description: str, *, closed: bool
) -> dict[str, Any]:
    """An ``openapi_extra`` giving a route this JSON request body (``closed``: a field not
    listed is refused, as the library refuses it)."""
    schema = {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": not closed,
    }
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


ARTICLE = json_body(
    {
        "id": _text(
            "the article's id, as comments name it (no white space at its ends); an "
            "id that exists replaces that article",
            MAX_ID_CHARS,
        ),
        "title": _text("the headline", MAX_TITLE_CHARS),
        "body": _text(
            "the article's text: comments are judged relevant to the title and this", MAX_BODY_CHARS
        ),
    },  # fmt: skip
    ["id", "title", "body"],
    "The article comments are judged against.",
    closed=False,
)

COMMENT = json_body(
    {
        "article_id": _text("the id of an article added before (404 otherwise)", MAX_ID_CHARS),
        "author_name": _text(
            "the name the reader comments under; checked against the "
            "fantasy and false name clauses, " + POLICY_LIMIT.format(120)
        ),
        "text": _text("the comment, " + POLICY_LIMIT.format(10000)),
        "email": {
            "type": "string",
            "maxLength": MAX_EMAIL_CHARS,
            "description": "optional: the reader's address, shown to moderators only "
            "(never on the site); empty means none",
        },
        "parent_id": {
            "type": "string",
            "maxLength": MAX_ID_CHARS,
            "description": "optional: the comment this one replies to, on the same "
            "article; empty or only spaces means none",
        },
    },  # fmt: skip
    ["article_id", "author_name", "text"],
    "A reader's comment. Other fields are ignored, except those that look like a misspelling "
    "of these (`parentId`, `parent`), which are refused.",
    closed=False,
)

ACTION = json_body(
    {
        "action": {
            "type": "string",
            "enum": list(ACTIONS),
            "description": "approve or reject the comment, or edit its text (the "
            "original is kept as a revision) and publish it",
        },
        "note": _text("why, for the audit log (required for every action)", MAX_NOTE_CHARS),
        "text": _text("edit only: the new text, " + POLICY_LIMIT.format(10000)),
        "clause": {
            "type": "string",
            "maxLength": 200,
            "description": "optional: the clause(s) the action concerns, joined by "
            "commas; left out, those behind the machine's decision",
        },
        "expected_status": {
            "type": "string",
            "enum": list(STATUSES),
            "description": "optional: the status you saw (409 if it changed)",
        },
        "expected_revision": {
            "type": "integer",
            "minimum": 1,
            "description": "optional: the revision you saw (409 if it changed)",
        },
        "expected_appealed": {
            "type": "boolean",
            "description": "optional: whether you saw an appeal (409 if the reader appealed since)",
        },
    },  # fmt: skip
    ["action", "note"],
    "A moderator's decision on a comment.",
    closed=True,
)

APPEAL = json_body(
    {"note": _text("why the automated decision is wrong", MAX_NOTE_CHARS)},
    ["note"],
    "The reader's appeal against an automated hold or reject.",
    closed=True,
)
