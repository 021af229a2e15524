"""Factories for Bot API update payloads (JSON dicts, as Telegram sends them to getUpdates)."""

from __future__ import annotations

import itertools
import time
from typing import Any

_message_ids = itertools.count(1)
_callback_ids = itertools.count(1)


def user(user_id: int, language_code: str = "en", first_name: str = "Ann") -> dict:
    """A human Telegram user."""
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "username": f"user{user_id}",
        "language_code": language_code,
    }


def private_chat(user_id: int) -> dict:
    """The private chat between the bot and one user."""
    return {"id": user_id, "type": "private", "first_name": "Ann"}


def group_chat(chat_id: int = -100123) -> dict:
    """A supergroup (ids starting with -100) or a basic group (other negative ids)."""
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": "Marketplace chat"}


def _message(
    user_id: int,
    chat: dict | None,
    message_id: int | None,
    language_code: str = "en",
    **content: Any,
) -> dict:
    return {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "date": int(time.time()),
        "chat": chat or private_chat(user_id),
        "from": user(user_id, language_code),
        **content,
    }


def _command_entities(text: str) -> list[dict]:
    """A bot_command entity when the text starts with /command (as Telegram adds it)."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0] if text.strip() else text
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


def text_message(
    text: str,
    *,
    user_id: int,
    chat: dict | None = None,
    language_code: str = "en",
    message_id: int | None = None,
) -> dict:
    """An update with a text message (commands get their bot_command entity)."""
    content: dict[str, Any] = {"text": text}
    entities = _command_entities(text)
    if entities:
        content["entities"] = entities
    return {"message": _message(user_id, chat, message_id, language_code, **content)}


def edited_text(text: str, *, user_id: int, message_id: int, chat: dict | None = None) -> dict:
    """An update saying a text message was edited."""
    message = _message(user_id, chat, message_id, text=text, edit_date=int(time.time()))
    return {"edited_message": message}


def _location(latitude: float, longitude: float, live_period: int | None) -> dict:
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if live_period is not None:
        location["live_period"] = live_period
    return location


def location_message(
    latitude: float,
    longitude: float,
    *,
    user_id: int,
    live_period: int | None = None,
    chat: dict | None = None,
    message_id: int | None = None,
    language_code: str = "en",
) -> dict:
    """A shared location; with ``live_period`` it is a live location."""
    location = _location(latitude, longitude, live_period)
    return {"message": _message(user_id, chat, message_id, language_code, location=location)}


def edited_location(
    latitude: float,
    longitude: float,
    *,
    user_id: int,
    message_id: int,
    live_period: int = 900,
    chat: dict | None = None,
) -> dict:
    """A live location moving: Telegram sends it as an edited message."""
    message = _message(
        user_id,
        chat,
        message_id,
        location=_location(latitude, longitude, live_period),
        edit_date=int(time.time()),
    )
    return {"edited_message": message}


def venue_message(
    latitude: float,
    longitude: float,
    title: str,
    address: str,
    *,
    user_id: int,
    chat: dict | None = None,
    message_id: int | None = None,
) -> dict:
    """A venue chosen from the attachment menu (it carries a location too)."""
    location = _location(latitude, longitude, None)
    venue = {"location": location, "title": title, "address": address}
    return {"message": _message(user_id, chat, message_id, location=location, venue=venue)}


def sticker_message(user_id: int, chat: dict | None = None) -> dict:
    """A sticker."""
    sticker = {
        "file_id": "CAACAgIAAxkBAAE",
        "file_unique_id": "AgADsticker",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "🙂",
    }
    return {"message": _message(user_id, chat, None, sticker=sticker)}


def photo_message(user_id: int, chat: dict | None = None) -> dict:
    """A photo without caption."""
    size = {"file_id": "AgACAgIAAxkBAAE", "file_unique_id": "AQADphoto", "width": 90, "height": 90}
    photo = [size]
    return {"message": _message(user_id, chat, None, photo=photo)}


def callback_query(
    data: str,
    *,
    user_id: int,
    message_id: int,
    chat: dict | None = None,
    language_code: str = "en",
) -> dict:
    """A press on an inline button of a bot message."""
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat or private_chat(user_id),
        "from": {"id": 123456, "is_bot": True, "first_name": "SafeMeet"},
        "text": "…",
    }
    return {
        "callback_query": {
            "id": str(next(_callback_ids)),
            "from": user(user_id, language_code),
            "chat_instance": f"ci{user_id}",
            "message": message,
            "data": data,
        }
    }
