"""What the user controls: /privacy, /forget, /language."""

from __future__ import annotations

from bot.domain.community import PENDING_RETENTION as COMMUNITY_PENDING_RETENTION
from bot.domain.community import RETENTION as COMMUNITY_RETENTION
from bot.i18n import LANGUAGES, N_, Translator
from bot.sources.geocoding import HIT_TTL_S
from bot.texts.callbacks import FORGET_NO, FORGET_YES, LANGUAGE_CALLBACK_PREFIX
from bot.texts.reply import ChoiceButton, Reply

GEOCODE_CACHE_DAYS = round(HIT_TTL_S / 86_400)


PRIVACY_RETENTION = N_("Your language choice, until you change it or send /forget.")


def privacy_reply(tr: Translator) -> Reply:
    """What is stored, why, for how long; and the data sources' attributions."""
    text = "\n".join(
        [
            "<b>" + tr._("Privacy") + "</b>",
            "",
            tr._("What I store, and for how long:"),
            "• " + tr._(PRIVACY_RETENTION),
            "• "
            + tr._(
                "The zones of your last search (not where you were), for a day, so /meetup "
                "can offer them and a postal code that several countries use is read first as "
                "one of the country you last searched in."
            ),
            "• "
            + tr._(
                "Your planned meetups (place, time, note) and their reminders, until a week "
                "after the meetup, to remind you and check in."
            ),
            "• "
            + tr._(
                "Your reports on zones and the places you suggest (the location and name you "
                "send for them), with your user id, so reviewers can check them and nobody can "
                "flood them: deleted {decided} days after a reviewer decides, or after "
                "{pending} days if nobody has.",
                decided=COMMUNITY_RETENTION.days,
                pending=COMMUNITY_PENDING_RETENTION.days,
            ),
            tr._(
                "I do not store your locations or postal codes. A shared location is used to "
                "answer you and then forgotten."
            ),
            tr._(
                "Addresses you type may be looked up on OpenStreetMap's Nominatim service; the "
                "address and the answer are cached for up to {days} days without any link to "
                "you.",
                days=GEOCODE_CACHE_DAYS,
            ),
            tr._(
                "Where I know few safe zones, I ask OpenStreetMap's Overpass service for police "
                "stations in your area (rounded to about 10 km, never your exact position)."
            ),
            tr._("/forget deletes everything I store about you and cancels your reminders."),
            "",
            "<b>" + tr._("Data sources") + "</b>",
            tr._("Safe zones: police departments' published programmes, checked by hand."),
            tr._("Postal codes: GeoNames (geonames.org), CC BY 4.0."),
            tr._("Geocoding: © OpenStreetMap contributors, ODbL 1.0."),
            tr._("Police stations outside the safe zones: © OpenStreetMap contributors, ODbL 1.0."),
        ]
    )
    return Reply(text)


def forget_question_reply(tr: Translator, user_id: int) -> Reply:
    """/forget asks first: the buttons name the asker, so nobody else can press them."""
    return Reply(
        tr._(
            "Delete everything I store about you? This cancels your meetups and reminders "
            "and cannot be undone."
        ),
        choices=(
            ChoiceButton(tr._("🗑 Yes, delete everything"), f"{FORGET_YES}{user_id}"),
            ChoiceButton(tr._("Keep my data"), f"{FORGET_NO}{user_id}"),
        ),
    )


def forget_kept_reply(tr: Translator) -> Reply:
    """The user changed their mind."""
    return Reply(tr._("OK, I deleted nothing."))


def forget_reply(tr: Translator) -> Reply:
    """Confirmation that the user's data is gone."""
    return Reply(
        tr._("Done: I deleted everything I stored about you and cancelled your reminders.")
    )


def language_menu_reply(tr: Translator) -> Reply:
    """The /language menu."""
    choices = tuple(
        ChoiceButton(name, LANGUAGE_CALLBACK_PREFIX + code) for code, name in LANGUAGES.items()
    )
    return Reply(tr._("Choose your language:"), choices=choices)


def language_set_reply(tr: Translator) -> str:
    """Confirmation, in the new language."""
    return tr._("From now on I will talk to you in English.")
