"""The finder remembers each user's last search (zone ids only) and the country it hints at."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import Services, open_services
from bot.usecases.finder import SafeZoneFinder

USER = 7
START = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)


class Now:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
async def services(tmp_path: Path, now: Now) -> AsyncIterator[Services]:
    settings = Settings.from_env(
        {"SAFEMEET_DB": str(tmp_path / "s.sqlite3"), "NOMINATIM_URL": "", "OVERPASS_URL": ""}
    )
    opened = await open_services(settings, clock=now)
    try:
        yield opened
    finally:
        await opened.close()


async def test_a_search_is_remembered_as_its_zones(services):
    finder = services.finder
    answer = await finder.near_text("06604")
    await finder.remember(USER, answer)
    remembered = [zone.id for zone in await finder.last_zones(USER)]
    assert remembered == [match.zone.id for match in answer.matches]
    assert remembered[0] == "us-ct-bridgeport-police-hq"
    assert await services.searches.recall(USER) == remembered  # ids only, in the store
    assert await finder.offered(USER, "us-ct-bridgeport-police-hq")
    assert not await finder.offered(USER, "ca-on-kingston-police-hq")
    assert await finder.last_zones(USER + 1) == []  # each user their own


async def test_the_country_hint_comes_from_the_last_search(services):
    finder = services.finder
    assert await finder.country_hint(USER) == ""  # no search yet
    await finder.remember(USER, await finder.near_text("K7K 4C2"))
    assert await finder.country_hint(USER) == "CA"
    await finder.remember(USER, await finder.near_text("06604"))
    assert await finder.country_hint(USER) == "US"


async def test_a_search_with_nothing_in_reach_forgets_the_earlier_zones(services):
    finder = services.finder
    await finder.remember(USER, await finder.near_text("06604"))
    far = await finder.near_point(-33.86, 151.21)  # Sydney: no zone within reach
    assert far.matches == []
    await finder.remember(USER, far)
    assert await finder.last_zones(USER) == []
    assert not await finder.offered(USER, "us-ct-bridgeport-police-hq")
    assert await finder.country_hint(USER) == ""


async def test_a_day_old_search_is_no_longer_offered(services, now):
    finder = services.finder
    await finder.remember(USER, await finder.near_text("06604"))
    now.now += timedelta(hours=25)
    assert await finder.last_zones(USER) == []
    assert await finder.country_hint(USER) == ""


async def test_a_finder_without_a_store_remembers_nothing(services):
    finder = SafeZoneFinder(services.zones, services.postal, None)
    answer = await finder.near_text("06604")
    await finder.remember(USER, answer)  # no store: nothing kept, no error
    assert await finder.last_zones(USER) == []
    assert await finder.country_hint(USER) == ""
    assert (await finder.zone("us-ct-bridgeport-police-hq")) is not None
    assert await finder.zone("no-such-zone") is None
