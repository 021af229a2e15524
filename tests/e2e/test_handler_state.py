"""What the handlers keep and ask through the use cases: typed conversation state, the last
search (through the finder), meetup ownership (through the planner)."""

from __future__ import annotations

from bot.context import UserData
from tests.e2e.test_meetups import USER, callback_data, press, search_then
from tests.e2e.test_nearest import ask
from tests.fakes import updates

OTHER = 4005


async def answered(telegram, data: str, user: int = USER) -> dict:
    """Press a button; the params of the answerCallbackQuery it gets."""
    before = len(telegram.calls_of("answerCallbackQuery"))
    await press(telegram, data, user)
    return (await telegram.wait_for("answerCallbackQuery", count=before + 1))[-1].params


async def replied(telegram, data: str, user: int = USER) -> dict:
    """Press a button; the params of the message the bot sends after it."""
    before = len(telegram.calls_of("sendMessage", chat_id=user))
    await press(telegram, data, user)
    return (await telegram.wait_for("sendMessage", chat_id=user, count=before + 1))[-1].params


async def test_the_meetup_flow_keeps_its_draft_in_typed_user_data(app, telegram):
    where = await search_then(telegram, "/meetup")
    await replied(telegram, callback_data(where, "mz:")[0])
    state = app.user_data[USER]
    assert isinstance(state, UserData)
    assert state.meetup_draft is not None
    assert state.meetup_draft.zone.id == "us-ct-bridgeport-police-hq"
    await ask(telegram, updates.text_message("tomorrow 18:30", user_id=USER))
    assert state.meetup_draft.moment is not None
    stopped = await ask(telegram, updates.text_message("/cancel", user_id=USER))
    assert "no meetup planned" in stopped["text"]
    assert state.meetup_draft is None


async def test_a_report_keeps_its_reason_and_zone_until_sent(app, telegram):
    await ask(telegram, updates.text_message("06604", user_id=USER))
    await replied(telegram, "rr:closed:us-ct-bridgeport-police-hq")
    state = app.user_data[USER]
    assert state.report == ("closed", "us-ct-bridgeport-police-hq")
    thanks = await ask(telegram, updates.text_message("Gates locked", user_id=USER))
    assert "Thank" in thanks["text"]
    assert state.report is None


async def test_a_zone_the_last_search_did_not_offer_cannot_be_planned_at(app, telegram):
    await ask(telegram, updates.text_message("K7K 4C2", user_id=USER))  # Kingston, Canada
    refused = await replied(telegram, "plan:us-ct-bridgeport-police-hq")
    assert "latest search" in refused["text"]
    assert app.user_data[USER].meetup_draft is None


async def test_a_check_in_is_answered_even_after_the_meetup_was_cancelled(app, telegram):
    await search_then(telegram, "/meetup in 2 hours")
    meetup = (await app.bot_data.services.planner.upcoming(USER))[0]
    await answered(telegram, f"mx:{meetup.id}")
    assert await app.bot_data.services.planner.upcoming(USER) == []
    refused = await answered(telegram, f"ck+:{meetup.id}", user=OTHER)
    assert "not yours" in refused["text"]
    assert refused["show_alert"] is True
    ok = await answered(telegram, f"ck+:{meetup.id}")
    assert "Glad it went well" in ok["text"]
    for data in (f"ms:{meetup.id}", f"mr:{meetup.id}"):  # a cancelled one is not shared or moved
        assert "not yours" in (await answered(telegram, data))["text"]
