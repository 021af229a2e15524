"""Far from every zone: nothing out of reach is offered or plannable; numbers follow the place."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_meetups import callback_data, press
from tests.e2e.test_nearest import ask, buttons
from tests.fakes import updates

USER = 5005
SYDNEY = (-33.86, 151.21)
MONTREAL = (45.50, -73.57)  # about 250 km from Kingston: out of reach, worth a mention


async def test_sydney_gets_000_and_no_kingston(app, telegram):
    answer = await ask(telegram, updates.location_message(*SYDNEY, user_id=USER))
    text = answer["text"]
    assert "<b>000</b>" in text
    assert "150 km" in text
    assert "Kingston" not in text
    assert buttons(answer) == []


async def test_meetup_after_a_search_with_nothing_in_reach_is_not_planned(app, telegram):
    await ask(telegram, updates.text_message("06604", user_id=USER))  # an earlier search
    await ask(telegram, updates.location_message(*SYDNEY, user_id=USER))
    answer = await ask(telegram, updates.text_message("/meetup in 2 hours", user_id=USER))
    assert "First find a zone" in answer["text"]
    assert await app.bot_data.services.planner.upcoming(USER) == []


async def test_a_zone_out_of_reach_is_mentioned_only_as_information(app, telegram):
    answer = await ask(telegram, updates.location_message(*MONTREAL, user_id=USER))
    text = answer["text"]
    assert "The nearest I know is in Kingston, 2" in text
    assert "too far to meet there" in text
    assert "<b>1." not in text
    assert buttons(answer) == []


async def test_a_zone_beyond_nearby_but_in_reach_is_listed_as_far(app, telegram):
    answer = await ask(telegram, updates.text_message("06604", user_id=USER))
    text = answer["text"]
    hartford = text[text.index("Hartford") :]
    assert "far from you" in hartford.split("\n\n")[0]
    assert "far from you" not in text[: text.index("Hartford")]


async def test_plan_button_for_a_zone_out_of_reach_is_refused(app, telegram):
    await ask(telegram, updates.text_message("06604", user_id=USER))
    before = len(telegram.calls_of("sendMessage", chat_id=USER))
    await press(telegram, "plan:ca-on-kingston-police-hq", user=USER)
    refusal = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1]
    assert "only plan a meetup at a place from your latest search" in refusal.params["text"]


async def test_guided_meetup_search_with_nothing_in_reach_offers_no_zone(app, telegram):
    await ask(telegram, updates.text_message("/meetup", user_id=USER))
    answer = await ask(telegram, updates.location_message(*SYDNEY, user_id=USER))
    assert "no police safe zone or police station within 150 km" in answer["text"]
    assert callback_data(answer, "mz:") == []


@pytest.mark.parametrize(
    ("where", "number", "unit"),
    [
        ((34.05, -118.24), "<b>911</b>", "mi"),  # Los Angeles
        ((40.71, -74.00), "<b>911</b>", "mi"),  # Manhattan
        ((51.50, -0.12), "<b>999</b> or <b>112</b>", "mi"),  # London
        ((52.52, 13.40), "<b>112</b>", "km"),  # Berlin
        ((-36.85, 174.76), "<b>111</b>", "km"),  # Auckland
        ((35.68, 139.69), "<b>110</b>", "km"),  # Tokyo
        ((30.0, -40.0), "<b>112</b>", "km"),  # the Atlantic
    ],
)
async def test_number_and_units_follow_the_shared_position(app, telegram, where, number, unit):
    answer = await ask(telegram, updates.location_message(*where, user_id=USER))
    assert f"In danger, call {number} at once." in answer["text"]
    assert re.search(rf"\d {unit}\b", answer["text"])
    assert re.search(rf"\d {'km' if unit == 'mi' else 'mi'}\b", answer["text"]) is None
