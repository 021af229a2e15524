"""Telegram's faults end to end: 429, 5xx, timeouts, garbled answers, blocked users, lost chats."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.context import SafeMeetApp
from bot.ptb.retry import Backoff
from tests.e2e.test_meetups import search_then
from tests.e2e.test_nearest import ask
from tests.fakes import updates
from tests.fakes.telegram_api import FakeTelegramAPI, running_application

USER = 6006
OTHER = 6007
LEADS = (timedelta(minutes=1),)


@pytest.fixture
def fast_retries(app: SafeMeetApp) -> SafeMeetApp:
    """The running app, with backoff delays of milliseconds instead of seconds."""
    app.bot.rate_limiter.backoff = Backoff(base_delay_s=0.01)  # type: ignore[union-attr]
    return app


async def eventually(check: Callable[[], bool | Awaitable[bool]], within: float = 5.0) -> None:
    """Wait until ``check`` (plain or async) holds."""
    deadline = time.monotonic() + within
    while not await _holds(check()):
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def _holds(result: bool | Awaitable[bool]) -> bool:
    return await result if inspect.isawaitable(result) else result


def statuses(telegram: FakeTelegramAPI, method: str, chat_id: int) -> list[int]:
    return [c.status for c in telegram.calls_of(method, chat_id, include_failed=True)]


async def reminder_states(app: SafeMeetApp, user_id: int) -> list[str]:
    services = app.bot_data.services
    assert services is not None
    async with services.db.execute(
        "SELECT r.state FROM reminders AS r JOIN meetups AS m ON m.id = r.meetup_id "
        "WHERE m.user_id = ? ORDER BY r.id",
        (user_id,),
    ) as cursor:
        return [str(row[0]) for row in await cursor.fetchall()]


async def all_cancelled(app: SafeMeetApp, user_id: int) -> bool:
    states = await reminder_states(app, user_id)
    return bool(states) and set(states) == {"cancelled"}


async def test_a_429_is_waited_out_before_the_answer(app, telegram):
    telegram.fail_next("sendMessage", status=429, retry_after=1)
    started = time.monotonic()
    answer = await ask(telegram, updates.text_message("06604", user_id=USER))
    assert time.monotonic() - started >= 1.0
    assert "Bridgeport" in answer["text"]
    assert statuses(telegram, "sendMessage", USER) == [429, 200]


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_5xx_is_retried_and_the_answer_arrives(fast_retries, telegram, status):
    telegram.fail_next("sendMessage", times=2, status=status)
    answer = await ask(telegram, updates.text_message("06604", user_id=USER))
    assert "Bridgeport" in answer["text"]
    assert statuses(telegram, "sendMessage", USER) == [status, status, 200]


async def test_a_lasting_5xx_is_given_up_with_a_log_line(fast_retries, telegram, caplog):
    caplog.set_level(logging.INFO)
    telegram.fail_next("sendMessage", times=4, status=500)
    telegram.push_update(updates.text_message("/help", user_id=USER))
    await eventually(lambda: statuses(telegram, "sendMessage", USER) == [500] * 4)
    other = await ask(telegram, updates.text_message("/help", user_id=OTHER))
    assert "/nearest" in other["text"]
    assert any("failed after 4 attempt(s)" in r.getMessage() for r in caplog.records)
    assert statuses(telegram, "sendMessage", USER) == [500] * 4  # bounded: no fifth try


@pytest.mark.parametrize(
    "body",
    ["garbage", "<html>oops</html>", {"ok": True}],
    ids=["502-html", "200-html", "200-no-result"],
)
async def test_a_garbled_answer_is_retried(fast_retries, telegram, body):
    if body == "garbage":  # it hits any method: let the start-up calls pass first
        await telegram.wait_for("setMyShortDescription", count=3)
        telegram.garbage_next = 1
    else:
        telegram.answer_next("sendMessage", body)
    telegram.push_update(updates.text_message("06604", user_id=USER))
    await telegram.wait_for("sendVenue", chat_id=USER)  # the pin comes after the retried text
    attempts = telegram.calls_of("sendMessage", USER, include_failed=True)
    assert len(attempts) == 2
    assert "Bridgeport" in attempts[1].params["text"]


async def test_an_unexpected_result_is_logged_and_the_bot_goes_on(app, telegram, caplog):
    caplog.set_level(logging.INFO)
    telegram.answer_next("sendMessage", {"ok": True, "result": ["surprise"]})
    telegram.push_update(updates.text_message("/help", user_id=USER))
    await telegram.wait_for("sendMessage", chat_id=USER)
    answer = await ask(telegram, updates.text_message("/help", user_id=USER))
    assert "/nearest" in answer["text"]
    assert any("unexpected result" in r.getMessage() for r in caplog.records)


async def test_blocked_while_answering_cancels_reminders_without_retry(app, telegram, caplog):
    caplog.set_level(logging.INFO)
    card = await search_then(telegram, "/meetup tomorrow 18:30", user=USER)
    assert "Meetup planned" in card["text"]
    assert set(await reminder_states(app, USER)) == {"pending"}
    before = len(telegram.calls_of("sendMessage", USER, include_failed=True))
    telegram.blocked_chats.add(USER)
    telegram.push_update(updates.text_message("/help", user_id=USER))
    await eventually(lambda: all_cancelled(app, USER))
    assert statuses(telegram, "sendMessage", USER)[before:] == [403]  # once, no apology either
    assert any("cannot write" in r.getMessage() for r in caplog.records)
    other = await ask(telegram, updates.text_message("/help", user_id=OTHER))
    assert "/nearest" in other["text"]


@pytest.mark.parametrize(
    ("status", "description"),
    [(403, "Forbidden: bot was blocked by the user"), (400, "Bad Request: chat not found")],
)
async def test_a_reminder_to_a_lost_chat_cancels_the_users_reminders(
    make_app, telegram, clock, status, description
):
    async with running_application(make_app(reminder_leads=LEADS)):
        card = await search_then(telegram, "/meetup in 2 minutes", user=USER)
        assert "Meetup planned" in card["text"]
    before = len(telegram.calls_of("sendMessage", USER, include_failed=True))
    pins = len(telegram.calls_of("sendVenue", USER, include_failed=True))
    telegram.fail_next("sendMessage", status=status, description=description)
    clock.now += timedelta(seconds=61)  # the reminder is due at start-up
    async with running_application(make_app(reminder_leads=LEADS)) as app:
        await eventually(lambda: all_cancelled(app, USER))  # the check-in too
        assert statuses(telegram, "sendMessage", USER)[before:] == [status]  # no retry
        other = await ask(telegram, updates.text_message("/help", user_id=OTHER))
        assert "/nearest" in other["text"]
    assert len(telegram.calls_of("sendVenue", USER, include_failed=True)) == pins  # nor a pin


async def test_descriptions_are_set_per_language_only_when_changed(make_app, telegram):
    async with running_application(make_app()):
        descriptions = await telegram.wait_for("setMyDescription", count=3)
        shorts = await telegram.wait_for("setMyShortDescription", count=3)
    assert {c.params.get("language_code") for c in descriptions} == {None, "fr", "es"}
    assert {c.params.get("language_code") for c in shorts} == {None, "fr", "es"}
    by_language = {c.params.get("language_code"): c.params["description"] for c in descriptions}
    assert "safe exchange zones" in by_language[None]
    assert "zones d'échange sécuritaires" in by_language["fr"]
    assert "zonas de intercambio seguras" in by_language["es"]
    assert all(len(c.params["short_description"]) <= 120 for c in shorts)
    async with running_application(make_app()):
        await telegram.wait_for("getMyShortDescription", count=6)
        await ask(telegram, updates.text_message("/help", user_id=USER))  # settle-in has ended
    for method in ("setMyCommands", "setMyDescription", "setMyShortDescription"):
        assert len(telegram.calls_of(method, include_failed=True)) == 3, method
