"""Shared by this folder's browser tests: a real ``mutewatch serve`` on 127.0.0.1 over a
real store, and the moderator page in a real headless Chromium, signed in through the login
form as a moderator (session cookie and CSRF token, as a newsroom's moderators use it).

The policy is the shipped one, except that ``personal`` holds instead of rejecting, so a
comment firing both ``defamatory`` and ``personal`` waits in the queue with both evidence
spans. Comments are placeholder text or strings the existing tests use.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from mutewatch.moderate.policy import DEFAULT_POLICY_FILE

# tests/moderate: chromium_fixture, for this folder's tests; tests/web: webfactory
sys.path[:0] = [str(Path(__file__).resolve().parents[1] / d) for d in ("moderate", "web")]
from webfactory import serve_command, wait_for_port  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
TOKEN = re.compile(r"^(mw_\S+)$", re.M)
# the marks of a test module that drives the page: Chromium and a server
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@dataclass
class Served:
    """The running server: its URL, a moderator's and a viewer's tokens, the store path."""

    url: str
    moderator: str
    viewer: str
    store: Path

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )


def _cli(store: Path, *args: str, env: dict[str, str] | None = None) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(store), *args],
        capture_output=True, text=True, timeout=300, check=True, env=env,
    )  # fmt: skip
    return run.stdout


def _token(store: Path, name: str, role: str) -> str:
    found = TOKEN.search(_cli(store, "users", "add", name, "--role", role))
    assert found, f"no token printed for {name}"
    return found.group(1)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``mutewatch serve`` on a free port; stopped when the module is done."""
    with serve_store(tmp_path_factory.mktemp("a11m")) as running:
        yield running


@contextmanager
def serve_store(
    base: Path, prefill: Callable[[Path, Path], None] | None = None
) -> Iterator[Served]:
    """``mutewatch serve`` on a free port over a new store in the folder ``base`` (users
    ``mod1`` and ``view1``; the shipped policy with ``personal`` holding), stopped on leaving;
    ``prefill(store, policy file)`` is called before the server starts."""
    store = base / "store.duckdb"
    moderator, viewer = _token(store, "mod1", "moderator"), _token(store, "view1", "viewer")
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    for clause in doc["clauses"]:
        if clause["clause"] == "personal":
            clause["action"] = "hold"
    policy = base / "policy.yaml"
    policy.write_text(yaml.safe_dump(doc), encoding="utf-8")
    if prefill is not None:
        prefill(store, policy)
    env = {**os.environ, "MUTEWATCH_MODERATION_POLICY": str(policy), "TZ": "UTC"}
    stderr = base / "serve.stderr"  # kept: a start that fails under load says why
    with stderr.open("wb") as log:
        proc = subprocess.Popen(
            serve_command(store, base / "serve.port"), env=env, stdout=subprocess.DEVNULL,
            stderr=log,
        )  # fmt: skip
    try:
        try:
            port = wait_for_port(base / "serve.port", proc, 180)
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {server_exit(proc, stderr)}") from None
        yield Served(f"http://127.0.0.1:{port}", moderator, viewer, store)
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def server_exit(proc: subprocess.Popen[Any], stderr: Path, lines: int = 30) -> str:
    """How the server ended (its exit code, or still running) and the last ``lines`` of its
    stderr, for a failure message."""
    code = proc.poll()
    state = "still running" if code is None else f"exited with code {code}"
    text = stderr.read_text(encoding="utf-8", errors="replace") if stderr.exists() else ""
    tail = "\n".join(text.splitlines()[-lines:]) or "(nothing)"
    return f"the server {state}; its stderr ends:\n{tail}"


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Call ``check`` every 50 ms until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)
    return value


def add_article(served: Served, article_id: str, title: str, body: str) -> None:
    with served.client(served.moderator) as client:
        got = client.post("/api/v1/articles", json={"id": article_id, "title": title, "body": body})
        assert got.status_code in (200, 201), got.text  # 200: it replaced the article of the id


def submit(served: Served, article_id: str, author: str, text: str) -> dict[str, Any]:
    """Submit a comment as the site (the viewer's token); its 201 answer."""
    with served.client(served.viewer) as client:
        got = client.post(
            "/api/v1/comments", json={"article_id": article_id, "author_name": author, "text": text}
        )
        assert got.status_code == 201, got.text
        return dict(got.json())


@contextmanager
def moderator_page(served: Served, errors: list[str]) -> Iterator[Any]:
    """The moderator page, signed in through /login, in a Chromium of its own; page errors
    go to ``errors``, and so does any native dialog (the page asks in its own: ``answer``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            with moderator_page_in(browser, served, errors) as page:
                yield page
        finally:
            browser.close()


@contextmanager
def moderator_page_in(browser: Any, served: Served, errors: list[str]) -> Iterator[Any]:
    """``moderator_page`` in a new context (its own cookies and storage) of ``browser``, a
    Chromium that a module's tests share (``chromium_fixture.chromium``)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda d: (errors.append(f"native dialog: {d.message}"), d.dismiss()))
        page.goto(f"{served.url}/login?next=/moderation")
        page.fill("input[name=name]", "mod1")
        page.fill("input[name=token]", served.moderator)
        page.click("button[type=submit]")
        page.wait_for_url(f"{served.url}/moderation")
        page.locator("#status").filter(has_text="held comment").wait_for()
        yield page
    finally:
        context.close()


def answer(page: Any, note: str | None = "a11m note") -> None:
    """Answer the page's action dialog once it opens: type ``note`` and press Enter in it;
    ``None``: save the dialog as it is with Ctrl+Enter in the edited text."""
    page.locator("#act-dialog[open]").wait_for(timeout=60_000)
    if note is None:
        page.press("#act-text", "Control+Enter")
        return
    page.fill("#act-note", note)
    page.press("#act-note", "Enter")


def until(page: Any, expression: str, timeout: float = 60.0) -> Any:
    """``expression`` evaluated in the page once it is truthy (the page's CSP refuses the
    eval-based ``wait_for_function``)."""
    return wait_for(lambda: page.evaluate(expression), timeout, expression)
