"""Database faults end to end: another process holding the write lock, a full database and a
read-only one. The user gets a polite answer, the log one clear line, searches keep working,
and everything works again once the fault is gone."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import storage.db
from storage.errors import StorageFault, classify
from tests.e2e.test_nearest import ask
from tests.fakes import updates
from tests.fakes.telegram_api import running_application

USER = 1201
# Holds the write lock (BEGIN IMMEDIATE, one row written) until a line comes on stdin.
HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO users (user_id, language, updated_at) VALUES (999999, 'fr', 0)")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


class LockHolder:
    """Another process holding the database's write lock until released."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def release(self) -> None:
        """Commit in the other process and let it exit."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()
        assert await asyncio.wait_for(self.process.wait(), 10) == 0


async def hold_write_lock(path: Path) -> LockHolder:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        str(path),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 10) == b"locked\n"
    return LockHolder(process)


@pytest.fixture
async def impatient_app(make_app, monkeypatch) -> AsyncIterator:
    """The bot with a 0.3 s busy timeout instead of 5 s."""
    monkeypatch.setattr(storage.db, "BUSY_TIMEOUT_MS", 300)
    application = make_app()
    async with running_application(application):
        yield application


def events(log: io.StringIO, level: str) -> list[str]:
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    return [line["event"] for line in lines if line["level"] == level]


async def stored_language(app) -> str | None:
    rows = await app.bot_data.services.db.execute_fetchall(
        "SELECT language FROM users WHERE user_id = ?", (USER,)
    )
    return next((row[0] for row in rows), None)


async def choose(telegram, code: str) -> dict:
    """Press a language button; returns the message the chat got (confirmation or apology)."""
    edits = len(telegram.calls_of("editMessageText", chat_id=USER))
    sent = len(telegram.calls_of("sendMessage", chat_id=USER))
    telegram.push_update(updates.callback_query(f"lang:{code}", user_id=USER, message_id=1))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if len(telegram.calls_of("editMessageText", chat_id=USER)) > edits:
            return telegram.calls_of("editMessageText", chat_id=USER)[-1].params
        if len(telegram.calls_of("sendMessage", chat_id=USER)) > sent:
            return telegram.calls_of("sendMessage", chat_id=USER)[-1].params
        await asyncio.sleep(0.02)
    raise AssertionError("no answer to the language choice")


async def searches_still_work(telegram) -> None:
    """A postal code and a place name (the fake Nominatim) are answered."""
    postal = await ask(telegram, updates.text_message("06604", user_id=USER))
    assert "Bridgeport Police" in postal["text"]
    place = await ask(telegram, updates.text_message("300 Congress St, Bridgeport", user_id=USER))
    assert "Bridgeport Police" in place["text"]


async def test_a_short_lock_is_waited_out(app, telegram, db_path, json_log):
    holder = await hold_write_lock(db_path)
    asyncio.get_running_loop().call_later(0.3, lambda: asyncio.ensure_future(holder.release()))
    started = time.monotonic()
    answer = await choose(telegram, "fr")
    assert time.monotonic() - started >= 0.25  # it did wait for the lock
    assert "français" in answer["text"]
    assert await stored_language(app) == "fr"
    assert events(json_log, "error") == []


async def test_a_long_lock_gets_a_polite_answer_then_the_bot_recovers(
    impatient_app, telegram, db_path, json_log
):
    holder = await hold_write_lock(db_path)
    try:
        await searches_still_work(telegram)  # reads go on; the last search is not saved
        assert "database busy: last search not saved" in events(json_log, "warning")
        answer = await choose(telegram, "fr")
        assert "very busy" in answer["text"]
        assert any(event.startswith("database busy: update") for event in events(json_log, "error"))
        # A read right after the failed write: had the error handler not rolled back, it
        # would pin a snapshot, and after the commit below every write would fail for good.
        await ask(telegram, updates.text_message("/help", user_id=USER))
    finally:
        await holder.release()  # commits a row
    answer = await choose(telegram, "es")
    assert "español" in answer["text"]
    assert await stored_language(impatient_app) == "es"
    await searches_still_work(telegram)


async def fill_up(db) -> None:
    """Cap the file at its size and fill the users table's pages to the last byte."""
    pages = next(iter(await db.execute_fetchall("PRAGMA page_count")))[0]
    await db.execute(f"PRAGMA max_page_count = {pages}")
    user_id = USER + 1  # ascending from just above USER: USER's own page ends up full
    while True:
        try:
            await db.execute(
                "INSERT INTO users (user_id, language, updated_at) VALUES (?, 'en', 0)", (user_id,)
            )
            await db.commit()
        except sqlite3.OperationalError as error:
            await db.rollback()
            if classify(error) is StorageFault.FULL:
                return
            raise
        user_id += 1


async def test_a_full_database(app, telegram, json_log):
    db = app.bot_data.services.db
    await fill_up(db)
    answer = await choose(telegram, "fr")
    assert "cannot save anything right now" in answer["text"]
    assert any(event.startswith("database full: update") for event in events(json_log, "error"))
    await searches_still_work(telegram)
    await db.execute("PRAGMA max_page_count = 1073741823")  # space again
    assert "français" in (await choose(telegram, "fr"))["text"]
    assert await stored_language(app) == "fr"


async def test_a_read_only_database(app, telegram, json_log):
    db = app.bot_data.services.db
    await db.execute("PRAGMA query_only = 1")  # what a read-only file or directory looks like
    answer = await choose(telegram, "es")
    assert "cannot save anything right now" in answer["text"]
    errors = events(json_log, "error")
    assert any(event.startswith("database read-only: update") for event in errors)
    await searches_still_work(telegram)
    assert "database read-only: geocoder answer not saved" in events(json_log, "warning")
    await db.execute("PRAGMA query_only = 0")
    assert "español" in (await choose(telegram, "es"))["text"]
    assert await stored_language(app) == "es"
