"""Archive files as byte streams: plain, or gzip-compressed (``name.csv.gz``,
``result.json.gz``, ``feed.xml.gz``) and decompressed as they are read, never whole.

A compressed file's format is told by the name under ``.gz``; its identity (sha256) and
progress are those of the compressed bytes. A gzip stream that is cut short or damaged ends
where it breaks, as a truncated file does: the formats' own checks then quarantine the
record it cuts (a Telegram message "truncated", a ragged CSV row), and what came before is
read.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import IO, Any

COMPRESSED = ".gz"


def inner_suffix(path: Path) -> str:
    """The suffix that tells the format, lower case: ``.csv`` for ``posts.CSV.gz`` too."""
    if path.suffix.lower() == COMPRESSED:
        return Path(path.stem).suffix.lower()
    return path.suffix.lower()


def is_compressed(path: Path) -> bool:
    return path.suffix.lower() == COMPRESSED


def open_archive(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when it is gzip-compressed."""
    raw = path.open("rb")
    return decompressed(raw) if is_compressed(path) else raw


def decompressed(raw: IO[bytes]) -> IO[bytes]:
    """A gzip file's decompressed bytes, read from ``raw`` (which stays the caller's)."""
    return io.BufferedReader(_Gunzip(raw), 1 << 20)


class _Gunzip(io.RawIOBase):
    """gzip (one member or several, concatenated) as a raw stream, through zlib; a stream
    cut short or damaged gives what decompressed before the break, then ends."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self.raw = raw
        self.start = raw.tell()
        self._reset()

    def _reset(self) -> None:
        self.inflate = zlib.decompressobj(_GZIP)
        self.fed = False  # whether the member being read has had bytes
        self.pending = b""
        self.done = 0
        self.ended = False
        self.damaged: str | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.done

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR and offset == 0:
            return self.done
        if whence != io.SEEK_SET or offset != 0:
            raise io.UnsupportedOperation("a compressed archive seeks only to its start")
        self.raw.seek(self.start)
        self._reset()
        return 0

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self.pending and not self.ended:
            self._inflate_more()
        size = min(len(view), len(self.pending))
        view[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        self.done += size
        return size

    def _inflate_more(self) -> None:
        if self.inflate.eof:  # a member ends: the next one, if any, starts after it
            data = self.inflate.unused_data or self.raw.read(1 << 20)
            self.inflate = zlib.decompressobj(_GZIP)
            self.fed = False
        else:
            data = self.inflate.unconsumed_tail or self.raw.read(1 << 20)
        if not data:
            self.ended = True
            if self.fed and not self.inflate.eof:
                self.damaged = "the gzip stream is cut short"
            return
        self.fed = True
        try:
            self.pending = self.inflate.decompress(data, 1 << 22)
        except zlib.error as exc:
            self.damaged = f"the gzip stream is damaged: {exc}"
            self.ended = True


_GZIP = 16 + zlib.MAX_WBITS  # zlib reads the gzip header and trailer
