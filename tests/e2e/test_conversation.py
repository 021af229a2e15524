"""Commands, languages, groups, bad input and Telegram failures, end to end."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.e2e.conftest import BOT_USERNAME
from tests.e2e.test_nearest import ask, buttons
from tests.e2e.test_privacy_and_limits import forget_everything
from tests.fakes import updates

USER = 2002
GROUP = -100500


@pytest.mark.parametrize(
    ("language_code", "greeting"), [("en", "Hi Ann"), ("fr", "Bonjour Ann"), ("es", "¡Hola, Ann!")]
)
async def test_start_in_the_users_language(app, telegram, language_code, greeting):
    answer = await ask(
        telegram, updates.text_message("/start", user_id=USER, language_code=language_code)
    )
    assert answer["text"].startswith(greeting)
    assert answer["reply_markup"]["keyboard"][0][0]["request_location"] is True


async def test_help_tips_and_privacy(app, telegram):
    help_text = (await ask(telegram, updates.text_message("/help", user_id=USER)))["text"]
    for command in ("/nearest", "/tips", "/language", "/privacy", "/forget"):
        assert command in help_text
    tips = (await ask(telegram, updates.text_message("/tips", user_id=USER)))["text"]
    for phrase in (
        "daylight",
        "friend",
        "share the plan",
        "home",
        "instincts",
        "counterfeit",
        "too good to be true",
        "emergency",
    ):
        assert phrase in tips
    privacy = (await ask(telegram, updates.text_message("/privacy", user_id=USER)))["text"]
    assert "language" in privacy
    assert "do not store your locations" in privacy
    assert "ODbL" in privacy


async def test_language_choice_is_stored_and_used(app, telegram):
    menu = await ask(telegram, updates.text_message("/language", user_id=USER))
    choices = {b["text"]: b["callback_data"] for b in buttons(menu)}
    assert set(choices) == {"English", "Français", "Español"}
    telegram.push_update(updates.callback_query(choices["Español"], user_id=USER, message_id=1))
    edited = (await telegram.wait_for("editMessageText", chat_id=USER))[0].params
    assert "español" in edited["text"]
    answer = await ask(telegram, updates.text_message("/help", user_id=USER, language_code="en"))
    assert "lugares seguros para reunirte con desconocidos" in answer["text"]
    assert app.bot_data.services is not None
    assert await app.bot_data.services.users.language(USER) == "es"


@pytest.mark.parametrize("data", ["lang:xx", "lang:", "garbage", "lang:" + "e" * 5000, "🙂"])
async def test_forged_callback_data_is_refused_politely(app, telegram, data):
    telegram.push_update(updates.callback_query(data, user_id=USER, message_id=1))
    answered = (await telegram.wait_for("answerCallbackQuery"))[0].params
    assert "no longer valid" in answered["text"]
    assert telegram.calls_of("editMessageText") == []
    assert await app.bot_data.services.users.language(USER) is None


async def test_forget_deletes_the_language_choice(app, telegram):
    await app.bot_data.services.users.set_language(USER, "fr")
    await forget_everything(telegram, USER)
    assert await app.bot_data.services.users.language(USER) is None


async def test_group_command_with_the_bot_name(app, telegram):
    chat = updates.group_chat(GROUP)
    answer = await ask(
        telegram,
        updates.text_message(f"/nearest@{BOT_USERNAME} 06604", user_id=USER, chat=chat),
        chat_id=GROUP,
    )
    assert "Bridgeport" in answer["text"]
    assert answer.get("reply_parameters") or answer.get("reply_to_message_id")


async def test_group_command_without_the_bot_name_and_group_location(app, telegram):
    chat = updates.group_chat(GROUP)
    answer = await ask(
        telegram, updates.text_message("/nearest 06604", user_id=USER, chat=chat), chat_id=GROUP
    )
    assert "Bridgeport" in answer["text"]
    located = await ask(
        telegram, updates.location_message(44.24, -76.5, user_id=USER, chat=chat), chat_id=GROUP
    )
    assert "Kingston" in located["text"]


async def test_group_chatter_is_never_answered(app, telegram):
    chat = updates.group_chat(GROUP)
    for text in ("06604", "anyone selling a bike?", "/nearest@OtherBot 06604"):
        telegram.push_update(updates.text_message(text, user_id=USER, chat=chat))
    telegram.push_update(updates.sticker_message(USER, chat=chat))
    answer = await ask(
        telegram, updates.text_message("/help", user_id=USER, chat=chat), chat_id=GROUP
    )
    assert "/nearest" in answer["text"]
    assert len(telegram.calls_of("sendMessage", chat_id=GROUP)) == 1


async def test_nearest_alone_in_a_group_explains_instead_of_a_button(app, telegram):
    chat = updates.group_chat(GROUP)
    answer = await ask(
        telegram, updates.text_message("/nearest", user_id=USER, chat=chat), chat_id=GROUP
    )
    assert "/nearest 06604" in answer["text"]
    assert "keyboard" not in (answer.get("reply_markup") or {})


@pytest.mark.parametrize(
    ("update_factory", "expected"),
    [
        (lambda: updates.text_message("asdfghjkl qwerty", user_id=USER), "could not find"),
        (lambda: updates.text_message("x" * 4096, user_id=USER), "too long"),
        (lambda: updates.text_message("K7K 4C", user_id=USER), "does not look like a postal"),
        (lambda: updates.text_message("00000", user_id=USER), "could not find the postal code"),
        (lambda: updates.text_message("!!! ???", user_id=USER), "did not understand"),
        (lambda: updates.text_message("91, 200", user_id=USER), "not on Earth"),
        (lambda: updates.sticker_message(USER), "I understand"),
        (lambda: updates.photo_message(USER), "I understand"),
        (lambda: updates.text_message("/nonsense", user_id=USER), "I understand"),
    ],
)
async def test_bad_input_gets_a_friendly_answer(app, telegram, update_factory, expected):
    answer = await ask(telegram, update_factory())
    assert expected in answer["text"]


@pytest.mark.parametrize("where", ["90, 0", "-90, 0", "0, 180", "0, -180", "-16.5, 179.999"])
async def test_poles_and_date_line_get_an_answer(app, telegram, where):
    answer = await ask(telegram, updates.text_message(where, user_id=USER))
    assert "no police safe zone or police station within" in answer["text"]
    assert "In danger, call <b>" in answer["text"]


async def test_location_at_the_north_pole(app, telegram):
    answer = await ask(telegram, updates.location_message(90.0, 0.0, user_id=USER))
    assert "no police safe zone or police station within 150 km" in answer["text"]
    assert "<b>112</b>" in answer["text"]  # at sea: 112, which GSM phones route everywhere


async def test_a_429_is_waited_out_and_the_answer_still_arrives(app, telegram):
    telegram.fail_next("sendMessage", times=1, status=429, retry_after=1)
    answer = await ask(telegram, updates.text_message("06604", user_id=USER))
    assert "Bridgeport" in answer["text"]
    attempts = telegram.calls_of("sendMessage", chat_id=USER, include_failed=True)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].params["text"] == attempts[1].params["text"]


async def test_blocked_user_is_logged_not_crashed(app, telegram, caplog):
    telegram.blocked_chats.add(USER)
    caplog.set_level(logging.INFO)
    telegram.push_update(updates.text_message("06604", user_id=USER))
    other = await ask(telegram, updates.text_message("/help", user_id=USER + 1), USER + 1)
    assert "/nearest" in other["text"]
    # Chats are handled side by side: the other user's answer may come first.
    for _ in range(100):
        if any("cannot write" in record.getMessage() for record in caplog.records):
            break
        await asyncio.sleep(0.05)
    assert any("cannot write" in record.getMessage() for record in caplog.records)


async def test_unexpected_error_apologises(app, telegram, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.bot_data.services.finder, "near_text", broken)
    answer = await ask(telegram, updates.text_message("06604", user_id=USER))
    assert "something went wrong" in answer["text"]


async def test_command_menu_is_set_per_language(app, telegram):
    calls = await telegram.wait_for("setMyCommands", count=3)
    languages = {call.params.get("language_code") for call in calls}
    assert languages == {None, "fr", "es"}
