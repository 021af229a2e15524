"""/review and the reviewers' buttons: approve or reject suggestions, confirm or dismiss
reports (SAFEMEET_ADMIN_IDS only, whatever a button says)."""

from __future__ import annotations

from telegram import Update

from bot.context import SafeMeetContext
from bot.domain.community import CommunityError, CommunityProblem
from bot.i18n import Translator
from bot.ptb.render import answer, translator_for
from bot.texts import callbacks
from bot.texts import community as texts
from bot.texts.common import stale_button_text
from handlers.flows import drop_buttons, is_private, refuse, say


async def review_command(update: Update, context: SafeMeetContext) -> None:
    """/review: the oldest pending suggestions and reports, each with its buttons."""
    tr = await translator_for(update, context)
    user = update.effective_user
    community = context.services.community
    if user is None or not community.is_admin(user.id):
        await say(update, context, texts.problem_text(CommunityProblem.NOT_ADMIN, tr))
        return
    if not is_private(update):
        await say(update, context, texts.private_only_text(tr))
        return
    for reply in texts.review_replies(await community.queue(user.id), tr):
        await answer(update, context, reply)


def _parse_decision(data: str | None) -> tuple[str, int] | None:
    """(prefix, item id) of a reviewer's button; None when forged or malformed."""
    for prefix in callbacks.ADMIN_PREFIXES:
        item_id = callbacks.parse_id(data, prefix)
        if item_id is not None:
            return prefix, item_id
    return None


async def _decide(
    context: SafeMeetContext, admin_id: int, prefix: str, item_id: int, tr: Translator
) -> str:
    """Carry out a reviewer's button; returns what to tell them. Raises CommunityError."""
    community = context.services.community
    if prefix == callbacks.APPROVE_SUGGESTION:
        return texts.approved_text(await community.approve_suggestion(admin_id, item_id), tr)
    if prefix == callbacks.REJECT_SUGGESTION:
        return texts.rejected_text(await community.reject_suggestion(admin_id, item_id), tr)
    if prefix == callbacks.CONFIRM_REPORT:
        return texts.confirmed_text(await community.confirm_report(admin_id, item_id), tr)
    return texts.dismissed_text(await community.dismiss_report(admin_id, item_id), tr)


async def decision_pressed(update: Update, context: SafeMeetContext) -> None:
    """Approve / reject / confirm / dismiss: reviewers only, whatever the button says."""
    query = update.callback_query
    assert query is not None
    tr = await translator_for(update, context)
    if not context.services.community.is_admin(query.from_user.id):
        await refuse(query, texts.problem_text(CommunityProblem.NOT_ADMIN, tr))
        return
    parsed = _parse_decision(query.data)
    if parsed is None:
        await refuse(query, stale_button_text(tr))
        return
    try:
        outcome = await _decide(context, query.from_user.id, *parsed, tr)
    except CommunityError as error:
        await refuse(query, texts.problem_text(error.problem, tr))
        return
    await query.answer(texts.decided_short_text(tr))
    await drop_buttons(query)
    await say(update, context, outcome)
