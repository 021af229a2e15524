"""Fixtures shared by every test: the settable clock and the bot's JSON log."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.logs import NOISY_LOGGERS, QUIET_LOGGERS, setup_logging
from tests.clock import NOON, Clock


@pytest.fixture
def clock() -> Clock[datetime]:
    """A wall clock at NOON that the test moves (``clock.now = ...``, ``clock.advance``)."""
    return Clock(NOON)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the bot logs during the test, every logger at DEBUG, as its JSON lines."""
    root = logging.getLogger()
    names = ("", *NOISY_LOGGERS, *QUIET_LOGGERS)
    levels = {name: logging.getLogger(name).level for name in names}
    stream = io.StringIO()
    handler = setup_logging("DEBUG", stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
