"""The one error handler: log first, then tell the user something went wrong, then alert
the admins (rate-limited)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter

from bot.context import SafeMeetContext
from bot.domain.alerts import AlertGate
from bot.domain.faults import StorageFault
from bot.i18n import DEFAULT_LANGUAGE, Translator, resolve_language
from bot.ptb.outbox import user_blocked
from bot.ptb.render import answer, send_reply, translator_for
from bot.services import Services
from bot.texts.common import error_reply
from bot.texts.faults import admin_alert, storage_fault_reply

log = logging.getLogger(__name__)
# Per process: at most one admin alert per ten minutes, the next one counting those held.
ALERTS = AlertGate()


async def on_error(update: object, context: SafeMeetContext) -> None:
    """Log the exception; apologise to the user unless Telegram itself is the problem."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("update %s: bot cannot write to this chat (%s)", update_id, error.message)
        await user_blocked(update, context)  # the user is inactive: reminders cancelled
        return
    if isinstance(error, NetworkError | RetryAfter):
        log.warning("update %s: Telegram unreachable: %s", update_id, error)
        return
    fault = context.services.storage_fault(error)
    where = _where(update_id, context)
    await _log_failure(where, update_id, error, fault, context)
    await _apologise(update, context, fault, where)
    label = fault.value if fault is not None else type(error).__name__
    await _alert_admins(context, label, update_id)


def _where(update_id: int | None, context: SafeMeetContext) -> str:
    """What failed, for the log: the update, or the job (no update content either way)."""
    if update_id is not None:
        return f"update {update_id}"
    return f"job {context.job.name}" if context.job is not None else "no update"


async def _log_failure(
    where: str,
    update_id: int | None,
    error: BaseException | None,
    fault: StorageFault | None,
    context: SafeMeetContext,
) -> None:
    """One line: a storage fault by name, anything else with its (redacted) traceback."""
    fields = {"update_id": update_id, "error": type(error).__name__}
    if fault is None:
        log.error("%s failed: %s", where, type(error).__name__, exc_info=error, extra=fields)
        return
    log.error("%s: %s failed", fault.value, where, extra={**fields, "fault": fault.name})


async def _translator(update: Update, context: SafeMeetContext) -> Translator:
    """The user's translator; Telegram's language if the stored choice cannot be read."""
    try:
        return await translator_for(update, context)
    except Exception:  # the database may be the very problem
        code = update.effective_user.language_code if update.effective_user else None
        return context.services.catalogs.get(resolve_language(None, code))


async def _apologise(
    update: object, context: SafeMeetContext, fault: StorageFault | None, where: str
) -> None:
    """Tell the user, politely; a storage fault gets its own answer."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        tr = await _translator(update, context)
        if fault is None:
            reply = error_reply(tr)
        else:
            reply = storage_fault_reply(tr, busy=fault is StorageFault.BUSY)
        await answer(update, context, reply)
    except Exception as exc:  # the error handler must never raise
        log.warning("%s: could not apologise: %s", where, type(exc).__name__)


async def _admin_translator(services: Services, admin_id: int) -> Translator:
    """The admin's language; English if the stored choice cannot be read."""
    try:
        return await services.translator(admin_id, None)
    except Exception:  # the database may be the very problem
        return services.catalogs.get(DEFAULT_LANGUAGE)


async def _alert_admins(context: SafeMeetContext, error: str, update_id: int | None) -> None:
    """A short alert to each admin, at most one per ALERTS window; never the user's input."""
    services = context.bot_data.services
    if services is None or not services.settings.admin_ids:
        return
    held_back = ALERTS.admit()
    if held_back is None:
        log.info("admin alert held back", extra={"held_back": ALERTS.held_back})
        return
    at = datetime.now(UTC)
    for admin_id in sorted(services.settings.admin_ids):
        try:
            tr = await _admin_translator(services, admin_id)
            await send_reply(
                context.bot, admin_id, admin_alert(tr, error, update_id, at, held_back)
            )
        except Exception as exc:  # the error handler must never raise
            log.warning("admin alert not delivered: %s", type(exc).__name__)
