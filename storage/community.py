"""Community tables: reports, suggestions, and the zones' hidden flag they can set."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.domain.community import Reason, Report, Status, Suggestion
from storage.db import write_transaction
from storage.timestamps import from_optional_seconds, from_seconds, to_seconds

_REPORT_COLUMNS = "id, user_id, zone_id, zone_name, reason, note, status, created_at, decided_at"
_SUGGESTION_COLUMNS = "id, user_id, name, lat, lon, status, created_at, decided_at, zone_id"


def _report(row: Sequence) -> Report:
    """A Report from a row of _REPORT_COLUMNS."""
    return Report(
        id=row[0],
        user_id=row[1],
        zone_id=row[2],
        zone_name=row[3],
        reason=Reason(row[4]),
        note=row[5],
        status=Status(row[6]),
        created_at=from_seconds(row[7]),
        decided_at=from_optional_seconds(row[8]),
    )


def _suggestion(row: Sequence) -> Suggestion:
    """A Suggestion from a row of _SUGGESTION_COLUMNS."""
    return Suggestion(
        id=row[0],
        user_id=row[1],
        name=row[2],
        lat=row[3],
        lon=row[4],
        status=Status(row[5]),
        created_at=from_seconds(row[6]),
        decided_at=from_optional_seconds(row[7]),
        zone_id=row[8] or "",
    )


class ReportRepository:
    """SQL for the community_reports table."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def add(self, report: Report, limit: int, since: datetime) -> Report | None:
        """Store a report unless its user filed ``limit`` or more since ``since`` (checked and
        written in one statement); returns it with its id, or None when over the limit."""
        async with write_transaction(self._db):
            cursor = await self._db.execute(
                "INSERT INTO community_reports (user_id, zone_id, zone_name, reason, note, status, "
                "created_at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM "
                "community_reports WHERE user_id = ? AND created_at >= ?) < ?",
                (
                    report.user_id,
                    report.zone_id,
                    report.zone_name,
                    report.reason.value,
                    report.note,
                    report.status.value,
                    to_seconds(report.created_at),
                    report.user_id,
                    to_seconds(since),
                    limit,
                ),
            )
        if cursor.rowcount != 1 or cursor.lastrowid is None:
            return None
        return await self.get(cursor.lastrowid)

    async def count_since(self, user_id: int, since: datetime) -> int:
        """How many reports the user filed since ``since``."""
        rows = await self._db.execute_fetchall(
            "SELECT count(*) FROM community_reports WHERE user_id = ? AND created_at >= ?",
            (user_id, to_seconds(since)),
        )
        return int(next(iter(rows))[0])

    async def has_pending(self, user_id: int, zone_id: str) -> bool:
        """True when the user has a pending report about this zone."""
        rows = await self._db.execute_fetchall(
            "SELECT 1 FROM community_reports WHERE user_id = ? AND zone_id = ? "
            "AND status = 'pending' LIMIT 1",
            (user_id, zone_id),
        )
        return bool(list(rows))

    async def get(self, report_id: int) -> Report | None:
        """One report by id."""
        rows = await self._db.execute_fetchall(
            f"SELECT {_REPORT_COLUMNS} FROM community_reports WHERE id = ?", (report_id,)
        )
        row = next(iter(rows), None)
        return _report(row) if row else None

    async def pending(self, limit: int) -> list[Report]:
        """The oldest pending reports, at most ``limit``."""
        if limit <= 0:
            return []
        rows = await self._db.execute_fetchall(
            f"SELECT {_REPORT_COLUMNS} FROM community_reports WHERE status = 'pending' "
            "ORDER BY created_at, id LIMIT ?",
            (limit,),
        )
        return [_report(row) for row in rows]

    async def count_pending(self) -> int:
        """How many reports wait for a decision."""
        rows = await self._db.execute_fetchall(
            "SELECT count(*) FROM community_reports WHERE status = 'pending'"
        )
        return int(next(iter(rows))[0])

    async def decide(self, report_id: int, status: Status, at: datetime) -> bool:
        """Settle a pending report; False if it was not pending (gone or already decided)."""
        async with write_transaction(self._db):
            cursor = await self._db.execute(
                "UPDATE community_reports SET status = ?, decided_at = ? "
                "WHERE id = ? AND status = 'pending'",
                (status.value, to_seconds(at), report_id),
            )
        return cursor.rowcount == 1

    async def purge(self, decided_before: datetime, created_before: datetime) -> int:
        """Delete reports decided before ``decided_before`` or still pending from before
        ``created_before``; returns how many."""
        async with write_transaction(self._db):
            cursor = await self._db.execute(
                "DELETE FROM community_reports WHERE decided_at < ? "
                "OR (status = 'pending' AND created_at < ?)",
                (to_seconds(decided_before), to_seconds(created_before)),
            )
        return cursor.rowcount

    async def forget(self, user_id: int) -> None:
        """Delete every report of the user."""
        async with write_transaction(self._db):
            await self._db.execute("DELETE FROM community_reports WHERE user_id = ?", (user_id,))


class SuggestionRepository:
    """SQL for the community_suggestions table."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def add(self, suggestion: Suggestion, limit: int, since: datetime) -> Suggestion | None:
        """Store a suggestion unless its user made ``limit`` or more since ``since`` (checked
        and written in one statement); returns it with its id, or None when over the limit."""
        async with write_transaction(self._db):
            cursor = await self._db.execute(
                "INSERT INTO community_suggestions (user_id, name, lat, lon, status, created_at) "
                "SELECT ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM community_suggestions "
                "WHERE user_id = ? AND created_at >= ?) < ?",
                (
                    suggestion.user_id,
                    suggestion.name,
                    suggestion.lat,
                    suggestion.lon,
                    suggestion.status.value,
                    to_seconds(suggestion.created_at),
                    suggestion.user_id,
                    to_seconds(since),
                    limit,
                ),
            )
        if cursor.rowcount != 1 or cursor.lastrowid is None:
            return None
        return await self.get(cursor.lastrowid)

    async def count_since(self, user_id: int, since: datetime) -> int:
        """How many suggestions the user made since ``since``."""
        rows = await self._db.execute_fetchall(
            "SELECT count(*) FROM community_suggestions WHERE user_id = ? AND created_at >= ?",
            (user_id, to_seconds(since)),
        )
        return int(next(iter(rows))[0])

    async def get(self, suggestion_id: int) -> Suggestion | None:
        """One suggestion by id."""
        rows = await self._db.execute_fetchall(
            f"SELECT {_SUGGESTION_COLUMNS} FROM community_suggestions WHERE id = ?",
            (suggestion_id,),
        )
        row = next(iter(rows), None)
        return _suggestion(row) if row else None

    async def pending(self, limit: int) -> list[Suggestion]:
        """The oldest pending suggestions, at most ``limit``."""
        if limit <= 0:
            return []
        rows = await self._db.execute_fetchall(
            f"SELECT {_SUGGESTION_COLUMNS} FROM community_suggestions WHERE status = 'pending' "
            "ORDER BY created_at, id LIMIT ?",
            (limit,),
        )
        return [_suggestion(row) for row in rows]

    async def count_pending(self) -> int:
        """How many suggestions wait for a decision."""
        rows = await self._db.execute_fetchall(
            "SELECT count(*) FROM community_suggestions WHERE status = 'pending'"
        )
        return int(next(iter(rows))[0])

    async def decide(
        self, suggestion_id: int, status: Status, at: datetime, zone_id: str = ""
    ) -> bool:
        """Settle a pending suggestion (with the zone it became); False if it was not pending."""
        async with write_transaction(self._db):
            cursor = await self._db.execute(
                "UPDATE community_suggestions SET status = ?, decided_at = ?, zone_id = ? "
                "WHERE id = ? AND status = 'pending'",
                (status.value, to_seconds(at), zone_id or None, suggestion_id),
            )
        return cursor.rowcount == 1

    async def reopen(self, suggestion_id: int) -> None:
        """Put a suggestion back to pending (its approval failed half-way)."""
        async with write_transaction(self._db):
            await self._db.execute(
                "UPDATE community_suggestions SET status = 'pending', decided_at = NULL, "
                "zone_id = NULL WHERE id = ?",
                (suggestion_id,),
            )

    async def purge(self, decided_before: datetime, created_before: datetime) -> int:
        """Delete suggestions decided before ``decided_before`` or still pending from before
        ``created_before``; returns how many."""
        async with write_transaction(self._db):
            cursor = await self._db.execute(
                "DELETE FROM community_suggestions WHERE decided_at < ? "
                "OR (status = 'pending' AND created_at < ?)",
                (to_seconds(decided_before), to_seconds(created_before)),
            )
        return cursor.rowcount

    async def forget(self, user_id: int) -> None:
        """Delete every suggestion of the user."""
        async with write_transaction(self._db):
            await self._db.execute(
                "DELETE FROM community_suggestions WHERE user_id = ?", (user_id,)
            )
