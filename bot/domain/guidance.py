"""Safety guidance: the full list of tips, and the few that fit a situation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from astral import Observer
from astral.sun import elevation

from bot.domain.geo import Point
from bot.i18n import N_

# Sun this far below the horizon or lower: civil twilight is over, it is dark.
_DARK_ELEVATION_DEG = -6.0


@dataclass(frozen=True, slots=True)
class Tip:
    """One piece of advice; ``text`` is an untranslated message id."""

    key: str
    text: str


PUBLIC_PLACE = Tip(
    "public_place",
    N_("Meet at a police safe exchange zone, or at least a busy, well-lit public place."),
)
DAYLIGHT = Tip("daylight", N_("Meet in daylight whenever you can."))
FRIEND = Tip("friend", N_("Bring a friend. Never go alone to meet a stranger."))
SHARE_PLAN = Tip(
    "share_plan",
    N_(
        "Tell someone where you are going, who you are meeting and when you will be back: "
        "share the plan."
    ),
)
NO_HOME = Tip("no_home", N_("Never invite a stranger to your home, and never go to theirs."))
INSTINCTS = Tip(
    "instincts", N_("Trust your instincts: if anything feels wrong, call it off and walk away.")
)
CASH = Tip(
    "cash",
    N_(
        "Cash and valuables: count money in view of the cameras, inspect the item before you pay, "
        "and watch for counterfeit notes and payment scams (overpayments, fake transfer "
        "screenshots)."
    ),
)
LARGE_ITEMS = Tip(
    "large_items",
    N_(
        "Large items that cannot travel: have a friend with you, keep the item by the door or in "
        "the garage, and do not show the rest of your home."
    ),
)
TOO_GOOD = Tip("too_good", N_("If a deal sounds too good to be true, it usually is."))
STATION_LOBBY = Tip(
    "station_lobby",
    N_(
        "A police station that is not a designated exchange zone: meet in its lobby during "
        "opening hours, or call ahead to ask."
    ),
)
DARK_NOW = Tip(
    "dark_now",
    N_(
        "It is dark there now: wait for daylight, or choose a zone that is open 24/7, lit and "
        "watched by cameras."
    ),
)

ALL_TIPS: tuple[Tip, ...] = (
    PUBLIC_PLACE,
    DAYLIGHT,
    FRIEND,
    SHARE_PLAN,
    NO_HOME,
    INSTINCTS,
    CASH,
    LARGE_ITEMS,
    TOO_GOOD,
)

def past_civil_dusk(point: Point, when: datetime) -> bool:
    """True when civil twilight is over at ``point``: the sun more than 6° below the horizon
    (``when`` is aware). What "it is dark there now" means; sunset itself is
    bot.domain.localtime.after_sunset (0.833°), used for meetup warnings."""
    return elevation(Observer(point.lat, point.lon), when) < _DARK_ELEVATION_DEG


@dataclass(frozen=True, slots=True)
class Situation:
    """What we know about the meetup place that changes the advice."""

    dark: bool  # civil twilight is over there (past_civil_dusk)
    designated: bool
    nearby: bool
    listed: bool = True  # the answer offers a place (False: nothing within reach)


def tips_for(situation: Situation, limit: int = 4) -> list[Tip]:
    """The most relevant tips for the situation, most important first."""
    chosen: list[Tip] = []
    if situation.dark:
        chosen.append(DARK_NOW)
    if not situation.nearby:
        chosen.append(PUBLIC_PLACE)
    if situation.listed and not situation.designated:
        chosen.append(STATION_LOBBY)
    chosen += [FRIEND, SHARE_PLAN, CASH, INSTINCTS]
    return chosen[:limit]
