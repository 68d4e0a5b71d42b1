"""One synthetic chat written twice, as Telegram Desktop writes it: JSON and HTML pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mutewatch.demo import write_benchmark_export
from mutewatch.demo_html import write_html_export

MESSAGES = 1200
PER_PAGE = 100  # 12 pages: messages10.html must come after messages9.html


@dataclass(frozen=True)
class Exports:
    chat: dict[str, Any]
    json_file: Path
    html: Path  # the HTML export's folder


def write_both(root: Path, chat: dict[str, Any], **html: Any) -> Exports:
    """``chat`` as a single-chat result.json and as an HTML export folder."""
    from mutewatch.demo import write_export

    json_file = write_export(root / "json" / "result.json", [chat])
    write_html_export(root / "html", chat, **html)
    return Exports(chat, json_file, root / "html")


@pytest.fixture(scope="session")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Exports:
    """The benchmark channel's chat (links, forwards, media, service and unsupported
    records), 1200 messages over 12 HTML pages."""
    root = tmp_path_factory.mktemp("bench")
    json_file = root / "json" / "result.json"
    write_benchmark_export(json_file, messages=MESSAGES, seed=4)
    chat = json.loads(json_file.read_text(encoding="utf-8"))
    write_html_export(root / "html", chat, per_page=PER_PAGE)
    return Exports(chat, json_file, root / "html")
