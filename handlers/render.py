"""Sending a presenter Reply through Telegram: text with buttons, then map pins."""

from __future__ import annotations

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode

from bot.context import SafeMeetContext
from bot.i18n import Translator
from bot.presenter import Reply

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def reply_markup(reply: Reply) -> ReplyMarkup:
    """The keyboard for a reply's text message."""
    if reply.choices:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(choice.label, callback_data=choice.data)]
                for choice in reply.choices
            ]
        )
    if reply.links:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(link.label, url=link.url)] for link in reply.links]
        )
    if reply.location_button:
        button = KeyboardButton(reply.location_button, request_location=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


async def send_reply(
    chat: Chat, context: SafeMeetContext, reply: Reply, quote: Message | None = None
) -> None:
    """Send the reply's text, then its pins, to the chat (quoting ``quote`` in groups)."""
    reply_parameters = None
    if quote is not None and chat.type != Chat.PRIVATE:
        reply_parameters = ReplyParameters(quote.message_id, allow_sending_without_reply=True)
    await context.bot.send_message(
        chat.id,
        reply.text,
        parse_mode=ParseMode.HTML,
        reply_markup=reply_markup(reply),
        reply_parameters=reply_parameters,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    for pin in reply.pins:
        await context.bot.send_venue(
            chat.id,
            latitude=pin.lat,
            longitude=pin.lon,
            title=pin.title,
            address=pin.address,
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(pin.directions.label, url=pin.directions.url)]]
            ),
        )


async def answer(update: Update, context: SafeMeetContext, reply: Reply) -> None:
    """Send a reply to the chat the update came from."""
    if update.effective_chat is not None:
        await send_reply(update.effective_chat, context, reply, update.effective_message)


async def translator_for(update: Update, context: SafeMeetContext) -> Translator:
    """The translator for the user behind the update."""
    user = update.effective_user
    return await context.services.translator(
        user.id if user else None, user.language_code if user else None
    )
