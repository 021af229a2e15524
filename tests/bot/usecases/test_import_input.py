"""Reading an import file: text only, sane line lengths, refused early without reading it all."""

from __future__ import annotations

import codecs
import itertools

import pytest

from bot.domain.zones import ZoneDataError
from bot.usecases.importer import MAX_LINE_BYTES, checked_text, read_zones_file


@pytest.mark.timeout(10)
def test_nul_bytes_stop_an_endless_input_at_once():
    with pytest.raises(ZoneDataError, match=r"^not a text file: NUL byte at byte offset 0$"):
        checked_text(itertools.repeat(b"\0" * 65_536))


@pytest.mark.timeout(10)
def test_an_endless_line_stops_at_the_limit():
    chunks = itertools.chain([b"id,name\n"], itertools.repeat(b"a" * 4_096))
    with pytest.raises(ZoneDataError, match=r"^line 2 is longer than 65536 bytes$"):
        checked_text(chunks, json_input=False)


@pytest.mark.timeout(10)
def test_an_endless_json_document_stops_at_the_size_limit():
    chunks = itertools.chain([b'{"elements": ['], itertools.repeat(b"1," * 2_048))
    with pytest.raises(ZoneDataError, match=r"^larger than 1048576 bytes$"):
        checked_text(chunks, max_bytes=1 << 20)


@pytest.mark.timeout(10)
def test_an_endless_csv_of_short_lines_stops_at_the_size_limit():
    with pytest.raises(ZoneDataError, match=r"^larger than 1048576 bytes$"):
        checked_text(itertools.repeat(b"a,b\n" * 1_024), max_bytes=1 << 20)


def test_a_line_of_exactly_the_limit_passes():
    text = checked_text([b"x" * MAX_LINE_BYTES + b"\r\n", b"y\n"], json_input=False)
    assert text.splitlines() == ["x" * MAX_LINE_BYTES, "y"]


def test_a_minified_json_document_is_one_long_line_and_passes():
    document = b'{"elements": [' + b"1," * 100_000 + b"1]}"
    assert checked_text([document[:70_000], document[70_000:]]).endswith("1]}")


def test_the_line_limit_applies_to_csv_even_when_it_looks_like_json():
    with pytest.raises(ZoneDataError, match="line 1 is longer"):
        checked_text([b"{" * (MAX_LINE_BYTES + 1)], json_input=False)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending_counts(ending):
    chunks = [b"a,b" + ending] * 40_000
    assert checked_text(chunks, json_input=False).count("a,b") == 40_000


def test_a_line_ending_split_between_chunks_is_one_line_ending():
    chunks = [b"a\r", b"\nb\r", b"\n" + b"c" * (MAX_LINE_BYTES + 1)]
    with pytest.raises(ZoneDataError, match=r"^line 3 is longer"):
        checked_text(chunks, json_input=False)


@pytest.mark.parametrize(
    ("chunks", "message"),
    [
        ([b"id,name\n", b"caf\xe9\n"], r"^not UTF-8 text: byte 0xe9 at byte offset 11$"),
        ([b"caf\xc3"], r"^not UTF-8 text: the last character is cut short$"),
        ([b"\xff\xfei\x00d\x00"], r"^UTF-16 text: save it as UTF-8$"),
        ([b"\xfe\xff\x00i\x00d"], r"^UTF-16 text: save it as UTF-8$"),
        ([b"id,name\n", b"a,\x00b\n"], r"^not a text file: NUL byte at byte offset 10$"),
    ],
)
def test_input_that_is_not_utf8_text_is_refused_in_one_line(chunks, message):
    with pytest.raises(ZoneDataError, match=message):
        checked_text(chunks)


def test_a_character_split_between_chunks_and_a_bom_are_handled():
    assert checked_text([codecs.BOM_UTF8 + b"caf\xc3", b"\xa9\n"]) == "café\n"


def test_reading_a_file_uses_its_name_for_the_format(tmp_path):
    minified = tmp_path / "police.json"
    minified.write_bytes(b'{"elements": [' + b"1," * 40_000 + b"1]}")
    assert read_zones_file(minified).startswith('{"elements"')
    as_csv = tmp_path / "police.csv"
    as_csv.write_bytes(minified.read_bytes())
    with pytest.raises(ZoneDataError, match="line 1 is longer"):
        read_zones_file(as_csv)
    assert read_zones_file(as_csv, "overpass").endswith("1]}")
