"""Reading meetup times: relative, wall-clock, other languages, DST gaps and overlaps."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.when import (
    WhenError,
    WhenProblem,
    parse_duration,
    parse_leads,
    parse_when,
    quick_choices,
)

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 10:00 in New York


def local(moment):
    return moment.at.astimezone(NEW_YORK).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("in 2 minutes", "en", datetime(2026, 11, 25, 10, 2)),
        ("in 90 min", "en", datetime(2026, 11, 25, 11, 30)),
        ("tomorrow 18:30", "en", datetime(2026, 11, 26, 18, 30)),
        ("sat 14:00", "en", datetime(2026, 11, 28, 14, 0)),
        ("2026-12-01 18:00", "en", datetime(2026, 12, 1, 18, 0)),
        ("demain 18h30", "fr", datetime(2026, 11, 26, 18, 30)),
        ("dans 2 minutes", "fr", datetime(2026, 11, 25, 10, 2)),
        ("mañana 18:30", "es", datetime(2026, 11, 26, 18, 30)),
        ("sábado 14:00", "es", datetime(2026, 11, 28, 14, 0)),
        ("tomorrow 18:30", "fr", datetime(2026, 11, 26, 18, 30)),
    ],
)
def test_times_are_read_on_the_places_clock(text, language, expected):
    assert local(parse_when(text, NOW, NEW_YORK, language)) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("yesterday", WhenProblem.PAST),
        ("2028-01-01 10:00", WhenProblem.TOO_FAR),
        ("blah blah", WhenProblem.UNPARSEABLE),
        ("", WhenProblem.UNPARSEABLE),
        ("x" * 500, WhenProblem.UNPARSEABLE),
    ],
)
def test_unusable_times_are_refused(text, problem):
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW, NEW_YORK)
    assert caught.value.problem is problem


def test_relative_time_across_a_dst_change_is_real_elapsed_time():
    before_fall_back = datetime(2026, 11, 1, 4, 30, tzinfo=UTC)  # 00:30 EDT
    moment = parse_when("in 3 hours", before_fall_back, NEW_YORK)
    assert moment.at - before_fall_back == timedelta(hours=3)


def test_wall_time_in_the_spring_gap_moves_forward():
    moment = parse_when("2026-03-08 02:30", datetime(2026, 3, 7, 12, tzinfo=UTC), NEW_YORK)
    assert moment.shifted
    assert moment.at.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:30 EDT"


def test_wall_time_after_the_spring_change_uses_the_new_offset():
    moment = parse_when("2026-03-08 18:00", datetime(2026, 3, 7, 12, tzinfo=UTC), NEW_YORK)
    assert moment.at == datetime(2026, 3, 8, 22, 0, tzinfo=UTC)


def test_quick_choices_skip_an_evening_that_is_over():
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 18:30 in New York
    assert "this_evening" not in quick_choices(late, NEW_YORK)
    morning = quick_choices(NOW, NEW_YORK)
    assert morning["this_evening"].astimezone(NEW_YORK).hour == 18
    assert morning["tomorrow_noon"].astimezone(NEW_YORK).hour == 12


def test_durations_and_leads():
    assert parse_duration("1m") == timedelta(minutes=1)
    assert parse_leads("15m, 60m,15m") == (timedelta(hours=1), timedelta(minutes=15))
    for bad in (",", "0m", "5 minutes", "-1m"):
        with pytest.raises(ValueError, match=r"duration|lead"):
            parse_leads(bad)
