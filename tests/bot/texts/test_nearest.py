"""Reply texts: distances in km and miles, directions, far-away answers, valid HTML."""

from html.parser import HTMLParser

import pytest

from bot.domain.geo import Point
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone, ZoneKind
from bot.i18n import Catalogs
from bot.texts.formatting import format_distance, uses_miles
from bot.texts.nearest import nearest_reply, problem_reply
from bot.texts.reply import directions_url
from bot.usecases.finder import NearestAnswer, Origin, OriginKind, QueryError, QueryProblem

EN = Catalogs().get("en")
FR = Catalogs().get("fr")
ZONE = Zone(
    id="z",
    name="Town <Police> & Co",
    kind=ZoneKind.POLICE_STATION,
    lat=41.18,
    lon=-73.19,
    address="1 Main St",
    city="Town",
    region="CT",
    country="US",
)


@pytest.mark.parametrize(
    ("metres", "miles", "expected"),
    [
        (0, False, "10 m"),
        (644, False, "640 m"),
        (1_234, False, "1.2 km"),
        (15_678, False, "16 km"),
        (12_345_678, False, "12,346 km"),
        (30, True, "100 ft"),
        (1_609.344 * 0.55, True, "0.6 mi"),
        (1_609.344 * 31, True, "31 mi"),
    ],
)
def test_distances_in_english(metres, miles, expected):
    assert format_distance(metres, EN, miles) == expected


def test_distances_in_french_use_a_decimal_comma():
    assert format_distance(1_234, FR, False) == "1,2 km"


def test_miles_for_the_us_km_for_canada():
    assert uses_miles("US")
    assert not uses_miles("CA")


def test_directions_link_carries_the_coordinates():
    assert "destination=41.180000%2C-73.190000" in directions_url(ZONE)


class _TagChecker(HTMLParser):
    ALLOWED = frozenset({"b", "i", "u", "s", "a", "code", "pre"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in self.ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack.pop() == tag


def _assert_valid_html(text: str) -> None:
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    assert checker.stack == []


def _answer(distance_m: float, nearby: bool, dark: bool = False) -> NearestAnswer:
    origin = Origin(Point(41.0, -73.0), OriginKind.POSTAL_CODE, "06604", "US")
    return NearestAnswer(origin, [ZoneMatch(ZONE, distance_m, 45.0)], nearby, dark)


def test_answer_escapes_names_and_lists_the_station_advice():
    reply = nearest_reply(_answer(1_500, nearby=True), EN, 50)
    _assert_valid_html(reply.text)
    assert "Town &lt;Police&gt; &amp; Co" in reply.text
    assert "0.9 mi NE" in reply.text
    assert "not a designated exchange zone" in reply.text
    assert "911" in reply.text
    assert reply.pins[0].title == "Town <Police> & Co"


def test_far_away_answer_is_honest():
    reply = nearest_reply(_answer(800_000, nearby=False, dark=True), EN, 50)
    assert "no police safe zone I know of within 31 mi" in reply.text
    assert "497 mi" in reply.text
    assert "It is dark there now" in reply.text


def test_empty_database_answer():
    origin = Origin(Point(0, 0), OriginKind.LOCATION)
    reply = nearest_reply(NearestAnswer(origin, [], False, False), EN, 50)
    assert "public place" in reply.text
    assert not reply.pins


@pytest.mark.parametrize("problem", list(QueryProblem))
@pytest.mark.parametrize("tr", [EN, FR], ids=["en", "fr"])
def test_every_problem_has_a_valid_answer(problem, tr):
    reply = problem_reply(QueryError(problem, "<b>" + "x" * 300), tr, 200)
    _assert_valid_html(reply.text)
    assert len(reply.text) < 1_000


def test_phones_are_shown_as_people_dial_them():
    from bot.texts.formatting import readable_phone

    assert readable_phone("+12035815100") == "+1 203-581-5100"
    assert readable_phone("+442079460000") == "+44 20 7946 0000"
    assert readable_phone("call us") == "call us"  # an old unchecked value, shown as it is
