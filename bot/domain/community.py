"""Community reports and suggestions: the rules, their life, and what an admin's decision does.

A user reports a problem with a zone (closed, moved, ...) or suggests a new one; both wait,
pending, until an admin decides. An approved suggestion becomes a zone; a confirmed "closed"
report hides its zone from every search. Each user may file a few of each a day.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.clock import Clock, utc_now
from bot.domain.geo import InvalidCoordinates, Point
from bot.domain.zones import Zone, ZoneKind

REPORTS_PER_DAY = 5
SUGGESTIONS_PER_DAY = 5
LIMIT_WINDOW = timedelta(days=1)
MAX_NOTE_CHARS = 200
MIN_NAME_CHARS = 3
MAX_NAME_CHARS = 80
MAX_ZONE_ID_CHARS = 48
REVIEW_PAGE = 10
# Kept with the user's id until this long after an admin's decision (or, if nobody decides,
# after PENDING_RETENTION), then deleted by the hourly purge; /forget deletes them at once.
RETENTION = timedelta(days=30)
PENDING_RETENTION = timedelta(days=90)
COMMUNITY_SOURCE = "community"
COMMUNITY_ZONE_PREFIX = "community-"

ZoneLookup = Callable[[str], Awaitable[Zone | None]]


class Reason(StrEnum):
    """What is wrong with a zone, as the reporter says."""

    CLOSED = "closed"
    MOVED = "moved"
    NOT_ZONE = "not_zone"
    UNSAFE = "unsafe"
    OTHER = "other"


class Status(StrEnum):
    """Life of a report or suggestion: pending until an admin decides."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class CommunityProblem(StrEnum):
    """Why a report, suggestion or decision is refused."""

    TOO_MANY_REPORTS = "too_many_reports"
    TOO_MANY_SUGGESTIONS = "too_many_suggestions"
    ALREADY_REPORTED = "already_reported"
    NO_SUCH_ZONE = "no_such_zone"
    NOTE_TOO_LONG = "note_too_long"
    NAME_TOO_SHORT = "name_too_short"
    NAME_TOO_LONG = "name_too_long"
    BAD_LOCATION = "bad_location"
    NOT_ADMIN = "not_admin"
    ALREADY_DECIDED = "already_decided"


class CommunityError(Exception):
    """A report, suggestion or decision that breaks a rule."""

    def __init__(self, problem: CommunityProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Report:
    """A user's report about a zone (zone_name is a copy taken when it was filed)."""

    id: int
    user_id: int
    zone_id: str
    zone_name: str
    reason: Reason
    note: str
    status: Status
    created_at: datetime
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A user's suggestion of a new zone; zone_id is the zone it became, once approved."""

    id: int
    user_id: int
    name: str
    lat: float
    lon: float
    status: Status
    created_at: datetime
    decided_at: datetime | None = None
    zone_id: str = ""


@dataclass(frozen=True, slots=True)
class ReviewQueue:
    """The oldest pending suggestions and reports, and how many are pending in all."""

    suggestions: list[Suggestion]
    reports: list[Report]
    suggestions_pending: int
    reports_pending: int


@dataclass(frozen=True, slots=True)
class ReportDecision:
    """A decided report; ``hidden`` when confirming it hid the zone."""

    report: Report
    hidden: bool


class ReportStore(Protocol):
    """What the desk needs from storage (storage.community.ReportRepository)."""

    async def add(self, report: Report, limit: int, since: datetime) -> Report | None: ...
    async def count_since(self, user_id: int, since: datetime) -> int: ...
    async def has_pending(self, user_id: int, zone_id: str) -> bool: ...
    async def get(self, report_id: int) -> Report | None: ...
    async def pending(self, limit: int) -> list[Report]: ...
    async def count_pending(self) -> int: ...
    async def decide(self, report_id: int, status: Status, at: datetime) -> bool: ...
    async def purge(self, decided_before: datetime, created_before: datetime) -> int: ...
    async def forget(self, user_id: int) -> None: ...


class SuggestionStore(Protocol):
    """What the desk needs from storage (storage.community.SuggestionRepository)."""

    async def add(
        self, suggestion: Suggestion, limit: int, since: datetime
    ) -> Suggestion | None: ...

    async def count_since(self, user_id: int, since: datetime) -> int: ...
    async def get(self, suggestion_id: int) -> Suggestion | None: ...
    async def pending(self, limit: int) -> list[Suggestion]: ...
    async def count_pending(self) -> int: ...
    async def decide(
        self, suggestion_id: int, status: Status, at: datetime, zone_id: str = ""
    ) -> bool: ...
    async def reopen(self, suggestion_id: int) -> None: ...
    async def purge(self, decided_before: datetime, created_before: datetime) -> int: ...
    async def forget(self, user_id: int) -> None: ...


class ZoneBook(Protocol):
    """The zones table (storage.zones.ZoneRepository)."""

    async def get(self, zone_id: str, *, include_hidden: bool = False) -> Zone | None: ...
    async def upsert_many(self, zones: Iterable[Zone]) -> None: ...


class ZoneHider(Protocol):
    """Hides a zone from searches (storage.zones.ZoneRepository)."""

    async def hide(self, zone_id: str) -> bool: ...


def clean_text(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces, ends trimmed."""
    return " ".join(text.split())


def checked_note(text: str) -> str:
    """The optional note of a report, cleaned; raises when it is too long."""
    note = clean_text(text)
    if len(note) > MAX_NOTE_CHARS:
        raise CommunityError(CommunityProblem.NOTE_TOO_LONG)
    return note


def checked_name(text: str) -> str:
    """The name of a suggested zone, cleaned; raises when too short or too long."""
    name = clean_text(text)
    if len(name) < MIN_NAME_CHARS:
        raise CommunityError(CommunityProblem.NAME_TOO_SHORT)
    if len(name) > MAX_NAME_CHARS:
        raise CommunityError(CommunityProblem.NAME_TOO_LONG)
    return name


def checked_point(lat: float, lon: float) -> Point:
    """A suggested position, validated (longitude 180 becomes -180)."""
    try:
        return Point.checked(lat, lon)
    except InvalidCoordinates as exc:
        raise CommunityError(CommunityProblem.BAD_LOCATION) from exc


def zone_from_suggestion(suggestion: Suggestion, zone_id: str, approved_at: datetime) -> Zone:
    """The zone an approved suggestion becomes: a police station, verified on approval."""
    return Zone(
        id=zone_id,
        name=suggestion.name,
        kind=ZoneKind.POLICE_STATION,
        lat=suggestion.lat,
        lon=suggestion.lon,
        source=COMMUNITY_SOURCE,
        verified=approved_at.astimezone(UTC).date().isoformat(),
    )


class CommunityDesk:
    """Takes reports and suggestions within the limits; lets admins decide on them."""

    def __init__(
        self,
        reports: ReportStore,
        suggestions: SuggestionStore,
        zones: ZoneBook,
        hider: ZoneHider,
        admins: Iterable[int],
        *,
        lookups: Sequence[ZoneLookup] = (),
        clock: Clock = utc_now,
    ) -> None:
        self._reports = reports
        self._suggestions = suggestions
        self._zones = zones
        self._hider = hider
        self._admins = frozenset(admins)
        # Where a reported zone id is looked up: the zones table first, then e.g. OSM stations.
        self._lookups: tuple[ZoneLookup, ...] = (zones.get, *lookups)
        self._clock = clock

    def is_admin(self, user_id: int) -> bool:
        """True for the users listed in SAFEMEET_ADMIN_IDS."""
        return user_id in self._admins

    def _check_admin(self, user_id: int) -> None:
        if not self.is_admin(user_id):
            raise CommunityError(CommunityProblem.NOT_ADMIN)

    def _since(self) -> datetime:
        return self._clock() - LIMIT_WINDOW

    async def zone(self, zone_id: str) -> Zone:
        """The zone (or live OSM station) a button names; raises NO_SUCH_ZONE."""
        if not zone_id or len(zone_id) > MAX_ZONE_ID_CHARS:
            raise CommunityError(CommunityProblem.NO_SUCH_ZONE)
        for lookup in self._lookups:
            if (zone := await lookup(zone_id)) is not None:
                return zone
        raise CommunityError(CommunityProblem.NO_SUCH_ZONE)

    async def start_report(self, user_id: int, zone_id: str) -> Zone:
        """The zone the user wants to report, if they may report it now."""
        zone = await self.zone(zone_id)
        if await self._reports.count_since(user_id, self._since()) >= REPORTS_PER_DAY:
            raise CommunityError(CommunityProblem.TOO_MANY_REPORTS)
        if await self._reports.has_pending(user_id, zone.id):
            raise CommunityError(CommunityProblem.ALREADY_REPORTED)
        return zone

    async def report(self, user_id: int, zone_id: str, reason: Reason, note: str = "") -> Report:
        """File a report about a zone; raises CommunityError when a rule is broken."""
        zone = await self.start_report(user_id, zone_id)
        draft = Report(
            id=0,
            user_id=user_id,
            zone_id=zone.id,
            zone_name=zone.name,
            reason=reason,
            note=checked_note(note),
            status=Status.PENDING,
            created_at=self._clock(),
        )
        stored = await self._reports.add(draft, REPORTS_PER_DAY, self._since())
        if stored is None:  # the limit was reached in the meantime
            raise CommunityError(CommunityProblem.TOO_MANY_REPORTS)
        return stored

    async def start_suggestion(self, user_id: int) -> None:
        """Raise TOO_MANY_SUGGESTIONS when the user may not suggest a zone now."""
        if await self._suggestions.count_since(user_id, self._since()) >= SUGGESTIONS_PER_DAY:
            raise CommunityError(CommunityProblem.TOO_MANY_SUGGESTIONS)

    async def suggest(self, user_id: int, name: str, lat: float, lon: float) -> Suggestion:
        """Record a suggested zone, pending review; raises CommunityError when a rule is broken."""
        point = checked_point(lat, lon)
        draft = Suggestion(
            id=0,
            user_id=user_id,
            name=checked_name(name),
            lat=point.lat,
            lon=point.lon,
            status=Status.PENDING,
            created_at=self._clock(),
        )
        stored = await self._suggestions.add(draft, SUGGESTIONS_PER_DAY, self._since())
        if stored is None:
            raise CommunityError(CommunityProblem.TOO_MANY_SUGGESTIONS)
        return stored

    async def queue(self, admin_id: int, limit: int = REVIEW_PAGE) -> ReviewQueue:
        """The oldest pending items, at most ``limit`` in all, suggestions first (admins only)."""
        self._check_admin(admin_id)
        suggestions = await self._suggestions.pending(limit)
        reports = await self._reports.pending(limit - len(suggestions))
        return ReviewQueue(
            suggestions,
            reports,
            await self._suggestions.count_pending(),
            await self._reports.count_pending(),
        )

    async def _pending_suggestion(self, admin_id: int, suggestion_id: int) -> Suggestion:
        self._check_admin(admin_id)
        suggestion = await self._suggestions.get(suggestion_id)
        if suggestion is None or suggestion.status is not Status.PENDING:
            raise CommunityError(CommunityProblem.ALREADY_DECIDED)
        return suggestion

    async def _free_zone_id(self, suggestion: Suggestion) -> str:
        base = f"{COMMUNITY_ZONE_PREFIX}{suggestion.id}"
        zone_id, attempt = base, 1
        while (
            await self._zones.get(zone_id, include_hidden=True) is not None
        ):  # an imported file used the id
            attempt += 1
            zone_id = f"{base}-{attempt}"
        return zone_id

    async def approve_suggestion(self, admin_id: int, suggestion_id: int) -> Zone:
        """Turn a pending suggestion into a zone; returns the new zone."""
        suggestion = await self._pending_suggestion(admin_id, suggestion_id)
        now = self._clock()
        zone = zone_from_suggestion(suggestion, await self._free_zone_id(suggestion), now)
        # Claim first, so two admins pressing at once cannot create two zones.
        if not await self._suggestions.decide(suggestion.id, Status.APPROVED, now, zone.id):
            raise CommunityError(CommunityProblem.ALREADY_DECIDED)
        try:
            await self._zones.upsert_many([zone])
        except BaseException:
            await self._suggestions.reopen(suggestion.id)
            raise
        return zone

    async def reject_suggestion(self, admin_id: int, suggestion_id: int) -> Suggestion:
        """Reject a pending suggestion."""
        suggestion = await self._pending_suggestion(admin_id, suggestion_id)
        now = self._clock()
        if not await self._suggestions.decide(suggestion.id, Status.REJECTED, now):
            raise CommunityError(CommunityProblem.ALREADY_DECIDED)
        return replace(suggestion, status=Status.REJECTED, decided_at=now)

    async def _decide_report(self, admin_id: int, report_id: int, status: Status) -> Report:
        self._check_admin(admin_id)
        report = await self._reports.get(report_id)
        if report is None or report.status is not Status.PENDING:
            raise CommunityError(CommunityProblem.ALREADY_DECIDED)
        now = self._clock()
        if not await self._reports.decide(report.id, status, now):
            raise CommunityError(CommunityProblem.ALREADY_DECIDED)
        return replace(report, status=status, decided_at=now)

    async def confirm_report(self, admin_id: int, report_id: int) -> ReportDecision:
        """Confirm a report; a confirmed "closed" report hides its zone from searches.

        A live OpenStreetMap station has no row to hide: ``hidden`` is then False, and the
        fix belongs in OpenStreetMap itself.
        """
        report = await self._decide_report(admin_id, report_id, Status.APPROVED)
        hidden = report.reason is Reason.CLOSED and await self._hider.hide(report.zone_id)
        return ReportDecision(report, hidden)

    async def dismiss_report(self, admin_id: int, report_id: int) -> Report:
        """Reject a report: nothing changes."""
        return await self._decide_report(admin_id, report_id, Status.REJECTED)

    async def purge(self) -> int:
        """Delete items decided more than RETENTION ago, or pending for PENDING_RETENTION."""
        now = self._clock()
        decided, stale = now - RETENTION, now - PENDING_RETENTION
        return await self._reports.purge(decided, stale) + await self._suggestions.purge(
            decided, stale
        )

    async def forget(self, user_id: int) -> None:
        """Delete every report and suggestion of the user (zones already approved stay)."""
        await self._reports.forget(user_id)
        await self._suggestions.forget(user_id)
