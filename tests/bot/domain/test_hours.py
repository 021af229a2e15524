"""Opening hours: open or closed now on the zone's clock, ranking, and how replies say it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.geo import Point
from bot.domain.hours import HoursKind, HoursStatus, hours_status, zone_hours
from bot.domain.ranking import open_first, similar_distance
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone, ZoneKind
from bot.i18n import Catalogs
from bot.texts.hours import hours_text, moment_text
from bot.texts.nearest import nearest_reply
from bot.usecases.finder import NearestAnswer, Origin, OriginKind

EN = Catalogs().get("en")
FR = Catalogs().get("fr")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
BRIDGEPORT = Point(41.18, -73.19)  # America/New_York, US holidays
LONDON_POINT = Point(51.5074, -0.1278)
NYC_POINT = Point(40.7128, -74.0060)
OFFICE = "Mo-Fr 08:00-18:00; Sa 09:00-13:00; PH off"
NIGHTS = "Fr-Sa 22:00-03:00"


def at(tz: ZoneInfo, *fields: int) -> datetime:
    """The UTC instant of a wall time in ``tz``."""
    return datetime(*fields, tzinfo=tz).astimezone(UTC)


def local(tz: ZoneInfo, *fields: int) -> datetime:
    return datetime(*fields, tzinfo=tz)


def spaced(text: str) -> str:
    """CLDR puts a narrow no-break space before AM/PM; compare with plain spaces."""
    return text.replace("\u202f", " ")


# 2026-06-12 is a Friday, 2026-06-15 a Monday.


@pytest.mark.parametrize("text", ["24/7", " 24/7 ", "Mo-Su 00:00-24:00"])
def test_always_open(text):
    status = hours_status(text, BRIDGEPORT, at(NEW_YORK, 2026, 6, 14, 3, 0))
    assert status.kind is HoursKind.ALWAYS_OPEN
    assert status.next_change is None


def test_open_now_with_closing_time():
    status = hours_status(OFFICE, BRIDGEPORT, at(NEW_YORK, 2026, 6, 15, 12, 0))
    assert status.kind is HoursKind.OPEN
    assert status.next_change == local(NEW_YORK, 2026, 6, 15, 18, 0)
    assert status.checked_at == local(NEW_YORK, 2026, 6, 15, 12, 0)


def test_closed_now_opens_later_today():
    status = hours_status(OFFICE, BRIDGEPORT, at(NEW_YORK, 2026, 6, 15, 7, 0))
    assert status.kind is HoursKind.CLOSED
    assert status.next_change == local(NEW_YORK, 2026, 6, 15, 8, 0)


def test_closed_now_opens_tomorrow():
    status = hours_status(OFFICE, BRIDGEPORT, at(NEW_YORK, 2026, 6, 15, 19, 0))
    assert status.kind is HoursKind.CLOSED
    assert status.next_change == local(NEW_YORK, 2026, 6, 16, 8, 0)


def test_closed_now_opens_after_the_weekend():
    status = hours_status("Mo-Fr 08:00-18:00", BRIDGEPORT, at(NEW_YORK, 2026, 6, 12, 19, 0))
    assert status.kind is HoursKind.CLOSED
    assert status.next_change == local(NEW_YORK, 2026, 6, 15, 8, 0)


def test_several_intervals_a_day():
    hours = "Mo-Fr 08:00-12:00,14:00-18:00"
    lunch = hours_status(hours, BRIDGEPORT, at(NEW_YORK, 2026, 6, 15, 12, 30))
    assert lunch.kind is HoursKind.CLOSED
    assert lunch.next_change == local(NEW_YORK, 2026, 6, 15, 14, 0)


@pytest.mark.parametrize(
    ("now", "closes"),
    [
        ((2026, 6, 12, 23, 30), (2026, 6, 13, 3, 0)),  # Friday night, after midnight soon
        ((2026, 6, 13, 2, 0), (2026, 6, 13, 3, 0)),  # Saturday 02:00: Friday's span
        ((2026, 6, 14, 2, 0), (2026, 6, 14, 3, 0)),  # Sunday 02:00: Saturday's span
    ],
)
def test_open_across_midnight(now, closes):
    status = hours_status(NIGHTS, BRIDGEPORT, at(NEW_YORK, *now))
    assert status.kind is HoursKind.OPEN
    assert status.next_change == local(NEW_YORK, *closes)


def test_closed_between_the_night_spans():
    status = hours_status(NIGHTS, BRIDGEPORT, at(NEW_YORK, 2026, 6, 13, 3, 30))
    assert status.kind is HoursKind.CLOSED
    assert status.next_change == local(NEW_YORK, 2026, 6, 13, 22, 0)


def test_the_same_instant_reads_differently_in_another_timezone():
    now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 13:00 in London, 08:00 in New York
    hours = "Mo-Fr 09:00-17:00"
    london = hours_status(hours, LONDON_POINT, now)
    new_york = hours_status(hours, NYC_POINT, now)
    assert london.kind is HoursKind.OPEN
    assert london.next_change == local(LONDON, 2026, 6, 15, 17, 0)
    assert new_york.kind is HoursKind.CLOSED
    assert new_york.next_change == local(NEW_YORK, 2026, 6, 15, 9, 0)
    assert hours_status(hours, LONDON, now).kind is HoursKind.OPEN  # a timezone will do too


def test_a_naive_now_is_utc():
    naive = datetime(2026, 6, 15, 12, 0)
    assert hours_status("Mo-Fr 09:00-17:00", LONDON, naive).kind is HoursKind.OPEN


def test_off_is_closed_with_no_opening_in_sight():
    status = hours_status("off", BRIDGEPORT, at(NEW_YORK, 2026, 6, 15, 12, 0))
    assert status.kind is HoursKind.CLOSED
    assert status.next_change is None


def test_public_holidays_from_the_country_calendar():
    christmas = at(NEW_YORK, 2026, 12, 25, 10, 0)  # a Friday
    status = hours_status("Mo-Fr 08:00-18:00; PH off", BRIDGEPORT, christmas, "US")
    assert status.kind is HoursKind.CLOSED
    assert status.next_change == local(NEW_YORK, 2026, 12, 28, 8, 0)
    found_from_position = hours_status("Mo-Fr 08:00-18:00; PH off", BRIDGEPORT, christmas)
    assert found_from_position == status


@pytest.mark.parametrize(
    ("where", "country"),
    [
        (NEW_YORK, ""),  # a timezone alone: no country, no calendar
        (Point(28.61, 77.21), "IN"),  # a country the library has no calendar for
    ],
)
def test_public_holidays_without_a_calendar_are_unknown(where, country):
    status = hours_status(
        "Mo-Fr 08:00-18:00; PH off", where, at(NEW_YORK, 2026, 6, 15, 12), country
    )
    assert status.kind is HoursKind.UNKNOWN
    assert status.raw == "Mo-Fr 08:00-18:00; PH off"


def test_school_holidays_are_unknown():
    status = hours_status("Mo-Fr 08:00-18:00; SH off", BRIDGEPORT, at(NEW_YORK, 2026, 6, 15, 12))
    assert status.kind is HoursKind.UNKNOWN


def test_sun_times_are_the_places():
    status = hours_status("sunrise-sunset", BRIDGEPORT, at(NEW_YORK, 2026, 12, 15, 12, 0))
    assert status.kind is HoursKind.OPEN
    assert status.next_change is not None
    assert (status.next_change.hour, status.next_change.minute) < (17, 0)  # not a default
    assert hours_status("sunrise-sunset", NEW_YORK, at(NEW_YORK, 2026, 12, 15, 12)).kind is (
        HoursKind.UNKNOWN
    )


@pytest.mark.parametrize(
    "text", ["garbage", "Mo-Fr 25:00-26:00", "Mo-Fr 08:00-18:00,", "open <b>sometimes</b>"]
)
def test_garbage_is_unknown_and_kept_as_written(text):
    status = hours_status(text, BRIDGEPORT, at(NEW_YORK, 2026, 6, 15, 12, 0))
    assert status.kind is HoursKind.UNKNOWN
    assert status.raw == text


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_hours_are_unknown(text):
    status = hours_status(text, BRIDGEPORT, at(NEW_YORK, 2026, 6, 15, 12, 0))
    assert status == HoursStatus(HoursKind.UNKNOWN)


def test_zone_hours_use_the_zones_position_and_country():
    zone = _zone("z", opening_hours="Mo-Fr 09:00-17:00", lat=51.5074, lon=-0.1278, country="GB")
    status = zone_hours(zone, datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
    assert status.next_change == local(LONDON, 2026, 6, 15, 17, 0)


# Ranking


@pytest.mark.parametrize(
    ("nearer", "farther", "similar"),
    [
        (200, 1_200, True),  # within 1 km
        (200, 1_300, False),
        (10_000, 12_000, True),  # within 20%
        (10_000, 12_100, False),
    ],
)
def test_similar_distance(nearer, farther, similar):
    assert similar_distance(nearer, farther) is similar


def _zone(zone_id: str, **values) -> Zone:
    defaults = {"lat": 41.18, "lon": -73.19, "country": "US"}
    return Zone(id=zone_id, name=zone_id, kind=ZoneKind.POLICE_STATION, **defaults | values)


def _match(zone_id: str, distance_m: float, **values) -> ZoneMatch:
    return ZoneMatch(_zone(zone_id, **values), distance_m, 0.0)


OPEN = HoursStatus(HoursKind.OPEN)
CLOSED = HoursStatus(HoursKind.CLOSED)
UNKNOWN = HoursStatus(HoursKind.UNKNOWN)


def _ids(matches: list[ZoneMatch]) -> list[str]:
    return [match.zone.id for match in matches]


def test_a_closed_zone_goes_below_an_open_one_at_a_similar_distance():
    matches = [_match("closed", 500), _match("open", 1_200), _match("far", 9_000)]
    ranked, moved = open_first(matches, {"closed": CLOSED, "open": OPEN, "far": OPEN})
    assert _ids(ranked) == ["open", "closed", "far"]
    assert moved


def test_distance_order_stands_when_the_open_zone_is_much_farther():
    matches = [_match("closed", 500), _match("open", 3_000)]
    ranked, moved = open_first(matches, {"closed": CLOSED, "open": OPEN})
    assert _ids(ranked) == ["closed", "open"]
    assert not moved


def test_unknown_hours_count_as_not_closed():
    matches = [_match("closed", 500), _match("unknown", 900)]
    ranked, moved = open_first(matches, {"closed": CLOSED, "unknown": UNKNOWN})
    assert _ids(ranked) == ["unknown", "closed"]
    assert moved


def test_each_closed_zone_moves_only_past_open_ones_near_it():
    matches = [_match("c1", 1_000), _match("c2", 1_500), _match("o", 2_200)]
    ranked, moved = open_first(matches, {"c1": CLOSED, "c2": CLOSED, "o": OPEN})
    assert _ids(ranked) == ["c1", "o", "c2"]
    assert moved


def test_all_closed_keeps_the_distance_order():
    matches = [_match("a", 100), _match("b", 200)]
    ranked, moved = open_first(matches, {"a": CLOSED, "b": CLOSED})
    assert _ids(ranked) == ["a", "b"]
    assert not moved


# Replies


def test_hours_lines_in_english():
    zone = _zone("z")
    monday_noon = local(NEW_YORK, 2026, 6, 15, 12, 0)
    closes = HoursStatus(HoursKind.OPEN, "x", monday_noon, local(NEW_YORK, 2026, 6, 15, 18, 0))
    opens = HoursStatus(HoursKind.CLOSED, "x", monday_noon, local(NEW_YORK, 2026, 6, 15, 14, 0))
    later = HoursStatus(HoursKind.CLOSED, "x", monday_noon, local(NEW_YORK, 2026, 6, 19, 8, 0))
    assert spaced(hours_text(zone, closes, EN)) == "open now, closes 6:00 PM"
    assert spaced(hours_text(zone, opens, EN)) == "closed now, opens 2:00 PM"
    assert spaced(hours_text(zone, later, EN)) == "closed now, opens Fri 8:00 AM"
    assert hours_text(zone, HoursStatus(HoursKind.ALWAYS_OPEN), EN) == "open 24/7"
    assert hours_text(zone, HoursStatus(HoursKind.OPEN, "x", monday_noon), EN) == "open now"
    assert hours_text(zone, HoursStatus(HoursKind.CLOSED, "x", monday_noon), EN) == "closed now"


def test_times_follow_the_readers_language():
    saturday = local(NEW_YORK, 2026, 6, 13, 12, 0)
    assert moment_text(local(NEW_YORK, 2026, 6, 15, 8, 0), saturday, FR) == "lun. 08:00"
    assert spaced(moment_text(local(NEW_YORK, 2026, 6, 22, 8, 0), saturday, EN)) == (
        "Mon, Jun 22 8:00 AM"
    )


def test_unknown_hours_show_the_raw_string_escaped_or_the_default():
    odd = _zone("z", opening_hours="by <appointment> & luck")
    assert hours_text(odd, UNKNOWN, EN) == "hours: by &lt;appointment&gt; &amp; luck"
    assert hours_text(_zone("z"), UNKNOWN, EN) == "hours unknown, call ahead"


def _answer(matches: list[ZoneMatch], hours: dict, moved: bool = False) -> NearestAnswer:
    origin = Origin(BRIDGEPORT, OriginKind.LOCATION)
    return NearestAnswer(origin, matches, True, False, hours=hours, closed_moved_down=moved)


def test_answer_says_when_a_nearer_zone_went_down_for_being_closed():
    monday_night = local(NEW_YORK, 2026, 6, 15, 22, 0)
    closed = HoursStatus(
        HoursKind.CLOSED, "Mo-Fr 08:00-18:00", monday_night, local(NEW_YORK, 2026, 6, 16, 8)
    )
    matches = [_match("open", 1_200, opening_hours="24/7"), _match("closed", 500)]
    reply = nearest_reply(
        _answer(matches, {"open": HoursStatus(HoursKind.ALWAYS_OPEN), "closed": closed}, True),
        EN,
        50,
    )
    text = spaced(reply.text)
    assert "🕒 open 24/7" in text
    assert "🕒 closed now, opens Tue 8:00 AM" in text
    assert "A nearer place is closed now, so it is listed after the open ones." in text
    assert text.index("<b>1. open</b>") < text.index("<b>2. closed</b>")


def test_answer_says_when_every_zone_is_closed():
    monday_night = local(NEW_YORK, 2026, 6, 15, 22, 0)
    closed = HoursStatus(HoursKind.CLOSED, "x", monday_night)
    matches = [_match("a", 500), _match("b", 900)]
    reply = nearest_reply(_answer(matches, {"a": closed, "b": closed}), EN, 50)
    assert "These places are all closed now. Call ahead before you go" in reply.text
    assert "nearer place" not in reply.text


def test_answer_without_hours_news_has_no_note():
    matches = [_match("a", 500, opening_hours="24/7")]
    reply = nearest_reply(_answer(matches, {"a": HoursStatus(HoursKind.ALWAYS_OPEN)}), EN, 50)
    assert "closed now" not in reply.text
    assert "Call ahead before you go" not in reply.text
