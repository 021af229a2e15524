"""Logging set-up: the JSON line's shape, redacted tracebacks and library arguments, levels."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
from collections.abc import Iterator

import pytest

from bot.logs import (
    NOISY_LOGGERS,
    QUIET_LOGGERS,
    REDACTED,
    JsonFormatter,
    describe_exception,
    parse_level,
    redacted_traceback,
    setup_logging,
)


def record(
    name: str, msg: str, *args: object, level: int = logging.INFO, **extra: object
) -> logging.LogRecord:
    made = logging.LogRecord(name, level, __file__, 1, msg, args or None, None)
    made.__dict__.update(extra)
    return made


def formatted(made: logging.LogRecord) -> dict:
    line = JsonFormatter().format(made)
    assert "\n" not in line  # one line per event, even with a traceback
    return json.loads(line)


TYPED = "K7K 4C2"  # what the user typed; the tracebacks' source lines only name the variable


def parse_postal_code(text: str) -> int:
    return int(text)


def failed_parse() -> BaseException:
    try:
        parse_postal_code(TYPED)
    except ValueError as error:
        return error
    raise AssertionError("no error")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS + QUIET_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_one_json_object_per_line_with_the_fields_in_order():
    line = formatted(record("bot.app", "timed %d reminder(s)", 3, update_id=12, fault="BUSY"))
    assert list(line)[:4] == ["ts", "level", "logger", "event"]
    assert line["ts"].endswith("Z")
    assert (line["level"], line["logger"], line["event"]) == (
        "info",
        "bot.app",
        "timed 3 reminder(s)",
    )
    assert (line["update_id"], line["fault"]) == (12, "BUSY")


def test_an_exception_gets_its_type_and_frames_but_not_its_message():
    error = failed_parse()
    made = record("handlers.errors", "update 5 failed", level=logging.ERROR)
    made.exc_info = (type(error), error, error.__traceback__)
    line = formatted(made)
    assert line["exc_type"] == "ValueError"
    assert "parse_postal_code" in line["traceback"]  # the frames are there
    assert "K7K" not in json.dumps(line)  # ValueError quotes the input: left out


def test_messages_that_describe_code_are_kept():
    assert describe_exception(sqlite3.OperationalError("database is locked")) == (
        "sqlite3.OperationalError: database is locked"
    )
    assert describe_exception(TypeError("'NoneType' is not iterable")).startswith("TypeError: ")
    assert describe_exception(KeyError("06604")) == "KeyError"


def test_a_chained_traceback_shows_each_cause():
    try:
        try:
            parse_postal_code(TYPED)
        except ValueError as error:
            raise RuntimeError(f"while reading {TYPED}") from error
    except RuntimeError as outer:
        text = redacted_traceback(outer)
    assert text.index("ValueError") < text.index("RuntimeError")
    assert "K7K" not in text


def test_library_arguments_are_kept_only_when_harmless():
    update = {"message": {"text": "meet me at 41.18,-73.19", "from": {"username": "ann"}}}
    line = formatted(record("telegram.ext.Application", "Processing update %s", update))
    assert "41.18" not in line["event"]
    assert "ann" not in line["event"]
    line = formatted(record("telegram.ext.ExtBot", "Calling %s with %s", "sendMessage", update))
    assert line["event"] == f"Calling sendMessage with {REDACTED}"
    line = formatted(record("telegram.ext.AIORateLimiter", "retry after %.1f s", 2.5))
    assert line["event"] == "retry after 2.5 s"
    line = formatted(record("geopy", "geocode: %s", "https://n.example/search?q=06604"))
    assert "06604" not in line["event"]


def test_library_extra_fields_are_left_out_and_our_messages_are_kept_whole():
    line = formatted(record("aiohttp.access", "GET /", request_header={"q": "06604"}))
    assert "request_header" not in line
    assert formatted(record("bot.x", "%s reminder(s)", "two words"))["event"] == (
        "two words reminder(s)"
    )


def test_bot_tokens_are_masked():
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    line = formatted(record("telegram.ext.Updater", f"POST https://api.telegram.org/bot{token}/x"))
    assert token not in line["event"]
    assert "[token]" in line["event"]


def test_levels_by_name_or_number():
    assert parse_level("debug") == logging.DEBUG
    assert parse_level(" WARNING ") == logging.WARNING
    assert parse_level("15") == 15
    assert parse_level("LOUD") is None


@pytest.mark.usefixtures("restored_logging")
def test_setup_logs_json_at_the_level_and_tames_libraries():
    stream = io.StringIO()
    setup_logging("WARNING", stream)
    logging.getLogger("bot.test").info("not shown")
    logging.getLogger("bot.test").warning("shown")
    assert [json.loads(line)["event"] for line in stream.getvalue().splitlines()] == ["shown"]
    setup_logging("INFO", stream)
    assert all(logging.getLogger(name).level == logging.WARNING for name in NOISY_LOGGERS)
    setup_logging("DEBUG", stream)
    assert all(logging.getLogger(name).level == logging.NOTSET for name in NOISY_LOGGERS)
    assert all(logging.getLogger(name).level == logging.WARNING for name in QUIET_LOGGERS)
    ours = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert len(ours) == 1  # a second call replaces the handler


@pytest.mark.usefixtures("restored_logging")
def test_an_unknown_level_logs_at_info_and_says_so():
    stream = io.StringIO()
    setup_logging("LOUD", stream)
    assert logging.getLogger().level == logging.INFO
    assert "unknown SAFEMEET_LOG_LEVEL" in stream.getvalue()
