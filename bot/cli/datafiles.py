"""``python -m bot import|export``: zone files in and out of the database."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import track

from bot.config import Settings
from bot.domain.zones import ZoneDataError, write_zones_csv
from bot.usecases.importer import Record, parse_zones, read_zones_file
from storage.db import open_database
from storage.zones import ZoneRepository

# A file with at least this many rows gets a progress bar while they are checked.
PROGRESS_MIN_ROWS = 1000


def progress_bar(records: Iterable[Record], total: int | None) -> Iterable[Record]:
    """The rows as they are checked, with a progress bar on stderr for a large file on a
    terminal (nothing when stderr is a file or a pipe, or the file is small)."""
    console = Console(stderr=True)
    small = total is not None and total < PROGRESS_MIN_ROWS
    if small or not console.is_terminal:
        return records
    return track(records, "checking rows", total=total, console=console, transient=True)


async def import_file(
    settings: Settings,
    path: Path,
    dry_run: bool,
    out: TextIO,
    file_format: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> int:
    """Import a zones file (CSV, GeoJSON, Overpass JSON) or only check it; the exit status.

    0 when every row went in, 1 when some were rejected, 2 when the file as a whole was refused
    (not text, absurd lines: refused while reading, before it is all in memory).
    """
    try:
        text = await asyncio.to_thread(read_zones_file, path, file_format)
        zones, report = await asyncio.to_thread(
            parse_zones, text, path.name, file_format, columns, progress_bar
        )
    except OSError as exc:
        print(f"cannot read {path}: {exc}", file=out)
        return 2
    except ZoneDataError as exc:
        print(f"{path}: {exc}; nothing imported", file=out)
        return 2
    db = await open_database(settings.db_path)
    try:
        counts = await ZoneRepository(db).import_zones(zones, dry_run)
    except sqlite3.Error as exc:
        print(f"{path}: database error: {exc}; nothing imported", file=out)
        return 2
    finally:
        await db.close()
    report.added, report.updated, report.unchanged = counts
    print(("dry run, nothing written: " if dry_run else "") + "\n".join(report.lines()), file=out)
    return 1 if report.rejected else 0


def unwritable(path: Path, error: OSError) -> str:
    """Why a file cannot be written and what to do, in one line."""
    if path.is_dir():
        return f"{path} is a folder: give a file name, for example {path / 'zones.csv'}"
    if not path.parent.is_dir():
        return f"cannot write {path}: the folder {path.parent} does not exist; create it first"
    return f"cannot write {path}: {error.strerror or error}"


async def export_file(settings: Settings, path: Path, out: TextIO, err: TextIO) -> int:
    """Write the stored zones (not hidden ones) to a CSV in the documented schema; the status.

    A file that cannot be written is one line on ``err`` and status 2."""
    db = await open_database(settings.db_path)
    try:
        zones = await ZoneRepository(db).exportable()
    finally:
        await db.close()
    try:
        await asyncio.to_thread(path.write_text, write_zones_csv(zones), encoding="utf-8")
    except OSError as exc:
        print(f"export: {unwritable(path, exc)}", file=err)
        return 2
    print(f"wrote {len(zones)} zone(s) to {path}", file=out)
    return 0
