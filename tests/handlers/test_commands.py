"""One command table feeds the handlers, Telegram's menu and /help; user_data is typed."""

from __future__ import annotations

from telegram.ext import CommandHandler, ConversationHandler

from bot.app import build_application
from bot.config import Settings
from bot.context import MeetupDraft, UserData
from bot.domain.community import Reason
from bot.domain.zones import bundled_zones
from bot.i18n import Catalogs
from bot.ptb.commands import menu
from bot.texts.welcome import help_reply
from handlers import COMMANDS
from handlers.commands import help_lines

TR = Catalogs().get("en")


def _app():
    return build_application(Settings.from_env({"TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN"}))


def _commands_answered_by(handlers: list) -> set[str]:
    return {name for h in handlers if isinstance(h, CommandHandler) for name in h.commands}


def test_each_command_is_one_row():
    names = [command.name for command in COMMANDS]
    assert len(names) == len(set(names))


def test_the_menu_is_the_tables_menu_rows_in_order():
    assert menu(TR, COMMANDS) == [
        ("nearest", "Nearest police safe exchange zones"),
        ("meetup", "Plan a meetup with reminders"),
        ("meetups", "Your upcoming meetups"),
        ("suggest", "Suggest a new safe zone"),
        ("tips", "How to meet a stranger safely"),
        ("language", "Choose your language"),
        ("privacy", "What I store about you"),
        ("forget", "Delete everything I store about you"),
        ("help", "What I can do"),
    ]


def test_help_lists_the_tables_help_lines_in_order():
    text = help_reply(TR, help_lines()).text
    listed = [line.split(":")[0].split()[0] for line in text.splitlines() if line[:1] == "/"]
    expected = [f"/{c.name}" for c in COMMANDS for _ in c.help]
    assert listed[: len(expected)] == expected
    assert "/review" not in text
    assert "/start" not in text


def test_every_row_is_answered_and_only_once():
    handlers = _app().handlers[0]
    plain = _commands_answered_by(handlers)
    in_flows = {
        name
        for flow in handlers
        if isinstance(flow, ConversationHandler)
        for name in _commands_answered_by(flow.entry_points + flow.fallbacks)
    }
    for command in COMMANDS:
        if command.callback is None:  # answered by a conversation's entry point or way out
            assert command.name in in_flows, command.name
            assert command.name not in plain, command.name
        else:
            assert command.name in plain, command.name


def test_the_application_keeps_typed_user_data():
    app = _app()
    assert app.context_types.user_data is UserData
    assert isinstance(app.user_data[42], UserData)


def test_user_data_starts_empty_and_each_flow_leaves_only_its_own_state():
    state = UserData()
    assert state == UserData(None, None, None, None)
    zone = bundled_zones()[0]
    state.meetup_draft, state.moving_meetup = MeetupDraft(zone), 5
    state.report, state.suggestion = (Reason.CLOSED, zone.id), (41.18, -73.19)
    state.leave_community_flows()
    assert (state.report, state.suggestion) == (None, None)
    assert (state.meetup_draft, state.moving_meetup) == (MeetupDraft(zone), 5)
    state.leave_meetup_flows()
    assert (state.meetup_draft, state.moving_meetup) == (None, None)
