"""Numbers as people read them where they are: distances, directions, phones, emergency numbers."""

from __future__ import annotations

import phonenumbers

from bot.domain.emergency import emergency_numbers
from bot.domain.geo import compass_point
from bot.domain.search import ZoneMatch
from bot.i18n import Translator

METRES_PER_MILE = 1609.344


FEET_PER_METRE = 3.28084


# Where road distances are in miles: the US and its territories, the UK and its Crown
# dependencies, Liberia and Myanmar.
MILE_COUNTRIES = frozenset(
    {"US", "PR", "GU", "VI", "AS", "MP", "UM", "GB", "IM", "JE", "GG", "LR", "MM"}
)


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


def readable_phone(phone: str) -> str:
    """An E.164 number as people dial it from anywhere ('+1 203-581-5100'); else as stored."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def emergency_numbers_text(country: str, tr: Translator) -> str:
    """The number(s) to call in danger there, in bold: '<b>911</b>', '<b>999</b> or <b>112</b>'."""
    numbers = [f"<b>{number}</b>" for number in emergency_numbers(country)]
    if len(numbers) == 1:
        return numbers[0]
    return tr._("{first} or {second}", first=numbers[0], second=numbers[1])
