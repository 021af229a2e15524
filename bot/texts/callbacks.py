"""Every button's callback data: its prefix, how it is built and how it is read back.

Telegram gives a button at most 64 bytes of data and sends back whatever a client claims, so
every parser refuses what it did not build (None), and handlers answer that as a stale button.
"""

from __future__ import annotations

import re

from bot.domain.community import Reason
from bot.domain.geo import InvalidCoordinates, Point

# -- finding zones -------------------------------------------------------------------------
PLAN_AT_PREFIX = "plan:"  # plan:<zone id>: start planning a meetup at that zone
REPORT_ZONE_PREFIX = "rp:"  # rp:<zone id>: report a problem with that zone
POSTAL_CHOICE_PREFIX = "pc:"  # pc:FR:75001: the same postal code in another country
COORDINATES_CHOICE_PREFIX = "co:"  # co:41.18,-73.19: "did you mean" swapped coordinates
ALTERNATIVE_PATTERN = f"^({re.escape(POSTAL_CHOICE_PREFIX)}|{re.escape(COORDINATES_CHOICE_PREFIX)})"
_POSTAL_CHOICE = re.compile(r"^pc:([A-Z]{2}):([A-Z0-9][A-Z0-9 -]{0,11})$")
_COORDINATES_CHOICE = re.compile(r"^co:(-?\d{1,3}(?:\.\d{1,6})?),(-?\d{1,3}(?:\.\d{1,6})?)$")

# -- the user's own settings -----------------------------------------------------------------
LANGUAGE_CALLBACK_PREFIX = "lang:"  # lang:<code>
FORGET_CALLBACK_PREFIX = "fg:"
FORGET_YES = FORGET_CALLBACK_PREFIX + "y:"  # fg:y:<user id>
FORGET_NO = FORGET_CALLBACK_PREFIX + "n:"  # fg:n:<user id>
_FORGET_DATA = re.compile(r"^fg:([yn]):(\d{1,16})$")

# -- meetups ---------------------------------------------------------------------------------
PICK_ZONE = "mz:"  # mz:<zone id>, in the /meetup flow
PICK_TIME = "mt:"  # mt:<choice key>
SKIP_NOTE = "mn:skip"
CONFIRM = "mc:yes"
ABANDON = "mc:no"
CANCEL = "mx:"  # mx:<meetup id>
CHANGE_TIME = "mr:"  # mr:<meetup id>
SHARE = "ms:"  # ms:<meetup id>
CHECKIN_OK = "ck+:"  # ck+:<meetup id>
CHECKIN_BAD = "ck-:"  # ck-:<meetup id>

# -- community reports, suggestions and reviews ------------------------------------------------
REPORT = REPORT_ZONE_PREFIX  # rp:<zone id>: "Report a problem" on a zone card
REASON = "rr:"  # rr:<reason>:<zone id>
SEND_WITHOUT_NOTE = "rn:send"
APPROVE_SUGGESTION = "cs+:"  # cs+:<suggestion id>
REJECT_SUGGESTION = "cs-:"  # cs-:<suggestion id>
CONFIRM_REPORT = "cr+:"  # cr+:<report id>
DISMISS_REPORT = "cr-:"  # cr-:<report id>
ADMIN_PREFIXES = (APPROVE_SUGGESTION, REJECT_SUGGESTION, CONFIRM_REPORT, DISMISS_REPORT)
_REASON_DATA = re.compile(r"^rr:([a-z_]{1,12}):(.{1,48})$")

_ID = re.compile(r"^\d{1,12}$")


def parse_id(data: str | None, prefix: str) -> int | None:
    """The id (meetup, report, suggestion) in data with this prefix; None when forged."""
    if not data or not data.startswith(prefix):
        return None
    tail = data[len(prefix) :]
    return int(tail) if _ID.match(tail) else None


def parse_reason(data: str | None) -> tuple[Reason, str] | None:
    """(reason, zone id) from a reason button's data; None when forged or malformed."""
    match = _REASON_DATA.match(data or "")
    if match is None:
        return None
    try:
        return Reason(match.group(1)), match.group(2)
    except ValueError:
        return None


def parse_forget(data: str | None) -> tuple[bool, int] | None:
    """(confirmed, user id) from a /forget button's data; None when forged or malformed."""
    match = _FORGET_DATA.match(data or "")
    return (match.group(1) == "y", int(match.group(2))) if match else None


def postal_choice_data(country: str, code: str) -> str:
    """A button naming a postal code in one country: ``pc:FR:75001`` (well under 64 bytes)."""
    return f"{POSTAL_CHOICE_PREFIX}{country}:{code}"


def parse_postal_choice(data: str | None) -> tuple[str, str] | None:
    """(country, code) a postal code button names; None when forged or malformed."""
    match = _POSTAL_CHOICE.match(data or "")
    return (match.group(1), match.group(2)) if match else None


def _short(value: float) -> str:
    """A coordinate with at most six decimals, no trailing zeros."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def coordinates_choice_data(point: Point) -> str:
    """A button naming a position: ``co:41.18,-73.19``."""
    return f"{COORDINATES_CHOICE_PREFIX}{_short(point.lat)},{_short(point.lon)}"


def parse_coordinates_choice(data: str | None) -> Point | None:
    """The position a "did you mean" button names; None when forged or malformed."""
    match = _COORDINATES_CHOICE.match(data or "")
    if match is None:
        return None
    try:
        return Point.checked(float(match.group(1)), float(match.group(2)))
    except InvalidCoordinates:
        return None
