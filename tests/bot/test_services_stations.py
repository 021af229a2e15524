"""Loading the bundled US police stations: once, and again only when they change."""

from __future__ import annotations

import pytest

from bot import services as services_module
from bot.config import Settings
from bot.domain.zones import bundled_zones
from bot.services import load_bundled_stations, open_services
from bot.sources.bundled_stations import DATA_NAME


def _settings(tmp_path) -> Settings:
    return Settings.from_env(
        {"SAFEMEET_DB": str(tmp_path / "s.sqlite3"), "NOMINATIM_URL": "", "OVERPASS_URL": ""}
    )


@pytest.fixture
async def services(tmp_path):
    opened = await open_services(_settings(tmp_path))
    yield opened
    await opened.close()


async def test_the_first_load_adds_the_stations_and_the_next_skips_them(services):
    assert await load_bundled_stations(services.zones, bundled_zones()) is True
    count = await services.zones.count()
    assert count > 23_000
    assert await services.zones.bundled_checksum(DATA_NAME)
    assert await services.zones.get("us-hifld-10833889") is None  # the curated Bridgeport
    assert await services.zones.get("us-hifld-10841515") is not None  # Beverly Hills, CA
    assert await services.zones.get("us-ct-bridgeport-police-hq") is not None
    assert await load_bundled_stations(services.zones, bundled_zones()) is False
    assert await services.zones.count() == count


async def test_an_unchanged_file_is_not_written_again(services, monkeypatch):
    await load_bundled_stations(services.zones, bundled_zones())

    async def must_not_load(*args: object) -> None:
        raise AssertionError("the unchanged stations were loaded again")

    monkeypatch.setattr(services.zones, "load_bundled", must_not_load)
    assert await load_bundled_stations(services.zones, bundled_zones()) is False


async def test_changed_curated_zones_load_the_stations_again(services, monkeypatch):
    await load_bundled_stations(services.zones, bundled_zones())
    monkeypatch.setattr(services_module, "bundled_zones_text", lambda: "changed")
    assert await load_bundled_stations(services.zones, bundled_zones()) is True
