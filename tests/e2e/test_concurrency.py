"""Users side by side: one slow lookup holds up nobody else; a chat's answers keep its order."""

from __future__ import annotations

import time

from tests.fakes import updates
from tests.fakes.nominatim import FakeNominatim
from tests.fakes.telegram_api import FakeTelegramAPI, running_application

SLOW_USER, QUICK_USER = 2001, 2002


async def test_a_slow_address_lookup_holds_up_no_other_user(
    make_app, telegram: FakeTelegramAPI, nominatim: FakeNominatim
):
    nominatim.mode, nominatim.slow_seconds = "slow", 3.0  # past the 1 s geocoder timeout
    async with running_application(make_app()):
        telegram.push_update(updates.text_message("300 Congress St, Bridgeport", user_id=SLOW_USER))
        telegram.push_update(updates.location_message(41.18, -73.19, user_id=QUICK_USER))
        start = time.monotonic()
        await telegram.wait_for("sendVenue", chat_id=QUICK_USER, within=5)
        quick_answered = time.monotonic() - start
        assert not telegram.calls_of("sendMessage", chat_id=SLOW_USER)  # still looking up
        slow = await telegram.wait_for("sendMessage", chat_id=SLOW_USER, within=5)
    assert quick_answered < 0.9  # did not wait for the 1 s timeout of the other lookup
    assert slow[0].params["text"]  # the slow user still gets a (polite) answer


async def test_one_chats_answers_come_in_the_order_it_asked(app, telegram: FakeTelegramAPI):
    asked = ["/tips", "06604", "/privacy", "K7K 4C2", "/help"]
    for text in asked:
        telegram.push_update(updates.text_message(text, user_id=SLOW_USER))
    calls = await telegram.wait_for("sendMessage", chat_id=SLOW_USER, count=len(asked))
    texts = [call.params["text"] for call in calls]
    assert texts[0].startswith("<b>Meeting a stranger safely</b>")  # /tips
    assert "near <b>06604, Bridgeport</b>" in texts[1]
    assert texts[2].startswith("<b>Privacy</b>")
    assert "Kingston" in texts[3]
    assert "/privacy" in texts[4]  # /help lists the commands


async def test_one_update_at_a_time_when_configured(make_app, telegram: FakeTelegramAPI):
    application = make_app(concurrent_updates=1)
    assert application.update_processor.max_concurrent_updates == 1
    async with running_application(application):
        telegram.push_update(updates.location_message(41.18, -73.19, user_id=QUICK_USER))
        await telegram.wait_for("sendVenue", chat_id=QUICK_USER)


async def test_stopping_waits_only_a_grace_time_for_queued_updates(make_app, telegram):
    """Twenty questions from one chat, each answer held 0.5 s by Telegram: about 10 s to
    answer them all. Stopping after the first answer takes the grace time, not those 10 s."""
    application = make_app()
    application.update_processor.stop_grace_s = 1.0
    telegram.delay_next("sendMessage", 0.5, times=20)
    async with running_application(application):
        for _ in range(20):
            telegram.push_update(updates.text_message("/tips", user_id=QUICK_USER))
        await telegram.wait_for("sendMessage", chat_id=QUICK_USER)
        started = time.monotonic()
    stopped_in = time.monotonic() - started
    answered = len(telegram.calls_of("sendMessage", chat_id=QUICK_USER))
    assert stopped_in < 4.0
    assert 1 <= answered < 20
    assert application.update_processor.dropped == 20 - answered


async def test_a_burst_of_address_lookups_is_told_to_wait_not_that_lookups_are_broken(
    app, telegram: FakeTelegramAPI, nominatim: FakeNominatim
):
    """Nominatim allows one request a second and a lookup waits 2 s at most here (the 1 s
    timeout plus one): of five at once, the fourth and fifth cannot get a turn in time."""
    users = range(3001, 3006)
    for user in users:
        telegram.push_update(updates.text_message(f"{user} Elm Street, Springfield", user_id=user))
    texts = [
        (await telegram.wait_for("sendMessage", chat_id=user, within=8))[0].params["text"]
        for user in users
    ]
    busy = [text for text in texts if text.startswith("Many people are looking up addresses")]
    assert len(busy) >= 2
    assert not any("not working right now" in text for text in texts)
    assert len(nominatim.requests) == len(texts) - len(busy)  # the busy ones never asked
