"""``python -m bot import|export``: zone files in and out of the database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.importer import ImportReport, import_zones_csv
from bot.zones import ZoneDataError, write_zones_csv
from storage.db import open_database
from storage.zones import ZoneRepository


async def import_file(settings: Settings, path: Path, dry_run: bool, out: TextIO) -> int:
    """Import a zones CSV into the database (or only check it); returns the exit status."""
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}", file=out)
        return 2
    db = await open_database(settings.db_path)
    try:
        report: ImportReport = await import_zones_csv(ZoneRepository(db), text, dry_run)
    except ZoneDataError as exc:
        print(f"{path}: {exc}; nothing imported", file=out)
        return 2
    finally:
        await db.close()
    print(("dry run: " if dry_run else "") + "\n".join(report.lines()), file=out)
    return 1 if report.rejected else 0


async def export_file(settings: Settings, path: Path, out: TextIO) -> int:
    """Write every stored zone to a CSV in the documented schema; returns the exit status."""
    db = await open_database(settings.db_path)
    try:
        zones = await ZoneRepository(db).all()
    finally:
        await db.close()
    await asyncio.to_thread(path.write_text, write_zones_csv(zones), encoding="utf-8")
    print(f"wrote {len(zones)} zone(s) to {path}", file=out)
    return 0
