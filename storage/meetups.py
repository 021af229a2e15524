"""MeetupRepository: meetups and their reminders; the source of truth for scheduling."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import aiosqlite

from bot.domain.meetups import Meetup, MeetupStatus, Reminder, ReminderKind, ReminderState
from storage.db import write_one, write_transaction
from storage.timestamps import Clock, from_seconds, now_seconds, to_seconds, utc_now

_MEETUP_COLUMNS = (
    "id, user_id, chat_id, zone_id, zone_name, zone_address, lat, lon, country, timezone, "
    "starts_at, note, language, status, created_at"
)
_REMINDER_COLUMNS = "id, meetup_id, kind, offset_s, due_at, state"


def _meetup(row: Sequence) -> Meetup:
    """A Meetup from a row of _MEETUP_COLUMNS."""
    return Meetup(
        id=row[0],
        user_id=row[1],
        chat_id=row[2],
        zone_id=row[3],
        zone_name=row[4],
        zone_address=row[5],
        lat=row[6],
        lon=row[7],
        country=row[8],
        timezone=row[9],
        starts_at=from_seconds(row[10]),
        note=row[11],
        language=row[12],
        status=MeetupStatus(row[13]),
        created_at=from_seconds(row[14]),
    )


def _reminder(row: Sequence) -> Reminder:
    """A Reminder from a row of _REMINDER_COLUMNS."""
    return Reminder(
        row[0],
        row[1],
        ReminderKind(row[2]),
        timedelta(seconds=row[3]),
        from_seconds(row[4]),
        ReminderState(row[5]),
    )


class MeetupRepository:
    """SQL for the meetups and reminders tables."""

    def __init__(self, db: aiosqlite.Connection, clock: Clock = utc_now) -> None:
        """Use ``db``; ``clock`` stamps each change of a reminder's state."""
        self._db = db
        self._clock = clock

    async def _insert_reminders(self, meetup_id: int, reminders: Sequence[Reminder]) -> None:
        now = now_seconds(self._clock)
        await self._db.executemany(
            "INSERT INTO reminders (meetup_id, kind, offset_s, due_at, state, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    meetup_id,
                    r.kind.value,
                    int(r.offset.total_seconds()),
                    to_seconds(r.due_at),
                    r.state.value,
                    now,
                )
                for r in reminders
            ],
        )

    async def create(self, meetup: Meetup, reminders: Sequence[Reminder]) -> Meetup:
        """Store a meetup and its reminders in one transaction; returns it with its id."""
        async with write_transaction(self._db):
            cursor = await self._db.execute(
                "INSERT INTO meetups (user_id, chat_id, zone_id, zone_name, zone_address, lat, "
                "lon, country, timezone, starts_at, note, language, status, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    meetup.user_id,
                    meetup.chat_id,
                    meetup.zone_id,
                    meetup.zone_name,
                    meetup.zone_address,
                    meetup.lat,
                    meetup.lon,
                    meetup.country,
                    meetup.timezone,
                    to_seconds(meetup.starts_at),
                    meetup.note,
                    meetup.language,
                    meetup.status.value,
                    to_seconds(meetup.created_at),
                ),
            )
            meetup_id = cursor.lastrowid
            assert meetup_id is not None
            await self._insert_reminders(meetup_id, reminders)
        stored = await self.get(meetup_id)
        assert stored is not None
        return stored

    async def get(self, meetup_id: int) -> Meetup | None:
        """One meetup by id."""
        async with self._db.execute(
            f"SELECT {_MEETUP_COLUMNS} FROM meetups WHERE id = ?", (meetup_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _meetup(row) if row else None

    async def upcoming(self, user_id: int, now: datetime) -> list[Meetup]:
        """The user's planned meetups that start after ``now``, soonest first."""
        async with self._db.execute(
            f"SELECT {_MEETUP_COLUMNS} FROM meetups WHERE user_id = ? AND status = 'planned' "
            "AND starts_at > ? ORDER BY starts_at, id",
            (user_id, to_seconds(now)),
        ) as cursor:
            return [_meetup(row) for row in await cursor.fetchall()]

    async def count_upcoming(self, user_id: int, now: datetime) -> int:
        """How many planned meetups of the user have not started yet."""
        async with self._db.execute(
            "SELECT count(*) FROM meetups WHERE user_id = ? AND status = 'planned' "
            "AND starts_at > ?",
            (user_id, to_seconds(now)),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def reminders_of(self, meetup_id: int) -> list[Reminder]:
        """A meetup's reminders in due order."""
        async with self._db.execute(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE meetup_id = ? ORDER BY due_at, id",
            (meetup_id,),
        ) as cursor:
            return [_reminder(row) for row in await cursor.fetchall()]

    async def reminder(self, reminder_id: int) -> tuple[Reminder, Meetup] | None:
        """A reminder with its meetup."""
        async with self._db.execute(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        reminder = _reminder(row)
        meetup = await self.get(reminder.meetup_id)
        return (reminder, meetup) if meetup else None

    async def pending_due_by(self, until: datetime) -> list[tuple[int, datetime]]:
        """Ids and due times of pending reminders due by ``until``, soonest first."""
        rows = await self._db.execute_fetchall(
            "SELECT id, due_at FROM reminders WHERE state = 'pending' AND due_at <= ? "
            "ORDER BY due_at, id",
            (to_seconds(until),),
        )
        return [(int(row[0]), from_seconds(row[1])) for row in rows]

    async def count_pending(self) -> int:
        """How many reminders are still to be sent."""
        rows = list(
            await self._db.execute_fetchall(
                "SELECT count(*) FROM reminders WHERE state = 'pending'"
            )
        )
        return int(rows[0][0])

    async def pending(self) -> list[Reminder]:
        """Every pending reminder, soonest first."""
        async with self._db.execute(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE state = 'pending' ORDER BY due_at, id"
        ) as cursor:
            return [_reminder(row) for row in await cursor.fetchall()]

    async def _cancel_pending(self, where: str, params: tuple) -> list[int]:
        """Cancel the pending reminders of the meetups ``where`` selects (inside a write)."""
        async with self._db.execute(
            f"SELECT r.id FROM reminders AS r JOIN meetups AS m ON m.id = r.meetup_id "
            f"WHERE r.state = 'pending' AND {where}",
            params,
        ) as cursor:
            ids = [int(row[0]) for row in await cursor.fetchall()]
        await self._db.executemany(
            "UPDATE reminders SET state = 'cancelled', updated_at = ? WHERE id = ?",
            [(now_seconds(self._clock), reminder_id) for reminder_id in ids],
        )
        return ids

    async def cancel(self, meetup_id: int) -> list[int]:
        """Cancel a meetup and its pending reminders; returns the cancelled reminder ids."""
        async with write_transaction(self._db):
            ids = await self._cancel_pending("m.id = ?", (meetup_id,))
            await self._db.execute(
                "UPDATE meetups SET status = 'cancelled' WHERE id = ?", (meetup_id,)
            )
        return ids

    async def reschedule(
        self, meetup_id: int, starts_at: datetime, reminders: Sequence[Reminder]
    ) -> list[int]:
        """Move a meetup: pending reminders are cancelled, new ones inserted (one transaction).

        Returns the ids of the cancelled reminders.
        """
        async with write_transaction(self._db):
            ids = await self._cancel_pending("m.id = ?", (meetup_id,))
            await self._db.execute(
                "UPDATE meetups SET starts_at = ? WHERE id = ?", (to_seconds(starts_at), meetup_id)
            )
            await self._insert_reminders(meetup_id, reminders)
        return ids

    async def cancel_user_reminders(self, user_id: int) -> list[int]:
        """Cancel every pending reminder of a user (they blocked the bot)."""
        async with write_transaction(self._db):
            return await self._cancel_pending("m.user_id = ?", (user_id,))

    async def claim(self, reminder_id: int) -> bool:
        """Move a reminder from pending to sending; False if someone else got there first."""
        rowcount, _ = await write_one(
            self._db,
            "UPDATE reminders SET state = 'sending', updated_at = ? "
            "WHERE id = ? AND state = 'pending'",
            (now_seconds(self._clock), reminder_id),
        )
        return rowcount == 1

    async def settle(self, reminder_id: int, state: ReminderState) -> None:
        """Record how a reminder ended (sent, missed, skipped, cancelled)."""
        await write_one(
            self._db,
            "UPDATE reminders SET state = ?, updated_at = ? WHERE id = ?",
            (state.value, now_seconds(self._clock), reminder_id),
        )

    async def postpone(self, reminder_id: int, due_at: datetime) -> None:
        """Put a claimed reminder back to pending with a new due time (a failed send)."""
        await write_one(
            self._db,
            "UPDATE reminders SET state = 'pending', due_at = ?, updated_at = ? WHERE id = ?",
            (to_seconds(due_at), now_seconds(self._clock), reminder_id),
        )

    async def recover_interrupted(self) -> list[int]:
        """Reminders left 'sending' by a crash: they may have gone out, so count them as sent
        (never a duplicate). Returns their ids."""
        async with write_transaction(self._db):
            rows = await self._db.execute_fetchall(
                "SELECT id FROM reminders WHERE state = 'sending'"
            )
            await self._db.execute("UPDATE reminders SET state = 'sent' WHERE state = 'sending'")
        return [int(row[0]) for row in rows]

    async def purge_started_before(self, cutoff: datetime) -> list[int]:
        """Delete meetups (and their reminders) that started before ``cutoff``.

        Returns the ids of pending reminders that went with them.
        """
        async with write_transaction(self._db):
            rows = await self._db.execute_fetchall(
                "SELECT r.id FROM reminders AS r JOIN meetups AS m ON m.id = r.meetup_id "
                "WHERE m.starts_at < ? AND r.state = 'pending'",
                (to_seconds(cutoff),),
            )
            await self._db.execute("DELETE FROM meetups WHERE starts_at < ?", (to_seconds(cutoff),))
        return [int(row[0]) for row in rows]

    async def forget_user(self, user_id: int) -> list[int]:
        """Delete every meetup of the user; returns the ids of pending reminders deleted."""
        async with write_transaction(self._db):
            rows = await self._db.execute_fetchall(
                "SELECT r.id FROM reminders AS r JOIN meetups AS m ON m.id = r.meetup_id "
                "WHERE m.user_id = ? AND r.state = 'pending'",
                (user_id,),
            )
            await self._db.execute("DELETE FROM meetups WHERE user_id = ?", (user_id,))
        return [int(row[0]) for row in rows]
