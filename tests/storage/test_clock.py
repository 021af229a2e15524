"""Repositories read the time from the clock they are given: expiry and stamps, no sleeping."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.caches import CachedPlace
from bot.domain.meetups import Meetup, MeetupStatus, Reminder, ReminderKind, ReminderState
from storage.db import open_database
from storage.geocache import GeocodeCache
from storage.meetups import MeetupRepository
from storage.searches import LAST_SEARCH_TTL_S, LastSearchRepository
from storage.timestamps import from_optional_seconds, from_seconds, to_seconds, utc_now
from storage.users import UserRepository

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(seconds=LAST_SEARCH_TTL_S)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path):
    connection = await open_database(tmp_path / "clock.sqlite3")
    yield connection
    await connection.close()


async def test_last_search_expires_by_the_clock(db, clock):
    searches = LastSearchRepository(db, clock)
    await searches.remember(7, ["a", "b"])
    clock.now = START + TTL - timedelta(seconds=1)
    assert await searches.recall(7) == ["a", "b"]
    clock.now = START + TTL + timedelta(seconds=1)
    assert await searches.recall(7) == []


async def test_last_search_purge_keeps_what_is_fresh(db, clock):
    searches = LastSearchRepository(db, clock)
    await searches.remember(1, ["old"])
    clock.now = START + timedelta(hours=12)
    await searches.remember(2, ["new"])
    clock.now = START + TTL + timedelta(hours=1)
    await searches.purge()
    rows = await db.execute_fetchall("SELECT user_id FROM last_searches")
    assert [row[0] for row in rows] == [2]


async def test_geocache_ttl_follows_the_clock(db, clock):
    cache = GeocodeCache(db, clock)
    await cache.put("hit", CachedPlace(True, 1.0, 2.0, "Hit"))
    await cache.put("miss", CachedPlace(False))
    clock.now = START + timedelta(hours=2)
    assert await cache.get("hit", max_age_s=3 * 3600, miss_max_age_s=3600) is not None
    assert await cache.get("miss", max_age_s=3 * 3600, miss_max_age_s=3600) is None
    clock.now = START + timedelta(hours=4)
    assert await cache.get("hit", max_age_s=3 * 3600, miss_max_age_s=3600) is None


async def test_users_are_stamped_by_the_clock(db, clock):
    await UserRepository(db, clock=clock).set_language(7, "fr")
    rows = await db.execute_fetchall("SELECT updated_at FROM users WHERE user_id = 7")
    assert from_seconds(rows[0][0]) == START


async def test_reminder_changes_are_stamped_by_the_clock(db, clock):
    meetups = MeetupRepository(db, clock)
    meetup = Meetup(
        0, 7, 7, "z1", "Station", "1 Main St", 41.18, -73.19, "US", "UTC",
        START + timedelta(days=1), "", "en", MeetupStatus.PLANNED, START,
    )  # fmt: skip
    due = START + timedelta(hours=23)
    reminder = Reminder(0, 0, ReminderKind.BEFORE, timedelta(hours=1), due, ReminderState.PENDING)
    stored = await meetups.create(meetup, [reminder])
    assert await _updated_at(db) == START
    [pending] = await meetups.reminders_of(stored.id)
    clock.now = due
    assert await meetups.claim(pending.id)
    assert await _updated_at(db) == due
    clock.now = due + timedelta(seconds=5)
    await meetups.settle(pending.id, ReminderState.SENT)
    assert await _updated_at(db) == due + timedelta(seconds=5)


async def _updated_at(db) -> datetime:
    """When the one stored reminder last changed."""
    rows = await db.execute_fetchall("SELECT updated_at FROM reminders")
    return from_seconds(rows[0][0])


def test_timestamps_round_trip_in_utc():
    moment = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)
    assert from_seconds(to_seconds(moment)) == moment
    assert from_seconds(0).tzinfo is UTC
    assert from_optional_seconds(None) is None
    assert utc_now().tzinfo is UTC
