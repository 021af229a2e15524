"""The bot's resources and domain services, opened together and closed together."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import aiosqlite

from bot.config import Settings
from bot.domain.clock import Clock, utc_now
from bot.domain.community import CommunityDesk
from bot.domain.faults import StorageFault
from bot.domain.flood import FloodGate
from bot.domain.meetups import Meetup, MeetupPlanner, Reminder
from bot.domain.search import start_radius_for
from bot.domain.zones import Zone, bundled_zones, bundled_zones_text
from bot.i18n import Catalogs, Translator, resolve_language
from bot.sources.bundled_stations import (
    DATA_NAME,
    bundled_stations_bytes,
    checksum,
    read_stations,
    without_curated_places,
)
from bot.sources.geocoding import PlaceGeocoder
from bot.sources.hifld import ID_PREFIX
from bot.sources.live_zones import LiveZones
from bot.sources.overpass import OverpassClient
from bot.sources.postal import PostalDirectory
from bot.usecases.account import Accounts
from bot.usecases.finder import SafeZoneFinder
from bot.usecases.reminders import Outbox, ReminderService, Scheduler, SendFailed
from storage.community import ReportRepository, SuggestionRepository
from storage.db import open_database, write_transaction
from storage.errors import classify
from storage.geocache import GeocodeCache
from storage.meetups import MeetupRepository
from storage.osm_cache import OsmStationCache
from storage.searches import LastSearchRepository
from storage.users import UserRepository
from storage.zones import ZoneRepository, open_search_connection

log = logging.getLogger(__name__)


class NoScheduler:
    """Scheduler for the terminal mode, where no reminder is ever due."""

    def schedule(self, reminder_id: int, delay: timedelta) -> None:
        """Ignore."""

    def unschedule(self, reminder_id: int) -> None:
        """Ignore."""


class NoOutbox:
    """Outbox for the terminal mode: there is no Telegram to send to."""

    async def deliver(self, meetup: Meetup, reminder: Reminder, time_left: timedelta) -> None:
        """Refuse."""
        raise SendFailed("no Telegram connection in local mode")


@dataclass
class Services:
    """Everything handlers need, with no Telegram types."""

    settings: Settings
    db: aiosqlite.Connection
    zones: ZoneRepository
    users: UserRepository
    searches: LastSearchRepository
    meetups: MeetupRepository
    geocoder: PlaceGeocoder
    postal: PostalDirectory
    finder: SafeZoneFinder
    planner: MeetupPlanner
    reminders: ReminderService
    catalogs: Catalogs
    community: CommunityDesk
    flood: FloodGate
    accounts: Accounts
    live: LiveZones | None = None

    async def translator(self, user_id: int | None, language_code: str | None) -> Translator:
        """The user's language: stored choice, else Telegram's language_code, else English."""
        stored = await self.users.language(user_id) if user_id is not None else None
        return self.catalogs.get(resolve_language(stored, language_code))

    @staticmethod
    def storage_fault(error: BaseException | None) -> StorageFault | None:
        """The database fault behind an error (busy, full, ...), None when it is no such fault."""
        return classify(error)

    async def close(self) -> None:
        """Close the geocoder's and Overpass's HTTP sessions and the database connections."""
        await self.geocoder.close()
        if self.live is not None:
            await self.live.close()
        self.zones.close()
        await self.db.close()


async def open_services(
    settings: Settings,
    clock: Clock = utc_now,
    outbox: Outbox | None = None,
    scheduler: Scheduler | None = None,
) -> Services:
    """Open the database (migrating it), load the bundled zones, start the geocoder.

    If any step fails, what was already opened is closed again: an open aiosqlite
    connection runs a non-daemon thread that would otherwise keep the process alive.
    """
    db = await open_database(settings.db_path)
    try:
        return await _build_services(settings, db, clock, outbox, scheduler)
    except BaseException:
        await db.close()
        raise


async def _build_services(
    settings: Settings,
    db: aiosqlite.Connection,
    clock: Clock,
    outbox: Outbox | None,
    scheduler: Scheduler | None,
) -> Services:
    """Wire the repositories and domain services on an open database."""
    zones = ZoneRepository(db, open_search_connection(settings.db_path))
    try:
        return await _build_on_zones(settings, db, zones, clock, outbox, scheduler)
    except BaseException:
        zones.close()
        raise


async def load_bundled_stations(zones: ZoneRepository, curated: Sequence[Zone]) -> bool:
    """Load the shipped US police stations unless this file (with these curated zones) was
    loaded already; True when it was loaded now. A station within 150 m of a curated zone
    is left out: the curated zone is that place's entry."""
    data = bundled_stations_bytes()
    version = checksum(data, bundled_zones_text())
    if await zones.bundled_checksum(DATA_NAME) == version:
        return False
    stations = without_curated_places(list(read_stations(data)), curated)
    added, updated, removed = await zones.load_bundled(DATA_NAME, version, ID_PREFIX, stations)
    log.info(
        "bundled US police stations loaded: %d added, %d updated, %d removed",
        added,
        updated,
        removed,
    )
    return True


async def _build_on_zones(
    settings: Settings,
    db: aiosqlite.Connection,
    zones: ZoneRepository,
    clock: Clock,
    outbox: Outbox | None,
    scheduler: Scheduler | None,
) -> Services:
    """Wire the rest on the zone repository."""
    # Not wired yet: load_bundled_stations (the HIFLD US stations) ranks campus, transit and
    # conservation police above designated zones and offers US stations across the Canadian
    # border; the ranking and a same-country rule come first (see bot/data/README.md).
    await zones.upsert_many(bundled_zones())
    zone_count = await zones.count()
    geocoder = PlaceGeocoder(
        settings.nominatim_url, GeocodeCache(db, clock), timeout=settings.geocoder_timeout
    )
    postal = PostalDirectory()
    live = LiveZones(
        OverpassClient(settings.overpass_url, timeout=settings.overpass_timeout),
        OsmStationCache(db),
        radius_m=settings.nearby_km * 1000.0,
        timeout_s=settings.overpass_timeout,
        clock=lambda: clock().timestamp(),
        closed_zones=zones.hidden_zones,
    )
    searches = LastSearchRepository(db, clock)
    finder = SafeZoneFinder(
        zones,
        postal,
        geocoder,
        live=live,
        searches=searches,
        results=settings.results,
        nearby_km=settings.nearby_km,
        reach_km=settings.reach_km,
        start_radius_m=start_radius_for(zone_count, settings.results),
        clock=clock,
    )
    meetups = MeetupRepository(db, clock)
    catalogs = Catalogs()
    reminders = ReminderService(
        meetups, outbox or NoOutbox(), scheduler or NoScheduler(), clock
    )
    community = CommunityDesk(
        ReportRepository(db),
        SuggestionRepository(db),
        zones,
        zones,  # hides a zone confirmed closed
        settings.admin_ids,
        lookups=(live.station,),  # a live OpenStreetMap station can be reported too
        clock=clock,
    )
    users = UserRepository(db, clock=clock)
    # /forget: meetups first (their reminders), the language last, all in one transaction.
    accounts = Accounts(
        users, meetups, (searches, community), reminders, lambda: write_transaction(db)
    )
    log.info("database %s ready with %d zones", settings.db_path, zone_count)
    await live.start()  # last: nothing after these can fail and leave a session open
    await geocoder.start()
    return Services(
        settings,
        db,
        zones,
        users,
        searches,
        meetups,
        geocoder,
        postal,
        finder,
        MeetupPlanner(meetups, settings.reminder_leads, clock),
        reminders,
        catalogs,
        community=community,
        flood=FloodGate(limit=settings.flood_limit),
        accounts=accounts,
        live=live,
    )
