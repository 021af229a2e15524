"""Ranking zones: a zone closed now goes below open ones at a similar distance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.hours import HoursStatus
from bot.domain.search import ZoneMatch

# Two distances are similar when the farther is at most this much farther: 1 km, or 20% of
# the nearer one when that is more. Beyond that, exact distance order stands.
SIMILAR_M = 1_000.0
SIMILAR_FRACTION = 0.2


def similar_distance(nearer_m: float, farther_m: float) -> bool:
    """True when going to the farther place instead is a small detour."""
    return farther_m - nearer_m <= max(SIMILAR_M, SIMILAR_FRACTION * nearer_m)


def open_first(
    matches: Sequence[ZoneMatch], hours: Mapping[str, HoursStatus]
) -> tuple[list[ZoneMatch], bool]:
    """Matches (nearest first) with each closed zone moved below the zones that are not
    known to be closed at a similar distance; and whether any zone was moved down.

    Closed zones keep their order among themselves, and so do the others.
    """
    ranked: list[ZoneMatch] = []
    waiting: list[ZoneMatch] = []  # closed zones not placed yet, nearest first
    moved = False
    for match in matches:
        status = hours.get(match.zone.id)
        if status is not None and status.closed:
            waiting.append(match)
            continue
        while waiting and not similar_distance(waiting[0].distance_m, match.distance_m):
            ranked.append(waiting.pop(0))
        moved = moved or bool(waiting)
        ranked.append(match)
    return ranked + waiting, moved
