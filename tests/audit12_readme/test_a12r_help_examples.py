"""Every command's --help shows an example, and every example in a help text runs as shown.

The examples are read from the commands' own help texts. Each one must name a command that
exists with options it has and values they take (parsed as click parses them); the quick
ones run for real, in a folder laid out as `mutewatch demo` leaves it (its exports,
outlets.yaml and mutewatch.duckdb, a copy of the small demo store), which is where the help
texts say to run them. The slow ones (serve, the full demo, moderate evaluate, Spark, PNG
export through Chromium) and the ingest examples, whose files a new user brings, are only
parsed.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.demo import DemoManifest

HEADER = re.compile(r"^Examples?(?: \([^)]*\))?:\s*")


@dataclass(frozen=True)
class Example:
    where: str  # the command whose help shows it
    text: str  # as shown, continuation lines joined
    argv: tuple[str, ...]  # the words after `mutewatch`
    stdin: str | None  # what `echo '...' |` feeds it


def _commands(
    cmd: click.Command = main, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            yield from _commands(cmd.commands[name], (*path, name))


def _examples_of(where: str, text: str) -> list[Example]:
    lines = text.replace("\b", "").splitlines()
    found: list[Example] = []
    i = 0
    while i < len(lines):
        line = HEADER.sub("", lines[i].strip())
        i += 1
        if not line.startswith(("mutewatch ", "echo ")):
            continue
        while line.endswith(("\\", "|")) and i < len(lines):  # continued, as in a shell
            line = line.removesuffix("\\").rstrip() + " " + lines[i].strip()
            i += 1
        found.append(_example(where, line))
    return found


def _example(where: str, line: str) -> Example:
    stdin = None
    command = line
    if "|" in line:
        feed, command = (part.strip() for part in line.rsplit("|", 1))
        stdin = shlex.split(feed)[1] + "\n"
    words = shlex.split(command)
    assert words[:1] == ["mutewatch"], f"{where}: {line!r} does not start with mutewatch"
    argv: list[str] = []
    rest = iter(words[1:])
    for word in rest:
        if word in ("<", ">"):  # a shell redirection and its file
            next(rest, None)
            continue
        argv.append(word)
    return Example(where, line, tuple(argv), stdin)


def _all_examples() -> list[Example]:
    out: list[Example] = []
    for path, cmd in _commands():
        where = " ".join(("mutewatch", *path))
        out.extend(_examples_of(where, cmd.help or ""))
    return out


def _resolve(argv: tuple[str, ...]) -> tuple[tuple[str, ...], click.Command, list[str]]:
    """The command an example runs (its path of names) and the words given to it."""
    words = list(argv)
    while words and words[0] == "--store":  # the group's own option
        del words[:2]
    cmd: click.Command = main
    path: list[str] = []
    while isinstance(cmd, click.Group):
        assert words, f"{argv}: no command after {path}"
        sub = cmd.commands.get(words[0])
        assert sub is not None, f"{argv}: {words[0]!r} is no command of {path or 'mutewatch'}"
        path.append(words.pop(0))
        cmd = sub
    return tuple(path), cmd, words


def test_every_command_has_an_example() -> None:
    """Each command, and each group, shows at least one example in its --help; each leaf
    command has one of its own."""
    shown = {_resolve(e.argv)[0] for e in _all_examples()}
    for path, cmd in _commands():
        where = " ".join(("mutewatch", *path))
        assert _examples_of(where, cmd.help or ""), f"`{where} --help` shows no example"
        if not isinstance(cmd, click.Group):
            assert path in shown, f"no help text shows an example of `{where}`"


def test_examples_keep_their_lines_in_the_help() -> None:
    """An example is shown as one line (or lines joined by a trailing backslash) that can
    be pasted into a shell: click rewraps ordinary paragraphs, which split a long example
    over lines with no backslash, so examples stand in \\b blocks or on a short line."""
    for path, cmd in _commands():
        text = CliRunner().invoke(main, [*path, "--help"], terminal_width=80).output
        where = " ".join(("mutewatch", *path))
        shown = _examples_of(where, text)
        assert [e.argv for e in shown] == [e.argv for e in _examples_of(where, cmd.help or "")], (
            f"`{where} --help` at 80 columns shows its examples cut: {text}"
        )


@pytest.fixture()
def demo_folder(
    demo: DemoManifest, demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A folder as `mutewatch demo` leaves it (exports/, outlets.yaml, mutewatch.duckdb),
    plus body.txt for `moderate articles add`; the working directory of the test."""
    folder = tmp_path / "mutewatch-demo"
    folder.mkdir()
    (folder / "exports").symlink_to(demo.exports, target_is_directory=True)
    shutil.copy(demo.registry, folder / "outlets.yaml")
    shutil.copy(demo_store, folder / "mutewatch.duckdb")
    (folder / "body.txt").write_text(
        "The city council approved the budget for schools and roads.\n", encoding="utf-8"
    )
    monkeypatch.chdir(folder)
    monkeypatch.delenv("MUTEWATCH_STORE", raising=False)
    return folder


def _parse_only(path: tuple[str, ...], words: list[str]) -> bool:
    slow = {("serve",), ("demo",), ("moderate", "evaluate"), ("ingest",)}
    return path in slow or "spark" in words or "--png-dir" in words


def test_every_example_in_a_help_text_runs(demo_folder: Path) -> None:
    examples = _all_examples()
    assert len(examples) >= 30, [e.text for e in examples]
    ran = 0
    for example in examples:
        path, cmd, words = _resolve(example.argv)
        parent = click.Context(main, info_name="mutewatch", obj=demo_folder / "mutewatch.duckdb")
        try:  # its options exist and take these values
            cmd.make_context(path[-1], list(words), parent=parent)
        except click.ClickException as exc:
            pytest.fail(f"{example.where}: `{example.text}` does not parse: {exc.format_message()}")
        if _parse_only(path, words):
            continue
        result = CliRunner().invoke(main, list(example.argv), input=example.stdin)
        assert result.exit_code == 0, (
            f"{example.where}: `{example.text}` exited {result.exit_code}: {result.output}"
        )
        ran += 1
    assert ran >= 25
