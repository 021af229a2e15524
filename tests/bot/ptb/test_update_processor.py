"""PerChatUpdateProcessor: chats side by side, each chat's updates one after another, in order."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot.ptb.update_processor import PerChatUpdateProcessor, chat_key
from tests.fakes import updates


def update_of(raw: dict) -> Update:
    return Update.de_json(raw, None)


def location(user_id: int, update_id: int) -> Update:
    raw = updates.location_message(41.18, -73.19, user_id=user_id)
    return update_of({**raw, "update_id": update_id})


async def test_a_chats_updates_run_one_at_a_time_and_in_order():
    processor = PerChatUpdateProcessor(workers=4)
    done: list[int] = []
    running = 0

    async def handle(number: int) -> None:
        nonlocal running
        running += 1
        assert running == 1  # never two of the same chat at once
        await asyncio.sleep(0.001 * (5 - number % 5))  # later ones would finish first
        done.append(number)
        running -= 1

    await asyncio.gather(*(processor.process_update(location(7, n), handle(n)) for n in range(20)))
    assert done == list(range(20))
    assert processor.chats_waiting == 0  # nothing kept per chat once it is idle


async def test_a_slow_chat_holds_up_no_other_chat():
    processor = PerChatUpdateProcessor(workers=4)
    release = asyncio.Event()
    finished: list[str] = []

    async def slow() -> None:
        await release.wait()
        finished.append("slow")

    async def quick() -> None:
        finished.append("quick")
        release.set()

    await asyncio.wait_for(
        asyncio.gather(
            processor.process_update(location(1, 1), slow()),
            processor.process_update(location(2, 2), quick()),
        ),
        timeout=2,
    )
    assert finished == ["quick", "slow"]


async def test_waiting_updates_of_one_busy_chat_leave_workers_to_others():
    """Many updates queued behind one chat's slow update hold no worker meanwhile."""
    processor = PerChatUpdateProcessor(workers=2)
    release = asyncio.Event()
    other_done = asyncio.Event()

    async def busy() -> None:
        await release.wait()

    async def other() -> None:
        other_done.set()

    busy_chat = [
        asyncio.create_task(processor.process_update(location(1, n), busy())) for n in range(10)
    ]
    await asyncio.sleep(0.01)
    await asyncio.wait_for(processor.process_update(location(2, 99), other()), timeout=2)
    assert other_done.is_set()
    release.set()
    await asyncio.wait_for(asyncio.gather(*busy_chat), timeout=2)


async def test_at_most_workers_updates_run_at_once():
    processor = PerChatUpdateProcessor(workers=3)
    running = peak = 0

    async def handle() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    await asyncio.gather(
        *(processor.process_update(location(user, user), handle()) for user in range(1, 11))
    )
    assert peak == 3


async def test_a_cancelled_waiting_update_is_closed_without_a_warning(recwarn):
    processor = PerChatUpdateProcessor(workers=1)
    release = asyncio.Event()

    async def first() -> None:
        await release.wait()

    async def never() -> None:
        raise AssertionError("must not run")

    running = asyncio.create_task(processor.process_update(location(1, 1), first()))
    waiting = asyncio.create_task(processor.process_update(location(1, 2), never()))
    await asyncio.sleep(0.01)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    release.set()
    await running
    assert not [w for w in recwarn if "never awaited" in str(w.message)]
    assert processor.chats_waiting == 0


def test_updates_are_ordered_by_chat_else_user():
    assert chat_key(location(5, 1)) == ("chat", 5)
    group = update_of(
        {**updates.text_message("hi", user_id=5, chat=updates.group_chat()), "update_id": 2}
    )
    assert chat_key(group) == ("chat", -100123)
    assert chat_key(object()) is None


def test_ptb_hands_updates_over_concurrently():
    """PTB awaits each update itself when max_concurrent_updates is 1; ours never is."""
    assert PerChatUpdateProcessor(workers=1).max_concurrent_updates > 1
    with pytest.raises(ValueError, match="at least 1"):
        PerChatUpdateProcessor(workers=0)


async def test_once_stopping_updates_that_cannot_start_in_time_are_dropped(caplog):
    processor = PerChatUpdateProcessor(workers=1, stop_grace_s=0.05)
    release = asyncio.Event()
    ran: list[int] = []

    async def handle(number: int) -> None:
        if number == 0:
            await release.wait()
        ran.append(number)

    tasks = [
        asyncio.create_task(processor.process_update(location(1, n), handle(n))) for n in range(5)
    ]
    await asyncio.sleep(0.01)
    processor.begin_stopping()
    await asyncio.sleep(0.1)  # the grace time passes while update 0 still runs
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=2)
    assert ran == [0]  # the running one finished; the four waiting behind it were dropped
    assert processor.dropped == 4
    assert "dropped, not started in time" in caplog.text
    assert processor.chats_waiting == 0


async def test_updates_starting_within_the_grace_time_still_run():
    processor = PerChatUpdateProcessor(workers=2, stop_grace_s=5)
    ran: list[int] = []

    async def handle(number: int) -> None:
        ran.append(number)

    processor.begin_stopping()
    await asyncio.gather(*(processor.process_update(location(1, n), handle(n)) for n in range(3)))
    assert ran == [0, 1, 2]
    assert processor.dropped == 0
