"""Archive files as byte streams: plain, or gzip-compressed (``name.csv.gz``,
``result.json.gz``, ``feed.xml.gz``) and decompressed as they are read, never whole (an
HTML export's ``messages.html.gz`` pages: one page at a time, see ``telegram_html``).

A compressed file's format is told by the name under ``.gz``; its identity (sha256) and
progress are those of the compressed bytes. A gzip stream that is cut short or damaged ends
where it breaks, as a truncated file does: the formats' own checks then quarantine the
record it cuts (a Telegram message "truncated", a ragged CSV row), and what came before is
read.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

COMPRESSED = ".gz"
_HASH_CHUNK = 8 << 20


def hash_into(digest: hashlib._Hash, path: Path) -> None:
    """Feed a file's bytes (as stored: compressed bytes for a .gz) to ``digest``, a chunk
    at a time, never the whole file in memory."""
    with path.open("rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)


def sha256_of(path: Path) -> str:
    """A file's identity: the sha256 of its bytes as stored."""
    digest = hashlib.sha256()
    hash_into(digest, path)
    return digest.hexdigest()


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


class Pieces(io.RawIOBase):
    """A raw stream of the byte strings a subclass makes one by one (``_next_piece``),
    to be read through a BufferedReader; it does not seek."""

    def __init__(self) -> None:
        super().__init__()
        self._clear()

    def _clear(self) -> None:
        self.pending = memoryview(b"")
        self.done = 0
        self.ended = False

    def _next_piece(self) -> bytes | None:
        """The next bytes (may be empty), or None at the end."""
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self.pending and not self.ended:
            piece = self._next_piece()
            self.ended = piece is None
            self.pending = memoryview(piece or b"")
        size = min(len(view), len(self.pending))
        view[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        self.done += size
        return size


class _Joined(Pieces):
    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__()
        self.pieces = pieces

    def _next_piece(self) -> bytes | None:
        return next(self.pieces, None)


def joined(pieces: Iterator[bytes]) -> IO[bytes]:
    """A readable binary file of these byte strings, one after another."""
    return io.BufferedReader(_Joined(pieces), 1 << 20)


class PullStream(Pieces):
    """Pieces made from ``raw``; the stream seeks back to its start only (``raw`` is read
    again from where it stood)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self.raw = raw
        self.start = raw.tell()
        self._reset()

    def _reset(self) -> None:
        """Set up the subclass's own state, for a read from the start."""

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.done

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR and offset == 0:
            return self.done
        if whence != io.SEEK_SET or offset != 0:
            raise io.UnsupportedOperation("this stream seeks only to its start")
        self.raw.seek(self.start)
        self._clear()
        self._reset()
        return 0


class _Gunzip(PullStream):
    """gzip (one member or several, concatenated) through zlib; a stream cut short or
    damaged gives what decompressed before the break, then ends."""

    def _reset(self) -> None:
        self.inflate = zlib.decompressobj(_GZIP)
        self.fed = False  # whether the member being read has had bytes
        self.damaged: str | None = None
        self.last = b""  # the last bytes it gave (how the text ends, where it breaks)

    def _next_piece(self) -> bytes | None:
        if self.damaged:
            return None
        if self.inflate.eof:  # a member ends: the next one, if any, starts after it
            data = self.inflate.unused_data or self.raw.read(1 << 20)
            self.inflate = zlib.decompressobj(_GZIP)
            self.fed = False
        else:
            data = self.inflate.unconsumed_tail or self.raw.read(1 << 20)
        if not data:
            if self.fed and not self.inflate.eof:
                self.damaged = "the gzip stream is cut short"
            return None
        self.fed = True
        try:
            piece = self.inflate.decompress(data, 1 << 22)
        except zlib.error as exc:
            self.damaged = f"the gzip stream is damaged: {exc}"
            return None
        self.last = (self.last + piece)[-_LAST:]
        return piece


_GZIP = 16 + zlib.MAX_WBITS  # zlib reads the gzip header and trailer
_LAST = 64 << 10


def broken_off(fh: IO[bytes]) -> tuple[str, bytes] | None:
    """For a stream ``open_archive`` gave, read to its end: why it ended early (a gzip
    stream cut short or damaged) and the last bytes it gave before the break; None when
    it ended whole (or is not compressed)."""
    raw = getattr(fh, "raw", None)
    if isinstance(raw, _Gunzip) and raw.damaged:
        return raw.damaged, raw.last
    return None
