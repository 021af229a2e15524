"""The retrying rate limiter: transient Bot API faults retried (bounded), final ones not."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError
from telegram.ext import ExtBot

from bot.ptb.request import AiohttpRequest
from bot.ptb.retry import (
    Backoff,
    MalformedAnswer,
    RetryingRateLimiter,
    UnexpectedResult,
    is_transient,
    result_shape_ok,
)
from tests.fakes.telegram_api import FakeTelegramAPI

CHAT = 42


class Sleeps:
    """A sleep that records its delays and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_bot(telegram: FakeTelegramAPI, sleeps: Sleeps, **request_args: float) -> ExtBot:
    limiter = RetryingRateLimiter(
        overall_max_rate=0, max_retries=3, backoff=Backoff(jitter=lambda: 1.0), sleep=sleeps
    )
    return ExtBot(
        telegram.token,
        base_url=telegram.base_url,
        request=AiohttpRequest(**request_args),
        get_updates_request=AiohttpRequest(pool_size=1),
        rate_limiter=limiter,
    )


@pytest.fixture
async def bot(telegram: FakeTelegramAPI, sleeps: Sleeps) -> AsyncIterator[ExtBot]:
    async with make_bot(telegram, sleeps) as bot:
        yield bot


def statuses(telegram: FakeTelegramAPI, method: str = "sendMessage") -> list[int]:
    return [call.status for call in telegram.calls_of(method, include_failed=True)]


async def test_a_transient_5xx_is_retried_with_growing_delays(bot, telegram, sleeps):
    telegram.fail_next("sendMessage", times=2, status=500)
    message = await bot.send_message(CHAT, "stay safe")
    assert message.text == "stay safe"
    assert statuses(telegram) == [500, 500, 200]
    assert sleeps.delays == [0.5, 1.0]


async def test_retries_are_bounded_then_given_up_with_a_log_line(bot, telegram, sleeps, caplog):
    telegram.fail_next("sendMessage", times=10, status=503)
    with pytest.raises(NetworkError), caplog.at_level(logging.WARNING):
        await bot.send_message(CHAT, "stay safe")
    assert statuses(telegram) == [503] * 4
    assert sleeps.delays == [0.5, 1.0, 2.0]
    assert any("failed after 4 attempt(s)" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("status", "description", "error"),
    [
        (400, "Bad Request: chat not found", BadRequest),
        (403, "Forbidden: bot was blocked by the user", Forbidden),
        (401, "Unauthorized", InvalidToken),
    ],
)
async def test_refusals_are_not_retried(bot, telegram, sleeps, status, description, error):
    telegram.fail_next("sendMessage", status=status, description=description)
    with pytest.raises(error):
        await bot.send_message(CHAT, "stay safe")
    assert statuses(telegram) == [status]
    assert sleeps.delays == []


async def test_a_timeout_is_retried_and_may_deliver_twice(telegram, sleeps):
    telegram.delay_next("sendMessage", 0.6)
    async with make_bot(telegram, sleeps, read_timeout=0.2) as bot:
        message = await bot.send_message(CHAT, "stay safe")
        assert message.text == "stay safe"
        assert sleeps.delays == [0.5]
        # The slow first call still reached Telegram: a duplicate, never a lost answer.
        await telegram.wait_for("sendMessage", count=2)


@pytest.mark.parametrize(
    "body",
    ["<html>proxy error</html>", "", {"ok": True}, [1, 2], None],
    ids=["html", "empty", "no-result", "list", "null"],
)
async def test_a_garbled_answer_is_retried(bot, telegram, sleeps, body):
    telegram.answer_next("sendMessage", body)
    message = await bot.send_message(CHAT, "stay safe")
    assert message.text == "stay safe"
    assert len(telegram.calls_of("sendMessage")) == 2
    assert sleeps.delays == [0.5]


async def test_a_502_with_garbage_is_retried(bot, telegram):
    telegram.garbage_next = 1
    assert (await bot.send_message(CHAT, "stay safe")).text == "stay safe"
    assert statuses(telegram) == [502, 200]


@pytest.mark.parametrize(
    ("method", "result"),
    [("sendMessage", [1, 2]), ("sendMessage", {"text": "no id"}), ("getMyCommands", {"a": 1})],
)
async def test_an_unexpected_result_is_an_error_not_a_crash(bot, telegram, sleeps, method, result):
    telegram.answer_next(method, {"ok": True, "result": result})
    call = bot.send_message(CHAT, "stay safe") if method == "sendMessage" else bot.get_my_commands()
    with pytest.raises(UnexpectedResult):
        await call
    assert sleeps.delays == []  # Telegram accepted it: no retry
    assert (await bot.send_message(CHAT, "next")).text == "next"


def test_backoff_is_exponential_jittered_and_capped():
    backoff = Backoff(retries=3, base_delay_s=0.5, total_cap_s=3.0, jitter=lambda: 1.0)
    assert [backoff.delay(n, 0.0) for n in range(4)] == [0.5, 1.0, 2.0, None]
    assert backoff.delay(2, 1.5) is None  # 1.5 s gone + 2 s would pass the 3 s cap
    jittered = Backoff(jitter=lambda: 1.25)
    assert jittered.delay(0, 0.0) == 0.625


def test_which_errors_are_transient():
    assert is_transient(NetworkError("Bad Gateway"))
    assert is_transient(MalformedAnswer("not JSON"))
    assert not is_transient(BadRequest("chat not found"))
    assert not is_transient(Forbidden("blocked"))
    assert not is_transient(UnexpectedResult("odd"))


def test_result_shapes():
    assert result_shape_ok("sendMessage", {"message_id": 1, "chat": {}})
    assert not result_shape_ok("sendVenue", True)
    assert result_shape_ok("editMessageText", True)
    assert result_shape_ok("setMyCommands", True)
    assert not result_shape_ok("setMyCommands", {"x": 1})
    assert result_shape_ok("getMyCommands", [])
    assert result_shape_ok("someFutureMethod", "anything")
