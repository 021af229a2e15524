"""Postal codes: every accepted form, malformed input, offline resolution."""

import pytest

from bot.postal import PostalDirectory, looks_like_malformed_postal_code, parse_postal_code


@pytest.mark.parametrize(
    ("text", "country", "key", "display"),
    [
        ("06604", "US", "06604", "06604"),
        ("06604-1234", "US", "06604", "06604-1234"),
        (" 06604 1234 ", "US", "06604", "06604-1234"),
        ("K7K 4C2", "CA", "K7K", "K7K 4C2"),
        ("k7k4c2", "CA", "K7K", "K7K 4C2"),
        ("K7K", "CA", "K7K", "K7K"),
        ("LS1 4AP", "GB", "LS", "LS1 4AP"),
        ("sw1a 1aa", "GB", "SW", "SW1A 1AA"),
        ("AU 2000", "AU", "2000", "2000"),
        ("6011 NZ", "NZ", "6011", "6011"),
        ("CA K7K 4C2", "CA", "K7K", "K7K 4C2"),
    ],
)
def test_forms_are_read(text, country, key, display):
    first = parse_postal_code(text)[0]
    assert (first.country, first.key, first.display) == (country, key, display)


@pytest.mark.parametrize("text", ["", "hello", "K7K 4C", "0660412", "Z1Z 1Z1", "x" * 500])
def test_non_codes_are_not_read(text):
    assert parse_postal_code(text) == []


@pytest.mark.parametrize("text", ["K7K 4C", "066041", "12-34", "1"])
def test_malformed_codes_are_recognised(text):
    assert looks_like_malformed_postal_code(text)


@pytest.mark.parametrize("text", ["06604", "Main St 5", "Route 66", "Bridgeport"])
def test_good_codes_and_places_are_not_malformed(text):
    assert not looks_like_malformed_postal_code(text)


async def test_resolves_offline():
    directory = PostalDirectory()
    bridgeport = await directory.lookup(parse_postal_code("06604"))
    kingston = await directory.lookup(parse_postal_code("K7K 4C2"))
    assert bridgeport is not None
    assert kingston is not None
    assert bridgeport.point.lat == pytest.approx(41.17, abs=0.1)
    assert kingston.point.lon == pytest.approx(-76.48, abs=0.1)
    assert kingston.query.country == "CA"


async def test_unknown_code_resolves_to_none():
    assert await PostalDirectory().lookup(parse_postal_code("00000")) is None
