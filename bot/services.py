"""The bot's resources and domain services, opened together and closed together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.config import Settings
from bot.finder import SafeZoneFinder
from bot.geocoding import PlaceGeocoder
from bot.i18n import Catalogs, Translator, resolve_language
from bot.postal import PostalDirectory
from bot.zones import bundled_zones
from storage.db import open_database
from storage.geocache import GeocodeCache
from storage.users import UserRepository
from storage.zones import ZoneRepository

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything handlers need, with no Telegram types."""

    settings: Settings
    db: aiosqlite.Connection
    zones: ZoneRepository
    users: UserRepository
    geocoder: PlaceGeocoder
    postal: PostalDirectory
    finder: SafeZoneFinder
    catalogs: Catalogs

    async def translator(self, user_id: int | None, language_code: str | None) -> Translator:
        """The user's language: stored choice, else Telegram's language_code, else English."""
        stored = await self.users.language(user_id) if user_id is not None else None
        return self.catalogs.get(resolve_language(stored, language_code))

    async def close(self) -> None:
        """Close the geocoder's HTTP session and the database."""
        await self.geocoder.close()
        await self.db.close()


async def open_services(
    settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Services:
    """Open the database (migrating it), load the bundled zones, start the geocoder."""
    db = await open_database(settings.db_path)
    zones = ZoneRepository(db)
    await zones.upsert_many(bundled_zones())
    geocoder = PlaceGeocoder(
        settings.nominatim_url, GeocodeCache(db), timeout=settings.geocoder_timeout
    )
    await geocoder.start()
    postal = PostalDirectory()
    finder = SafeZoneFinder(
        zones,
        postal,
        geocoder,
        results=settings.results,
        nearby_km=settings.nearby_km,
        clock=clock,
    )
    log.info("database %s ready with %d zones", settings.db_path, await zones.count())
    return Services(settings, db, zones, UserRepository(db), geocoder, postal, finder, Catalogs())
