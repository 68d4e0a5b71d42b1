"""The second moderation audit: each finding's test (they failed before its fix).

API requests go to create_app through the module-scoped app of test_web (httpx's
ASGITransport); the CLI runs through click's runner with the shipped policy's text clauses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
import yaml
from click.testing import CliRunner, Result
from test_perspective_compat import METHODS_EXAMPLE
from test_web import _article, _auth, app, env

from mutewatch.cli import main
from mutewatch.moderate.policy import DEFAULT_POLICY_FILE

__all__ = ["app", "env"]  # the fixtures used here
Env = tuple[Path, dict[str, str]]
OK = {"article_id": "a1", "author_name": "Ana Silva", "text": "The tram should run late."}
HELD = {**OK, "text": "Councillor John Smith took bribes from the tram builders."}
TABLES = ("mod_articles", "mod_comments", "mod_revisions", "mod_decisions", "mod_audit")
LONG_NUMBER = "1" + "0" * 5000  # valid JSON; Python's int() refuses more than 4300 digits
DEEP = "[" * 100_000  # valid JSON's start; Python's parser recurses once per bracket


@pytest.fixture(scope="module")
def text_policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped policy's text clauses (the language and name models stay unloaded)."""
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    keep = ("defamatory", "racist", "personal", "irrelevant")
    doc["clauses"] = [c for c in doc["clauses"] if c["clause"] in keep]
    path = tmp_path_factory.mktemp("policy") / "text.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _check(tmp_path: Path, policy: Path, stdin: str | bytes, *extra: str) -> Result:
    args = ["--store", str(tmp_path / "s.duckdb"), "moderate", "check", "--policy", str(policy)]
    return CliRunner().invoke(main, [*args, *extra], input=stdin)


def _refused(result: Result) -> dict[int, str]:
    found = re.findall(r"^Error: <stdin> line (\d+): (.*)$", result.stderr, re.MULTILINE)
    return {int(n): reason for n, reason in found}


def _counts(app: Any) -> dict[str, int]:
    """Rows in each moderation table, read through the server's writer (the main file)."""
    service = app.state.moderation_service

    def read(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}

    result: dict[str, int] = service.access.write(read)
    return result


def _error(r: httpx.Response, status: int, code: str, words: str) -> None:
    """The project's one error shape ``{"error": {"code", "message"}}`` (a moderator's action
    refused with 409 has the ``conflict`` key too, session 18)."""
    assert r.status_code == status, r.text
    keys = {"code", "message"} | ({"conflict"} if status == 409 else set())
    assert set(r.json()) == {"error"} and set(r.json()["error"]) == keys
    assert r.json()["error"]["code"] == code
    assert words in r.json()["error"]["message"], r.text


# --- 1. JSON that Python's parser cannot read -------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["number", "deep"])
async def test_unreadable_json_is_a_4xx_everywhere(
    client: httpx.AsyncClient, env: Env, app: Any, kind: str
) -> None:
    """A 5000-digit number gave HTTP 500 on every JSON endpoint (a bare ValueError)."""
    await _article(client, env)
    comment = json.dumps(OK)[:-1] + f', "n": {LONG_NUMBER}}}' if kind == "number" else DEEP
    words = "more than 4300 digits" if kind == "number" else "nested too deeply"
    moderator = {**_auth(env, "moderator"), "Content-Type": "application/json"}
    before = _counts(app)
    for path in ("/api/v1/comments", "/api/v1/articles", "/api/v1/comments/c1/actions"):
        r = await client.post(path, content=comment, headers=moderator)
        _error(r, 422, "bad_input", words)
    assert _counts(app) == before
    lenient = '{comment: {text: "x"}, n: ' + (LONG_NUMBER + "}" if kind == "number" else DEEP)
    for body in (comment, lenient):  # strict JSON, and Perspective's unquoted keys
        r = await client.post(f"/v1alpha1/comments:analyze?key={env[1]['viewer']}", content=body)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["status"] == "INVALID_ARGUMENT"
        assert words in r.json()["error"]["message"]


def test_unreadable_json_lines_are_refused_by_check(tmp_path: Path, text_policy_file: Path) -> None:
    """`moderate check` crashed with a traceback and decided nothing at such a line."""
    good = json.dumps({"id": "g", "author_name": "Ana Silva", "text": "A fair point."})
    number = '{"id": ' + LONG_NUMBER + ', "author_name": "Ana Silva", "text": "x"}'
    result = _check(tmp_path, text_policy_file, "\n".join([good, number, DEEP, good]) + "\n")
    assert result.exit_code == 3, result.output
    refused = _refused(result)
    assert "more than 4300 digits" in refused[2] and "nested too deeply" in refused[3]
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["g", "g"]
    assert "read 4 line(s): 2 decided, 2 refused" in result.stderr


# --- 2. the policy file -----------------------------------------------------------------------


POLICY_TEXT = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("max_text_chars: 10000", "max_text_chars: lots"), "max_text_chars must be a whole"),
        (("max_text_chars: 10000", "max_text_chars: 0"), "max_text_chars must be a whole"),
        (("max_name_chars: 120", "max_name_chars: 12.5"), "max_name_chars must be a whole"),
        (("max_name_chars: 120", "max_name_chars: true"), "max_name_chars must be a whole"),
        (("limits:\n  max_text_chars: 10000\n  max_name_chars: 120", "limits: [1, 2]"),
         "`limits:` must be a mapping"),
        (("max_name_chars", "max_name_char"), "limits: unknown key(s) 'max_name_char'"),
        (("hold_threshold: 0.8\n", "hold_treshold: 0.8\n"),
         "clause #2 (racist): unknown key(s) 'hold_treshold'"),
        (("limits:", "limts:"), "the top level: unknown key(s) 'limts'"),
    ],
)  # fmt: skip
def test_policy_limits_and_keys_are_checked(change: tuple[str, str], words: str) -> None:
    """Limits were int()-ed (a traceback, or 0 refusing every comment); unknown keys were
    ignored, so a misspelt hold_threshold silently removed the racist hold band."""
    from mutewatch.errors import InputError
    from mutewatch.moderate.policy import parse_policy

    text = POLICY_TEXT.replace(*change, 1)
    assert text != POLICY_TEXT
    with pytest.raises(InputError, match=re.escape(words)):
        parse_policy(text, "custom.yaml")


def test_policy_without_clauses_is_refused_and_check_says_so(tmp_path: Path) -> None:
    """An empty clause list published everything; a non-number limit gave a traceback."""
    from mutewatch.errors import InputError
    from mutewatch.moderate.policy import parse_policy

    with pytest.raises(InputError, match="`clauses:` list is empty"):
        parse_policy("name: x\nversion: '1'\nclauses: []\n", "empty.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(POLICY_TEXT.replace("max_text_chars: 10000", "max_text_chars: lots"))
    line = json.dumps({"id": "1", "author_name": "Ana Silva", "text": "A fair point."})
    result = _check(tmp_path, bad, line + "\n")
    assert result.exit_code == 3, result.output
    assert "the policy" in result.stderr and "max_text_chars must be a whole" in result.stderr
    assert result.stdout == ""


# --- 3. an unknown parent -----------------------------------------------------------------------


@pytest.mark.anyio
async def test_unknown_parent_is_a_404_naming_parent_id(
    client: httpx.AsyncClient, env: Env, app: Any
) -> None:
    """It said "unknown comment 'c999' (list held comments at the queue)": no field named,
    and a moderator's hint for the commenting site."""
    await _article(client, env)
    before = _counts(app)
    r = await client.post(
        "/api/v1/comments", json={**OK, "parent_id": "c999"}, headers=_auth(env, "viewer")
    )
    _error(r, 404, "not_found", "the comment field `parent_id` names no comment: 'c999'")
    assert "queue" not in r.json()["error"]["message"]
    assert _counts(app) == before


# --- 4. moderators' actions ---------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("action", ["approve", "reject"])
async def test_text_with_approve_or_reject_is_refused(
    client: httpx.AsyncClient, env: Env, app: Any, action: str
) -> None:
    """The new text was dropped without a word: the moderator believed the comment edited,
    and the original text was published (approve) or recorded as rejected."""
    await _article(client, env)
    held = (await client.post("/api/v1/comments", json=HELD, headers=_auth(env, "viewer"))).json()
    assert held["decision"] == "hold"
    url = f"/api/v1/comments/{held['id']}/actions"
    moderator = _auth(env, "moderator")
    before = _counts(app)
    body = {"action": action, "note": "n", "text": "Councillor John Smith met the builders."}
    r = await client.post(url, json=body, headers=moderator)
    _error(r, 422, "bad_input", f"`text` is only for edit, not {action}")
    assert _counts(app) == before
    r = await client.post(url, json={**body, "text": None}, headers=moderator)
    assert r.status_code == 200 and r.json()["text"] == HELD["text"], r.text


# --- 5. one lone-surrogate check, one wording ---------------------------------------------


LONE_TEXT = '{"article_id": "a1", "author_name": "Ana Silva", "text": "lone \\ud800 here"}'


@pytest.mark.anyio
async def test_lone_surrogate_has_one_wording_in_api_and_library(
    client: httpx.AsyncClient, env: Env, app: Any
) -> None:
    """The web layer had its own guard (`_encodable`) worded differently from the library's
    `check_unicode` ("text is not valid Unicode: it holds a lone surrogate (\\ud800 at
    character 5), which UTF-8 cannot encode"), and Perspective's had a third wording."""
    from mutewatch.errors import InputError
    from mutewatch.moderate.perspective import analyze

    with pytest.raises(InputError) as library:
        app.state.moderation_service.validate_comment(json.loads(LONE_TEXT))
    headers = {**_auth(env, "viewer"), "Content-Type": "application/json"}
    r = await client.post("/api/v1/comments", content=LONE_TEXT, headers=headers)
    _error(r, 422, "bad_input", str(library.value))
    assert "the comment field `text` is not valid Unicode: a lone surrogate (\\ud800) at" in (
        str(library.value)
    )
    body = '{"comment": {"text": "lone \\ud800 here"}, "requestedAttributes": {"TOXICITY": {}}}'
    with pytest.raises(InputError) as direct:
        analyze(json.loads(body))
    r = await client.post(f"/v1alpha1/comments:analyze?key={env[1]['viewer']}", content=body)
    assert r.status_code == 400 and r.json()["error"]["message"] == str(direct.value), r.text
    assert "the request field `comment.text` is not valid Unicode: a lone surrogate" in r.text


# --- 6. Perspective, with requests exactly as its documentation shows them ------------------------


ANALYZE = "/v1alpha1/comments:analyze"
# conversationai/perspectiveapi 2-api/methods.md, "AnalyzeComment example": its response
# scores the spans [0,31) "What kind of idiot name is foo?" and [32,56) "Sorry, I like your
# name."; UNSUBSTANTIAL is an attribute mutewatch does not have
DOCUMENTED = METHODS_EXAMPLE


@pytest.mark.anyio
async def test_documented_example_spans_start_at_the_sentence(
    client: httpx.AsyncClient, env: Env
) -> None:
    """The second span began at the space before "Sorry" (31), not at "Sorry" (32)."""
    body = DOCUMENTED.replace(
        '"languages"', '"dropUnsupportedAttributes": true, "spanAnnotations": true,\n  "languages"'
    )
    r = await client.post(f"{ANALYZE}?key={env[1]['viewer']}", content=body)
    assert r.status_code == 200, r.text
    spans = r.json()["attributeScores"]["TOXICITY"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [(0, 31), (32, 56)]
    assert spans[0]["score"]["value"] > spans[1]["score"]["value"]


# --- 7. moderate check echoes each id as given ----------------------------------------------------


def test_check_echoes_integer_ids_as_integers(tmp_path: Path, text_policy_file: Path) -> None:
    """`{"id": 7}` came back as `{"id": "7"}`, so a join on id (jq `.id == 7`) missed every
    decision; and an integer id had no length limit (a string id has 200 characters)."""
    lines = [
        {"id": 7, "author_name": "Ana Silva", "text": "A fair point."},
        {"id": "7", "author_name": "Ana Silva", "text": "A fair point."},
        {"id": int("9" * 201), "author_name": "Ana Silva", "text": "A fair point."},
        {"id": -3, "author_name": "Ana Silva", "text": "A fair point."},
    ]
    result = _check(tmp_path, text_policy_file, "\n".join(map(json.dumps, lines)) + "\n")
    assert result.exit_code == 3, result.output
    ids = [json.loads(x)["id"] for x in result.stdout.splitlines()]
    assert ids == [7, "7", -3] and [type(i) for i in ids] == [int, str, int]
    assert "`id` has 201 characters; the limit is 200" in _refused(result)[3]


# --- checked and found correct: the same input and policy give the same bytes -----------------


@pytest.mark.slow
def test_two_processes_write_byte_identical_decisions(tmp_path: Path) -> None:
    """`moderate check` in two separate processes (the default policy, every clause, with
    versions): the same lines give the same bytes, whatever else shares their batch."""
    import subprocess
    import sys

    texts = [
        "A fair point about the council budget.",
        "Councillor John Smith took bribes from the tram builders.",
        "You are an idiot and so is everyone who agrees with you.",
        "Das ist ein guter Bericht über den Haushalt der Stadt.",
        "Buy cheap watches at my shop, visit now!!!",
        "No.",
    ]
    lines = [
        json.dumps({"id": f"c{i}", "author_name": name, "text": text})
        for i, (text, name) in enumerate(zip(texts, ["Ana Silva", "xX_sniper_Xx"] * 3, strict=True))
    ]
    command = [sys.executable, "-c", "from mutewatch.cli import main; main()"]
    command += ["--store", str(tmp_path / "s.duckdb")]
    command += ["moderate", "check", "--with-versions"]

    def run(stdin: str) -> bytes:
        done = subprocess.run(command, input=stdin.encode(), capture_output=True, check=True)
        return done.stdout

    first = run("\n".join(lines) + "\n")
    second = run("\n".join(reversed(lines)) + "\n")
    assert first.splitlines() == list(reversed(second.splitlines()))
    decisions = [json.loads(x)["decision"] for x in first.splitlines()]
    assert {"publish", "hold", "reject"} <= set(decisions)


# --- 8. a byte order mark, and the control-character message -----------------------------------


BOM = b"\xef\xbb\xbf"


@pytest.mark.anyio
async def test_bom_is_ignored_and_control_characters_are_named_once(
    client: httpx.AsyncClient, env: Env
) -> None:
    """A UTF-8 BOM (which RFC 8259 lets parsers ignore) was refused with Python's advice
    "decode using utf-8-sig"; a raw control character read "Invalid control character at at"."""
    await _article(client, env)
    headers = {**_auth(env, "viewer"), "Content-Type": "application/json"}
    ok = json.dumps(OK).encode()
    r = await client.post("/api/v1/comments", content=BOM + ok, headers=headers)
    assert r.status_code == 201, r.text
    control = ok.replace(b"late", b"l\x01te")
    r = await client.post("/api/v1/comments", content=control, headers=headers)
    _error(r, 422, "bad_input", "Invalid control character at line 1 column")
    assert "at at" not in r.text


def test_bom_line_is_decided_by_check(tmp_path: Path, text_policy_file: Path) -> None:
    """A JSONL file saved with a BOM lost its first line ("not JSON: Unexpected UTF-8 BOM")."""
    line = json.dumps({"id": "b", "author_name": "Ana Silva", "text": "A fair point."}).encode()
    result = _check(tmp_path, text_policy_file, BOM + line + b"\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["b"]


# --- 9. times in the moderation API ------------------------------------------------------------


ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.mark.anyio
async def test_moderation_times_are_iso_utc_as_in_the_rest_of_the_api(
    client: httpx.AsyncClient, env: Env
) -> None:
    """The audit log's "when" read "2026-11-29 08:39:41.009028": no zone (the store's naive
    times mean UTC) and another format than /api/v1's other answers ("...T08:39:41Z")."""
    await _article(client, env)
    moderator = _auth(env, "moderator")
    held = (await client.post("/api/v1/comments", json=HELD, headers=_auth(env, "viewer"))).json()
    acted = await client.post(
        f"/api/v1/comments/{held['id']}/actions",
        json={"action": "reject", "note": "unsourced"},
        headers=moderator,
    )
    times = [acted.json()["created_at"], acted.json()["updated_at"]]
    history = (await client.get(f"/api/v1/comments/{held['id']}/history", headers=moderator)).json()
    times += [r["created_at"] for r in history["revisions"] + history["decisions"]]
    times += [a["at"] for a in history["audit"]]
    audit = (await client.get("/api/v1/moderation/audit", headers=moderator)).json()["items"]
    times += [a["at"] for a in audit]
    assert times and all(ISO_UTC.match(t) for t in times), times


# --- 10. the CLI beside a process that holds the store -----------------------------------------


def _hold_store(path: Path, seconds: float) -> Any:
    """A process holding the store's write lock for ``seconds`` (as `mutewatch serve` does
    while it stores comments); returns once it holds it."""
    import subprocess
    import sys

    code = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
    code += " time.sleep(float(sys.argv[2]))"
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_check_and_articles_add_wait_for_a_held_store(
    tmp_path: Path, text_policy_file: Path
) -> None:
    """Both failed at once while another process held the store: `moderate check` with a
    traceback (duckdb.IOException, nothing decided), `articles add` with exit 4."""
    store = tmp_path / "s.duckdb"
    body = tmp_path / "body.txt"
    body.write_text("The council voted to fund a tram line to the hospital.", encoding="utf-8")
    add = ["--store", str(store), "moderate", "articles", "add", "--title", "Tram line"]
    add += ["--body-file", str(body), "--id"]
    assert CliRunner().invoke(main, [*add, "a1"]).exit_code == 0
    line = json.dumps(
        {"id": "1", "article_id": "a1", **{k: OK[k] for k in ("author_name", "text")}}
    )
    holder = _hold_store(store, 1.5)
    result = _check(tmp_path, text_policy_file, line + "\n")
    holder.wait(timeout=30)
    assert result.exit_code == 0, result.output
    [decision] = [json.loads(x) for x in result.stdout.splitlines()]
    relevance = next(c for c in decision["clauses"] if c["clause"] == "irrelevant")
    assert relevance["evidence"]["article_id"] == "a1"
    holder = _hold_store(store, 1.5)
    added = CliRunner().invoke(main, [*add, "a2"])
    holder.wait(timeout=30)
    assert added.exit_code == 0, added.output
    assert "added article a2" in added.output


# --- 11. the body limit holds before the body is in memory -------------------------------------


@pytest.mark.anyio
async def test_an_oversized_body_is_refused_before_it_is_read(
    client: httpx.AsyncClient, env: Env
) -> None:
    """The whole body was read into memory (request.body()) and only then measured: a
    client could make the server hold any number of gigabytes."""
    chunk = b" " * 65536
    sent = 0

    async def stream() -> Any:
        nonlocal sent
        for _ in range(320):  # 20 MiB of white space, streamed without a Content-Length
            sent += 1
            yield chunk

    headers = {**_auth(env, "viewer"), "Content-Type": "application/json"}
    r = await client.post("/api/v1/comments", content=stream(), headers=headers)
    _error(r, 413, "too_large", "the request body has more than 1000000 bytes, the limit")
    assert sent <= 1_000_000 // len(chunk) + 2, sent
    declared = {**headers, "Content-Length": "5000000000"}
    r = await client.post(
        f"/v1alpha1/comments:analyze?key={env[1]['viewer']}", content=b"{}", headers=declared
    )
    assert r.status_code == 400 and "limit: 1000000 bytes" in r.json()["error"]["message"]


def test_a_hold_band_under_a_publish_action_is_refused() -> None:
    """Such a clause held a comment scoring 0.5 and published one scoring 0.95: the more
    a comment broke the clause, the milder the outcome."""
    from mutewatch.errors import InputError
    from mutewatch.moderate.policy import parse_policy

    text = POLICY_TEXT.replace(
        "threshold: 0.9\n    hold_threshold: 0.8\n    action: reject",
        "threshold: 0.9\n    hold_threshold: 0.8\n    action: publish",
        1,
    )
    assert text != POLICY_TEXT
    with pytest.raises(InputError, match=r"clause #2 \(racist\): hold_threshold with action"):
        parse_policy(text, "inverted.yaml")


# --- checked and found correct: roles, actions on decided comments, an append-only log ------


@pytest.mark.anyio
async def test_actions_roles_and_the_append_only_audit_log(
    client: httpx.AsyncClient, env: Env, app: Any
) -> None:
    """Admins act like moderators; viewers and analysts get 403 and no token 401; an action
    on an unknown id is a 404 and an edit without text a 422, neither storing anything; an
    action on an already decided comment is a new human decision (a reversal is allowed)
    appended to the log, whose earlier entries never change."""
    await _article(client, env)
    own = {**HELD, "text": "Councillor John Smith took bribes from the bus builders."}  # no copy
    held = (await client.post("/api/v1/comments", json=own, headers=_auth(env, "viewer"))).json()
    url = f"/api/v1/comments/{held['id']}/actions"
    for role, status in (("viewer", 403), ("analyst", 403)):
        r = await client.post(
            url, json={"action": "approve", "note": "n"}, headers=_auth(env, role)
        )
        assert r.status_code == status and r.json()["error"]["code"] == "forbidden"
    r = await client.post(url, json={"action": "approve", "note": "n"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    before = _counts(app)
    r = await client.post(
        "/api/v1/comments/c999999/actions",
        json={"action": "approve", "note": "n"},
        headers=_auth(env, "moderator"),
    )
    _error(r, 404, "not_found", "unknown comment 'c999999'")
    r = await client.post(url, json={"action": "edit", "note": "n"}, headers=_auth(env, "admin"))
    _error(r, 422, "bad_input", "the action has no `text` field")
    assert _counts(app) == before

    moderator = _auth(env, "moderator")
    log_before = (await client.get("/api/v1/moderation/audit?limit=5000", headers=moderator)).json()
    r = await client.post(url, json={"action": "reject", "note": "unsourced"}, headers=moderator)
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    r = await client.post(
        url, json={"action": "approve", "note": "source found"}, headers=_auth(env, "admin")
    )
    assert r.status_code == 200 and r.json()["status"] == "published"
    log_after = (await client.get("/api/v1/moderation/audit?limit=5000", headers=moderator)).json()
    assert log_after["items"][2:] == log_before["items"]  # newest first: two appended
    [approve, reject] = log_after["items"][:2]
    keys = ("actor", "action", "clause", "note")
    assert [approve[k] for k in keys] == ["admin1", "approve", "defamatory", "source found"]
    assert [reject[k] for k in keys] == ["moderator1", "reject", "defamatory", "unsourced"]
    history = (await client.get(f"/api/v1/comments/{held['id']}/history", headers=moderator)).json()
    assert [(d["decided_by"], d["decision"]) for d in history["decisions"]] == [
        ("machine", "hold"), ("moderator1", "reject"), ("admin1", "publish"),
    ]  # fmt: skip


def test_check_refuses_article_lines_once_the_store_stays_locked(
    tmp_path: Path, text_policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the wait, each line naming an article is refused with why (not a traceback), the
    later ones without waiting again, and lines without an article are still decided."""
    import time

    from mutewatch.cli import moderating

    monkeypatch.setattr(moderating._Topics, "WAIT", 0.3)
    store = tmp_path / "s.duckdb"
    duckdb.connect(str(store)).close()
    lines = [
        json.dumps({"id": i, "article_id": "a1", "author_name": "Ana Silva", "text": "Late."})
        for i in range(3)
    ]
    lines.append(json.dumps({"id": 3, "author_name": "Ana Silva", "text": "A fair point."}))
    holder = _hold_store(store, 120)  # killed below: held all through the check
    try:
        started = time.monotonic()
        result = _check(tmp_path, text_policy_file, "\n".join(lines) + "\n")
        took = time.monotonic() - started
    finally:
        holder.kill()
    assert result.exit_code == 3, result.output
    refused = _refused(result)
    assert sorted(refused) == [1, 2, 3] and all("is locked" in r for r in refused.values())
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == [3]
    assert took < 20, took  # not the default 30 s wait, nor the holder's 120 s
