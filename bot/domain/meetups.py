"""Meetup plans: the records, the reminder schedule, and the rules a plan must follow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock, utc_now
from bot.domain.countries import country_at
from bot.domain.geo import Point
from bot.domain.localtime import timezone_at
from bot.domain.when import WhenError, check_window
from bot.domain.zones import Zone

CHECKIN_AFTER = timedelta(minutes=30)
CHECKIN_GRACE = timedelta(hours=12)
MAX_UPCOMING = 10
MAX_NOTE_CHARS = 200
RETENTION = timedelta(days=7)


class MeetupStatus(StrEnum):
    """A meetup is planned until the user cancels it."""

    PLANNED = "planned"
    CANCELLED = "cancelled"


class ReminderKind(StrEnum):
    """A reminder before the meetup, or the check-in after it."""

    BEFORE = "before"
    CHECKIN = "checkin"


class ReminderState(StrEnum):
    """Life of a reminder; only PENDING ones are scheduled."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    MISSED = "missed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Meetup:
    """A planned meetup at a zone (a copy of the zone's name and position is kept)."""

    id: int
    user_id: int
    chat_id: int
    zone_id: str
    zone_name: str
    zone_address: str
    lat: float
    lon: float
    country: str
    timezone: str
    starts_at: datetime
    note: str
    language: str
    status: MeetupStatus
    created_at: datetime

    @property
    def point(self) -> Point:
        """Where the meetup is."""
        return Point(self.lat, self.lon)

    @property
    def tz(self) -> ZoneInfo:
        """The meetup place's timezone: it decides every local time shown."""
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        """Start time on the meetup place's clock."""
        return self.starts_at.astimezone(self.tz)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One scheduled message about a meetup."""

    id: int
    meetup_id: int
    kind: ReminderKind
    offset: timedelta
    due_at: datetime
    state: ReminderState


class PlanProblem(StrEnum):
    """Why a meetup cannot be planned or changed."""

    TOO_MANY = "too_many"
    PAST = "past"
    TOO_FAR = "too_far"
    NOT_FOUND = "not_found"


class PlanError(Exception):
    """A plan or change that breaks a rule."""

    def __init__(self, problem: PlanProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class MeetupStore(Protocol):
    """What the planner needs from storage (storage.meetups.MeetupRepository)."""

    async def count_upcoming(self, user_id: int, now: datetime) -> int: ...
    async def create(self, meetup: Meetup, reminders: Sequence[Reminder]) -> Meetup: ...
    async def get(self, meetup_id: int) -> Meetup | None: ...
    async def upcoming(self, user_id: int, now: datetime) -> list[Meetup]: ...
    async def reminders_of(self, meetup_id: int) -> list[Reminder]: ...
    async def cancel(self, meetup_id: int) -> list[int]: ...
    async def reschedule(
        self, meetup_id: int, starts_at: datetime, reminders: Sequence[Reminder]
    ) -> list[int]: ...


def reminder_plan(starts_at: datetime, now: datetime, leads: Sequence[timedelta]) -> list[Reminder]:
    """Reminders for a meetup (ids 0 until stored): one per lead, then the check-in.

    A lead already past when the meetup is planned is recorded as skipped, never sent late.
    """
    reminders = [
        Reminder(
            0,
            0,
            ReminderKind.BEFORE,
            lead,
            starts_at - lead,
            ReminderState.PENDING if starts_at - lead > now else ReminderState.SKIPPED,
        )
        for lead in sorted(leads, reverse=True)
    ]
    reminders.append(
        Reminder(
            0,
            0,
            ReminderKind.CHECKIN,
            -CHECKIN_AFTER,
            starts_at + CHECKIN_AFTER,
            ReminderState.PENDING,
        )
    )
    return reminders


def _checked_time(starts_at: datetime, now: datetime) -> None:
    try:
        check_window(starts_at, now)
    except WhenError as exc:
        raise PlanError(PlanProblem(exc.problem.value)) from exc


class MeetupPlanner:
    """Plans, lists, cancels and moves meetups, enforcing ownership and limits."""

    def __init__(
        self,
        store: MeetupStore,
        leads: Sequence[timedelta],
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._leads = tuple(leads)
        self._clock = clock

    @property
    def leads(self) -> tuple[timedelta, ...]:
        """How long before a meetup reminders come."""
        return self._leads

    def now(self) -> datetime:
        """The planner's clock."""
        return self._clock()

    async def plan(
        self,
        *,
        user_id: int,
        chat_id: int,
        zone: Zone,
        starts_at: datetime,
        note: str,
        language: str,
    ) -> tuple[Meetup, list[Reminder]]:
        """Record a meetup and its reminders; raises PlanError when a rule is broken."""
        now = self._clock()
        _checked_time(starts_at, now)
        if await self._store.count_upcoming(user_id, now) >= MAX_UPCOMING:
            raise PlanError(PlanProblem.TOO_MANY)
        draft = Meetup(
            id=0,
            user_id=user_id,
            chat_id=chat_id,
            zone_id=zone.id,
            zone_name=zone.name_in(language),
            zone_address=zone.full_address,
            lat=zone.lat,
            lon=zone.lon,
            country=zone.country or country_at(zone.lat, zone.lon),
            timezone=timezone_at(zone.point).key,
            starts_at=starts_at.astimezone(UTC),
            note=" ".join(note.split())[:MAX_NOTE_CHARS],
            language=language,
            status=MeetupStatus.PLANNED,
            created_at=now,
        )
        meetup = await self._store.create(draft, reminder_plan(draft.starts_at, now, self._leads))
        return meetup, await self._store.reminders_of(meetup.id)

    async def owned(self, user_id: int, meetup_id: int, *, cancelled_too: bool = False) -> Meetup:
        """The user's own planned meetup; anyone else's, or a stale id, is NOT_FOUND.

        ``cancelled_too``: a cancelled one counts as well (a check-in answered afterwards).
        """
        meetup = await self._store.get(meetup_id)
        if meetup is None or meetup.user_id != user_id:
            raise PlanError(PlanProblem.NOT_FOUND)
        if meetup.status != MeetupStatus.PLANNED and not cancelled_too:
            raise PlanError(PlanProblem.NOT_FOUND)
        return meetup

    async def upcoming(self, user_id: int) -> list[Meetup]:
        """The user's planned meetups that have not started, soonest first."""
        return await self._store.upcoming(user_id, self._clock())

    async def cancel(self, user_id: int, meetup_id: int) -> tuple[Meetup, list[int]]:
        """Cancel the user's meetup; returns it and the ids of reminders to unschedule."""
        meetup = await self.owned(user_id, meetup_id)
        cancelled = await self._store.cancel(meetup.id)
        return replace(meetup, status=MeetupStatus.CANCELLED), cancelled

    async def reschedule(
        self, user_id: int, meetup_id: int, starts_at: datetime
    ) -> tuple[Meetup, list[Reminder], list[int]]:
        """Move the user's meetup: new reminders replace the pending ones.

        Returns the moved meetup, its reminders, and the ids of reminders to unschedule.
        """
        meetup = await self.owned(user_id, meetup_id)
        now = self._clock()
        _checked_time(starts_at, now)
        plan = reminder_plan(starts_at.astimezone(UTC), now, self._leads)
        dropped = await self._store.reschedule(meetup.id, starts_at.astimezone(UTC), plan)
        moved = await self.owned(user_id, meetup_id)
        return moved, await self._store.reminders_of(meetup.id), dropped
