"""End-to-end fixtures: the real Application against loopback fakes of Telegram and Nominatim."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.context import SafeMeetApp
from tests.clock import Clock
from tests.fakes.nominatim import FakeNominatim, NominatimPlace
from tests.fakes.telegram_api import FakeTelegramAPI, running_application

BOT_USERNAME = "SafeMeetTestBot"
# Night in Connecticut, for tests that need the dark; the shared `clock` fixture
# (tests/conftest.py) starts at noon, where the "dark now" advice stays out of answers.
NIGHT = datetime(2026, 12, 15, 4, 0, tzinfo=UTC)
PLACES = {
    "300 congress st, bridgeport": NominatimPlace(
        41.18, -73.19, "300, Congress Street, Bridgeport, Connecticut, 06604, United States", "us"
    ),
}


@pytest.fixture
async def nominatim() -> AsyncIterator[FakeNominatim]:
    async with FakeNominatim(places=dict(PLACES)) as fake:
        yield fake


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(token="123456:TEST-TOKEN", bot_username=BOT_USERNAME) as api:
        yield api


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "safemeet.sqlite3"


@pytest.fixture
def settings(telegram: FakeTelegramAPI, nominatim: FakeNominatim, db_path: Path) -> Settings:
    return Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_URL": telegram.root_url,
            "SAFEMEET_DB": str(db_path),
            "NOMINATIM_URL": nominatim.url,
            "OVERPASS_URL": "",  # tests that want live stations use make_app(overpass_url=...)
            "SAFEMEET_GEOCODER_TIMEOUT": "1",
            "SAFEMEET_MAX_SEND_RATE": "0",
        }
    )


@pytest.fixture
def make_app(settings: Settings, clock: Clock[datetime]) -> Callable[..., SafeMeetApp]:
    def make(**overrides: object) -> SafeMeetApp:
        return build_application(replace(settings, **overrides), clock=clock)

    return make


@pytest.fixture
async def app(make_app: Callable[..., SafeMeetApp]) -> AsyncIterator[SafeMeetApp]:
    application = make_app()
    async with running_application(application):
        yield application
