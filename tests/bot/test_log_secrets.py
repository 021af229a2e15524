"""Protected values (the bot token, the webhook secret) never reach a log line, a traceback or
a redacted message, in any letter case; the terminal log format is one plain line."""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
from collections.abc import Iterator

import pytest
from telegram.error import BadRequest, InvalidToken

from bot.logs import (
    SECRET,
    JsonFormatter,
    TerminalFormatter,
    forget_protected,
    guard_uncaught,
    protect,
    redact,
    setup_logging,
)

TOKEN = "7318264055:AAFq9Zx2LmNpQrStUvWxYz0123456789abc"
WEBHOOK_SECRET = "wh-Secret_9f8e7d6c5b4a3210"


@pytest.fixture(autouse=True)
def protected() -> Iterator[None]:
    protect(TOKEN, WEBHOOK_SECRET)
    yield
    forget_protected()


def failure(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as raised:
        return raised


def record_of(error: BaseException, logger: str = "handlers.errors") -> logging.LogRecord:
    made = logging.LogRecord(logger, logging.ERROR, __file__, 1, "failed: %s", (error,), None)
    made.exc_info = (type(error), error, error.__traceback__)
    return made


def assert_clean(text: str) -> None:
    for secret in (TOKEN, TOKEN.partition(":")[2], WEBHOOK_SECRET):
        assert secret.lower() not in text.lower(), text


def test_redact_replaces_every_protected_value_in_any_case():
    text = f"url=/bot{TOKEN}/x secret={WEBHOOK_SECRET} lower={WEBHOOK_SECRET.lower()}"
    assert redact(text) == f"url=/bot{SECRET}/x secret={SECRET} lower={SECRET}"
    assert redact(f"/bot7318264055%3A{TOKEN.partition(':')[2]}") == f"/bot7318264055%3A{SECRET}"


def test_json_lines_hide_secrets_in_the_event_the_extras_and_the_traceback():
    # PTB quotes the token in InvalidToken, and capitalises BadRequest descriptions.
    try:
        try:
            raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
        except InvalidToken as inner:
            raise BadRequest(f"Bad Request: secret {WEBHOOK_SECRET}") from inner
    except BadRequest as outer:
        made = record_of(outer)
    made.__dict__["url"] = f"https://api.telegram.org/bot{TOKEN}/getMe"
    line = JsonFormatter().format(made)
    payload = json.loads(line)  # still one valid JSON object
    assert_clean(line)
    assert "telegram.error.InvalidToken: The token `[secret]` was rejected" in payload["traceback"]
    assert payload["url"] == f"https://api.telegram.org/bot{SECRET}/getMe"


def test_a_librarys_message_and_arguments_are_redacted_too():
    made = logging.LogRecord(
        "telegram.ext.Updater", logging.ERROR, __file__, 1, f"polling /bot{TOKEN}: %s", ("x",), None
    )
    assert_clean(JsonFormatter().format(made))


def test_the_terminal_format_is_one_short_plain_line():
    error = failure(InvalidToken(f"token {TOKEN}\nrefused"))
    line = TerminalFormatter().format(record_of(error, "bot.sources.geocoding"))
    assert line.startswith("safemeet: error: failed: ")
    assert line.endswith("(telegram.error.InvalidToken)")
    assert "\n" not in line
    assert "Traceback" not in line
    assert_clean(line)


@pytest.fixture
def guarded() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = sys.excepthook, sys.unraisablehook, threading.excepthook
    stream = io.StringIO()
    setup_logging("INFO", stream)
    guard_uncaught()
    yield stream
    sys.excepthook, sys.unraisablehook, threading.excepthook = hooks
    logging.captureWarnings(False)
    root.handlers[:] = handlers
    root.setLevel(level)


def test_an_uncaught_exception_is_logged_redacted_instead_of_printed(guarded):
    error = failure(InvalidToken(f"The token `{TOKEN}` was rejected by the server."))
    sys.excepthook(type(error), error, error.__traceback__)
    (line,) = guarded.getvalue().splitlines()
    assert json.loads(line)["exc_type"] == "telegram.error.InvalidToken"
    assert_clean(line)


def test_values_too_short_to_be_secret_are_not_hidden():
    protect("abc", "1:A")  # hiding them would garble every line
    assert redact("a cab, abc and 1:A") == "a cab, abc and 1:A"
