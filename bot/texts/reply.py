"""The reply model: an HTML text with buttons and map pins, in one language, Telegram-free."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.zones import Zone


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
