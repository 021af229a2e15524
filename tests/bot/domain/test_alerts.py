"""Admin alerts: the rate limit, and the texts about faults."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.alerts import AlertGate
from bot.i18n import Catalogs
from bot.texts.faults import admin_alert, storage_fault_reply
from tests.clock import Clock


def test_one_alert_per_window_and_the_next_counts_those_held_back():
    ticks = Clock(1000.0)  # monotonic seconds
    gate = AlertGate(window_s=600, clock=ticks)
    assert gate.admit() == 0
    ticks.now += 599
    assert gate.admit() is None
    assert gate.admit() is None
    assert gate.held_back == 2
    ticks.now += 1
    assert gate.admit() == 2
    assert gate.held_back == 0
    ticks.now += 1
    assert gate.admit() is None
    ticks.now += 600
    assert gate.admit() == 1


def test_the_alert_names_the_error_the_update_and_the_time():
    tr = Catalogs().get("en")
    at = datetime(2026, 6, 15, 16, 0, 5, tzinfo=UTC)
    text = admin_alert(tr, "RuntimeError", 42, at, 0).text
    assert "<code>RuntimeError</code>" in text
    assert "Update: 42" in text
    assert "2026-06-15 16:00:05 UTC" in text
    assert "more" not in text
    assert "And 3 more errors since the last alert." in admin_alert(tr, "x", None, at, 3).text
    assert "Update: -" in admin_alert(tr, "x", None, at, 1).text


def test_fault_answers_in_every_language():
    catalogs = Catalogs()
    english = catalogs.get("en")
    assert "very busy" in storage_fault_reply(english, busy=True).text
    assert "Searches still work" in storage_fault_reply(english, busy=False).text
    for language in ("fr", "es"):
        tr = catalogs.get(language)
        assert storage_fault_reply(tr, busy=True).text != storage_fault_reply(english, True).text
        assert storage_fault_reply(tr, busy=False).text != storage_fault_reply(english, False).text
        at = datetime(2026, 6, 15, tzinfo=UTC)
        assert admin_alert(tr, "x", 1, at, 2).text != admin_alert(english, "x", 1, at, 2).text
