"""Finding zones end to end: locations, venues, live locations, postal codes, /nearest."""

from __future__ import annotations

import re

import pytest

from tests.fakes import updates
from tests.fakes.telegram_api import FakeTelegramAPI

USER = 1001


def chat_of(update: dict) -> int:
    """The chat an update comes from (where the bot answers)."""
    message = update.get("message") or update.get("edited_message")
    if message is None:
        message = update["callback_query"]["message"]
    return message["chat"]["id"]


async def ask(telegram: FakeTelegramAPI, update: dict, chat_id: int | None = None) -> dict:
    """Push an update and return the params of the text answer it produces in its chat."""
    chat_id = chat_of(update) if chat_id is None else chat_id
    before = len(telegram.calls_of("sendMessage", chat_id=chat_id))
    telegram.push_update(update)
    calls = await telegram.wait_for("sendMessage", chat_id=chat_id, count=before + 1)
    return calls[-1].params


def buttons(params: dict) -> list[dict]:
    markup = params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [button for row in rows for button in row]


async def test_shared_location_gets_zones_a_pin_and_directions(app, telegram):
    answer = await ask(telegram, updates.location_message(41.1790, -73.1900, user_id=USER))
    assert "Bridgeport Police" in answer["text"]
    assert "Official safe exchange zone" in answer["text"]
    assert "911" in answer["text"]
    assert answer["parse_mode"] == "HTML"
    directions = [b["url"] for b in buttons(answer)]
    assert directions[0].startswith("https://www.google.com/maps/dir/?api=1&destination=41.")
    venue = (await telegram.wait_for("sendVenue", chat_id=USER))[0].params
    assert "Bridgeport" in venue["title"]
    assert float(venue["latitude"]) == pytest.approx(41.18, abs=0.01)
    assert buttons(venue)[0]["url"] == directions[0]


async def test_three_zones_nearest_first_with_distance_and_direction(app, telegram):
    answer = await ask(telegram, updates.location_message(41.30, -72.95, user_id=USER))
    text = answer["text"]
    assert text.count("<b>1.") == 1
    assert text.count("<b>3.") == 1
    assert text.index("Orange") < text.index("Bridgeport")
    assert " mi " in text


async def test_venue_is_searched_from_its_location(app, telegram):
    venue = updates.venue_message(
        44.25, -76.50, "Cataraqui Centre", "945 Gardiners Rd", user_id=USER
    )
    answer = await ask(telegram, venue)
    assert "Cataraqui Centre" in answer["text"]
    assert "Kingston Police" in answer["text"]
    assert re.search(r"🧭 \d+ m [NESW]", answer["text"])  # metres in Canada
    assert "Bridgeport" not in answer["text"]  # 400 km away, across the border: out of reach


async def test_live_location_is_answered_once_despite_edits(app, telegram):
    telegram.push_update(
        updates.location_message(41.18, -73.19, user_id=USER, live_period=900, message_id=77)
    )
    await telegram.wait_for("sendVenue", chat_id=USER)
    for step in range(5):
        telegram.push_update(
            updates.edited_location(
                41.18 + step / 1000, -73.19, user_id=USER, message_id=77, live_period=900
            )
        )
    await ask(telegram, updates.text_message("/help", user_id=USER))
    assert len(telegram.calls_of("sendVenue", chat_id=USER)) == 1


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("06604", "Bridgeport"),
        ("06604-1234", "Bridgeport"),
        ("US 06477", "Orange"),  # bare, 06477 is Spanish too: see test_postal_choices.py
        ("06103 US", "Hartford"),
        ("K7K 4C2", "Kingston"),
        ("k7k4c2", "Kingston"),
        ("K7K", "Kingston"),
    ],
)
async def test_postal_codes_typed_as_text(app, telegram, code, zone):
    answer = await ask(telegram, updates.text_message(code, user_id=USER))
    first = answer["text"].split("<b>1.")[1].split("\n")[0]
    assert zone in first


async def test_nearest_with_an_argument(app, telegram):
    answer = await ask(telegram, updates.text_message("/nearest US 06103", user_id=USER))
    assert "Hartford" in answer["text"].split("<b>1.")[1].split("\n")[0]


async def test_nearest_alone_offers_the_location_button(app, telegram):
    answer = await ask(telegram, updates.text_message("/nearest", user_id=USER))
    keyboard = answer["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_location"] is True
    assert "postal code" in answer["text"]


async def test_address_goes_to_the_geocoder(app, telegram, nominatim):
    answer = await ask(telegram, updates.text_message("300 Congress St, Bridgeport", user_id=USER))
    assert "Bridgeport Police" in answer["text"]
    assert nominatim.requests[0]["q"] == "300 Congress St, Bridgeport"


async def test_geocoder_down_gets_a_clear_answer(app, telegram, nominatim):
    nominatim.mode = "down"
    answer = await ask(telegram, updates.text_message("12 Elm Street, Springfield", user_id=USER))
    assert "not working right now" in answer["text"]
    assert "postal code" in answer["text"]


async def test_nothing_within_reach_is_said_honestly_with_nowhere_to_go(app, telegram):
    answer = await ask(telegram, updates.text_message("/nearest 48.85, 2.35", user_id=USER))
    text = answer["text"]
    assert "no police safe zone or police station within 150 km" in text
    assert "<b>1." not in text
    assert "Kingston" not in text  # 5,800 km away: not even mentioned
    assert "busy, well-lit public place" in text
    assert "/suggest" in text
    assert "<b>112</b>" in text
    assert buttons(answer) == []
    await ask(telegram, updates.text_message("/help", user_id=USER))
    assert telegram.calls_of("sendVenue", chat_id=USER) == []


async def test_dark_now_advice_at_night(app, telegram, clock):
    from tests.e2e.conftest import NIGHT

    clock.now = NIGHT
    answer = await ask(telegram, updates.location_message(41.18, -73.19, user_id=USER))
    assert "It is dark there now" in answer["text"]


async def test_a_search_answer_in_french(app, telegram):
    answer = await ask(telegram, updates.text_message("K7K 4C2", user_id=USER, language_code="fr"))
    assert "Zone d" in answer["text"] or "zone d" in answer["text"]
    assert " km " in answer["text"]
