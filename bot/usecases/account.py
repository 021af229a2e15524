"""What a user decides about their own account: the bot's language, and being forgotten."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from bot.i18n import LANGUAGES

Transaction = Callable[[], AbstractAsyncContextManager[object]]
"""Opens one all-or-nothing write transaction (storage.db.write_transaction)."""


class LanguageStore(Protocol):
    """Where each user's chosen language is kept (storage.users.UserRepository)."""

    async def set_language(self, user_id: int, language: str) -> None:
        """Store the user's choice."""
        ...

    async def forget(self, user_id: int) -> None:
        """Delete what is stored about the user."""
        ...


class UserRecords(Protocol):
    """Anything else that keeps a user's data (last searches, reports and suggestions)."""

    async def forget(self, user_id: int) -> None:
        """Delete the user's records."""
        ...


class MeetupRecords(Protocol):
    """Where meetups are kept (storage.meetups.MeetupRepository)."""

    async def forget_user(self, user_id: int) -> list[int]:
        """Delete the user's meetups; returns the ids of their pending reminders."""
        ...


class Timers(Protocol):
    """What times reminders (bot.usecases.reminders.ReminderService)."""

    def unschedule(self, reminder_ids: Iterable[int]) -> None:
        """Stop the timers of deleted reminders."""
        ...


class Accounts:
    """Language choice and /forget, for handlers that must not reach storage themselves."""

    def __init__(
        self,
        users: LanguageStore,
        meetups: MeetupRecords,
        others: Iterable[UserRecords],
        timers: Timers,
        transaction: Transaction,
    ) -> None:
        """``others`` are forgotten in order, between the meetups and the user's language."""
        self._users = users
        self._meetups = meetups
        self._others = tuple(others)
        self._timers = timers
        self._transaction = transaction

    async def choose_language(self, user_id: int, code: str) -> bool:
        """Store a supported language; False (and nothing stored) for any other code."""
        if code not in LANGUAGES:
            return False
        await self._users.set_language(user_id, code)
        return True

    async def forget(self, user_id: int) -> None:
        """Delete everything stored about a user, all or nothing, and stop their reminders."""
        async with self._transaction():
            reminder_ids = await self._meetups.forget_user(user_id)
            for records in self._others:
                await records.forget(user_id)
            await self._users.forget(user_id)
        self._timers.unschedule(reminder_ids)
