"""Zone names by language, 'Police station' for unnamed ones, and addresses never empty."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.zones import Zone, ZoneKind
from bot.i18n import Catalogs
from bot.texts.names import coordinates_text, copied_name, zone_address, zone_name

CATALOGS = Catalogs()
EN, FR, ES = CATALOGS.get("en"), CATALOGS.get("fr"), CATALOGS.get("es")
UNNAMED = Zone(id="osm-node-1", name="", kind=ZoneKind.POLICE_STATION, lat=38.2466, lon=21.7346)


def test_the_name_in_the_readers_language_wins():
    zone = replace(UNNAMED, name="Αστυνομία Πατρών", names={"en": "Patras Police", "fr": "Police"})
    assert zone_name(zone, EN) == "Patras Police"
    assert zone_name(zone, FR) == "Police"
    assert zone_name(zone, ES) == "Αστυνομία Πατρών"  # local script shown as it is


def test_an_unnamed_station_is_a_police_station_in_every_language():
    assert zone_name(UNNAMED, EN) == copied_name("", EN) == "Police station"
    assert zone_name(UNNAMED, FR) == copied_name("", FR)
    assert zone_name(UNNAMED, ES) == copied_name("", ES)
    assert all(zone_name(UNNAMED, tr) for tr in (EN, FR, ES))
    assert copied_name("Millgarth", FR) == "Millgarth"


def test_the_address_falls_back_to_the_town_then_the_coordinates():
    assert zone_address(UNNAMED, "Patras, Western Greece", EN) == "near Patras, Western Greece"
    assert (
        zone_address(UNNAMED, "", EN) == coordinates_text(38.2466, 21.7346) == "38.24660, 21.73460"
    )
    assert zone_address(replace(UNNAMED, city="Patras"), "Elsewhere", EN) == "Patras"
    street = replace(UNNAMED, address="1 Main St", city="Town")
    assert zone_address(street, "", EN) == "1 Main St, Town"


def test_an_unnamed_zone_out_of_reach_is_not_called_by_a_label():
    from bot.domain.search import ZoneMatch
    from bot.domain.zones import Zone, ZoneKind
    from bot.i18n import Catalogs
    from bot.texts.nearest import _beyond_reach_text

    zone = Zone("osm-node-9", "", ZoneKind.POLICE_STATION, 38.2, 21.7)
    text = _beyond_reach_text(ZoneMatch(zone, 250_000.0, 0.0), Catalogs().get("en"), False)
    assert text == "The nearest police station I know is 250 km away: too far to meet there."
