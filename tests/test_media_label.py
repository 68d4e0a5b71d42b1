"""Media metadata as the importer stores it reads back as a short label in the web views."""

from __future__ import annotations

from mutewatch.model import Post, PostBatch
from mutewatch.web.queries import _media_label


def test_label_uses_the_stored_media_keys() -> None:
    media = '{"placeholder":true,"file_size":10,"mime_type":"video/mp4","duration_seconds":3}'
    label = _media_label(media, "video")
    assert label == "[video mime=video/mp4 size=10 duration=3 not downloaded]"
    assert _media_label(None, "text") is None


def test_batch_round_trip_keeps_media_fields() -> None:
    from datetime import datetime

    post = Post(0, "telegram", "1", 1, datetime(2020, 1, 1), "video", media=(
        '{"placeholder":false,"file_size":10,"mime_type":"video/mp4"}'
    ))  # fmt: skip
    again = PostBatch.of([post]).posts()[0]
    assert again.media == '{"placeholder":false,"file_size":10,"mime_type":"video/mp4"}'
