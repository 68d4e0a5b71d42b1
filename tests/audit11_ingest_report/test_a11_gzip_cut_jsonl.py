"""A .jsonl.gz whose gzip stream breaks off: the line it cuts is not valid JSON and was
quarantined as "not valid JSON: Input data was truncated", never naming the break; a break
at a line end left no trace at all, the run reading as a whole file. Now the cut line's
reason names the break, and a break at a line end is one record saying what is lost."""

from __future__ import annotations

import zlib
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

OPTIONS = IngestOptions(format="jsonl", mapping={"text": "body"}, platform="forum")
WHOLE = b"".join(
    b'{"account": "acct%d", "time": "2020-01-01T00:%02d:00Z", "body": "placeholder %d"}\n'
    % (i, i % 60, i)
    for i in range(100)
)


def _read(tmp_path: Path, data: bytes) -> tuple[int, list[str]]:
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    path = tmp_path / "posts.jsonl.gz"
    path.write_bytes(packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH))  # no trailer
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], OPTIONS)
        assert report.read == report.new + report.quarantined
        reasons = [r["reason"] for r in store.rows("SELECT reason FROM quarantine")]
    return report.new, reasons


def test_the_line_a_break_cuts_names_it(tmp_path: Path) -> None:
    new, (reason,) = _read(tmp_path, WHOLE[: WHOLE.index(b'{"account": "acct60"') + 30])
    assert new == 60
    assert reason.startswith("the gzip stream is cut short inside this line, the file's last")


def test_a_break_at_a_line_end_says_what_followed_is_lost(tmp_path: Path) -> None:
    new, reasons = _read(tmp_path, WHOLE[: WHOLE.index(b'{"account": "acct60"')])
    assert new == 60
    assert reasons == [
        "the gzip stream is cut short after its last line: what followed in posts.jsonl.gz is lost"
    ]
