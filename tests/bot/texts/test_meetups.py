"""Meetup replies at an OpenStreetMap station carry the ODbL attribution; curated ones do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.meetups import Meetup, MeetupStatus
from bot.i18n import Catalogs
from bot.texts.meetups import meetup_card, reminder_reply, share_plan_reply

START = datetime(2026, 6, 15, 18, 0, tzinfo=UTC)


def meetup_at(zone_id: str) -> Meetup:
    return Meetup(
        id=1,
        user_id=5,
        chat_id=5,
        zone_id=zone_id,
        zone_name="Leeds Police Station",
        zone_address="Elland Road, Leeds",
        lat=53.78,
        lon=-1.57,
        country="GB",
        timezone="Europe/London",
        starts_at=START,
        note="",
        language="en",
        status=MeetupStatus.PLANNED,
        created_at=START - timedelta(hours=3),
    )


def texts(meetup: Meetup) -> list[str]:
    tr = Catalogs().get("en")
    return [
        meetup_card(meetup, [], tr, after_sunset=False).text,
        reminder_reply(meetup, timedelta(minutes=15), tr).text,
        share_plan_reply(meetup, tr).text,
    ]


@pytest.mark.parametrize("zone_id", ["osm-node-123", "osm-way-9"])
def test_replies_about_an_openstreetmap_station_credit_it(zone_id):
    for text in texts(meetup_at(zone_id)):
        assert "© OpenStreetMap contributors" in text
        assert "ODbL" in text


def test_replies_about_a_curated_zone_do_not():
    for text in texts(meetup_at("bpt-hq")):
        assert "OpenStreetMap" not in text
