"""Community reports, suggestions and their review, end to end through the fake Bot API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.community import REPORTS_PER_DAY, Reason, Status
from handlers import COMMANDS
from tests.e2e.test_nearest import ask, buttons
from tests.e2e.test_privacy_and_limits import forget_everything
from tests.fakes import updates
from tests.fakes.overpass import FakeOverpass, police_node
from tests.fakes.telegram_api import running_application

USER = 5005
OTHER = 6006
ADMIN = 7007
GROUP = -100900
BRIDGEPORT = "us-ct-bridgeport-police-hq"
# A spot in Stratford, CT, between the bundled Bridgeport and Orange zones.
NEW_PLACE = (41.2001, -73.1302)


@pytest.fixture
async def app(make_app):
    application = make_app(admin_ids=frozenset({ADMIN}))
    async with running_application(application):
        yield application


def data_of(params: dict, prefix: str) -> list[str]:
    return [
        b["callback_data"] for b in buttons(params) if b.get("callback_data", "").startswith(prefix)
    ]


async def press(telegram, data: str, user: int, chat: dict | None = None) -> dict:
    """Press a button; returns the params of the answerCallbackQuery it gets."""
    before = len(telegram.calls_of("answerCallbackQuery"))
    telegram.push_update(updates.callback_query(data, user_id=user, message_id=1, chat=chat))
    return (await telegram.wait_for("answerCallbackQuery", count=before + 1))[-1].params


async def press_for_message(telegram, data: str, user: int) -> dict:
    """Press a button that answers with a message in the user's chat; returns its params."""
    before = len(telegram.calls_of("sendMessage", chat_id=user))
    await press(telegram, data, user)
    return (await telegram.wait_for("sendMessage", chat_id=user, count=before + 1))[-1].params


async def zone_card(telegram, user: int = USER) -> dict:
    """Search 06604 and return the venue (zone card) the answer ends with."""
    before = len(telegram.calls_of("sendVenue", chat_id=user))
    await ask(telegram, updates.text_message("06604", user_id=user), user)
    return (await telegram.wait_for("sendVenue", chat_id=user, count=before + 1))[-1].params


async def start_report(telegram, reason: str, user: int = USER) -> dict:
    """'Report a problem' on the zone card, then a reason; returns the note prompt."""
    report = data_of(await zone_card(telegram, user), "rp:")
    assert report == [f"rp:{BRIDGEPORT}"]
    reasons = await press_for_message(telegram, report[0], user)
    assert "What is wrong with <b>Bridgeport Police" in reasons["text"]
    choice = [d for d in data_of(reasons, "rr:") if d.startswith(f"rr:{reason}:")]
    assert len(data_of(reasons, "rr:")) == 5
    return await press_for_message(telegram, choice[0], user)


async def rows(app, table: str, user: int) -> int:
    found = await app.bot_data.services.db.execute_fetchall(
        f"SELECT count(*) FROM {table} WHERE user_id = ?", (user,)
    )
    return next(iter(found))[0]


async def test_report_with_a_note(app, telegram):
    prompt = await start_report(telegram, "closed")
    assert "short note" in prompt["text"]
    assert data_of(prompt, "rn:send")
    thanks = await ask(telegram, updates.text_message("Boarded up since May", user_id=USER))
    assert "Thank you" in thanks["text"]
    queue = await app.bot_data.services.community.queue(ADMIN)
    [report] = queue.reports
    assert (report.user_id, report.zone_id, report.reason) == (USER, BRIDGEPORT, Reason.CLOSED)
    assert report.note == "Boarded up since May"


async def test_report_without_a_note(app, telegram):
    prompt = await start_report(telegram, "unsafe")
    thanks = await press_for_message(telegram, data_of(prompt, "rn:")[0], USER)
    assert "Thank you" in thanks["text"]
    [report] = (await app.bot_data.services.community.queue(ADMIN)).reports
    assert (report.reason, report.note) == (Reason.UNSAFE, "")


async def test_a_huge_note_is_refused_and_a_sticker_gets_a_hint(app, telegram):
    await start_report(telegram, "other")
    huge = await ask(telegram, updates.text_message("x" * 4000, user_id=USER))
    assert "too long" in huge["text"]
    sticker = await ask(telegram, updates.sticker_message(USER))
    assert "type a short note" in sticker["text"]
    done = await ask(telegram, updates.text_message("Closes at 6 now", user_id=USER))
    assert "Thank you" in done["text"]


async def test_cancel_stops_a_report(app, telegram):
    await start_report(telegram, "moved")
    stopped = await ask(telegram, updates.text_message("/cancel", user_id=USER))
    assert "Nothing was sent" in stopped["text"]
    assert (await app.bot_data.services.community.queue(ADMIN)).reports == []
    search = await ask(telegram, updates.text_message("06604", user_id=USER))
    assert "safe places to meet" in search["text"]  # typed text is a search again


async def test_another_command_leaves_the_flow_and_is_answered(app, telegram):
    await start_report(telegram, "moved")
    help_text = await ask(telegram, updates.text_message("/help", user_id=USER))
    assert "/suggest" in help_text["text"]
    search = await ask(telegram, updates.text_message("06604", user_id=USER))
    assert "safe places to meet" in search["text"]
    assert (await app.bot_data.services.community.queue(ADMIN)).reports == []


async def test_suggest_a_zone(app, telegram):
    where = await ask(telegram, updates.text_message("/suggest", user_id=USER))
    assert "Share its location" in where["text"]
    assert where["reply_markup"]["keyboard"][0][0]["request_location"] is True
    wrong = await ask(telegram, updates.text_message("Stratford", user_id=USER))
    assert "share the place's location" in wrong["text"]
    name = await ask(telegram, updates.location_message(*NEW_PLACE, user_id=USER))
    assert "What is the place called" in name["text"]
    assert name["reply_markup"] == {"remove_keyboard": True}
    short = await ask(telegram, updates.text_message("PD", user_id=USER))
    assert "3 to 80 characters" in short["text"]
    long = await ask(telegram, updates.text_message("N" * 5000, user_id=USER))
    assert "too long" in long["text"]
    thanks = await ask(
        telegram, updates.text_message("Stratford Police <Department>", user_id=USER)
    )
    assert "Thank you" in thanks["text"]
    assert "&lt;Department&gt;" in thanks["text"]
    [suggestion] = (await app.bot_data.services.community.queue(ADMIN)).suggestions
    assert (suggestion.user_id, suggestion.name) == (USER, "Stratford Police <Department>")
    assert (suggestion.lat, suggestion.lon) == NEW_PLACE


async def test_review_approve_a_suggestion_and_confirm_a_closed_report(app, telegram):
    community = app.bot_data.services.community
    suggestion = await community.suggest(USER, "Stratford Police Department", *NEW_PLACE)
    report = await community.report(OTHER, BRIDGEPORT, Reason.CLOSED, "Closed for good")
    before = len(telegram.calls_of("sendMessage", chat_id=ADMIN))
    telegram.push_update(updates.text_message("/review", user_id=ADMIN))
    messages = await telegram.wait_for("sendMessage", chat_id=ADMIN, count=before + 3)
    header, suggested, reported = (call.params for call in messages[-3:])
    assert "Suggestions pending: 1" in header["text"]
    assert "Stratford Police Department" in suggested["text"]
    assert "Closed for good" in reported["text"]
    pin = (await telegram.wait_for("sendVenue", chat_id=ADMIN))[-1].params
    assert data_of(pin, "cs") == [f"cs+:{suggestion.id}", f"cs-:{suggestion.id}"]
    assert data_of(reported, "cr") == [f"cr+:{report.id}", f"cr-:{report.id}"]

    approved = await press_for_message(telegram, f"cs+:{suggestion.id}", ADMIN)
    assert "Approved" in approved["text"]
    again = await press(telegram, f"cs+:{suggestion.id}", ADMIN)
    assert "already decided" in again["text"]
    near_new = await ask(telegram, updates.location_message(*NEW_PLACE, user_id=OTHER))
    assert "Stratford Police Department" in near_new["text"]

    hidden = await press_for_message(telegram, f"cr+:{report.id}", ADMIN)
    assert "hidden from every search" in hidden["text"]
    search = await ask(telegram, updates.text_message("06604", user_id=OTHER))
    assert "Bridgeport Police" not in search["text"]
    assert "Stratford Police Department" in search["text"]
    empty = await ask(telegram, updates.text_message("/review", user_id=ADMIN))
    assert "Nothing to review" in empty["text"]


async def test_review_reject_and_dismiss(app, telegram):
    community = app.bot_data.services.community
    suggestion = await community.suggest(USER, "Not a police station", *NEW_PLACE)
    report = await community.report(OTHER, BRIDGEPORT, Reason.CLOSED)
    rejected = await press_for_message(telegram, f"cs-:{suggestion.id}", ADMIN)
    assert "Rejected" in rejected["text"]
    dismissed = await press_for_message(telegram, f"cr-:{report.id}", ADMIN)
    assert "nothing changes" in dismissed["text"]
    search = await ask(telegram, updates.text_message("06604", user_id=OTHER))
    assert "Bridgeport Police" in search["text"]
    assert "Not a police station" not in search["text"]
    suggestions = app.bot_data.services.community._suggestions
    assert (await suggestions.get(suggestion.id)).status is Status.REJECTED


async def test_non_admins_are_refused_politely_even_with_forged_buttons(app, telegram):
    community = app.bot_data.services.community
    suggestion = await community.suggest(USER, "Stratford Police Department", *NEW_PLACE)
    report = await community.report(USER, BRIDGEPORT, Reason.CLOSED)
    refusal = await ask(telegram, updates.text_message("/review", user_id=USER))
    assert "only SafeMeet's reviewers" in refusal["text"]
    group = updates.group_chat(GROUP)
    in_group = await ask(telegram, updates.text_message("/review", user_id=USER, chat=group))
    assert "only SafeMeet's reviewers" in in_group["text"]
    for data in (
        f"cs+:{suggestion.id}",
        f"cs-:{suggestion.id}",
        f"cr+:{report.id}",
        f"cr-:{report.id}",
        "cs+:abc",
        "cr+:1; DROP TABLE zones",
        "cs+:" + "9" * 60,
    ):
        answered = await press(telegram, data, USER)
        assert "only SafeMeet's reviewers" in answered["text"]
        assert answered["show_alert"] is True
    queue = await community.queue(ADMIN)
    assert (queue.suggestions_pending, queue.reports_pending) == (1, 1)


async def test_forged_data_from_an_admin_gets_clear_answers(app, telegram):
    assert "no longer valid" in (await press(telegram, "cs+:abc", ADMIN))["text"]
    assert "already decided" in (await press(telegram, "cr+:424242", ADMIN))["text"]
    assert "no longer valid" in (await press(telegram, "rr:nonsense:x", USER))["text"]
    unknown = await press(telegram, "rr:closed:no-such-zone", USER)
    assert "do not know this place" in unknown["text"]
    assert "do not know this place" in (await press(telegram, "rp:" + "z" * 60, USER))["text"]
    in_group = await ask(
        telegram, updates.text_message("/review", user_id=ADMIN, chat=updates.group_chat(GROUP))
    )
    assert "private chat" in in_group["text"]


async def test_group_chats_get_a_private_only_answer(app, telegram):
    group = updates.group_chat(GROUP)
    answer = await ask(telegram, updates.text_message("/suggest", user_id=USER, chat=group))
    assert "private chat" in answer["text"]
    pressed = await press(telegram, f"rp:{BRIDGEPORT}", USER, chat=group)
    assert "private chat" in pressed["text"]
    picked = await press(telegram, f"rr:closed:{BRIDGEPORT}", USER, chat=group)
    assert "private chat" in picked["text"]


async def test_daily_report_limit(app, telegram, clock):
    community = app.bot_data.services.community
    for _ in range(REPORTS_PER_DAY):
        report = await community.report(USER, BRIDGEPORT, Reason.OTHER)
        await community.dismiss_report(ADMIN, report.id)
    card = await zone_card(telegram)
    refused = await press(telegram, data_of(card, "rp:")[0], USER)
    assert f"{REPORTS_PER_DAY} reports today" in refused["text"]
    assert refused["show_alert"] is True
    clock.now += timedelta(days=1, minutes=1)
    reasons = await press_for_message(telegram, data_of(card, "rp:")[0], USER)
    assert "What is wrong" in reasons["text"]


async def test_daily_suggestion_limit(app, telegram):
    community = app.bot_data.services.community
    for number in range(5):
        await community.suggest(USER, f"Station number {number}", *NEW_PLACE)
    refused = await ask(telegram, updates.text_message("/suggest", user_id=USER))
    assert "5 places today" in refused["text"]


async def test_an_edited_message_during_a_suggestion_is_not_taken_as_its_name(app, telegram):
    await ask(telegram, updates.text_message("/suggest", user_id=USER))
    await ask(telegram, updates.location_message(*NEW_PLACE, user_id=USER))
    edited = await ask(telegram, updates.edited_text("06604", user_id=USER, message_id=31337))
    assert "safe places to meet" in edited["text"]  # answered as the search it now is
    thanks = await ask(telegram, updates.text_message("Stratford Police", user_id=USER))
    assert "Thank you" in thanks["text"]


async def test_forget_deletes_reports_and_suggestions(app, telegram):
    await start_report(telegram, "closed")
    await ask(telegram, updates.text_message("Gone", user_id=USER))
    await ask(telegram, updates.text_message("/suggest", user_id=USER))
    await ask(telegram, updates.location_message(*NEW_PLACE, user_id=USER))
    await ask(telegram, updates.text_message("Stratford Police", user_id=USER))
    assert await rows(app, "community_reports", USER) == 1
    assert await rows(app, "community_suggestions", USER) == 1
    await forget_everything(telegram, USER)
    db = app.bot_data.services.db
    tables = [
        row[0]
        for row in await db.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    checked = []
    for table in tables:
        columns = {row[1] for row in await db.execute_fetchall(f"PRAGMA table_info({table})")}
        if "user_id" in columns:
            checked.append(table)
            assert await rows(app, table, USER) == 0, table
    assert {"community_reports", "community_suggestions", "users"} <= set(checked)


async def test_privacy_states_the_retention(app, telegram):
    privacy = await ask(telegram, updates.text_message("/privacy", user_id=USER))
    assert "30 days after a reviewer decides" in privacy["text"]
    menu = {command.name for command in COMMANDS if command.menu}
    assert "suggest" in menu
    assert "review" not in menu  # reviewers only: not in the public menu


async def test_a_live_openstreetmap_station_can_be_reported(make_app, telegram):
    station = police_node(1001, 53.8008, -1.5360, name="Millgarth Police Station")
    async with FakeOverpass(elements=[station]) as overpass:
        application = make_app(
            overpass_url=overpass.url, overpass_timeout=2.0, admin_ids=frozenset({ADMIN})
        )
        async with running_application(application):
            await ask(telegram, updates.location_message(53.7997, -1.5492, user_id=USER))
            venue = (await telegram.wait_for("sendVenue", chat_id=USER))[-1].params
            assert data_of(venue, "rp:") == ["rp:osm-node-1001"]
            reasons = await press_for_message(telegram, "rp:osm-node-1001", USER)
            assert "Millgarth Police Station" in reasons["text"]
            await press_for_message(telegram, "rr:closed:osm-node-1001", USER)
            thanks = await press_for_message(telegram, "rn:send", USER)
            assert "Thank you" in thanks["text"]
            community = application.bot_data.services.community
            [report] = (await community.queue(ADMIN)).reports
            outcome = await press_for_message(telegram, f"cr+:{report.id}", ADMIN)
            assert "openstreetmap.org" in outcome["text"]
