"""The answer to a search: zones within reach, far-away and nothing-in-reach answers, problems."""

from __future__ import annotations

from html import escape

from bot.domain.guidance import Situation, tips_for
from bot.domain.hours import HoursStatus
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone, ZoneKind
from bot.i18n import N_, Translator
from bot.sources.live_zones import OSM_COPYRIGHT_URL, from_openstreetmap
from bot.texts.callbacks import (
    PLAN_AT_PREFIX,
    REPORT_ZONE_PREFIX,
    coordinates_choice_data,
    postal_choice_data,
)
from bot.texts.formatting import (
    emergency_numbers_text,
    format_direction,
    format_distance,
    readable_phone,
    uses_miles,
)
from bot.texts.hours import closed_note, hours_text
from bot.texts.names import coordinates_text, zone_address, zone_name
from bot.texts.reply import ChoiceButton, LinkButton, Pin, Reply, directions_url
from bot.usecases.finder import DEFAULT_REACH_KM, NearestAnswer, QueryError, QueryProblem


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
        f"<b>{index}. {escape(zone_name(zone, tr))}</b>",
        _kind_line(zone, tr),
        "📍 " + escape(zone.full_address or zone.city or coordinates_text(zone.lat, zone.lon)),
        f"🧭 {direction} · 🕒 {hours_text(zone, hours, tr)}",
    ]
    if features := _features_line(zone, tr):
        lines.append(features)
    if zone.phone:
        lines.append("📞 " + escape(readable_phone(zone.phone)))
    if from_openstreetmap(zone) and zone.kind is ZoneKind.POLICE_STATION:
        lines.append("🚪 " + tr._("Meet inside, in the lobby, or call ahead to check it is open."))
    return "\n".join(lines)


def osm_attribution(tr: Translator) -> str:
    """The attribution OpenStreetMap data needs wherever it is shown (ODbL)."""
    link = f'<a href="{OSM_COPYRIGHT_URL}">© OpenStreetMap contributors</a>'
    return "🗺 " + tr._("Police stations: {attribution}, ODbL.", attribution=link)


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
        parts.append("ℹ️ " + _beyond_reach_text(answer.beyond_reach, tr, miles))
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


def _beyond_reach_text(match: ZoneMatch, tr: Translator, miles: bool) -> str:
    """The nearest known zone, out of reach, as information: where it is and how far."""
    distance = format_distance(match.distance_m, tr, miles)
    place = match.zone.city or match.zone.name_in(tr.language)
    if not place:  # an unnamed station with no town: "in Police station" would mislead
        return tr._(
            "The nearest police station I know is {distance} away: too far to meet there.",
            distance=distance,
        )
    return tr._(
        "The nearest I know is in {place}, {distance} away: too far to meet there.",
        place=escape(place),
        distance=distance,
    )


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
    """Buttons for the other countries' readings of a typed postal code: "📮 Paris, FR"."""
    places = answer.origin.alternatives
    return tuple(
        ChoiceButton("📮 " + p.where, postal_choice_data(p.query.country, p.query.display))
        for p in places
    )


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
        LinkButton(
            tr._("🧭 Directions: {name}", name=zone_name(match.zone, tr)),
            directions_url(match.zone),
        )
        for match in matches
    )
    nearest = answer.matches[0].zone
    pin = Pin(
        nearest.lat,
        nearest.lon,
        zone_name(nearest, tr),
        zone_address(nearest, answer.pin_town, tr),
        LinkButton(tr._("🧭 Directions"), directions_url(nearest)),
        (
            ChoiceButton(tr._("📅 Plan a meetup here"), PLAN_AT_PREFIX + nearest.id),
            ChoiceButton(tr._("⚠️ Report a problem"), REPORT_ZONE_PREFIX + nearest.id),
        ),
    )
    return Reply("\n\n".join(parts), links=links, choices=_reading_choices(answer), pins=(pin,))


_PROBLEM_TEXTS = {
    QueryProblem.EMPTY: N_("Send me a postal code, an address or your location."),
    QueryProblem.TOO_LONG: N_(
        "That is too long for a postal code or an address ({limit} characters at most)."
    ),
    QueryProblem.BAD_COORDINATES: N_(
        "Those coordinates are not on Earth: latitude goes from -90 to 90 and longitude "
        "from -180 to 180."
    ),
    QueryProblem.BAD_POSTAL_CODE: N_(
        "“{subject}” does not look like a postal code I know. Try a US ZIP code (06604), a "
        "Canadian postal code (K7K 4C2) or a country code and postal code (AU 2000)."
    ),
    QueryProblem.UNKNOWN_POSTAL_CODE: N_(
        "I could not find the postal code {subject}. Check it, or share your location instead."
    ),
    QueryProblem.NOT_UNDERSTOOD: N_("I did not understand that."),
    QueryProblem.PLACE_NOT_FOUND: N_("I could not find “{subject}” on the map."),
    QueryProblem.GEOCODER_DOWN: N_(
        "Looking up addresses is not working right now. Send a postal code or share your "
        "location instead."
    ),
    QueryProblem.GEOCODER_BUSY: N_(
        "Many people are looking up addresses right now. Try again in a minute, or send a "
        "postal code or share your location for an answer at once."
    ),
    QueryProblem.SWAPPED_COORDINATES: N_(
        "There is no land at {subject}. Did you mean {example}? Latitude comes first, "
        "then longitude."
    ),
}


# Problems whose answer is a question with buttons: no list of what the bot understands.
_QUESTIONS = frozenset({QueryProblem.SWAPPED_COORDINATES})


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
    meant = error.suggestion
    example = escape(meant.typed) if meant is not None else ""
    text = tr._(_PROBLEM_TEXTS[error.problem], subject=subject, limit=max_chars, example=example)
    choices = (
        (ChoiceButton(f"📍 {meant.typed}", coordinates_choice_data(meant.point)),)
        if meant is not None
        else ()
    )
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
