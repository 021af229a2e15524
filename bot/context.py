"""A typed callback context: handlers reach the services as ``context.services`` and their
conversation state as ``context.user_state``."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.community import Reason
from bot.domain.when import Moment
from bot.domain.zones import Zone
from bot.services import Services


class BotData:
    """Application-wide data: the services, set in post_init."""

    def __init__(self) -> None:
        self.services: Services | None = None


@dataclass
class MeetupDraft:
    """The meetup being planned in the guided /meetup flow."""

    zone: Zone
    moment: Moment | None = None
    note: str = ""


@dataclass
class UserData:
    """What a user's conversations keep between updates (in memory only: nothing persists)."""

    meetup_draft: MeetupDraft | None = None  # /meetup: the plan so far
    moving_meetup: int | None = None  # 'Change time': the id of the meetup being moved
    report: tuple[Reason, str] | None = None  # (reason, zone id) of the report being written
    suggestion: tuple[float, float] | None = None  # (lat, lon) of the place being suggested

    def leave_meetup_flows(self) -> None:
        """Drop the meetup plan and the move in progress."""
        self.meetup_draft = None
        self.moving_meetup = None

    def leave_community_flows(self) -> None:
        """Drop the report and the suggestion in progress."""
        self.report = None
        self.suggestion = None


class SafeMeetContext(CallbackContext[ExtBot[None], UserData, dict, BotData]):
    """CallbackContext with typed ``services`` and ``user_state`` properties."""

    @property
    def services(self) -> Services:
        """The opened services; raises if the application was not initialised."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not open: the application was not initialised")
        return services

    @property
    def user_state(self) -> UserData:
        """The user's conversation state; raises for an update without a user."""
        state = self.user_data
        if state is None:
            raise RuntimeError("no user_data: the update has no user")
        return state


SafeMeetApp = Application[ExtBot[None], SafeMeetContext, UserData, dict, BotData, None]
