"""What can go wrong with the database, as users are told and operators read it in the log."""

from __future__ import annotations

from enum import Enum


class StorageFault(Enum):
    """A database fault by kind (storage.errors.classify recognises SQLite's)."""

    BUSY = "database busy"  # another connection held the write lock past the busy timeout
    FULL = "database full"  # disk full, or the page limit reached
    READ_ONLY = "database read-only"  # file, directory or connection not writable
    IO_ERROR = "database I/O error"  # the disk failed, or the file cannot be opened
