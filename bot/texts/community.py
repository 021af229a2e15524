"""Replies about community reports, suggestions and their review, and their button data."""

from __future__ import annotations

from html import escape

from babel.dates import format_date

from bot.domain.community import (
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    MIN_NAME_CHARS,
    REPORTS_PER_DAY,
    SUGGESTIONS_PER_DAY,
    CommunityProblem,
    Reason,
    Report,
    ReportDecision,
    ReviewQueue,
    Suggestion,
)
from bot.domain.zones import Zone
from bot.i18n import N_, Translator
from bot.texts.callbacks import (
    APPROVE_SUGGESTION,
    CONFIRM_REPORT,
    DISMISS_REPORT,
    REASON,
    REJECT_SUGGESTION,
    SEND_WITHOUT_NOTE,
)
from bot.texts.names import copied_name, zone_name
from bot.texts.reply import ChoiceButton, LinkButton, Pin, Reply, directions_url_for

_REASON_LABELS = {
    Reason.CLOSED: N_("🚫 Closed"),
    Reason.MOVED: N_("📍 Moved"),
    Reason.NOT_ZONE: N_("❓ Not a safe zone"),
    Reason.UNSAFE: N_("⚠️ Unsafe"),
    Reason.OTHER: N_("✏️ Other"),
}
_PROBLEMS = {
    CommunityProblem.TOO_MANY_REPORTS: N_(
        "You have sent {limit} reports today, the most I take in a day. Thank you! "
        "Please try again tomorrow."
    ),
    CommunityProblem.TOO_MANY_SUGGESTIONS: N_(
        "You have suggested {limit} places today, the most I take in a day. Thank you! "
        "Please try again tomorrow."
    ),
    CommunityProblem.ALREADY_REPORTED: N_(
        "You already reported this place; a reviewer will look at it soon."
    ),
    CommunityProblem.NO_SUCH_ZONE: N_("I do not know this place any more. Search again."),
    CommunityProblem.NOTE_TOO_LONG: N_(
        "That note is too long ({limit} characters at most). Send a shorter one, or tap "
        "“Send without a note”."
    ),
    CommunityProblem.NAME_TOO_SHORT: N_(
        "Please type the place's name ({low} to {high} characters), for example “Springfield "
        "Police Department”."
    ),
    CommunityProblem.NAME_TOO_LONG: N_(
        "That name is too long ({high} characters at most). Please type a shorter one."
    ),
    CommunityProblem.BAD_LOCATION: N_(
        "That location is not on Earth. Please share the place's location again."
    ),
    CommunityProblem.NOT_ADMIN: N_(
        "Sorry, only SafeMeet's reviewers can do that. To help, use “Report a problem” "
        "on a zone or /suggest a new one."
    ),
    CommunityProblem.ALREADY_DECIDED: N_("This was already decided, or it no longer exists."),
}


def reason_text(reason: Reason, tr: Translator) -> str:
    """A reason's label in the reader's language."""
    return tr._(_REASON_LABELS[reason])


def problem_text(problem: CommunityProblem, tr: Translator) -> str:
    """Why a report, suggestion or decision was refused."""
    limits = {
        CommunityProblem.TOO_MANY_REPORTS: REPORTS_PER_DAY,
        CommunityProblem.TOO_MANY_SUGGESTIONS: SUGGESTIONS_PER_DAY,
    }
    return tr._(
        _PROBLEMS[problem],
        limit=limits.get(problem, MAX_NOTE_CHARS),
        low=MIN_NAME_CHARS,
        high=MAX_NAME_CHARS,
    )


def reasons_reply(zone: Zone, tr: Translator) -> Reply:
    """First step of a report: what is wrong with the zone?"""
    choices = tuple(
        ChoiceButton(reason_text(reason, tr), f"{REASON}{reason.value}:{zone.id}")
        for reason in Reason
    )
    text = tr._("What is wrong with {place}?", place=f"<b>{escape(zone_name(zone, tr))}</b>")
    return Reply(text, choices=choices)


def ask_note_reply(reason: Reason, tr: Translator) -> Reply:
    """Second step of a report: an optional short note."""
    text = "\n".join(
        [
            tr._("Reason: {reason}", reason=reason_text(reason, tr)),
            tr._(
                "Add a short note for the reviewers if you like (what you saw, and when; "
                "{limit} characters at most), or tap “Send without a note”. /cancel stops.",
                limit=MAX_NOTE_CHARS,
            ),
        ]
    )
    return Reply(text, choices=(ChoiceButton(tr._("Send without a note"), SEND_WITHOUT_NOTE),))


def ask_note_again_text(tr: Translator) -> str:
    """Something other than text came while waiting for the note."""
    return tr._("Please type a short note, or tap “Send without a note”. /cancel stops.")


def report_thanks_text(tr: Translator) -> str:
    """A report was filed."""
    return tr._(
        "Thank you! A reviewer will check your report. Nothing changes until they confirm it."
    )


def ask_location_reply(tr: Translator) -> Reply:
    """First step of /suggest: where is the place?"""
    text = "\n".join(
        [
            "<b>" + tr._("Suggest a new safe zone") + "</b>",
            tr._(
                "Which police station or safe exchange zone should I know? Share its location: "
                "📎 › Location, then move the pin onto the place. If you are there now, tap the "
                "button below. /cancel stops."
            ),
        ]
    )
    return Reply(text, location_button=tr._("📍 I am there: share my location"))


def ask_location_again_text(tr: Translator) -> str:
    """Something other than a location came while waiting for one."""
    return tr._("Please share the place's location (📎 › Location). /cancel stops.")


def ask_name_reply(tr: Translator) -> Reply:
    """Second step of /suggest: the place's name."""
    return Reply(
        tr._(
            "What is the place called? For example “Springfield Police Department”. /cancel stops."
        ),
        remove_keyboard=True,
    )


def ask_name_again_text(tr: Translator) -> str:
    """Something other than text came while waiting for the name."""
    return tr._("Please type the place's name. /cancel stops.")


def suggestion_thanks_text(suggestion: Suggestion, tr: Translator) -> str:
    """A suggestion was recorded."""
    return tr._(
        "Thank you! I will show {place} to others once a reviewer has checked it.",
        place=f"<b>{escape(suggestion.name)}</b>",
    )


def private_only_text(tr: Translator) -> str:
    """Reports, suggestions and reviews happen in a private chat."""
    return tr._("Please do this in a private chat with me.")


def flow_cancelled_text(tr: Translator) -> str:
    """/cancel in a report or suggestion."""
    return tr._("OK, stopped. Nothing was sent.")


def _date(report_or_suggestion: Report | Suggestion, tr: Translator) -> str:
    return format_date(report_or_suggestion.created_at, "medium", locale=tr.language)


def _suggestion_reply(suggestion: Suggestion, tr: Translator) -> Reply:
    lines = [
        "💡 <b>" + tr._("Suggested zone #{number}", number=suggestion.id) + "</b>",
        "<b>" + escape(suggestion.name) + "</b>",
        f"📍 {suggestion.lat:.5f}, {suggestion.lon:.5f}",
        "🕒 " + tr._("suggested on {date}", date=_date(suggestion, tr)),
        tr._("Approving it adds it to the search as a police station (not a designated zone)."),
    ]
    pin = Pin(
        suggestion.lat,
        suggestion.lon,
        suggestion.name,
        tr._("Suggested zone #{number}", number=suggestion.id),
        LinkButton(tr._("🧭 Directions"), directions_url_for(suggestion.lat, suggestion.lon)),
        (
            ChoiceButton(tr._("✅ Approve"), f"{APPROVE_SUGGESTION}{suggestion.id}"),
            ChoiceButton(tr._("❌ Reject"), f"{REJECT_SUGGESTION}{suggestion.id}"),
        ),
    )
    return Reply("\n".join(lines), pins=(pin,))


def _report_reply(report: Report, tr: Translator) -> Reply:
    lines = [
        "⚠️ <b>" + tr._("Report #{number}", number=report.id) + "</b>",
        f"<b>{escape(copied_name(report.zone_name, tr))}</b> "
        f"(<code>{escape(report.zone_id)}</code>)",
        tr._("Reason: {reason}", reason=reason_text(report.reason, tr)),
    ]
    if report.note:
        lines.append("📝 " + escape(report.note))
    lines.append("🕒 " + tr._("reported on {date}", date=_date(report, tr)))
    if report.reason is Reason.CLOSED:
        lines.append(tr._("Confirming it hides the zone from every search."))
    choices = (
        ChoiceButton(tr._("✅ Confirm"), f"{CONFIRM_REPORT}{report.id}"),
        ChoiceButton(tr._("❌ Dismiss"), f"{DISMISS_REPORT}{report.id}"),
    )
    return Reply("\n".join(lines), choices=choices)


def review_replies(queue: ReviewQueue, tr: Translator) -> list[Reply]:
    """/review: a summary, then one message per pending item with its buttons."""
    lines = [
        "<b>" + tr._("Review") + "</b>",
        tr._("Suggestions pending: {count}", count=queue.suggestions_pending),
        tr._("Reports pending: {count}", count=queue.reports_pending),
    ]
    shown = len(queue.suggestions) + len(queue.reports)
    if not queue.suggestions_pending + queue.reports_pending:
        return [Reply("\n".join([*lines, "", tr._("Nothing to review. Thank you!")]))]
    if shown < queue.suggestions_pending + queue.reports_pending:
        lines += ["", tr._("The oldest {count} follow; send /review again for more.", count=shown)]
    replies = [Reply("\n".join(lines))]
    replies += [_suggestion_reply(suggestion, tr) for suggestion in queue.suggestions]
    replies += [_report_reply(report, tr) for report in queue.reports]
    return replies


def approved_text(zone: Zone, tr: Translator) -> str:
    """A suggestion became a zone."""
    return tr._(
        "Approved: {place} is now a zone ({id}) and shows in searches.",
        place=f"<b>{escape(zone_name(zone, tr))}</b>",
        id=f"<code>{escape(zone.id)}</code>",
    )


def rejected_text(suggestion: Suggestion, tr: Translator) -> str:
    """A suggestion was rejected."""
    return tr._("Rejected: {place}.", place=f"<b>{escape(suggestion.name)}</b>")


def confirmed_text(decision: ReportDecision, tr: Translator) -> str:
    """A report was confirmed, and what that changed."""
    report = decision.report
    place = f"<b>{escape(copied_name(report.zone_name, tr))}</b>"
    if decision.hidden:
        return tr._("Confirmed: {place} is now hidden from every search.", place=place)
    if report.reason is Reason.CLOSED:
        return tr._(
            "Confirmed. {place} comes from OpenStreetMap, so I cannot hide it: please mark it "
            "closed on openstreetmap.org.",
            place=place,
        )
    return tr._(
        "Confirmed. If {place}'s details are wrong, correct them in the zones file and run "
        "python -m bot import.",
        place=place,
    )


def dismissed_text(report: Report, tr: Translator) -> str:
    """A report was dismissed."""
    return tr._(
        "Dismissed: nothing changes for {place}.",
        place=f"<b>{escape(copied_name(report.zone_name, tr))}</b>",
    )


def decided_short_text(tr: Translator) -> str:
    """The short answer to a decision button (a toast)."""
    return tr._("Done.")
