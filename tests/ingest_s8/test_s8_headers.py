"""A CSV or Parquet header that cannot be read through the mapping is refused before
anything is stored, naming the file, the columns missing or doubled and the columns it has;
in a folder, such a file is listed under skipped_files with that reason and the others are
read. (Before, every row was quarantined as "no account", or a doubled column silently
gave its last copy.)"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAP = {"account": "user", "time": "when", "text": "body"}
GOOD = b"user,when,body\nacc1,2020-01-01T10:00:00,placeholder\n"


def _options() -> IngestOptions:
    return IngestOptions(platform="forum", mapping=dict(MAP))


@pytest.mark.parametrize(
    ("data", "wanted"),
    [
        (b"user;when;body\nacc1;2020-01-01T10:00:00;x\n", "pass --delimiter ';'"),
        (b"user\twhen\tbody\nacc1\t2020-01-01T10:00:00\tx\n", "tab-separated"),
        (b"account,when,body\nacc1,2020-01-01T10:00:00,x\n", "no column 'user' (account)"),
        (b"user,when,body,body\nacc1,2020-01-01T10:00:00,a,b\n", "'body' more than once"),
    ],
)
def test_a_header_the_mapping_cannot_read_is_refused_storing_nothing(
    tmp_path: Path, data: bytes, wanted: str
) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(data)
    with Store.open(tmp_path / "s.duckdb") as store:
        with pytest.raises(InputError) as caught:
            ingest(store, [path], _options())
        assert store.scalar("SELECT count(*) FROM sources") == 0
    message = str(caught.value)
    assert str(path) in message and wanted in message and "columns:" in message


def test_a_parquet_schema_without_a_mapped_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "posts.parquet"
    pq.write_table(pa.table({"user": ["acc1"], "stamp": ["2020-01-01T10:00:00"]}), path)
    with Store.open(tmp_path / "s.duckdb") as store, pytest.raises(InputError) as caught:
        ingest(store, [path], _options())
    assert "no column 'when' (time)" in str(caught.value) and "schema" in str(caught.value)


def test_in_a_folder_the_file_is_skipped_with_its_reason_and_the_rest_read(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.csv").write_bytes(GOOD)
    (folder / "other.csv").write_bytes(b"name,stamp\nacc1,2020-01-01\n")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [folder], _options())
        assert store.scalar("SELECT count(*) FROM posts") == 1
    assert [Path(f.path).name for f in report.files] == ["good.csv"]
    (skipped,) = report.skipped_files
    assert skipped.path == str(folder / "other.csv")
    assert "no column 'user' (account), 'when' (time), 'body' (text)" in skipped.reason
