"""Importing zones from a CSV file in the documented schema: validate, report, upsert."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.zones import CSV_COLUMNS, Zone, ZoneDataError, zone_from_row


class ZoneStore(Protocol):
    """Where imported zones go (storage.zones.ZoneRepository)."""

    async def import_zones(self, zones: Sequence[Zone]) -> tuple[int, int, int]: ...


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row that was not imported, and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import read, wrote and refused."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as terminal lines."""
        head = (
            f"read {self.read}, added {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {len(self.rejected)}"
        )
        return [head, *(f"  line {r.line}: {r.reason}" for r in self.rejected)]


def parse_zones_csv(text: str) -> tuple[list[Zone], ImportReport]:
    """Every valid row of a zones CSV, and a report naming each rejected row."""
    reader = csv.DictReader(io.StringIO(text))
    missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise ZoneDataError(f"missing columns: {', '.join(sorted(missing))}")
    report, zones, seen = ImportReport(), [], set()
    for row in reader:
        report.read += 1
        try:
            zone = zone_from_row(row)
        except ZoneDataError as exc:
            report.rejected.append(Rejected(reader.line_num, str(exc)))
            continue
        if zone.id in seen:
            report.rejected.append(Rejected(reader.line_num, f"duplicate id {zone.id}"))
            continue
        seen.add(zone.id)
        zones.append(zone)
    return zones, report


async def import_zones_csv(store: ZoneStore, text: str, dry_run: bool = False) -> ImportReport:
    """Validate a zones CSV and, unless ``dry_run``, upsert its valid rows in one transaction."""
    zones, report = parse_zones_csv(text)
    if not dry_run:
        report.added, report.updated, report.unchanged = await store.import_zones(zones)
    return report
