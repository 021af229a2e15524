"""Local mode behaves like the bot: commands in `python -m bot chat`, negative coordinates and
--lang after the subcommand, and no log line among the printed answers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli.chat import LocalChat
from bot.config import Settings
from bot.services import open_services
from handlers.commands import help_lines

ROOT = Path(__file__).resolve().parents[3]


def run_bot(
    tmp_path: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    environ |= {
        "SAFEMEET_DB": str(tmp_path / "local.sqlite3"),
        "NOMINATIM_URL": "",
        "OVERPASS_URL": "",
        "SAFEMEET_LOG_LEVEL": "INFO",
    } | env
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[LocalChat]:
    settings = Settings.from_env(
        {"SAFEMEET_DB": str(tmp_path / "chat.sqlite3"), "NOMINATIM_URL": "", "OVERPASS_URL": ""}
    )
    services = await open_services(settings)
    try:
        yield LocalChat(services, "en", help_lines())
    finally:
        await services.close()


async def test_the_bots_commands_answer_as_in_telegram(session):
    assert "Meeting a stranger safely" in await session.answer("/tips")
    assert "/nearest 06604" in await session.answer("/help")
    assert "Privacy" in await session.answer("/privacy")
    assert "I am SafeMeet" in await session.answer("/start")
    nearest = await session.answer("/nearest 06604")
    assert "Bridgeport Police" in nearest
    assert "<b>" not in nearest
    assert "/nearest" in await session.answer("/nearest")  # how to use it, no location button
    assert "Bridgeport Police" in await session.answer("/nearest@SafeMeetBot 41.18, -73.19")


async def test_language_switches_the_following_answers(session):
    menu = await session.answer("/language")
    assert "/language fr: Français" in menu
    assert "français" in await session.answer("/language fr")
    assert "Les 3 lieux" in await session.answer("06604")
    assert "Meeting a stranger safely" not in await session.answer("/tips")
    await session.answer("/language Español")
    assert "Los 3 lugares" in await session.answer("/nearest 06604")


async def test_telegram_only_and_unknown_commands(session):
    for command in ("/meetup in 2 hours", "/meetups", "/suggest", "/forget", "/cancel"):
        answer = await session.answer(command)
        assert answer.startswith(command.split()[0] + " ")
        assert "Telegram" in answer
    assert "I can only help with places to meet" in await session.answer("/frobnicate")


def test_chat_takes_commands_and_keeps_logs_out_of_the_answers(tmp_path):
    lines = ["/meetup", "/tips", "/help", "/nearest 06604", "/language fr", "06604"]
    result = run_bot(tmp_path, "chat", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "/meetup works in Telegram only" in out
    assert "Meeting a stranger safely" in out
    assert "/language: choose your language" in out
    assert "The 3 nearest safe places to meet near 06604" in out
    assert "Les 3 lieux de rencontre sécuritaires les plus proches de 06604" in out
    assert "I did not understand" not in out
    assert "not working right now" not in out
    assert result.stderr == ""  # INFO lines (migrations, "database ready") stay out
    assert '"ts"' not in out


def test_warnings_are_short_plain_lines_on_stderr(tmp_path):
    dead = "http://127.0.0.1:9"  # nothing listens there: the geocoder warns
    result = run_bot(
        tmp_path, "nearest", "300 Congress St, Bridgeport", NOMINATIM_URL=dead, OVERPASS_URL=dead
    )
    assert result.returncode == 0, result.stderr
    assert "not working right now" in result.stdout
    assert "safemeet:" not in result.stdout
    warnings = result.stderr.splitlines()
    assert warnings
    assert all(line.startswith("safemeet: warning: ") for line in warnings), result.stderr


def test_negative_coordinates_need_no_double_dash(tmp_path):
    result = run_bot(tmp_path, "nearest", "-33.86,151.21")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert result.stderr == ""


def test_lang_after_the_subcommand(tmp_path):
    french = run_bot(tmp_path, "--lang", "es", "nearest", "--lang", "fr", "06604")
    assert french.returncode == 0, french.stderr
    assert "Les 3 lieux" in french.stdout  # after the subcommand, and it wins
    spanish = run_bot(tmp_path, "chat", "--lang", "es", stdin="06604\n")
    assert spanish.returncode == 0, spanish.stderr
    assert "Los 3 lugares" in spanish.stdout
