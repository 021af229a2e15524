"""How a zone is named and where it is said to be, in the reader's language; never empty."""

from __future__ import annotations

from bot.domain.zones import Zone, ZoneKind
from bot.i18n import Translator


def coordinates_text(lat: float, lon: float) -> str:
    """'41.18000, -73.19000': a place with nothing better to say where it is."""
    return f"{lat:.5f}, {lon:.5f}"


def kind_name(kind: ZoneKind, tr: Translator) -> str:
    """What an unnamed zone is called: 'Police station' in the reader's language."""
    if kind is ZoneKind.EXCHANGE_ZONE:
        return tr._("Official safe exchange zone")
    return tr._("Police station")


def zone_name(zone: Zone, tr: Translator) -> str:
    """The zone's name in the reader's language if it has one, else its name as it is
    (local script kept), else what it is ('Police station')."""
    return zone.name_in(tr.language) or kind_name(zone.kind, tr)


def copied_name(name: str, tr: Translator) -> str:
    """A zone name copied into a meetup or report, or 'Police station' when it had none."""
    return name or kind_name(ZoneKind.POLICE_STATION, tr)


def zone_address(zone: Zone, town: str, tr: Translator) -> str:
    """The zone's address, else its town, else 'near <town>, <region>' (``town``, from
    offline data), else its coordinates."""
    if zone.full_address or zone.city:
        return zone.full_address or zone.city
    return place_address("", town, zone.lat, zone.lon, tr)


def place_address(address: str, town: str, lat: float, lon: float, tr: Translator) -> str:
    """An address, else 'near <town>' when a town is known, else the coordinates."""
    if address:
        return address
    if town:
        return tr._("near {place}", place=town)
    return coordinates_text(lat, lon)
