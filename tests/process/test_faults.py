"""The real process (`python -m bot`) against the fake Bot API: SIGTERM and kill -9 mid-burst."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import IO

import pytest

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.updates import location_message, text_message

ROOT = Path(__file__).resolve().parents[2]
NEAR_BRIDGEPORT = (41.1840, -73.1910)
SHUTDOWN_LIMIT_S = 10.0

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class BotProcess:
    """``python -m bot`` in a subprocess, logging to a file."""

    def __init__(self, api: FakeTelegramAPI, db_path: Path, log_path: Path) -> None:
        self.api, self.db_path, self.log_path = api, db_path, log_path
        self.process: asyncio.subprocess.Process | None = None
        self._log: IO[str] | None = None

    async def start(self) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("TELE")}
        env |= {
            "TELEGRAM_BOT_TOKEN": self.api.token,
            "TELEGRAM_API_URL": self.api.root_url,
            "SAFEMEET_DB": str(self.db_path),
            "NOMINATIM_URL": "",
            "OVERPASS_URL": "",
            "SAFEMEET_MAX_SEND_RATE": "0",
            "SAFEMEET_FLOOD_LIMIT": "0",
            "SAFEMEET_LOG_LEVEL": "INFO",
        }
        self._log = self.log_path.open("a", encoding="utf-8")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=ROOT, env=env, stdout=self._log, stderr=self._log
        )

    async def wait(self, within: float) -> int:
        assert self.process is not None
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        finally:
            assert self._log is not None
            self._log.close()

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")


def query(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchall()


def planned_chats(api: FakeTelegramAPI) -> set[int]:
    """Chats that were told "Meetup planned"."""
    return {
        int(call.params["chat_id"])
        for call in api.calls_of("sendMessage")
        if "Meetup planned" in str(call.params.get("text"))
    }


async def wait_until(condition, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_sigterm_during_a_burst_stops_within_10_s_and_loses_nothing(tmp_path):
    users = range(1, 301)
    async with FakeTelegramAPI() as api:
        bot = BotProcess(api, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
        await bot.start()
        for user_id in users:
            api.push_update(location_message(*NEAR_BRIDGEPORT, user_id=user_id))
        await api.wait_for("sendVenue", count=20, within=60)
        started = time.monotonic()
        bot.signal(signal.SIGTERM)
        answered_before_sigterm = len(api.calls_of("sendVenue"))
        assert await bot.wait(SHUTDOWN_LIMIT_S) == 0
        assert time.monotonic() - started < SHUTDOWN_LIMIT_S
        assert "Traceback" not in bot.log()
        assert query(bot.db_path, "PRAGMA integrity_check") == [("ok",)]
        # What the first process did not take is still at Telegram: the next one answers it.
        assert answered_before_sigterm < len(users)  # it was stopped mid-burst
        again = BotProcess(api, bot.db_path, tmp_path / "again.log")
        await again.start()
        await wait_until(lambda: "rehydrated:" in again.log(), within=60)
        await api.wait_for("sendVenue", count=len(users), within=60)
        again.signal(signal.SIGTERM)
        assert await again.wait(SHUTDOWN_LIMIT_S) == 0
    venues = [int(call.params["chat_id"]) for call in api.calls_of("sendVenue")]
    assert sorted(set(venues)) == list(users)


async def test_kill_9_while_planning_meetups_loses_no_confirmed_meetup(tmp_path):
    users = range(1, 121)
    async with FakeTelegramAPI() as api:
        bot = BotProcess(api, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
        await bot.start()
        for user_id in users:
            api.push_update(text_message("06604", user_id=user_id))
            api.push_update(text_message("/meetup in 3 hours", user_id=user_id))
        await wait_until(lambda: len(planned_chats(api)) >= 15, within=60)
        bot.signal(signal.SIGKILL)
        await bot.wait(SHUTDOWN_LIMIT_S)
        confirmed = planned_chats(api)
        assert query(bot.db_path, "PRAGMA integrity_check") == [("ok",)]
        stored = {row[0] for row in query(bot.db_path, "SELECT user_id FROM meetups")}
        assert confirmed <= stored
        ((pending,),) = query(bot.db_path, "SELECT count(*) FROM reminders WHERE state='pending'")
        # The next process rehydrates every pending reminder and finishes the burst.
        again = BotProcess(api, bot.db_path, tmp_path / "again.log")
        await again.start()
        await wait_until(lambda: "rehydrated:" in again.log(), within=60)
        rehydrated = re.search(r"rehydrated: (\d+) pending", again.log())
        assert rehydrated is not None
        assert int(rehydrated.group(1)) == pending
        # Updates PTB had fetched but not handled died with the process (Telegram counts
        # them as delivered); the new process serves new requests at once.
        api.push_update(text_message("06604", user_id=999))
        api.push_update(text_message("/meetup in 3 hours", user_id=999))
        await wait_until(lambda: 999 in planned_chats(api), within=60)
        again.signal(signal.SIGTERM)
        assert await again.wait(SHUTDOWN_LIMIT_S) == 0
    per_user = dict(query(bot.db_path, "SELECT user_id, count(*) FROM meetups GROUP BY user_id"))
    assert set(per_user.values()) == {1}  # nothing planned twice
    assert confirmed | {999} <= set(per_user)
    assert query(bot.db_path, "PRAGMA integrity_check") == [("ok",)]
