"""The global error handler: a broken handler gets the user an apology, the log a line
with the update id and the traceback, the admins one alert per window, never the input."""

from __future__ import annotations

import json

import pytest

import handlers.errors
from bot.domain.alerts import AlertGate
from tests.clock import Clock
from tests.e2e.test_nearest import ask
from tests.fakes import updates
from tests.fakes.telegram_api import running_application

USER = 8008
ADMIN = 9009
SECRET_TEXT = "Zanzibar Lane 99"  # the user's text: it must reach neither the log nor the admin


@pytest.fixture
def ticks(monkeypatch) -> Clock[float]:
    """A fresh per-process alert gate, on a monotonic clock the test moves."""
    clock = Clock(0.0)
    monkeypatch.setattr(handlers.errors, "ALERTS", AlertGate(window_s=600, clock=clock))
    return clock


@pytest.fixture
async def app(make_app, ticks):
    application = make_app(admin_ids=frozenset({ADMIN}))
    async with running_application(application):
        yield application


@pytest.fixture
def broken(app, monkeypatch) -> None:
    """Searches by text raise, with the user's text in the exception's message."""

    async def near_text(text: str, language: str, user_id: int | None = None) -> None:
        raise ValueError(f"cannot parse {text!r}")

    monkeypatch.setattr(app.bot_data.services.finder, "near_text", near_text)


async def fail_once(telegram) -> dict:
    """A text search that breaks; returns the update sent."""
    update = telegram.push_update(updates.text_message(SECRET_TEXT, user_id=USER))
    before = len(telegram.calls_of("sendMessage", chat_id=USER))
    answer = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1]
    assert "something went wrong" in answer.params["text"]
    return update


async def alerts(telegram, count: int) -> list[str]:
    return [
        call.params["text"]
        for call in await telegram.wait_for("sendMessage", chat_id=ADMIN, count=count)
    ]


@pytest.mark.usefixtures("broken")
async def test_the_user_gets_an_apology_and_the_admin_one_alert(telegram, json_log):
    update = await fail_once(telegram)
    [alert] = await alerts(telegram, 1)
    assert "ValueError" in alert
    assert f"Update: {update['update_id']}" in alert
    assert " UTC" in alert
    assert "Zanzibar" not in alert
    [line] = [
        json.loads(line)
        for line in json_log.getvalue().splitlines()
        if json.loads(line)["logger"] == "handlers.errors"
    ]
    assert line["level"] == "error"
    assert line["update_id"] == update["update_id"]
    assert line["exc_type"] == "ValueError"
    assert "near_text" in line["traceback"]
    assert "Zanzibar" not in json_log.getvalue()


@pytest.mark.usefixtures("broken")
async def test_one_alert_per_window_then_the_count_of_those_held_back(telegram, ticks):
    await fail_once(telegram)
    await alerts(telegram, 1)
    ticks.now += 60
    await fail_once(telegram)
    await fail_once(telegram)
    await ask(telegram, updates.text_message("/help", user_id=ADMIN), ADMIN)  # nothing else came
    assert len(telegram.calls_of("sendMessage", chat_id=ADMIN)) == 2  # one alert, one /help
    ticks.now += 600
    await fail_once(telegram)
    texts = await alerts(telegram, 3)
    assert "And 2 more errors since the last alert." in texts[-1]
    assert all("Zanzibar" not in text for text in texts)


@pytest.mark.usefixtures("broken")
async def test_an_unreachable_admin_does_not_stop_the_apology(telegram, json_log):
    telegram.blocked_chats.add(ADMIN)
    await fail_once(telegram)
    await fail_once(telegram)  # the bot still answers
    assert "admin alert not delivered" in json_log.getvalue()


async def test_no_admins_no_alert(make_app, telegram, monkeypatch, ticks, json_log):
    """Without admins, errors still get the apology but never touch the alert gate."""
    application = make_app()
    async with running_application(application):

        async def near_text(text: str, language: str, user_id: int | None = None) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(application.bot_data.services.finder, "near_text", near_text)
        await fail_once(telegram)
        await fail_once(telegram)  # the chat's updates run in turn: the first one is done
    # Stopping waited for the second. Had the gate counted these errors, the first would have
    # opened its window and the second been held back for an alert nobody can get.
    assert "admin alert held back" not in json_log.getvalue()
    assert handlers.errors.ALERTS.held_back == 0
    assert handlers.errors.ALERTS.admit() == 0  # still fresh: the first alert goes out at once
    assert not telegram.calls_of("sendMessage", chat_id=ADMIN)
