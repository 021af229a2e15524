"""Logging set-up: one JSON line per event on stderr, with no personal data.

Our own log calls (bot, handlers, storage) never pass message texts, coordinates, names or
user ids. Two nets catch what other code might let through: exception messages are left
out of tracebacks (they often quote the input, like ``invalid literal for int(): '06604'``)
except for exception types whose messages describe code, not data; and the arguments of
third-party log lines (PTB logs whole updates at DEBUG) are kept only when they are numbers
or short identifiers.

Secrets (the bot token, the webhook secret) are another matter: whatever an exception or a
library says, ``protect`` registers them and every line logged, every traceback of an
uncaught exception and every message ``redact`` is given has them replaced by [secret].
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import sys
import threading
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TextIO

OUR_PACKAGES = frozenset({"bot", "handlers", "storage", "benchmarks", "__main__"})
# Chatty below WARNING, and their DEBUG lines carry URLs with typed addresses.
NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler", "aiohttp", "geopy")
# Kept at WARNING even at DEBUG: access lines quote whole query strings, and aiosqlite logs
# every statement with its parameters (nothing would be left after redaction).
QUIET_LOGGERS = ("aiohttp.access", "aiosqlite")
REDACTED = "[redacted]"
SECRET = "[secret]"
MIN_SECRET_LENGTH = 8
# Exception types whose messages name code (attributes, types, SQL), never user input.
_SAFE_MESSAGE_TYPES: tuple[type[BaseException], ...] = (
    AttributeError,
    ImportError,
    NameError,
    NotImplementedError,
    TypeError,
    sqlite3.Error,
)
_SAFE_MESSAGE_MODULES = ("telegram.error",)  # Telegram's own error descriptions
_SAFE_ARG = re.compile(r"[A-Za-z0-9_.:/@-]{0,80}")
_BOT_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)
_HANDLER_MARK = "_safemeet_handler"
_secrets: set[str] = set()
_secret_pattern: re.Pattern[str] | None = None  # the protected values, longest first


def protect(*values: str) -> None:
    """Never print these values: every log line and ``redact``ed text shows [secret] instead.

    A bot token's secret half (after the colon) is protected on its own as well, so the token
    stays hidden however it is quoted (in a URL, percent-encoded, cut in two). Values shorter
    than MIN_SECRET_LENGTH are no secret worth the name, and hiding them would garble every
    line: they are ignored."""
    global _secret_pattern
    for value in (value.strip() for value in values):
        for part in (value, value.partition(":")[2]):
            if len(part) >= MIN_SECRET_LENGTH:
                _secrets.add(part)
    ordered = sorted(_secrets, key=len, reverse=True)
    # Case-insensitive: PTB capitalises error descriptions (str.capitalize lowers the rest).
    alternatives = "|".join(re.escape(secret) for secret in ordered)
    _secret_pattern = re.compile(alternatives, re.IGNORECASE) if ordered else None


def forget_protected() -> None:
    """Forget every protected value (tests)."""
    global _secret_pattern
    _secrets.clear()
    _secret_pattern = None


def redact(text: str) -> str:
    """The text with every protected value, in any letter case, replaced by [secret]."""
    return text if _secret_pattern is None else _secret_pattern.sub(SECRET, text)


def _redact_fields(value: Any) -> Any:
    """A JSON payload with the protected values taken out of every string in it."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_fields(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_fields(item) for item in value]
    return value


def _type_name(error: BaseException) -> str:
    cls = type(error)
    return (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )


def _message_is_safe(error: BaseException) -> bool:
    return isinstance(error, _SAFE_MESSAGE_TYPES) or type(error).__module__.startswith(
        _SAFE_MESSAGE_MODULES
    )


def describe_exception(error: BaseException) -> str:
    """``module.Type: message`` when the message is safe to log, else the type alone."""
    message = str(error) if _message_is_safe(error) else ""
    return f"{_type_name(error)}: {message}" if message else _type_name(error)


def redacted_traceback(error: BaseException) -> str:
    """The traceback of an exception and its causes: frames and source lines, but the
    exception messages only where ``describe_exception`` allows them."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    blocks = []
    for link in reversed(chain):
        frames = "".join(traceback.format_tb(link.__traceback__))
        blocks.append(f"Traceback (most recent call last):\n{frames}{describe_exception(link)}")
    return "\n\nwhich led to:\n\n".join(blocks)


def _safe_arg(value: object) -> object:
    """A third-party log argument as it may be printed."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, BaseException):
        return _type_name(value)
    if isinstance(value, str) and _SAFE_ARG.fullmatch(value):
        return value
    return REDACTED


def _third_party_message(record: logging.LogRecord) -> str:
    """A library's message with only its harmless arguments filled in."""
    args = record.args
    if not args:
        return str(record.msg)
    if isinstance(args, Mapping):
        safe: Any = {key: _safe_arg(value) for key, value in args.items()}
    else:
        safe = tuple(_safe_arg(value) for value in args)
    try:
        return str(record.msg) % safe
    except (TypeError, ValueError, KeyError):
        return f"{record.msg} {REDACTED}"


def _timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds: 2026-06-15T16:00:00.123Z."""
    moment = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    return moment.replace("+00:00", "Z")


def _is_ours(name: str) -> bool:
    return name.split(".", 1)[0] in OUR_PACKAGES


def _event(record: logging.LogRecord) -> str:
    """The record's message: ours whole, a library's with only harmless arguments."""
    event = record.getMessage() if _is_ours(record.name) else _third_party_message(record)
    return _BOT_TOKEN.sub("[token]", event)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, event, then any extra fields, then
    exc_type and a redacted traceback for exceptions; protected values never appear."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        payload: dict[str, Any] = {
            "ts": _timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _event(record),
        }
        if _is_ours(record.name):  # a library's extra fields are not vetted: left out
            for key, value in vars(record).items():
                if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                    payload.setdefault(key, value)
        if record.exc_info and record.exc_info[1] is not None:
            payload["exc_type"] = _type_name(record.exc_info[1])
            payload["traceback"] = redacted_traceback(record.exc_info[1])
        if record.stack_info:
            payload["stack"] = record.stack_info
        return json.dumps(
            _redact_fields(payload), ensure_ascii=False, default=lambda value: redact(str(value))
        )


class TerminalFormatter(logging.Formatter):
    """One short line for a person at a terminal: ``safemeet: warning: event (ExcType)``."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one plain line (no traceback), protected values taken out."""
        line = f"safemeet: {record.levelname.lower()}: {_event(record)}"
        if record.exc_info and record.exc_info[1] is not None:
            line += f" ({_type_name(record.exc_info[1])})"
        return redact(line.replace("\n", " "))


def parse_level(name: str) -> int | None:
    """A level name (DEBUG, INFO, WARNING, ERROR, CRITICAL) or number; None if unknown."""
    name = name.strip().upper()
    if name.isdigit():
        return int(name)
    level = logging.getLevelNamesMapping().get(name)
    return level if isinstance(level, int) else None


def _uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """sys.excepthook: an uncaught exception is logged (redacted) instead of printed raw."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    logging.getLogger(__name__).critical("uncaught exception", exc_info=(kind, error, trace))


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    """threading.excepthook: logged like an uncaught exception of the main thread."""
    if args.exc_value is not None:
        _uncaught(args.exc_type, args.exc_value, args.exc_traceback)


def _unraisable(unraisable: Any) -> None:
    """sys.unraisablehook (errors in __del__, callbacks): one redacted log line."""
    error = unraisable.exc_value
    exc_info = (type(error), error, unraisable.exc_traceback) if error is not None else None
    logging.getLogger(__name__).warning("exception ignored", exc_info=exc_info)


def guard_uncaught() -> None:
    """Route uncaught and unraisable exceptions and warnings through the log, whose lines
    are redacted, rather than Python's raw printing (which would show any secret)."""
    sys.excepthook = _uncaught
    threading.excepthook = _uncaught_in_thread
    sys.unraisablehook = _unraisable
    logging.captureWarnings(True)


def setup_logging(
    level_name: str, stream: TextIO | None = None, *, terminal: bool = False
) -> logging.Handler:
    """Log JSON lines at the level (unknown: INFO) to stderr or ``stream``; returns the
    installed handler, which a second call replaces. The noisy libraries stay at WARNING
    unless the level is DEBUG, the quiet ones always.

    ``terminal``: for the local modes, where a person reads the answers on stdout: only
    warnings and errors, each as one short plain line, never JSON between the answers."""
    parsed = parse_level(level_name)
    level = logging.INFO if parsed is None else parsed
    if terminal:
        level = max(level, logging.WARNING)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(TerminalFormatter() if terminal else JsonFormatter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.NOTSET if level <= logging.DEBUG else logging.WARNING
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    if parsed is None:
        logging.getLogger(__name__).warning("unknown SAFEMEET_LOG_LEVEL; logging at INFO")
    return handler
