"""The log holds no personal data: whole flows run with every logger at DEBUG, and neither
the texts, the coordinates, the names nor the usernames of the user show up in it."""

from __future__ import annotations

import json

from tests.e2e.test_community import data_of, press_for_message
from tests.e2e.test_nearest import ask
from tests.fakes import updates
from tests.fakes.telegram_api import running_application

USER = 4242
FIRST_NAME, LAST_NAME, USERNAME = "Zephyrine", "Quillfeather", "zeph_quill_77"
LATITUDE, LONGITUDE = 41.1793, -73.1947
NOTE = "Boarded windows near Wolcott"
MEETUP_NOTE = "bring the teal bicycle"
PLACE = "300 Congress St, Bridgeport"
# What must never be in the log, coordinates printed with any plausible precision included
# (the area key the live OpenStreetMap look-up uses is the position rounded to 0.1°).
SECRETS = (
    FIRST_NAME,
    LAST_NAME,
    USERNAME,
    str(USER),
    "06604",
    "Congress",
    NOTE,
    "Wolcott",
    MEETUP_NOTE,
    "teal bicycle",
    "41.1793",
    "41.179",
    "41.18",
    "41.2",
    "73.1947",
    "73.195",
    "73.19",
    "73.2",
)


def personal(update: dict) -> dict:
    """The update, sent by a user with a full name and a username."""
    body = update.get("message") or update.get("callback_query")
    assert body is not None
    body["from"].update(first_name=FIRST_NAME, last_name=LAST_NAME, username=USERNAME)
    chat = (body.get("message") or body)["chat"]
    chat.update(first_name=FIRST_NAME, last_name=LAST_NAME, username=USERNAME)
    return update


def leaks(lines: list[str]) -> list[tuple[str, str]]:
    """(secret, line) for every secret in a logged field other than the timestamp."""
    found = []
    for line in lines:
        record = json.loads(line)
        record.pop("ts")
        flat = json.dumps(record, ensure_ascii=False)
        found += [(secret, line) for secret in SECRETS if secret in flat]
    return found


async def run_flows(telegram) -> None:
    """Location, postal code, place name, /meetup with a note, a report with a note."""
    located = await ask(
        telegram, personal(updates.location_message(LATITUDE, LONGITUDE, user_id=USER))
    )
    assert "Bridgeport" in located["text"]
    place = await ask(telegram, personal(updates.text_message(PLACE, user_id=USER)))
    assert "Bridgeport" in place["text"]
    postal = await ask(telegram, personal(updates.text_message("06604", user_id=USER)))
    assert "Bridgeport" in postal["text"]
    venue = (await telegram.wait_for("sendVenue", chat_id=USER, count=3))[-1].params
    planned = await ask(
        telegram, personal(updates.text_message("/meetup in 3 hours", user_id=USER))
    )
    assert "Meetup planned" in planned["text"]
    where = await ask(telegram, personal(updates.text_message("/meetup", user_id=USER)))
    zone = data_of(where, "mz:")[0]
    await press_for_message(telegram, zone, USER)
    await ask(telegram, personal(updates.text_message("tomorrow 18:30", user_id=USER)))
    confirm = await ask(telegram, personal(updates.text_message(MEETUP_NOTE, user_id=USER)))
    assert MEETUP_NOTE in confirm["text"]
    card = await press_for_message(telegram, "mc:yes", USER)
    assert "Meetup planned" in card["text"]
    reasons = await press_for_message(telegram, data_of(venue, "rp:")[0], USER)
    prompt = await press_for_message(telegram, data_of(reasons, "rr:")[0], USER)
    assert "short note" in prompt["text"]
    thanks = await ask(telegram, personal(updates.text_message(NOTE, user_id=USER)))
    assert "Thank you" in thanks["text"]


async def test_whole_flows_log_no_personal_data(make_app, telegram, json_log):
    # A dead Overpass server: the live look-up fails and logs (it used to log the area key).
    application = make_app(admin_ids=frozenset({7007}), overpass_url="http://127.0.0.1:9")
    async with running_application(application):
        await run_flows(telegram)
    lines = json_log.getvalue().splitlines()
    events = [json.loads(line)["event"] for line in lines]
    assert any(event.startswith("live stations unavailable") for event in events)
    assert any(event.startswith("Processing update") for event in events)  # PTB at DEBUG too
    assert leaks(lines) == []
