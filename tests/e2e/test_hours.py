"""Opening hours end to end: a zone closed now says when it opens and goes down the list."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.zones import Zone, ZoneKind
from tests.e2e.test_nearest import ask
from tests.fakes import updates

USER = 4004
# Saturday noon in Connecticut: daylight, and weekday-only places are closed.
SATURDAY_NOON = datetime(2026, 6, 13, 16, 0, tzinfo=UTC)
# A police station about 70 m from the searcher, nearer than the bundled 24/7 Bridgeport HQ.
WEEKDAY_STATION = Zone(
    id="us-ct-bridgeport-weekday-desk",
    name="Bridgeport Weekday Desk",
    kind=ZoneKind.POLICE_STATION,
    lat=41.1795,
    lon=-73.1905,
    city="Bridgeport",
    region="CT",
    country="US",
    opening_hours="Mo-Fr 08:00-18:00; PH off",
)


def spaced(text: str) -> str:
    """CLDR puts a narrow no-break space before AM/PM; compare with plain spaces."""
    return text.replace("\u202f", " ")


async def test_a_closed_station_says_when_it_opens_and_goes_below_an_open_zone(
    app, telegram, clock
):
    await app.bot_data.services.zones.upsert_many([WEEKDAY_STATION])
    clock.now = SATURDAY_NOON
    answer = await ask(telegram, updates.location_message(41.1790, -73.1900, user_id=USER))
    text = spaced(answer["text"])
    assert "🕒 closed now, opens Mon 8:00 AM" in text
    assert text.index("Bridgeport Police Department Headquarters") < text.index(
        "Bridgeport Weekday Desk"
    )
    assert "A nearer place is closed now, so it is listed after the open ones." in text


async def test_an_open_station_says_when_it_closes_and_keeps_its_place(app, telegram, clock):
    await app.bot_data.services.zones.upsert_many([WEEKDAY_STATION])
    clock.now = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)  # Monday noon
    answer = await ask(telegram, updates.location_message(41.1790, -73.1900, user_id=USER))
    text = spaced(answer["text"])
    assert "🕒 open now, closes 6:00 PM" in text
    assert text.index("Bridgeport Weekday Desk") < text.index(
        "Bridgeport Police Department Headquarters"
    )
    assert "nearer place is closed" not in text
