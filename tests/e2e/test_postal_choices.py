"""A code of several countries (read as the user's, the others offered) and swapped coordinates."""

from __future__ import annotations

from tests.e2e.test_nearest import ask, buttons
from tests.fakes import updates
from tests.fakes.telegram_api import FakeTelegramAPI

USER = 1002


async def press(telegram: FakeTelegramAPI, data: str, language_code: str = "en") -> dict:
    """Press an inline button; returns the params of the answer it sends."""
    press = updates.callback_query(data, user_id=USER, message_id=1, language_code=language_code)
    return await ask(telegram, press)


def first_zone(answer: dict) -> str:
    return answer["text"].split("<b>1.")[1].split("\n")[0]


def choices(answer: dict, prefix: str = "pc:") -> list[tuple[str, str]]:
    return [
        (button["text"], button["callback_data"])
        for button in buttons(answer)
        if button.get("callback_data", "").startswith(prefix)
    ]


async def test_a_code_of_several_countries_is_read_as_the_users_and_names_it(app, telegram):
    answer = await ask(telegram, updates.text_message("75001", user_id=USER, language_code="fr"))
    assert "<b>75001, Paris, FR</b>" in answer["text"]  # which reading, said plainly
    assert "US 75001" in answer["text"]  # how to type the other one at once
    assert choices(answer) == [("📮 Addison, Texas, US", "pc:US:75001")]
    assert "Addison" not in answer["text"].split("📮")[0]


async def test_english_reads_a_zip_code_as_american_and_offers_the_others(app, telegram):
    answer = await ask(telegram, updates.text_message("06477", user_id=USER))
    assert "Orange" in first_zone(answer)
    assert "06477, Orange, Connecticut, US" in answer["text"]
    assert choices(answer) == [("📮 Puebla De La Reina, ES", "pc:ES:06477")]
    await telegram.wait_for("sendVenue", chat_id=USER)


async def test_pressing_another_country_answers_for_it(app, telegram):
    await ask(telegram, updates.text_message("75001", user_id=USER))
    answer = await press(telegram, "pc:FR:75001")
    assert "75001, Paris" in answer["text"]
    assert "<b>112</b>" in answer["text"]


async def test_pressing_a_country_answers_with_its_zones(app, telegram):
    await ask(telegram, updates.text_message("06103", user_id=USER))
    answer = await press(telegram, "pc:US:06103")
    assert "Hartford" in first_zone(answer)
    assert "06103, Hartford" in answer["text"]
    assert (await telegram.wait_for("answerCallbackQuery"))[0].params.get("text") is None
    await telegram.wait_for("sendVenue", chat_id=USER)


async def test_a_stated_country_is_answered_at_once(app, telegram):
    answer = await ask(telegram, updates.text_message("FR 75001", user_id=USER))
    assert "other countries" not in answer["text"]
    assert choices(answer) == []


async def test_forged_or_unknown_buttons_get_the_stale_answer(app, telegram):
    for data in ("pc:US:00000", "pc:QQ:75001", "co:91,0", "pc:US:06103;drop"):
        before = len(telegram.calls_of("answerCallbackQuery"))
        telegram.push_update(updates.callback_query(data, user_id=USER, message_id=1))
        answered = await telegram.wait_for("answerCallbackQuery", count=before + 1)
        assert "no longer valid" in answered[-1].params["text"]
    assert telegram.calls_of("sendMessage", chat_id=USER) == []


async def test_full_width_digits_are_read(app, telegram):
    answer = await ask(telegram, updates.text_message("０６６０４", user_id=USER))
    assert "Bridgeport" in first_zone(answer)


async def test_swapped_coordinates_get_a_did_you_mean_button(app, telegram):
    question = await ask(
        telegram, updates.text_message("-73.19, 41.18", user_id=USER, language_code="es")
    )
    assert "41.18, -73.19" in question["text"]
    assert [(b["text"], b["callback_data"]) for b in buttons(question)] == [
        ("📍 41.18, -73.19", "co:41.18,-73.19")
    ]
    answer = await press(telegram, "co:41.18,-73.19", language_code="es")
    assert "Bridgeport" in first_zone(answer)


async def test_the_country_last_searched_in_comes_before_the_language(app, telegram):
    await ask(telegram, updates.text_message("K7K 4C2", user_id=USER, language_code="fr"))
    answer = await ask(telegram, updates.text_message("06477", user_id=USER, language_code="es"))
    # Spanish would put Spain first; the last search was in Canada, which has no 06477, and
    # the US reading comes from the language order after it: Spain still first for "es".
    assert "06477, Puebla De La Reina, ES" in answer["text"]
    await ask(telegram, updates.text_message("06604", user_id=USER, language_code="es"))
    answer = await ask(telegram, updates.text_message("06477", user_id=USER, language_code="es"))
    assert "06477, Orange, Connecticut, US" in answer["text"]  # last search was in the US
    assert choices(answer) == [("📮 Puebla De La Reina, ES", "pc:ES:06477")]
