"""Shared synthetic chats of the s10 ingest tests."""

from __future__ import annotations

from typing import Any


def placeholder_chat(ident: int, count: int) -> dict[str, Any]:
    """A public channel of ``count`` plain posts an hour apart, ``Item 1`` ..."""
    return {
        "name": "Placeholder Channel",
        "type": "public_channel",
        "id": ident,
        "messages": [
            {
                "id": n,
                "type": "message",
                "date_unixtime": str(1_600_000_000 + 3600 * n),
                "from": "Placeholder Channel",
                "from_id": f"channel{ident}",
                "text": f"Item {n}",
            }
            for n in range(1, count + 1)
        ],
    }
