"""Opening and closing the bot's services."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from bot import services as services_module
from bot.config import Settings
from bot.services import open_services


def _threads_left(before: set[threading.Thread]) -> set[threading.Thread]:
    """Threads started since ``before`` that are still alive after a short grace period.

    aiosqlite's close() returns before its worker thread has finished exiting.
    """
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=5)
    return {t for t in set(threading.enumerate()) - before if t.is_alive()}


def _settings(tmp_path) -> Settings:
    return Settings.from_env(
        {"SAFEMEET_DB": str(tmp_path / "s.sqlite3"), "NOMINATIM_URL": "", "OVERPASS_URL": ""}
    )


async def test_open_and_close_leave_no_thread_behind(tmp_path):
    before = set(threading.enumerate())
    services = await open_services(_settings(tmp_path))
    assert await services.zones.count() >= 4
    await services.close()
    assert _threads_left(before) == set()


async def test_a_failed_start_closes_the_database_again(tmp_path, monkeypatch):
    """A half-opened start must not leave aiosqlite's thread keeping the process alive."""

    def broken_data() -> list:
        raise FileNotFoundError("zones.csv")

    monkeypatch.setattr(services_module, "bundled_zones", broken_data)
    before = set(threading.enumerate())
    with pytest.raises(FileNotFoundError):
        await open_services(_settings(tmp_path))
    assert _threads_left(before) == set()


async def test_forgetting_a_user_is_all_or_nothing(tmp_path, monkeypatch):
    services = await open_services(_settings(tmp_path))
    try:
        await services.users.set_language(7, "fr")
        await services.searches.remember(7, ["bpt-hq"])

        async def disk_fails(user_id: int) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(services.users, "forget", disk_fails)  # the last step fails
        with pytest.raises(sqlite3.OperationalError):
            await services.accounts.forget(7)
        assert await services.searches.recall(7) == ["bpt-hq"]  # the earlier steps undone
        monkeypatch.undo()
        await services.accounts.forget(7)
        assert await services.searches.recall(7) == []
        assert await services.users.language(7) is None
    finally:
        await services.close()
