"""Updates of different chats handled side by side, each chat's strictly one after another.

With PTB's default every update waits for the one before it, so one user's slow address
lookup (a geocoder timeout is seconds) holds up everybody. PTB's SimpleUpdateProcessor runs
updates concurrently but lets two updates of one chat overlap, which a conversation (the
/meetup flow) and the flood gate's count must not see. This processor does neither.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Hashable
from inspect import CORO_CREATED
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# Updates PTB may hold as waiting tasks (its semaphore); only ``workers`` run at a time.
BACKLOG = 10_000
# On stopping, updates not started within this many seconds are dropped (see begin_stopping).
STOP_GRACE_S = 6.0


def chat_key(update: object) -> Hashable | None:
    """What orders an update: its chat, else its user; None for neither (runs freely)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class _ChatTurn:
    """A chat's lock and how many of its updates hold or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most ``workers`` updates at once, never two of the same chat, each chat in order.

    PTB's own semaphore (``max_concurrent_updates``, the BACKLOG) only bounds the tasks
    waiting here: an update waiting for its chat's turn must not take the place of another
    chat's update, so the working limit is a second semaphore taken after the chat's lock.
    asyncio's locks are first come, first served, so a chat's updates keep their order.
    """

    __slots__ = ("_chats", "_deadline", "_workers", "dropped", "stop_grace_s", "workers")

    def __init__(
        self, workers: int, backlog: int = BACKLOG, stop_grace_s: float = STOP_GRACE_S
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        super().__init__(max(backlog, workers, 2))  # above 1, or PTB awaits each update
        self.workers = workers
        self.stop_grace_s = stop_grace_s
        self.dropped = 0
        self._workers = asyncio.Semaphore(workers)
        self._chats: dict[Hashable, _ChatTurn] = {}
        self._deadline: float | None = None

    def begin_stopping(self) -> None:
        """From now, updates that have not started within ``stop_grace_s`` are dropped.

        PTB's Application.stop waits for every update it has fetched; with many queued
        behind slow ones (a chat's lookups, a slow Telegram) that could outlast a process
        manager's patience and end in a SIGKILL mid-write. Updates already running finish.
        """
        self._deadline = asyncio.get_running_loop().time() + self.stop_grace_s

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` when its chat's earlier updates are done and a worker is free."""
        key = chat_key(update)
        if key is None:
            async with self._workers:
                await self._run_unless_late(update, coroutine)
            return
        turn = self._chats.setdefault(key, _ChatTurn())
        turn.users += 1
        try:
            async with turn.lock, self._workers:
                await self._run_unless_late(update, coroutine)
        finally:
            _close_if_unstarted(coroutine)
            turn.users -= 1
            if turn.users == 0:
                del self._chats[key]

    async def _run_unless_late(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update, unless the bot is stopping and its grace time is over."""
        if self._deadline is None or asyncio.get_running_loop().time() < self._deadline:
            await coroutine
            return
        self.dropped += 1
        update_id = update.update_id if isinstance(update, Update) else None
        log.warning("stopping: update %s dropped, not started in time", update_id)

    @property
    def chats_waiting(self) -> int:
        """How many chats have an update in hand or waiting (0 when idle)."""
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB waits for the update tasks itself."""


def _close_if_unstarted(coroutine: Awaitable[Any]) -> None:
    """Close a coroutine cancelled before it ran, so Python does not warn it was never awaited."""
    if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == CORO_CREATED:
        coroutine.close()
