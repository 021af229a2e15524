"""ZoneRepository.load_bundled: a shipped data file's zones, replaced as a whole, by checksum."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.geo import Box
from bot.domain.zones import Zone, ZoneKind
from storage.db import open_database
from storage.zones import ZoneRepository

PREFIX = "us-hifld-"
WORLD = [Box(-90, 90, -180, 180)]


@pytest.fixture
async def repo(tmp_path):
    db = await open_database(tmp_path / "zones.sqlite3")
    yield ZoneRepository(db)
    await db.close()


def station(number: int, lat: float = 40.0) -> Zone:
    return Zone(
        id=f"{PREFIX}{number}",
        name=f"Station {number}",
        kind=ZoneKind.POLICE_STATION,
        lat=lat,
        lon=-75.0 + number / 100,
        city="Town",
        region="PA",
        country="US",
    )


async def test_nothing_is_loaded_at_first(repo):
    assert await repo.bundled_checksum("stations") is None


async def test_a_load_adds_the_zones_indexed_and_notes_the_checksum(repo):
    zones = [station(n) for n in range(1_500)]  # enough for the bulk R*Tree path
    assert await repo.load_bundled("stations", "v1", PREFIX, zones) == (1_500, 0, 0)
    assert await repo.bundled_checksum("stations") == "v1"
    assert await repo.count() == 1_500
    assert len(await repo.rough_positions_in_boxes(WORLD)) == 1_500


async def test_a_new_version_adds_updates_and_removes_only_its_own_zones(repo):
    curated = replace(station(0), id="us-ct-curated", kind=ZoneKind.EXCHANGE_ZONE)
    await repo.upsert_many([curated])
    await repo.load_bundled("stations", "v1", PREFIX, [station(1), station(2), station(3)])
    moved = station(2, lat=41.0)
    counts = await repo.load_bundled("stations", "v2", PREFIX, [station(1), moved, station(4)])
    assert counts == (1, 1, 1)  # 4 added, 2 moved, 3 gone
    assert await repo.bundled_checksum("stations") == "v2"
    assert {zone.id for zone in await repo.all()} == {
        "us-ct-curated",
        f"{PREFIX}1",
        f"{PREFIX}2",
        f"{PREFIX}4",
    }
    assert await repo.get(f"{PREFIX}2") == moved
    assert len(await repo.rough_positions_in_boxes(WORLD)) == 4


async def test_a_hidden_station_stays_hidden_through_a_reload(repo):
    await repo.load_bundled("stations", "v1", PREFIX, [station(1)])
    await repo.hide(f"{PREFIX}1")
    renamed = replace(station(1), name="Renamed")
    await repo.load_bundled("stations", "v2", PREFIX, [renamed])
    assert await repo.is_hidden(f"{PREFIX}1")
    assert await repo.rough_positions_in_boxes(WORLD) == []
