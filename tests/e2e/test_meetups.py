"""Meetups end to end: guided flow, one-line form, list, cancel, change, restart, limits."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.test_nearest import ask, buttons
from tests.e2e.test_privacy_and_limits import forget_everything
from tests.fakes import updates
from tests.fakes.telegram_api import running_application

USER = 3003
OTHER = 4004


async def search_then(telegram, text: str, user: int = USER) -> dict:
    """Search 06604 first (so /meetup has zones), then send ``text``."""
    await ask(telegram, updates.text_message("06604", user_id=user), user)
    return await ask(telegram, updates.text_message(text, user_id=user), user)


async def press(telegram, data: str, user: int = USER) -> None:
    telegram.push_update(updates.callback_query(data, user_id=user, message_id=1))


def spaced(text: str) -> str:
    """CLDR puts a narrow no-break space before AM/PM; compare with plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def callback_data(params: dict, prefix: str) -> list[str]:
    return [
        b["callback_data"] for b in buttons(params) if b.get("callback_data", "").startswith(prefix)
    ]


async def test_guided_flow_plans_a_meetup(app, telegram):
    where = await search_then(telegram, "/meetup")
    zone_choice = callback_data(where, "mz:")[0]
    before = len(telegram.calls_of("sendMessage", chat_id=USER))
    await press(telegram, zone_choice)
    when = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1].params
    assert "When do you meet" in when["text"]
    assert callback_data(when, "mt:")
    note = await ask(telegram, updates.text_message("tomorrow 18:30", user_id=USER))
    assert "note" in note["text"]
    confirm = await ask(telegram, updates.text_message("Bike, @bob", user_id=USER))
    assert "Plan this meetup?" in confirm["text"]
    before = len(telegram.calls_of("sendMessage", chat_id=USER))
    await press(telegram, "mc:yes")
    card = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1].params
    assert "Meetup planned" in card["text"]
    assert "Jun 16, 2026, 6:30 PM EDT" in spaced(card["text"])
    assert "Bike, @bob" in card["text"]
    assert "Reminders: 1 hour, 15 minutes before" in card["text"]
    assert callback_data(card, "ms:")
    meetups = await app.bot_data.services.planner.upcoming(USER)
    assert len(meetups) == 1


async def test_one_line_form_and_skipped_leads(app, telegram):
    card = await search_then(telegram, "/meetup in 2 minutes")
    assert "Meetup planned" in card["text"]
    assert "Too late for the reminder" in card["text"]
    assert "Bridgeport" in card["text"]


async def test_one_line_form_needs_a_search_first(app, telegram):
    answer = await ask(telegram, updates.text_message("/meetup in 1 hour", user_id=USER))
    assert "First find a zone" in answer["text"]


async def test_after_sunset_warning_and_dst_gap(app, telegram):
    card = await search_then(telegram, "/meetup 2026-12-15 19:00")
    assert "after sunset" in card["text"]
    gap = await ask(telegram, updates.text_message("/meetup 2027-03-14 02:30", user_id=USER))
    assert "does not exist there" in gap["text"]
    assert "3:30 AM EDT" in spaced(gap["text"])


async def test_bad_times_get_clear_answers(app, telegram):
    past = await search_then(telegram, "/meetup yesterday")
    assert "already passed" in past["text"]
    far = await ask(telegram, updates.text_message("/meetup 2030-01-01 10:00", user_id=USER))
    assert "more than a year" in far["text"]
    garbage = await ask(telegram, updates.text_message("/meetup blorp", user_id=USER))
    assert "could not read that time" in garbage["text"]


async def test_list_cancel_and_change_time(app, telegram):
    await search_then(telegram, "/meetup tomorrow 18:30")
    listing = await ask(telegram, updates.text_message("/meetups", user_id=USER))
    assert "Bridgeport" in listing["text"]
    change = callback_data(listing, "mr:")[0]
    before = len(telegram.calls_of("sendMessage", chat_id=USER))
    await press(telegram, change)
    await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1)
    moved = await ask(telegram, updates.text_message("tomorrow 20:00", user_id=USER))
    assert "8:00 PM" in spaced(moved["text"])
    cancel = callback_data(listing, "mx:")[0]
    before = len(telegram.calls_of("sendMessage", chat_id=USER))
    await press(telegram, cancel)
    done = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1].params
    assert "Cancelled" in done["text"]
    empty = await ask(telegram, updates.text_message("/meetups", user_id=USER))
    assert "no upcoming meetups" in empty["text"]


async def test_another_users_meetup_cannot_be_touched(app, telegram):
    await search_then(telegram, "/meetup tomorrow 18:30")
    meetup = (await app.bot_data.services.planner.upcoming(USER))[0]
    for data in (
        f"mx:{meetup.id}",
        f"mr:{meetup.id}",
        f"ms:{meetup.id}",
        f"ck-:{meetup.id}",
        "mx:999999",
        "mx:1; DROP TABLE meetups",
        "mx:-1",
    ):
        before = len(telegram.calls_of("answerCallbackQuery"))
        await press(telegram, data, user=OTHER)
        answered = (await telegram.wait_for("answerCallbackQuery", count=before + 1))[-1]
        assert "not yours" in answered.params["text"]
    assert len(await app.bot_data.services.planner.upcoming(USER)) == 1


async def test_plan_button_on_the_map_pin(app, telegram):
    await ask(telegram, updates.text_message("06604", user_id=USER))
    venue = (await telegram.wait_for("sendVenue", chat_id=USER))[-1].params
    plan = callback_data(venue, "plan:")[0]
    before = len(telegram.calls_of("sendMessage", chat_id=USER))
    await press(telegram, plan)
    when = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1].params
    assert "When do you meet at <b>Bridgeport" in when["text"]


async def test_share_plan_and_forget(app, telegram):
    card = await search_then(telegram, "/meetup tomorrow 18:30")
    before = len(telegram.calls_of("sendMessage", chat_id=USER))
    await press(telegram, callback_data(card, "ms:")[0])
    shared = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1]
    assert "My meetup plan" in shared.params["text"]
    assert "google.com/maps" in shared.params["text"]
    await forget_everything(telegram, USER)
    services = app.bot_data.services
    assert await services.planner.upcoming(USER) == []
    assert await services.searches.recall(USER) == []
    async with services.db.execute(
        "SELECT count(*) FROM meetups WHERE user_id = ?", (USER,)
    ) as cursor:
        assert (await cursor.fetchone())[0] == 0


async def test_meetup_in_a_group_is_refused(app, telegram):
    group = updates.group_chat(-100700)
    answer = await ask(
        telegram, updates.text_message("/meetup in 1 hour", user_id=USER, chat=group), -100700
    )
    assert "private chat" in answer["text"]


async def test_reminder_survives_a_restart_exactly_once(make_app, telegram, clock):
    first = make_app(reminder_leads=(timedelta(minutes=1),))
    async with running_application(first):
        card = await search_then(telegram, "/meetup in 2 minutes")
        assert "Meetup planned" in card["text"]
    clock.now += timedelta(seconds=61)  # the lead passed while the bot was down
    for _ in range(2):  # two restarts: the reminder must come once
        again = make_app(reminder_leads=(timedelta(minutes=1),))
        async with running_application(again):
            await telegram.wait_for("sendVenue", chat_id=USER, count=2)
            await ask(telegram, updates.text_message("/help", user_id=USER))
    reminders = [
        c
        for c in telegram.calls_of("sendMessage", chat_id=USER)
        if "Your meetup starts" in c.params["text"]
    ]
    assert len(reminders) == 1
    assert "in 1 minute" in reminders[0].params["text"]


async def test_checkin_after_the_meetup(make_app, telegram, clock):
    application = make_app(reminder_leads=(timedelta(minutes=1),))
    async with running_application(application):
        await search_then(telegram, "/meetup in 2 minutes")
    clock.now += timedelta(minutes=33)
    async with running_application(make_app(reminder_leads=(timedelta(minutes=1),))):
        calls = await telegram.wait_for("sendMessage", chat_id=USER, count=3)
        checkin = [c.params for c in calls if "go OK" in c.params["text"]]
        assert checkin
        assert not [c for c in calls if "Your meetup starts" in c.params["text"]]
        bad = callback_data(checkin[0], "ck-:")[0]
        before = len(telegram.calls_of("sendMessage", chat_id=USER))
        await press(telegram, bad)
        advice = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1]
        assert "911" in advice.params["text"]
        assert "marketplace" in advice.params["text"]
