"""Every reply the bot sends, as plain data (HTML text, buttons, map pins) in one language.

Telegram-free, so the terminal mode prints exactly what the bot would send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import phonenumbers

from bot.domain.community import PENDING_RETENTION as COMMUNITY_PENDING_RETENTION
from bot.domain.community import RETENTION as COMMUNITY_RETENTION
from bot.domain.emergency import emergency_numbers
from bot.domain.geo import compass_point
from bot.domain.guidance import ALL_TIPS, Situation, tips_for
from bot.domain.hours import HoursStatus
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone, ZoneKind
from bot.i18n import LANGUAGES, N_, Translator
from bot.sources.geocoding import HIT_TTL_S
from bot.sources.live_zones import OSM_COPYRIGHT_URL, from_openstreetmap
from bot.texts.hours import closed_note, hours_text
from bot.usecases.finder import DEFAULT_REACH_KM, NearestAnswer, Problem, QueryError

METRES_PER_MILE = 1609.344
GEOCODE_CACHE_DAYS = round(HIT_TTL_S / 86_400)
FEET_PER_METRE = 3.28084
# Where road distances are in miles: the US and its territories, the UK and its Crown
# dependencies, Liberia and Myanmar.
MILE_COUNTRIES = frozenset(
    {"US", "PR", "GU", "VI", "AS", "MP", "UM", "GB", "IM", "JE", "GG", "LR", "MM"}
)
LANGUAGE_CALLBACK_PREFIX = "lang:"
PLAN_AT_PREFIX = "plan:"  # plan:<zone id>: start planning a meetup at that zone
REPORT_ZONE_PREFIX = "rp:"  # rp:<zone id>: report a problem with that zone (handlers/community)
PRIVACY_RETENTION = N_("Your language choice, until you change it or send /forget.")


@dataclass(frozen=True, slots=True)
class LinkButton:
    """An inline button that opens a URL."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class ChoiceButton:
    """An inline button that sends callback data back to the bot."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Pin:
    """A map pin (Telegram venue) with a directions button."""

    lat: float
    lon: float
    title: str
    address: str
    directions: LinkButton
    choices: tuple[ChoiceButton, ...] = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer: an HTML text, optional buttons, then optional map pins."""

    text: str
    links: tuple[LinkButton, ...] = ()
    choices: tuple[ChoiceButton, ...] = ()
    location_button: str | None = None
    remove_keyboard: bool = False
    pins: tuple[Pin, ...] = ()


def directions_url_for(lat: float, lon: float) -> str:
    """A standard maps directions link to a position (the comma percent-encoded)."""
    return f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f}%2C{lon:.6f}"


def directions_url(zone: Zone) -> str:
    """A directions link to the zone."""
    return directions_url_for(zone.lat, zone.lon)


def uses_miles(country: str) -> bool:
    """True where road distances are given in miles."""
    return country.upper() in MILE_COUNTRIES


def format_distance(metres: float, tr: Translator, miles: bool) -> str:
    """'650 m', '1.2 km', '12 km', or '500 ft', '0.8 mi', '12 mi'."""
    if miles:
        if metres < 0.1 * METRES_PER_MILE:
            feet = max(50, round(metres * FEET_PER_METRE / 50) * 50)
            return tr._("{value} ft", value=tr.number(feet, 0))
        return tr._("{value} mi", value=_rounded(metres / METRES_PER_MILE, tr))
    if metres < 1000:
        return tr._("{value} m", value=tr.number(max(10, round(metres / 10) * 10), 0))
    return tr._("{value} km", value=_rounded(metres / 1000, tr))


def _rounded(value: float, tr: Translator) -> str:
    """One decimal under 10, none from 10 on (rounded first: few distinct numbers to write)."""
    digits = 1 if value < 10 else 0
    return tr.number(round(value, digits), digits)


def compass_labels(tr: Translator) -> dict[str, str]:
    """Localized abbreviations of the eight compass points."""
    return {
        "N": tr.pgettext("compass", "N"),
        "NE": tr.pgettext("compass", "NE"),
        "E": tr.pgettext("compass", "E"),
        "SE": tr.pgettext("compass", "SE"),
        "S": tr.pgettext("compass", "S"),
        "SW": tr.pgettext("compass", "SW"),
        "W": tr.pgettext("compass", "W"),
        "NW": tr.pgettext("compass", "NW"),
    }


def format_direction(match: ZoneMatch, tr: Translator, miles: bool) -> str:
    """'1.2 km NE', or 'right here' when the zone is within a few metres."""
    if match.distance_m < 25:
        return tr._("right here")
    distance = format_distance(match.distance_m, tr, miles)
    return f"{distance} {compass_labels(tr)[compass_point(match.bearing_deg)]}"


def _kind_line(zone: Zone, tr: Translator) -> str:
    if zone.kind is ZoneKind.EXCHANGE_ZONE:
        return "✅ " + tr._("Official safe exchange zone")
    return "🏢 " + tr._("Police station (not a designated exchange zone)")


def _features_line(zone: Zone, tr: Translator) -> str:
    features = []
    if zone.video:
        features.append("🎥 " + tr._("video surveillance"))
    if zone.lit:
        features.append("💡 " + tr._("well lit"))
    if zone.staffed:
        features.append("👮 " + tr._("staffed front desk"))
    return " · ".join(features)


def zone_block(
    index: int,
    match: ZoneMatch,
    tr: Translator,
    miles: bool,
    hours: HoursStatus | None = None,
    far: bool = False,
) -> str:
    """The lines describing one zone in a list of results (``hours``: its status now;
    ``far``: farther than is nearby, and the block says so)."""
    zone = match.zone
    direction = format_direction(match, tr, miles)
    if far:
        direction += " · ⚠️ " + tr._("far from you")
    lines = [
        f"<b>{index}. {escape(zone.name)}</b>",
        _kind_line(zone, tr),
        "📍 " + escape(zone.full_address or zone.city or f"{zone.lat:.5f}, {zone.lon:.5f}"),
        f"🧭 {direction} · 🕒 {hours_text(zone, hours, tr)}",
    ]
    if features := _features_line(zone, tr):
        lines.append(features)
    if zone.phone:
        lines.append("📞 " + escape(readable_phone(zone.phone)))
    if from_openstreetmap(zone) and zone.kind is ZoneKind.POLICE_STATION:
        lines.append("🚪 " + tr._("Meet inside, in the lobby, or call ahead to check it is open."))
    return "\n".join(lines)


def readable_phone(phone: str) -> str:
    """An E.164 number as people dial it from anywhere ('+1 203-581-5100'); else as stored."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def osm_attribution(tr: Translator) -> str:
    """The attribution OpenStreetMap data needs wherever it is shown (ODbL)."""
    link = f'<a href="{OSM_COPYRIGHT_URL}">© OpenStreetMap contributors</a>'
    return "🗺 " + tr._("Police stations: {attribution}, ODbL.", attribution=link)


def emergency_numbers_text(country: str, tr: Translator) -> str:
    """The number(s) to call in danger there, in bold: '<b>911</b>', '<b>999</b> or <b>112</b>'."""
    numbers = [f"<b>{number}</b>" for number in emergency_numbers(country)]
    if len(numbers) == 1:
        return numbers[0]
    return tr._("{first} or {second}", first=numbers[0], second=numbers[1])


def _guidance_block(answer: NearestAnswer, tr: Translator) -> str:
    nearest = answer.matches[0].zone if answer.matches else None
    situation = Situation(
        dark=answer.dark,
        designated=nearest is not None and nearest.kind is ZoneKind.EXCHANGE_ZONE,
        nearby=answer.nearby,
        listed=bool(answer.matches),
    )
    tips = "\n".join("• " + tr._(tip.text) for tip in tips_for(situation))
    number = emergency_numbers_text(answer.country, tr)
    return "\n".join(
        [
            "<b>" + tr._("Stay safe") + "</b>",
            tips,
            "🚨 " + tr._("In danger, call {number} at once.", number=number),
            tr._("More advice: /tips"),
        ]
    )


def _heading(answer: NearestAnswer, count: int, tr: Translator) -> str:
    if answer.origin.label:
        return tr.ngettext(
            "🛡 The nearest safe place to meet near {place}:",
            "🛡 The {count} nearest safe places to meet near {place}:",
            count,
            place=f"<b>{escape(answer.origin.label)}</b>",
        )
    return tr.ngettext(
        "🛡 The nearest safe place to meet near you:",
        "🛡 The {count} nearest safe places to meet near you:",
        count,
    )


def _far_away_note(answer: NearestAnswer, nearby_km: float, tr: Translator) -> str:
    miles = uses_miles(answer.country)
    limit = format_distance(nearby_km * 1000, tr, miles)
    nearest = format_distance(answer.matches[0].distance_m, tr, miles)
    return "⚠️ " + tr._(
        "There is no police safe zone I know of within {limit}: the nearest is {distance} away, "
        "far from you. If you cannot easily get there, meet in a busy, well-lit public place "
        "instead, such as a shopping centre entrance or a staffed bank lobby, in daylight.",
        limit=limit,
        distance=nearest,
    )


def _nothing_in_reach_reply(answer: NearestAnswer, reach_km: float, tr: Translator) -> Reply:
    """No zone close enough to meet at: say so, advise a busy public place, mention the
    nearest known zone only as information (no buttons to go there)."""
    miles = uses_miles(answer.country)
    reach = format_distance(reach_km * 1000, tr, miles)
    if answer.origin.label:
        heading = tr._(
            "I know no police safe zone or police station within {reach} of {place}.",
            reach=reach,
            place=f"<b>{escape(answer.origin.label)}</b>",
        )
    else:
        heading = tr._("I know no police safe zone or police station within {reach}.", reach=reach)
    parts = ["🛡 " + heading]
    if answer.beyond_reach is not None:
        zone = answer.beyond_reach.zone
        parts.append(
            "ℹ️ "
            + tr._(
                "The nearest I know is in {place}, {distance} away: too far to meet there.",
                place=escape(zone.city or zone.name),
                distance=format_distance(answer.beyond_reach.distance_m, tr, miles),
            )
        )
    if answer.live_unavailable:
        parts.append(
            "ℹ️ "
            + tr._(
                "Live OpenStreetMap data is unavailable right now, so I may be missing police "
                "stations near you."
            )
        )
    parts += [
        "👥 "
        + tr._(
            "Meet in a busy, well-lit public place instead, such as a shopping centre entrance, "
            "a staffed bank lobby or a busy café, in daylight."
        ),
        "➕ "
        + tr._("Know a police station or a safe exchange zone near you? Tell me with /suggest."),
        _guidance_block(answer, tr),
    ]
    if other := _other_readings(answer, tr):
        parts.insert(1, other)
    return Reply("\n\n".join(parts), choices=_reading_choices(answer))


def _other_readings(answer: NearestAnswer, tr: Translator) -> str:
    """A line offering the other countries' readings of a typed postal code ('' if none)."""
    if not answer.origin.alternatives:
        return ""
    return "📮 " + tr._(
        "This postal code exists in other countries too. Meant another one? Tap it below, or "
        "type the country first next time, like {example}.",
        example=escape(answer.origin.alternatives[0].typed),
    )


def _reading_choices(answer: NearestAnswer) -> tuple[ChoiceButton, ...]:
    """Buttons for the other readings of what the user typed."""
    return tuple(ChoiceButton("📮 " + alt.label, alt.data) for alt in answer.origin.alternatives)


def _live_unavailable_text(tr: Translator) -> str:
    return tr._(
        "Live OpenStreetMap data is unavailable right now: this list comes from "
        "SafeMeet's own zones and saved data, and may miss police stations near you."
    )


def nearest_reply(
    answer: NearestAnswer, tr: Translator, nearby_km: float, reach_km: float = DEFAULT_REACH_KM
) -> Reply:
    """The answer to a search: the zones within reach, advice, directions buttons and a pin;
    with none within reach, honest advice and no place to go to."""
    if not answer.matches:
        return _nothing_in_reach_reply(answer, reach_km, tr)
    matches = answer.matches
    miles = uses_miles(answer.country)
    parts = [_heading(answer, len(matches), tr)]
    if not answer.nearby:
        parts.append(_far_away_note(answer, nearby_km, tr))
    if answer.live_unavailable:
        parts.append("ℹ️ " + _live_unavailable_text(tr))
    nearby_m = nearby_km * 1000
    if other := _other_readings(answer, tr):
        parts.append(other)
    parts += [
        zone_block(
            i, match, tr, miles, answer.hours.get(match.zone.id), far=match.distance_m > nearby_m
        )
        for i, match in enumerate(matches, start=1)
    ]
    if note := closed_note(answer, matches, tr):
        parts.append(note)
    if any(from_openstreetmap(match.zone) for match in matches):
        parts.append(osm_attribution(tr))
    parts.append(_guidance_block(answer, tr))
    links = tuple(
        LinkButton(tr._("🧭 Directions: {name}", name=match.zone.name), directions_url(match.zone))
        for match in matches
    )
    nearest = answer.matches[0].zone
    pin = Pin(
        nearest.lat,
        nearest.lon,
        nearest.name,
        nearest.full_address or nearest.city,
        LinkButton(tr._("🧭 Directions"), directions_url(nearest)),
        (
            ChoiceButton(tr._("📅 Plan a meetup here"), PLAN_AT_PREFIX + nearest.id),
            ChoiceButton(tr._("⚠️ Report a problem"), REPORT_ZONE_PREFIX + nearest.id),
        ),
    )
    return Reply("\n\n".join(parts), links=links, choices=_reading_choices(answer), pins=(pin,))


_PROBLEM_TEXTS = {
    Problem.EMPTY: N_("Send me a postal code, an address or your location."),
    Problem.TOO_LONG: N_(
        "That is too long for a postal code or an address ({limit} characters at most)."
    ),
    Problem.BAD_COORDINATES: N_(
        "Those coordinates are not on Earth: latitude goes from -90 to 90 and longitude "
        "from -180 to 180."
    ),
    Problem.BAD_POSTAL_CODE: N_(
        "“{subject}” does not look like a postal code I know. Try a US ZIP code (06604), a "
        "Canadian postal code (K7K 4C2) or a country code and postal code (AU 2000)."
    ),
    Problem.UNKNOWN_POSTAL_CODE: N_(
        "I could not find the postal code {subject}. Check it, or share your location instead."
    ),
    Problem.NOT_UNDERSTOOD: N_("I did not understand that."),
    Problem.PLACE_NOT_FOUND: N_("I could not find “{subject}” on the map."),
    Problem.GEOCODER_DOWN: N_(
        "Looking up addresses is not working right now. Send a postal code or share your "
        "location instead."
    ),
    Problem.GEOCODER_BUSY: N_(
        "Many people are looking up addresses right now. Try again in a minute, or send a "
        "postal code or share your location for an answer at once."
    ),
    Problem.SWAPPED_COORDINATES: N_(
        "There is no land at {subject}. Did you mean {example}? Latitude comes first, "
        "then longitude."
    ),
}
# Problems whose answer is a question with buttons: no list of what the bot understands.
_QUESTIONS = frozenset({Problem.SWAPPED_COORDINATES})


def understood_inputs(tr: Translator) -> str:
    """What the bot understands, as a short list."""
    return "\n".join(
        [
            tr._("I understand:"),
            "• " + tr._("a location (📎 › Location), a venue or a live location"),
            "• " + tr._("a postal code: 06604, K7K 4C2, K7K, AU 2000"),
            "• " + tr._("an address or a place: 300 Congress St, Bridgeport"),
            "• " + tr._("coordinates: 41.18, -73.19"),
        ]
    )


def problem_reply(error: QueryError, tr: Translator, max_chars: int) -> Reply:
    """A friendly, localized answer to a query we could not resolve."""
    subject = escape(error.subject[:60] + ("…" if len(error.subject) > 60 else ""))
    example = escape(error.alternatives[0].typed) if error.alternatives else ""
    text = tr._(_PROBLEM_TEXTS[error.problem], subject=subject, limit=max_chars, example=example)
    choices = tuple(ChoiceButton(choice.label, choice.data) for choice in error.alternatives)
    if error.problem in _QUESTIONS:
        return Reply(text, choices=choices)
    return Reply(f"{text}\n\n{understood_inputs(tr)}", choices=choices)


def fallback_reply(tr: Translator) -> Reply:
    """The answer to anything the bot cannot use (stickers, photos, ...)."""
    return Reply(tr._("I can only help with places to meet.") + "\n\n" + understood_inputs(tr))


def ask_location_reply(tr: Translator, private: bool) -> Reply:
    """The answer to /nearest without an argument."""
    if private:
        return Reply(
            tr._(
                "Tap the button below to share your location, or type a postal code or an address."
            ),
            location_button=tr._("📍 Share my location"),
        )
    return Reply(
        tr._(
            "Send /nearest followed by a postal code or an address, for example /nearest 06604, "
            "or share a location in this chat."
        )
    )


def start_reply(tr: Translator, first_name: str) -> Reply:
    """The welcome message."""
    text = "\n\n".join(
        [
            tr._("Hi {name}! I am SafeMeet. 🛡", name=escape(first_name or "")),
            tr._(
                "Meeting a stranger to buy or sell something? Many police departments offer "
                "safe exchange zones: lit, camera-watched spots, often open around the clock. "
                "I find the nearest ones for you."
            ),
            tr._("Share your location with the button below, or type a postal code or an address."),
            tr._("/help lists everything I can do."),
        ]
    )
    return Reply(text, location_button=tr._("📍 Share my location"))


def help_reply(tr: Translator) -> Reply:
    """The list of commands and inputs."""
    text = "\n".join(
        [
            "<b>" + tr._("SafeMeet: safe places to meet strangers") + "</b>",
            "",
            tr._("/nearest 06604: the nearest safe zones to a postal code or a place"),
            tr._("/nearest: share your location with a button"),
            tr._("/meetup: plan a meetup; I remind you before it and check in after"),
            tr._("/meetup in 2 hours: plan it at the nearest zone of your last search"),
            tr._("/meetups: your upcoming meetups, to cancel or change them"),
            tr._("/suggest: suggest a new safe zone; “Report a problem” on a map pin flags one"),
            tr._("/tips: how to meet a stranger safely"),
            tr._("/language: choose your language"),
            tr._("/privacy: what I store about you"),
            tr._("/forget: delete everything I store about you"),
            tr._("/cancel: stop planning a meetup"),
            tr._("/help: this message"),
            "",
            understood_inputs(tr),
            "",
            tr._("In a group, use /nearest with a postal code or share a location."),
        ]
    )
    return Reply(text)


def tips_reply(tr: Translator, country: str = "") -> Reply:
    """The full safety guidance."""
    tips = "\n".join("• " + tr._(tip.text) for tip in ALL_TIPS)
    if country:
        number = emergency_numbers_text(country, tr)
        emergency = tr._("In danger, call {number} at once.", number=number)
    else:
        emergency = tr._(
            "In danger, call the local emergency number at once "
            "(911 in the US and Canada, 112 in Europe)."
        )
    text = "\n".join(
        [
            "<b>" + tr._("Meeting a stranger safely") + "</b>",
            "",
            tips,
            "",
            "🚨 " + emergency,
            "",
            tr._(
                "If something goes wrong: get to safety first, then report it to the police and "
                "to the marketplace where you met."
            ),
        ]
    )
    return Reply(text)


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


FORGET_CALLBACK_PREFIX = "fg:"
FORGET_YES = FORGET_CALLBACK_PREFIX + "y:"
FORGET_NO = FORGET_CALLBACK_PREFIX + "n:"
_FORGET_DATA = re.compile(r"^fg:([yn]):(\d{1,16})$")


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


def parse_forget(data: str | None) -> tuple[bool, int] | None:
    """(confirmed, user id) from a /forget button's data; None when forged or malformed."""
    match = _FORGET_DATA.match(data or "")
    return (match.group(1) == "y", int(match.group(2))) if match else None


def slow_down_text(tr: Translator) -> str:
    """The one warning a user gets when they send more than the flood limit allows."""
    return tr._(
        "You are sending messages faster than I can answer. Please wait a minute, then try again."
    )


def forget_kept_reply(tr: Translator) -> Reply:
    """The user changed their mind."""
    return Reply(tr._("OK, I deleted nothing."))


def not_your_button_text(tr: Translator) -> str:
    """Someone pressed a button meant for another user."""
    return tr._("This button is not for you.")


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


def stale_button_text(tr: Translator) -> str:
    """Answer to a button we do not recognise (forged or from an old version)."""
    return tr._("This button is no longer valid.")


def error_reply(tr: Translator) -> Reply:
    """Answer when something unexpected failed."""
    return Reply(tr._("Sorry, something went wrong on my side. Please try again."))
