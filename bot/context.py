"""A typed callback context: handlers reach the services as ``context.services``."""

from __future__ import annotations

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services


class BotData:
    """Application-wide data: the services, set in post_init."""

    def __init__(self) -> None:
        self.services: Services | None = None


class SafeMeetContext(CallbackContext[ExtBot[None], dict, dict, BotData]):
    """CallbackContext with a typed ``services`` property."""

    @property
    def services(self) -> Services:
        """The opened services; raises if the application was not initialised."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not open: the application was not initialised")
        return services


SafeMeetApp = Application[ExtBot[None], SafeMeetContext, dict, dict, BotData, None]
