"""Sending a Reply (bot.texts.reply) through Telegram: text with buttons, then map pins."""

from __future__ import annotations

from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode

from bot.context import SafeMeetContext
from bot.i18n import Translator
from bot.texts.reply import ChoiceButton, LinkButton, Pin, Reply

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def inline_keyboard(
    links: tuple[LinkButton, ...], choices: tuple[ChoiceButton, ...]
) -> InlineKeyboardMarkup | None:
    """One button a row: URL buttons first, then callback buttons."""
    rows = [[InlineKeyboardButton(link.label, url=link.url)] for link in links]
    rows += [[InlineKeyboardButton(c.label, callback_data=c.data)] for c in choices]
    return InlineKeyboardMarkup(rows) if rows else None


def reply_markup(reply: Reply) -> ReplyMarkup:
    """The keyboard for a reply's text message."""
    if reply.links or reply.choices:
        return inline_keyboard(reply.links, reply.choices)
    if reply.location_button:
        button = KeyboardButton(reply.location_button, request_location=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


async def send_pin(bot: Bot, chat_id: int, pin: Pin) -> None:
    """A venue message with its buttons."""
    await bot.send_venue(
        chat_id,
        latitude=pin.lat,
        longitude=pin.lon,
        title=pin.title,
        # Telegram refuses a venue without an address (OSM stations may have none).
        address=pin.address or f"{pin.lat:.5f}, {pin.lon:.5f}",
        reply_markup=inline_keyboard((pin.directions,), pin.choices),
    )


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, reply_parameters: ReplyParameters | None = None
) -> None:
    """Send the reply's text, then its pins."""
    await bot.send_message(
        chat_id,
        reply.text,
        parse_mode=ParseMode.HTML,
        reply_markup=reply_markup(reply),
        reply_parameters=reply_parameters,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    for pin in reply.pins:
        await send_pin(bot, chat_id, pin)


async def answer(update: Update, context: SafeMeetContext, reply: Reply) -> None:
    """Send a reply to the chat the update came from (quoting the message in groups)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None:
        return
    quote = None
    if message is not None and chat.type != Chat.PRIVATE:
        quote = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    await send_reply(context.bot, chat.id, reply, quote)


async def translator_for(update: Update, context: SafeMeetContext) -> Translator:
    """The translator for the user behind the update."""
    user = update.effective_user
    return await context.services.translator(
        user.id if user else None, user.language_code if user else None
    )
