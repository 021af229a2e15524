"""Telegram side of reminders: an outbox that sends replies, a JobQueue-backed scheduler."""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import timedelta

from apscheduler.jobstores.base import JobLookupError
from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Job, JobQueue

from bot.context import SafeMeetContext
from bot.domain.meetups import Meetup, Reminder
from bot.i18n import Catalogs
from bot.ptb.render import send_reply
from bot.texts.meetups import reminder_message
from bot.usecases.reminders import RecipientGone, SendFailed

log = logging.getLogger(__name__)
_GONE_MARKERS = ("chat not found", "user is deactivated", "bot was kicked")


class TelegramOutbox:
    """Sends reminders; maps Telegram's answers onto what the reminder service understands."""

    def __init__(self, bot: Bot, catalogs: Catalogs) -> None:
        self._bot = bot
        self._catalogs = catalogs

    async def deliver(self, meetup: Meetup, reminder: Reminder, time_left: timedelta) -> None:
        """Send the reminder in the meetup's language or raise RecipientGone (403, chat gone)
        / SendFailed (anything else)."""
        reply = reminder_message(meetup, reminder, time_left, self._catalogs.get(meetup.language))
        try:
            await send_reply(self._bot, meetup.chat_id, reply)
        except Forbidden as exc:
            raise RecipientGone(exc.message) from exc
        except BadRequest as exc:
            if any(marker in exc.message.lower() for marker in _GONE_MARKERS):
                raise RecipientGone(exc.message) from exc
            raise SendFailed(exc.message) from exc
        except TelegramError as exc:
            raise SendFailed(exc.message) from exc


async def user_blocked(update: object, context: SafeMeetContext) -> None:
    """A 403 while answering in a private chat: the user blocked the bot; cancel reminders.

    In a group a 403 means the bot left it; the user's own chat may be fine, so nothing changes.
    """
    if not isinstance(update, Update) or update.effective_user is None:
        return
    if update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        cancelled = await context.services.reminders.recipient_gone(update.effective_user.id)
    except Exception as exc:  # called from the error handler: it must never raise
        log.warning("could not cancel the reminders of a user who blocked the bot: %r", exc)
        return
    if cancelled:
        log.info("user blocked the bot: %d pending reminder(s) cancelled", cancelled)


async def fire_reminder(context: SafeMeetContext) -> None:
    """JobQueue callback: the reminder whose id is the job's data is due."""
    if context.job is not None and isinstance(context.job.data, int):
        await context.services.reminders.fire(context.job.data)


class JobQueueScheduler:
    """One named run_once job per timed reminder ("reminder:<id>").

    Jobs are also indexed by reminder id: ``JobQueue.get_jobs_by_name`` walks every job,
    which made timing n reminders cost O(n^2).
    """

    def __init__(self, job_queue: JobQueue[SafeMeetContext]) -> None:
        self._job_queue = job_queue
        self._jobs: dict[int, Job[SafeMeetContext]] = {}

    @staticmethod
    def job_name(reminder_id: int) -> str:
        """The job's name for a reminder."""
        return f"reminder:{reminder_id}"

    def schedule(self, reminder_id: int, delay: timedelta) -> None:
        """(Re)start the reminder's timer."""
        self.unschedule(reminder_id)
        self._jobs[reminder_id] = self._job_queue.run_once(
            self._fire, when=delay, data=reminder_id, name=self.job_name(reminder_id)
        )

    def unschedule(self, reminder_id: int) -> None:
        """Stop the reminder's timer, if any."""
        job = self._jobs.pop(reminder_id, None)
        if job is not None and not job.removed:
            with suppress(JobLookupError):  # it may be on its way to run right now
                job.schedule_removal()

    async def _fire(self, context: SafeMeetContext) -> None:
        """Forget the finished job, then fire its reminder."""
        job = context.job
        if job is not None and isinstance(job.data, int) and self._jobs.get(job.data) is job:
            del self._jobs[job.data]
        await fire_reminder(context)
