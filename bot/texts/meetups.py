"""Meetup replies: the plan card, reminders, check-in, the list, the shareable plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from babel.dates import format_skeleton, format_time, format_timedelta

from bot.domain.meetups import (
    CHECKIN_AFTER,
    Meetup,
    PlanProblem,
    Reminder,
    ReminderKind,
    ReminderState,
)
from bot.domain.when import WhenProblem
from bot.i18n import N_, Translator
from bot.sources.live_zones import is_openstreetmap_id
from bot.texts.callbacks import (
    ABANDON,
    CANCEL,
    CHANGE_TIME,
    CHECKIN_BAD,
    CHECKIN_OK,
    CONFIRM,
    PICK_TIME,
    PICK_ZONE,
    SHARE,
    SKIP_NOTE,
)
from bot.texts.formatting import emergency_numbers_text
from bot.texts.names import copied_name, place_address
from bot.texts.nearest import osm_attribution
from bot.texts.reply import ChoiceButton, LinkButton, Pin, Reply, directions_url_for

# Callback data: "<prefix><id>"; every handler re-checks ownership before acting.


def local_time_text(moment: datetime, tr: Translator) -> str:
    """'Sat, Nov 28, 2026, 2:00 PM EST' in the reader's language, on the moment's clock."""
    day = format_skeleton("yMMMEd", moment, locale=tr.language)
    time = format_time(moment, "short", tzinfo=moment.tzinfo, locale=tr.language)
    return f"{day}, {time} {moment.tzname()}"


def _whole_minutes(delta: timedelta) -> tuple[timedelta, float]:
    """Round to whole minutes (at least one) and pick a babel threshold that never rounds
    90 minutes up to '2 hours': whole hours read as hours, anything else as minutes."""
    minutes = max(1, round(delta.total_seconds() / 60))
    exact_hours = minutes % 60 == 0
    threshold = 1.0 if exact_hours or minutes >= 24 * 60 else minutes / 60 + 0.01
    return timedelta(minutes=minutes), threshold


def duration_text(delta: timedelta, tr: Translator) -> str:
    """'15 minutes', '90 minutes', '1 hour' in the reader's language."""
    rounded, threshold = _whole_minutes(delta)
    return format_timedelta(rounded, threshold=threshold, locale=tr.language)


def time_left_text(delta: timedelta, tr: Translator) -> str:
    """'in 5 minutes' in the reader's language (at least one minute)."""
    rounded, threshold = _whole_minutes(delta)
    return format_timedelta(rounded, add_direction=True, threshold=threshold, locale=tr.language)


def _meetup_address(meetup: Meetup, tr: Translator) -> str:
    """The meetup place's address, else its coordinates (an OSM station may have none)."""
    return place_address(meetup.zone_address, "", meetup.lat, meetup.lon, tr)


def _pin(meetup: Meetup, tr: Translator) -> Pin:
    url = directions_url_for(meetup.lat, meetup.lon)
    return Pin(
        meetup.lat,
        meetup.lon,
        copied_name(meetup.zone_name, tr),
        _meetup_address(meetup, tr),
        LinkButton(tr._("🧭 Directions"), url),
    )


def _reminder_schedule(reminders: Sequence[Reminder], tr: Translator) -> str:
    before = [r for r in reminders if r.kind is ReminderKind.BEFORE]
    coming = [duration_text(r.offset, tr) for r in before if r.state is ReminderState.PENDING]
    skipped = [duration_text(r.offset, tr) for r in before if r.state is ReminderState.SKIPPED]
    lines = []
    if coming:
        lines.append("⏰ " + tr._("Reminders: {leads} before.", leads=", ".join(coming)))
    if skipped:
        lines.append(tr._("(Too late for the reminder {leads} before.)", leads=", ".join(skipped)))
    lines.append(
        "💬 "
        + tr._(
            "I will check in with you {delay} after the start.",
            delay=duration_text(CHECKIN_AFTER, tr),
        )
    )
    return "\n".join(lines)


def meetup_card(
    meetup: Meetup,
    reminders: Sequence[Reminder],
    tr: Translator,
    *,
    after_sunset: bool,
    shifted: bool = False,
) -> Reply:
    """Confirmation of a planned (or moved) meetup."""
    lines = [
        "✅ <b>" + tr._("Meetup planned") + "</b>",
        "📍 <b>" + escape(copied_name(meetup.zone_name, tr)) + "</b>",
        escape(_meetup_address(meetup, tr)),
        "🕒 " + escape(local_time_text(meetup.local_start, tr)),
    ]
    if meetup.note:
        lines.append("📝 " + escape(meetup.note))
    if shifted:
        lines.append(
            tr._(
                "That time does not exist there (the clocks jump forward), so I "
                "moved it past the change."
            )
        )
    if after_sunset:
        lines.append(
            "🌙 "
            + tr._(
                "This is after sunset there. Meet in daylight if you can, or at a zone that is "
                "open 24/7, lit and watched by cameras."
            )
        )
    lines += ["", _reminder_schedule(reminders, tr), *_attribution(meetup, tr)]
    choices = (
        ChoiceButton(tr._("📤 Share plan"), f"{SHARE}{meetup.id}"),
        ChoiceButton(tr._("🕒 Change time"), f"{CHANGE_TIME}{meetup.id}"),
        ChoiceButton(tr._("❌ Cancel meetup"), f"{CANCEL}{meetup.id}"),
    )
    links = (LinkButton(tr._("🧭 Directions"), directions_url_for(meetup.lat, meetup.lon)),)
    return Reply("\n".join(lines), links=links, choices=choices)


def _attribution(meetup: Meetup, tr: Translator) -> list[str]:
    """The OpenStreetMap attribution, when the meetup place's data comes from there."""
    return ["", osm_attribution(tr)] if is_openstreetmap_id(meetup.zone_id) else []


def _checklist(meetup: Meetup, tr: Translator) -> str:
    number = emergency_numbers_text(meetup.country, tr)
    items = [
        tr._("Phone charged, location sharing on"),
        tr._("Someone knows where you are and when you will be back"),
        tr._("Bring a friend if you can"),
        tr._("Count cash in view of the cameras; inspect the item"),
        tr._("If it feels wrong, walk away"),
        tr._("Emergency: {number}", number=number),
    ]
    return "\n".join("☑️ " + item for item in items)


def reminder_reply(meetup: Meetup, time_left: timedelta, tr: Translator) -> Reply:
    """A reminder before the meetup, with the pin and a checklist."""
    lines = [
        "⏰ <b>" + tr._("Your meetup starts {when}", when=time_left_text(time_left, tr)) + "</b>",
        "📍 "
        + escape(copied_name(meetup.zone_name, tr))
        + " — "
        + escape(_meetup_address(meetup, tr)),
        "🕒 " + escape(local_time_text(meetup.local_start, tr)),
    ]
    if meetup.note:
        lines.append("📝 " + escape(meetup.note))
    lines += ["", _checklist(meetup, tr), *_attribution(meetup, tr)]
    return Reply("\n".join(lines), pins=(_pin(meetup, tr),))


def reminder_message(
    meetup: Meetup, reminder: Reminder, time_left: timedelta, tr: Translator
) -> Reply:
    """What a due reminder says: the heads-up before the meetup, or the check-in after it."""
    if reminder.kind is ReminderKind.CHECKIN:
        return checkin_reply(meetup, tr)
    return reminder_reply(meetup, time_left, tr)


def checkin_reply(meetup: Meetup, tr: Translator) -> Reply:
    """The check-in after the meetup."""
    text = tr._(
        "Did your meetup at {place} go OK?",
        place=f"<b>{escape(copied_name(meetup.zone_name, tr))}</b>",
    )
    return Reply(
        text,
        choices=(
            ChoiceButton(tr._("👍 All good"), f"{CHECKIN_OK}{meetup.id}"),
            ChoiceButton(tr._("⚠️ Something went wrong"), f"{CHECKIN_BAD}{meetup.id}"),
        ),
    )


def checkin_ok_text(tr: Translator) -> str:
    """Answer to 'all good'."""
    return tr._("Glad it went well. Stay safe!")


def checkin_trouble_reply(meetup: Meetup, tr: Translator) -> Reply:
    """What to do after a meetup that went wrong."""
    number = emergency_numbers_text(meetup.country, tr)
    lines = [
        "<b>" + tr._("I am sorry. Here is what to do now:") + "</b>",
        "🚨 " + tr._("If you are in danger or hurt, call {number} now.", number=number),
        "👮 "
        + tr._(
            "To report a robbery, a scam or a threat, call the local police on their "
            "non-emergency number or report online; {place} can help.",
            place=escape(copied_name(meetup.zone_name, tr)),
        ),
        "🛒 "
        + tr._(
            "Report the other person to the marketplace or group where you met them, "
            "and keep the messages, usernames and payment records."
        ),
        "💳 " + tr._("If you paid by card or transfer, call your bank at once."),
    ]
    return Reply("\n".join(lines))


def share_plan_reply(meetup: Meetup, tr: Translator) -> Reply:
    """A message to forward to a friend: where, when, address and map link."""
    url = directions_url_for(meetup.lat, meetup.lon)
    lines = [
        tr._("My meetup plan (SafeMeet):"),
        "📍 " + escape(copied_name(meetup.zone_name, tr)),
        escape(_meetup_address(meetup, tr)),
        "🕒 " + escape(local_time_text(meetup.local_start, tr)),
    ]
    if meetup.note:
        lines.append("📝 " + escape(meetup.note))
    lines += [
        f'🗺 <a href="{escape(url)}">' + tr._("Map") + "</a>",
        tr._("If you do not hear from me by then, call me."),
        *_attribution(meetup, tr),
    ]
    return Reply("\n".join(lines))


def meetups_list_reply(meetups: Sequence[Meetup], tr: Translator) -> Reply:
    """The user's upcoming meetups with Cancel and Change time buttons."""
    if not meetups:
        return Reply(tr._("You have no upcoming meetups. Plan one with /meetup."))
    blocks = ["<b>" + tr._("Your upcoming meetups") + "</b>"]
    choices: list[ChoiceButton] = []
    for number, meetup in enumerate(meetups, start=1):
        block = f"{number}. <b>{escape(copied_name(meetup.zone_name, tr))}</b>\n🕒 " + escape(
            local_time_text(meetup.local_start, tr)
        )
        if meetup.note:
            block += "\n📝 " + escape(meetup.note)
        blocks.append(block)
        choices += [
            ChoiceButton(tr._("❌ Cancel {number}", number=number), f"{CANCEL}{meetup.id}"),
            ChoiceButton(
                tr._("🕒 Change time {number}", number=number), f"{CHANGE_TIME}{meetup.id}"
            ),
        ]
    return Reply("\n\n".join(blocks), choices=tuple(choices))


_PLAN_PROBLEMS = {
    PlanProblem.TOO_MANY: N_("You already have 10 upcoming meetups. Cancel one in /meetups first."),
    PlanProblem.PAST: N_("That time has already passed. When is the meetup?"),
    PlanProblem.TOO_FAR: N_("That is more than a year ahead. Pick a time within a year."),
    PlanProblem.NOT_FOUND: N_("That meetup does not exist or is not yours."),
}
_WHEN_PROBLEMS = {
    WhenProblem.UNPARSEABLE: N_(
        "I could not read that time. Try “in 2 hours”, “tomorrow "
        "18:30”, “sat 14:00” or “2026-12-01 18:00”."
    ),
    WhenProblem.PAST: _PLAN_PROBLEMS[PlanProblem.PAST],
    WhenProblem.TOO_FAR: _PLAN_PROBLEMS[PlanProblem.TOO_FAR],
}


def plan_problem_text(problem: PlanProblem, tr: Translator) -> str:
    """Why a plan or change was refused."""
    return tr._(_PLAN_PROBLEMS[problem])


def when_problem_text(problem: WhenProblem, tr: Translator) -> str:
    """Why a typed time cannot be used."""
    return tr._(_WHEN_PROBLEMS[problem])


def ask_zone_reply(zones: Sequence[tuple[str, str]], tr: Translator) -> Reply:
    """First step of /meetup: pick one of the last search's zones, or search now."""
    if not zones:
        return Reply(
            tr._(
                "Where do you meet? Share a location or type a postal code or an "
                "address, and I will suggest safe zones. /cancel stops."
            )
        )
    choices = tuple(ChoiceButton(name, f"{PICK_ZONE}{zone_id}") for zone_id, name in zones)
    return Reply(
        tr._(
            "Where do you meet? Pick a zone, or share a location or type a postal "
            "code to search again. /cancel stops."
        ),
        choices=choices,
    )


def ask_time_reply(zone_name: str, quick: dict[str, datetime], tr: Translator) -> Reply:
    """Second step: when. Quick choices plus free text."""
    labels = {
        "in_1_hour": tr._("In 1 hour"),
        "this_evening": tr._("This evening (18:00)"),
        "tomorrow_noon": tr._("Tomorrow at noon"),
    }
    choices = tuple(ChoiceButton(labels[key], f"{PICK_TIME}{key}") for key in quick)
    text = tr._(
        "When do you meet at {place}? Pick one, or type a time such as “in 2 hours”, "
        "“tomorrow 18:30” or “sat 14:00” (the time there).",
        place=f"<b>{escape(zone_name)}</b>",
    )
    return Reply(text, choices=choices)


def ask_note_reply(tr: Translator) -> Reply:
    """Third step: an optional note."""
    return Reply(
        tr._(
            "Add a note for yourself, such as what you buy or sell and the other person's "
            "username ({limit} characters at most), or skip.",
            limit=200,
        ),
        choices=(ChoiceButton(tr._("Skip"), SKIP_NOTE),),
    )


def confirm_reply(zone_name: str, local_start: datetime, note: str, tr: Translator) -> Reply:
    """Last step: confirm the plan."""
    lines = [
        "<b>" + tr._("Plan this meetup?") + "</b>",
        "📍 " + escape(zone_name),
        "🕒 " + escape(local_time_text(local_start, tr)),
    ]
    if note:
        lines.append("📝 " + escape(note))
    return Reply(
        "\n".join(lines),
        choices=(
            ChoiceButton(tr._("✅ Confirm"), CONFIRM),
            ChoiceButton(tr._("✖️ Cancel"), ABANDON),
        ),
    )


def flow_cancelled_text(tr: Translator) -> str:
    """The /meetup flow was stopped."""
    return tr._("OK, no meetup planned.")


def meetup_cancelled_text(meetup: Meetup, tr: Translator) -> str:
    """A meetup was cancelled."""
    return tr._(
        "Cancelled: {place}, {when}. Its reminders will not come.",
        place=escape(copied_name(meetup.zone_name, tr)),
        when=escape(local_time_text(meetup.local_start, tr)),
    )


def ask_new_time_text(meetup: Meetup, tr: Translator) -> str:
    """Changing a meetup's time: ask for it."""
    return tr._(
        "What is the new time for {place}? For example “tomorrow 18:30”. /cancel "
        "keeps the old time.",
        place=escape(copied_name(meetup.zone_name, tr)),
    )


def search_first_text(tr: Translator) -> str:
    """The one-line /meetup needs a recent search."""
    return tr._(
        "First find a zone: share your location or send /nearest with a postal code. "
        "Then send /meetup followed by the time, for example /meetup in 2 hours."
    )


def out_of_reach_text(tr: Translator) -> str:
    """A place that is not among the user's latest search near them (too far, or forged)."""
    return tr._(
        "I can only plan a meetup at a place from your latest search, within reach of you. "
        "Share your location or type the postal code of where you will meet, then tap "
        "“Plan a meetup here”."
    )


def private_only_text(tr: Translator) -> str:
    """Meetups are planned in a private chat."""
    return tr._("Plan meetups in a private chat with me, so your plans stay private.")
