"""A .csv.gz whose rows after some are read again (after a record longer than Arrow's
block, or a ragged row not UTF-8) is not decompressed once more to its end only to see
how its gzip stream ends: the read again reaches the end and tells it (``_broken_off``
read the first stream on from where Arrow left it, one more decompression of the rest)."""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest, tabular
from mutewatch.ingest.files import decompressed
from mutewatch.store import Store

SPEC = tabular.TableSpec(platform="forum", mapping={"account": "who", "time": "when"})
ROWS = 40_000  # 8 MB of text, 4.5 MB packed: the gzip reader reads 1 MB at a time
CUT = "the gzip stream is cut short after its last line: what followed in posts.csv.gz is lost"
BAD = "line 3: expected 3 columns, got 2; invalid UTF-8 in the row"


class _Counted(io.FileIO):
    """A real file that counts the bytes read from it."""

    read_bytes = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def _data(second: bytes) -> bytes:
    lines = [b"who,when,body\n", b"acct0,2020-01-01T00:00:00,first\n", second]
    noise = random.Random(18)  # text that packs little, so the file is many reads long
    lines += [
        b"acct%d,2020-01-01T00:00:01,%d %s\n" % (i % 3, i, noise.randbytes(100).hex().encode())
        for i in range(ROWS)
    ]
    return b"".join(lines)


LONG = b'acct1,2020-01-01T00:00:02,"' + b"y" * 100_000 + b'"\n'  # a record of 6 blocks
RAGGED = b"acct1,\xff\n"


@pytest.mark.parametrize(
    ("second", "posts", "bad"), [(LONG, ROWS + 2, []), (RAGGED, ROWS + 1, [BAD])]
)
@pytest.mark.parametrize("cut", [False, True])
def test_the_first_stream_is_not_read_on_to_its_end(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    second: bytes,
    posts: int,
    bad: list[str],
    cut: bool,
) -> None:
    monkeypatch.setattr(tabular, "_BLOCK_SIZE", 1 << 14)  # Arrow reads ahead 34 of them
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    packed = packer.compress(_data(second))
    packed += packer.flush(zlib.Z_SYNC_FLUSH if cut else zlib.Z_FINISH)
    path = tmp_path / "posts.csv.gz"
    path.write_bytes(packed)

    with _Counted(path) as raw:
        items = list(tabular.read_csv(decompressed(raw), path, SPEC))
    assert sum(isinstance(i, tabular.Post) for i in items) == posts
    reasons = [i.reason for i in items if isinstance(i, tabular.Quarantined)]
    assert reasons == [*bad, *([CUT] if cut else [])]
    assert raw.read_bytes < len(packed) // 2, (raw.read_bytes, len(packed))

    options = IngestOptions(format="csv", mapping=SPEC.mapping, platform="forum")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
    assert report.read == report.new + report.duplicates + report.quarantined
    assert (report.new, report.quarantined) == (posts, len(reasons))
