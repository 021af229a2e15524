"""Meetup planning and reminders with a controllable clock and a real SQLite file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.localtime import after_sunset, timezone_at
from bot.domain.meetups import (
    Meetup,
    MeetupPlanner,
    PlanError,
    PlanProblem,
    Reminder,
    ReminderKind,
    ReminderState,
)
from bot.domain.zones import Zone, ZoneKind
from bot.i18n import Catalogs
from bot.texts.meetups import reminder_message
from bot.texts.reply import Reply
from bot.usecases.reminders import RecipientGone, ReminderService, SendFailed
from storage.db import open_database
from storage.meetups import MeetupRepository
from tests.clock import Clock

LEADS = (timedelta(minutes=60), timedelta(minutes=15))
START = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
BRIDGEPORT = Zone(
    id="bpt",
    name="Bridgeport PD",
    kind=ZoneKind.EXCHANGE_ZONE,
    lat=41.1797,
    lon=-73.1893,
    address="300 Congress St",
    city="Bridgeport",
    region="CT",
    country="US",
)
KINGSTON = Zone(
    id="kng",
    name="Kingston PD",
    kind=ZoneKind.EXCHANGE_ZONE,
    lat=44.2425,
    lon=-76.5035,
    city="Kingston",
    region="ON",
    country="CA",
)


@dataclass
class Outbox:
    sent: list[tuple[int, Reply]] = field(default_factory=list)
    fail_with: Exception | None = None

    async def deliver(self, meetup: Meetup, reminder: Reminder, time_left: timedelta) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        reply = reminder_message(meetup, reminder, time_left, Catalogs().get(meetup.language))
        self.sent.append((meetup.chat_id, reply))


@dataclass
class Timers:
    timers: dict[int, timedelta] = field(default_factory=dict)

    def schedule(self, reminder_id: int, delay: timedelta) -> None:
        self.timers[reminder_id] = delay

    def unschedule(self, reminder_id: int) -> None:
        self.timers.pop(reminder_id, None)


@pytest.fixture
async def world(tmp_path):
    db = await open_database(tmp_path / "meetups.sqlite3")
    clock = Clock(START)
    store = MeetupRepository(db)
    outbox, timers = Outbox(), Timers()
    planner = MeetupPlanner(store, LEADS, clock)
    service = ReminderService(store, outbox, timers, clock)
    yield clock, store, planner, service, outbox, timers
    await db.close()


async def _plan(planner, starts_in=timedelta(hours=2), user_id=7, zone=BRIDGEPORT):
    return await planner.plan(
        user_id=user_id,
        chat_id=user_id,
        zone=zone,
        starts_at=START + starts_in,
        note="bike",
        language="en",
    )


async def test_plan_records_reminders_in_utc_with_the_places_timezone(world):
    _, _, planner, *_ = world
    meetup, reminders = await _plan(planner)
    assert meetup.timezone == "America/New_York"
    assert meetup.local_start.hour == 12
    kinds = [(r.kind, r.offset, r.state) for r in reminders]
    assert kinds == [
        (ReminderKind.BEFORE, timedelta(minutes=60), ReminderState.PENDING),
        (ReminderKind.BEFORE, timedelta(minutes=15), ReminderState.PENDING),
        (ReminderKind.CHECKIN, timedelta(minutes=-30), ReminderState.PENDING),
    ]


async def test_a_lead_already_past_is_skipped_not_sent_late(world):
    _, _, planner, service, _outbox, timers = world
    _, reminders = await _plan(planner, starts_in=timedelta(minutes=20))
    assert [r.state for r in reminders] == [
        ReminderState.SKIPPED,
        ReminderState.PENDING,
        ReminderState.PENDING,
    ]
    service.schedule(reminders)
    assert sorted(timers.timers.values()) == [timedelta(minutes=5), timedelta(minutes=50)]


async def test_reminder_is_sent_once_even_if_fired_twice(world):
    clock, _, planner, service, outbox, _ = world
    _, reminders = await _plan(planner)
    clock.advance(timedelta(minutes=60))
    assert await service.fire(reminders[0].id) is ReminderState.SENT
    assert await service.fire(reminders[0].id) is ReminderState.SENT
    assert len(outbox.sent) == 1
    chat_id, reply = outbox.sent[0]
    assert chat_id == 7
    assert "Your meetup starts in 1 hour" in reply.text
    assert "Bridgeport PD" in reply.text
    assert "911" in reply.text
    assert reply.pins[0].directions.url.endswith("41.179700%2C-73.189300")


async def test_reminder_due_while_down_is_sent_if_the_meetup_has_not_started(world):
    clock, _, planner, service, outbox, timers = world
    _, reminders = await _plan(planner)
    clock.advance(timedelta(minutes=115))  # both leads passed while the bot was down
    report = await service.rehydrate()
    assert report.scheduled == 3
    assert timers.timers[reminders[0].id] == timedelta()
    for reminder in reminders[:2]:
        await service.fire(reminder.id)
    assert len(outbox.sent) == 2
    assert "starts in 5 minutes" in outbox.sent[0][1].text


async def test_reminder_after_the_start_is_missed_not_sent(world):
    clock, _store, planner, service, outbox, _ = world
    _, reminders = await _plan(planner)
    clock.advance(timedelta(hours=2, minutes=1))
    assert await service.fire(reminders[0].id) is ReminderState.MISSED
    assert outbox.sent == []
    assert await service.fire(reminders[2].id) is ReminderState.SENT  # the check-in still comes
    assert "go OK" in outbox.sent[0][1].text


async def test_interrupted_send_is_never_repeated(world):
    clock, store, planner, service, outbox, timers = world
    _, reminders = await _plan(planner)
    assert await store.claim(reminders[0].id)  # crash between claim and settle
    report = await service.rehydrate()
    assert report.interrupted == 1
    assert reminders[0].id not in timers.timers
    clock.advance(timedelta(hours=1))
    assert await service.fire(reminders[0].id) is ReminderState.SENT
    assert outbox.sent == []


async def test_blocked_user_has_every_reminder_cancelled(world):
    clock, store, planner, service, outbox, timers = world
    _, first = await _plan(planner)
    _, second = await _plan(planner, starts_in=timedelta(days=1))
    service.schedule(first + second)
    outbox.fail_with = RecipientGone("Forbidden: bot was blocked by the user")
    clock.advance(timedelta(hours=1))
    assert await service.fire(first[0].id) is ReminderState.CANCELLED
    assert await store.pending() == []
    assert set(timers.timers) == {first[0].id}  # only the timer that just fired


async def test_transient_failure_is_retried_later(world):
    clock, _store, planner, service, outbox, timers = world
    _, reminders = await _plan(planner)
    outbox.fail_with = SendFailed("Bad Gateway")
    clock.advance(timedelta(hours=1))
    assert await service.fire(reminders[0].id) is ReminderState.PENDING
    assert timers.timers[reminders[0].id] == timedelta(seconds=60)
    outbox.fail_with = None
    clock.advance(timedelta(minutes=1))
    assert await service.fire(reminders[0].id) is ReminderState.SENT


async def test_only_the_owner_can_cancel_or_move(world):
    _, _, planner, *_ = world
    meetup, _ = await _plan(planner, user_id=1)
    for action in (
        planner.cancel(2, meetup.id),
        planner.reschedule(2, meetup.id, START),
        planner.cancel(1, 999_999),
    ):
        with pytest.raises(PlanError) as caught:
            await action
        assert caught.value.problem is PlanProblem.NOT_FOUND
    assert (await planner.owned(1, meetup.id)).id == meetup.id


async def test_cancel_and_reschedule_replace_pending_reminders(world):
    _, _store, planner, _service, _, _timers = world
    meetup, reminders = await _plan(planner)
    moved, new_reminders, dropped = await planner.reschedule(
        7, meetup.id, START + timedelta(hours=5)
    )
    assert sorted(dropped) == sorted(r.id for r in reminders)
    assert moved.starts_at == START + timedelta(hours=5)
    pending = [r for r in new_reminders if r.state is ReminderState.PENDING]
    assert len(pending) == 3
    _, cancelled = await planner.cancel(7, meetup.id)
    assert sorted(cancelled) == sorted(r.id for r in pending)
    assert await planner.upcoming(7) == []


async def test_limits(world):
    _, _, planner, *_ = world
    for problem, starts_in in (
        (PlanProblem.PAST, -timedelta(minutes=1)),
        (PlanProblem.TOO_FAR, timedelta(days=366)),
    ):
        with pytest.raises(PlanError) as caught:
            await _plan(planner, starts_in=starts_in)
        assert caught.value.problem is problem
    for hours in range(10):
        await _plan(planner, starts_in=timedelta(hours=hours + 1))
    with pytest.raises(PlanError) as caught:
        await _plan(planner)
    assert caught.value.problem is PlanProblem.TOO_MANY


async def test_meetup_in_another_timezone_uses_the_places_clock(world):
    _, _, planner, *_ = world
    meetup, _ = await _plan(planner, zone=KINGSTON)
    assert meetup.timezone == "America/Toronto"
    assert timezone_at(BRIDGEPORT.point).key == "America/New_York"


async def test_retention_deletes_a_week_after(world):
    clock, store, planner, service, *_ = world
    meetup, _ = await _plan(planner)
    clock.advance(timedelta(days=7, hours=1))
    await service.purge_old()
    assert await store.get(meetup.id) is not None
    clock.advance(timedelta(hours=2))
    await service.purge_old()
    assert await store.get(meetup.id) is None


def test_after_sunset():
    noon = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
    evening = datetime(2026, 12, 15, 23, 0, tzinfo=UTC)
    assert not after_sunset(BRIDGEPORT.point, noon)
    assert after_sunset(BRIDGEPORT.point, evening)


async def test_reminders_beyond_the_horizon_get_their_timer_when_they_come_within_it(world):
    clock, _, planner, service, outbox, timers = world
    _, reminders = await _plan(planner, starts_in=timedelta(days=1))
    service.schedule(reminders)
    assert timers.timers == {}  # due in 23 hours: nothing held in memory yet
    clock.advance(timedelta(hours=22, minutes=30))
    assert await service.refresh() == 1
    assert timers.timers == {reminders[0].id: timedelta(minutes=30)}
    assert await service.refresh() == 0  # never timed twice
    clock.advance(timedelta(minutes=30))
    assert await service.fire(reminders[0].id) is ReminderState.SENT
    assert await service.refresh() == 1  # the 15-minute reminder is now within the hour
    assert timers.timers[reminders[1].id] == timedelta(minutes=45)
    assert len(outbox.sent) == 1


async def test_rehydrate_times_the_next_hour_and_counts_the_rest(world):
    _, _, planner, service, _, timers = world
    _, soon = await _plan(planner)
    await _plan(planner, starts_in=timedelta(days=3))
    report = await service.rehydrate()
    assert (report.scheduled, report.pending, report.interrupted) == (1, 6, 0)
    assert set(timers.timers) == {soon[0].id}


async def test_a_cancelled_timer_can_be_timed_again_after_a_change(world):
    clock, _, planner, service, _, timers = world
    meetup, reminders = await _plan(planner, starts_in=timedelta(minutes=30))
    service.schedule(reminders)
    assert reminders[1].id in timers.timers
    moved, new_reminders, dropped = await planner.reschedule(
        7, meetup.id, clock() + timedelta(minutes=40)
    )
    service.unschedule(dropped)
    service.schedule(new_reminders)
    assert not set(dropped) & set(timers.timers)
    within_the_hour = {
        r.id
        for r in new_reminders
        if r.state is ReminderState.PENDING and r.due_at <= clock() + service.horizon
    }
    assert within_the_hour
    assert within_the_hour <= set(timers.timers)
    assert moved.starts_at == clock() + timedelta(minutes=40)
