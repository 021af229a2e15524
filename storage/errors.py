"""Database faults: recognising SQLite's busy, full, read-only and I/O errors in one place."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.domain.faults import StorageFault

log = logging.getLogger(__name__)


# SQLite primary result codes (the low byte of an extended code).
_BY_CODE = {
    3: StorageFault.READ_ONLY,  # SQLITE_PERM
    5: StorageFault.BUSY,  # SQLITE_BUSY
    6: StorageFault.BUSY,  # SQLITE_LOCKED
    8: StorageFault.READ_ONLY,  # SQLITE_READONLY
    10: StorageFault.IO_ERROR,  # SQLITE_IOERR
    13: StorageFault.FULL,  # SQLITE_FULL
    14: StorageFault.IO_ERROR,  # SQLITE_CANTOPEN
}
# For errors without a code (raised by hand, or by an older sqlite3 module).
_BY_MESSAGE = (
    ("is locked", StorageFault.BUSY),
    ("database is busy", StorageFault.BUSY),
    ("disk is full", StorageFault.FULL),
    ("readonly database", StorageFault.READ_ONLY),
    ("read-only", StorageFault.READ_ONLY),
    ("disk i/o error", StorageFault.IO_ERROR),
    ("unable to open database", StorageFault.IO_ERROR),
)


def _classify_one(error: BaseException) -> StorageFault | None:
    if not isinstance(error, sqlite3.Error):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _BY_CODE:
        return _BY_CODE[code & 0xFF]
    message = str(error).lower()
    return next((fault for marker, fault in _BY_MESSAGE if marker in message), None)


def classify(error: BaseException | None) -> StorageFault | None:
    """The storage fault behind an exception (or what caused it), None if it is not one."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        fault = _classify_one(error)
        if fault is not None:
            return fault
        error = error.__cause__ or error.__context__
    return None


@asynccontextmanager
async def best_effort(what: str) -> AsyncIterator[None]:
    """Run a write that may be skipped: on a storage fault, log it and go on.

    The write is a write_transaction, which has rolled itself back by then.
    """
    try:
        yield
    except sqlite3.Error as exc:
        fault = classify(exc)
        if fault is None:
            raise
        log.warning("%s: %s not saved", fault.value, what, extra={"fault": fault.name})
