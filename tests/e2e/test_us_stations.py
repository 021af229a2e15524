"""The bundled US police stations through the real bot: answers anywhere in the US."""

from __future__ import annotations

import re

import pytest

from bot.domain.zones import bundled_zones
from bot.services import load_bundled_stations
from tests.e2e.test_nearest import ask
from tests.fakes import updates

USER = 1201


@pytest.fixture(autouse=True)
async def stations(app) -> None:
    """The shipped US stations, loaded as start-up will once it is wired to (not yet: see
    bot/services.py); loading again with the same file is skipped."""
    zones = app.bot_data.services.zones
    assert await load_bundled_stations(zones, bundled_zones())
    assert not await load_bundled_stations(zones, bundled_zones())


def entries(text: str) -> list[str]:
    """Each numbered entry of an answer (name and the lines under it)."""
    return [part.split("\n\n")[0] for part in re.split(r"<b>\d+\. ", text)[1:]]


async def test_beverly_hills_is_answered_with_its_police_department(app, telegram):
    answer = await ask(telegram, updates.text_message("90210", user_id=USER))
    first = entries(answer["text"])[0]
    assert "Beverly Hills Police Department" in first
    assert "464 North Rexford Drive, Beverly Hills, CA" in first
    assert "Police station (not a designated exchange zone)" in first
    assert "+1 310-" in first  # the phone, in E.164 stored and shown readably
    venue = (await telegram.wait_for("sendVenue", chat_id=USER))[0].params
    assert venue["title"] == "Beverly Hills Police Department"


async def test_a_station_is_never_labelled_an_official_exchange_zone(app, telegram):
    answer = await ask(telegram, updates.location_message(34.0736, -118.4004, user_id=USER))
    text = answer["text"]
    assert "Beverly Hills Police Department" in text
    assert "Official safe exchange zone" not in text


async def test_near_bridgeport_the_curated_zone_is_listed_once(app, telegram):
    answer = await ask(telegram, updates.location_message(41.1817, -73.1928, user_id=USER))
    listed = entries(answer["text"])
    assert "Bridgeport Police Department Headquarters" in listed[0]
    assert "Official safe exchange zone" in listed[0]
    assert sum("300 Congress Street" in entry for entry in listed) == 1
    assert len(listed) == 3
