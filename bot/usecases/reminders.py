"""Reminders: scheduling what the database says, sending each one exactly once, rehydrating.

SQLite is the source of truth; the scheduler (PTB's JobQueue in production) only holds a
timer for each pending reminder due within the next ``horizon`` (an hour), and ``refresh``
(run at start-up and then every quarter of the horizon) times the ones that come into it.
So start-up and memory stay small however many reminders are planned weeks ahead.

A reminder is claimed (pending -> sending) before it is sent and settled (-> sent) right
after, so a second timer or a restart can never send it twice. The only window left is a
crash between the send and the settle: such a reminder counts as sent on the next start
(at most once).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.clock import Clock, utc_now
from bot.domain.meetups import (
    CHECKIN_GRACE,
    RETENTION,
    Meetup,
    Reminder,
    ReminderKind,
    ReminderState,
)

log = logging.getLogger(__name__)
RETRY_DELAY = timedelta(seconds=60)
HORIZON = timedelta(hours=1)


class RecipientGone(Exception):
    """The user blocked the bot or the chat no longer exists: stop writing to them."""


class SendFailed(Exception):
    """Telegram could not take the message now (network, 5xx): worth another try."""


class Outbox(Protocol):
    """Delivers a due reminder to its meetup's chat (bot.ptb.outbox.TelegramOutbox), in the
    meetup's language; raises RecipientGone or SendFailed."""

    async def deliver(self, meetup: Meetup, reminder: Reminder, time_left: timedelta) -> None: ...


class ReminderStore(Protocol):
    """The reminders' source of truth (storage.meetups.MeetupRepository)."""

    async def reminder(self, reminder_id: int) -> tuple[Reminder, Meetup] | None: ...
    async def pending_due_by(self, until: datetime) -> list[tuple[int, datetime]]: ...
    async def count_pending(self) -> int: ...
    async def recover_interrupted(self) -> list[int]: ...
    async def claim(self, reminder_id: int) -> bool: ...
    async def settle(self, reminder_id: int, state: ReminderState) -> None: ...
    async def postpone(self, reminder_id: int, due_at: datetime) -> None: ...
    async def cancel_user_reminders(self, user_id: int) -> list[int]: ...
    async def purge_started_before(self, cutoff: datetime) -> list[int]: ...


class Scheduler(Protocol):
    """Holds one timer per pending reminder (handlers.scheduler.JobQueueScheduler)."""

    def schedule(self, reminder_id: int, delay: timedelta) -> None: ...
    def unschedule(self, reminder_id: int) -> None: ...


@dataclass(frozen=True, slots=True)
class Rehydration:
    """What start-up found in the database."""

    scheduled: int
    interrupted: int
    pending: int


class ReminderService:
    """Fires reminders and keeps the scheduler in step with the database."""

    def __init__(
        self,
        store: ReminderStore,
        outbox: Outbox,
        scheduler: Scheduler,
        clock: Clock = utc_now,
        horizon: timedelta = HORIZON,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._scheduler = scheduler
        self._clock = clock
        self.horizon = horizon
        self._timed: set[int] = set()

    def _time(self, reminder_id: int, delay: timedelta) -> None:
        self._scheduler.schedule(reminder_id, max(delay, timedelta()))
        self._timed.add(reminder_id)

    def schedule(self, reminders: Iterable[Reminder]) -> None:
        """Time the pending reminders due within the horizon (due ones fire at once).

        Later ones are left to ``refresh``, which times them once they come within it.
        """
        now = self._clock()
        for reminder in reminders:
            if reminder.state is ReminderState.PENDING and reminder.due_at <= now + self.horizon:
                self._time(reminder.id, reminder.due_at - now)

    def unschedule(self, reminder_ids: Iterable[int]) -> None:
        """Stop the timers of reminders that were cancelled or deleted."""
        for reminder_id in reminder_ids:
            self._scheduler.unschedule(reminder_id)
            self._timed.discard(reminder_id)

    async def refresh(self) -> int:
        """Time every pending reminder due within the horizon that has no timer yet."""
        now = self._clock()
        added = 0
        for reminder_id, due_at in await self._store.pending_due_by(now + self.horizon):
            if reminder_id not in self._timed:
                self._time(reminder_id, due_at - now)
                added += 1
        return added

    async def rehydrate(self) -> Rehydration:
        """At start-up: settle interrupted sends, then time what is due within the horizon."""
        interrupted = await self._store.recover_interrupted()
        if interrupted:
            log.warning(
                "%d reminder(s) were interrupted mid-send; counted as sent", len(interrupted)
            )
        scheduled = await self.refresh()
        return Rehydration(scheduled, len(interrupted), await self._store.count_pending())

    def _too_late(self, reminder: Reminder, meetup: Meetup, now: datetime) -> bool:
        if reminder.kind is ReminderKind.BEFORE:
            return now >= meetup.starts_at
        return now >= reminder.due_at + CHECKIN_GRACE

    async def fire(self, reminder_id: int) -> ReminderState | None:
        """Send a due reminder if it is still pending and still useful; returns its new state."""
        self._timed.discard(reminder_id)  # its timer has run out
        found = await self._store.reminder(reminder_id)
        if found is None:
            return None
        reminder, meetup = found
        if reminder.state is not ReminderState.PENDING:
            return reminder.state
        now = self._clock()
        if self._too_late(reminder, meetup, now):
            await self._store.settle(reminder.id, ReminderState.MISSED)
            log.info("reminder %d missed: its meetup already started", reminder.id)
            return ReminderState.MISSED
        if not await self._store.claim(reminder.id):
            return None
        try:
            await self._outbox.deliver(meetup, reminder, meetup.starts_at - now)
        except RecipientGone:
            await self._store.settle(reminder.id, ReminderState.CANCELLED)
            await self.recipient_gone(meetup.user_id)
            log.info(
                "reminder %d: user blocked the bot; their reminders are cancelled", reminder.id
            )
            return ReminderState.CANCELLED
        except SendFailed as exc:
            retry_at = now + RETRY_DELAY
            if self._too_late(reminder, meetup, retry_at):
                await self._store.settle(reminder.id, ReminderState.MISSED)
                return ReminderState.MISSED
            await self._store.postpone(reminder.id, retry_at)
            self._time(reminder.id, RETRY_DELAY)
            log.warning("reminder %d not sent (%s); retrying in %s", reminder.id, exc, RETRY_DELAY)
            return ReminderState.PENDING
        await self._store.settle(reminder.id, ReminderState.SENT)
        return ReminderState.SENT

    async def recipient_gone(self, user_id: int) -> int:
        """The user blocked the bot (or their chat is gone): cancel their pending reminders.

        This is what "inactive" means: nothing more is sent to them; their other data
        expires as usual. Returns how many reminders were cancelled.
        """
        cancelled = await self._store.cancel_user_reminders(user_id)
        self.unschedule(cancelled)
        return len(cancelled)

    async def purge_old(self) -> int:
        """Delete meetups that happened more than the retention period ago."""
        dropped = await self._store.purge_started_before(self._clock() - RETENTION)
        self.unschedule(dropped)
        return len(dropped)
