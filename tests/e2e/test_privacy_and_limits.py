"""/forget asks first and only its asker can confirm; the flood limit; oversized texts."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.flood import FloodGate
from tests.e2e.test_nearest import ask, buttons
from tests.fakes import updates
from tests.fakes.telegram_api import FakeTelegramAPI, running_application

USER = 4242
OTHER = 5353


async def forget_everything(telegram: FakeTelegramAPI, user_id: int) -> None:
    """Send /forget, press "Yes, delete everything", wait for the confirmation."""
    question = await ask(telegram, updates.text_message("/forget", user_id=user_id))
    yes = [b["callback_data"] for b in buttons(question) if b["callback_data"].startswith("fg:y")]
    edits = len(telegram.calls_of("editMessageText", chat_id=user_id))
    telegram.push_update(updates.callback_query(yes[0], user_id=user_id, message_id=1))
    await telegram.wait_for("editMessageText", chat_id=user_id, count=edits + 1)


async def test_forget_asks_first_and_keep_deletes_nothing(app, telegram):
    users = app.bot_data.services.users
    await users.set_language(USER, "fr")
    question = await ask(telegram, updates.text_message("/forget", user_id=USER))
    assert "Effacer" in question["text"]
    assert await users.language(USER) == "fr"  # nothing yet
    keep = [b["callback_data"] for b in buttons(question) if b["callback_data"].startswith("fg:n")]
    telegram.push_update(updates.callback_query(keep[0], user_id=USER, message_id=1))
    kept = await telegram.wait_for("editMessageText", chat_id=USER)
    assert "rien" in kept[0].params["text"]
    assert await users.language(USER) == "fr"


async def test_forget_confirmed_deletes_and_answers_in_the_default_language(app, telegram):
    await app.bot_data.services.users.set_language(USER, "fr")
    await forget_everything(telegram, USER)
    assert await app.bot_data.services.users.language(USER) is None
    done = telegram.calls_of("editMessageText", chat_id=USER)[-1].params["text"]
    assert done.startswith("Done")


async def test_nobody_else_and_no_forged_data_can_confirm(app, telegram):
    await app.bot_data.services.users.set_language(USER, "es")
    for data in (f"fg:y:{USER}", "fg:y:", "fg:y:abc", f"fg:x:{USER}", "fg:y:" + "9" * 40):
        telegram.push_update(updates.callback_query(data, user_id=OTHER, message_id=1))
    await telegram.wait_for("answerCallbackQuery", count=5)
    alerts = telegram.calls_of("answerCallbackQuery")
    assert all(call.params.get("show_alert") for call in alerts)
    assert all("not for you" in call.params["text"] for call in alerts)
    assert await app.bot_data.services.users.language(USER) == "es"
    assert telegram.calls_of("editMessageText") == []


async def test_flood_one_warning_then_silence_and_others_unaffected(make_app, telegram):
    app = make_app(flood_limit=5)
    async with running_application(app):
        for _ in range(9):
            telegram.push_update(updates.text_message("/tips", user_id=USER))
        await telegram.wait_for("sendMessage", chat_id=USER, count=6)
        answer = await ask(telegram, updates.text_message("/tips", user_id=OTHER))
        assert "friend" in answer["text"]
        texts = [call.params["text"] for call in telegram.calls_of("sendMessage", chat_id=USER)]
    assert len(texts) == 6  # 5 answers, 1 warning, then silence
    assert sum("faster than I can answer" in text for text in texts) == 1
    assert "faster than I can answer" in texts[-1]


async def test_a_flood_of_button_presses_gets_one_alert(make_app, telegram):
    app = make_app(flood_limit=2)
    async with running_application(app):
        for _ in range(4):
            telegram.push_update(updates.callback_query("zz:1", user_id=USER, message_id=1))
        await telegram.wait_for("answerCallbackQuery", count=3)
        answer = await ask(telegram, updates.text_message("/tips", user_id=OTHER))
    assert "friend" in answer["text"]
    alerts = [c.params.get("text", "") for c in telegram.calls_of("answerCallbackQuery")]
    assert sum("faster than I can answer" in text for text in alerts) == 1
    assert len(alerts) == 3


async def test_an_oversized_text_is_refused_before_any_work(app, telegram, nominatim):
    answer = await ask(telegram, updates.text_message("Main Street " * 300, user_id=USER))
    assert "too long" in answer["text"]
    assert nominatim.requests == []  # refused before the geocoder was asked


def test_the_gate_is_built_from_settings(settings):
    assert replace(settings, flood_limit=7).flood_limit == 7
    assert FloodGate(limit=settings.flood_limit).limit == 30
