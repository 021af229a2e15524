"""Importing a zones CSV: validation report, idempotent upsert, one transaction."""

from __future__ import annotations

import pytest

from bot.importer import import_zones_csv, parse_zones_csv
from bot.zones import ZoneDataError, bundled_zones_text
from storage.db import open_database
from storage.zones import ZoneRepository

HEADER = bundled_zones_text().splitlines()[0]


def _row(zone_id: str, lat: str = "41.1", lon: str = "-73.1", name: str = "Station") -> str:
    return f"{zone_id},{name},police_station,1 Main St,Town,CT,US,06604,{lat},{lon},24/7,,,,,,test,"


@pytest.fixture
async def repo(tmp_path):
    db = await open_database(tmp_path / "import.sqlite3")
    yield ZoneRepository(db)
    await db.close()


def test_bad_rows_are_reported_with_their_line_and_reason():
    text = "\n".join(
        [HEADER, _row("a-1"), _row("a-2", lat="95"), _row("a-1"), _row("a-3", name=""), ""]
    )
    zones, report = parse_zones_csv(text)
    assert [zone.id for zone in zones] == ["a-1"]
    assert report.read == 4
    reasons = {r.line: r.reason for r in report.rejected}
    assert "bad coordinates" in reasons[3]
    assert "duplicate id a-1" in reasons[4]
    assert "missing name" in reasons[5]


def test_a_file_without_the_schema_is_refused_whole():
    with pytest.raises(ZoneDataError, match="missing columns"):
        parse_zones_csv("id,name\na,b\n")


async def test_import_then_reimport_changes_nothing(repo):
    text = "\n".join([HEADER, _row("a-1"), _row("a-2"), ""])
    first = await import_zones_csv(repo, text)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = await import_zones_csv(repo, text)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    moved = await import_zones_csv(repo, "\n".join([HEADER, _row("a-1", lat="41.2"), ""]))
    assert (moved.added, moved.updated, moved.unchanged) == (0, 1, 0)
    stored = await repo.get("a-1")
    assert stored is not None
    assert stored.lat == pytest.approx(41.2)


async def test_dry_run_writes_nothing(repo):
    report = await import_zones_csv(repo, "\n".join([HEADER, _row("a-1"), ""]), dry_run=True)
    assert report.read == 1
    assert await repo.count() == 0
