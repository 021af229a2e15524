"""The README tells the truth: its example answers are the bot's real output, and every
postal code form it lists resolves offline."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.chat import answer_query
from bot.config import Settings
from bot.services import open_services
from bot.sources.postal import PostalDirectory, parse_postal_code
from bot.usecases.finder import parse_coordinates

README = Path(__file__).resolve().parent.parent / "README.md"
# Examples are shown at noon in Connecticut (16:00 UTC in June): the advice depends on daylight.
EXAMPLE_TIME = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
_EXAMPLE = re.compile(
    r"<!-- real output: python -m bot nearest (?P<query>[^\n]+?) -->\n```text\n(?P<text>.*?)\n```",
    re.DOTALL,
)


def readme_examples() -> list[tuple[str, str]]:
    """(query, shown answer) of every example marked as real output in the README."""
    return [(m["query"], m["text"]) for m in _EXAMPLE.finditer(README.read_text("utf-8"))]


async def real_answer(query: str, tmp_path: Path) -> str:
    """What `python -m bot nearest QUERY` prints (offline, at EXAMPLE_TIME)."""
    settings = Settings(db_path=tmp_path / "readme.sqlite3", nominatim_url="", overpass_url="")
    services = await open_services(settings, clock=lambda: EXAMPLE_TIME)
    try:
        return await answer_query(services, query, "en")
    finally:
        await services.close()


def test_the_readme_has_real_examples():
    assert len(readme_examples()) >= 2


@pytest.mark.parametrize(("query", "shown"), readme_examples())
async def test_each_example_is_the_real_output(query, shown, tmp_path):
    assert shown == await real_answer(query, tmp_path)


def _postal_examples() -> list[str]:
    """The postal code forms the README's "What it does" list gives."""
    lines = README.read_text("utf-8").splitlines()
    line = next(line for line in lines if "**postal code**" in line)
    return re.findall(r"`([^`]+)`", line)


@pytest.mark.parametrize("code", _postal_examples())
async def test_every_listed_postal_code_resolves_offline(code):
    readings = parse_postal_code(code)
    assert readings, code
    assert await PostalDirectory().resolve(readings), code


def test_listed_coordinates_parse():
    assert parse_coordinates("41.18, -73.19") is not None
