"""Command line: ``python -m bot`` runs the bot; ``python -m bot nearest 06604`` answers once."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from pathlib import Path

from dotenv import load_dotenv

from bot.cli.chat import chat, nearest_once
from bot.cli.datafiles import export_file, import_file
from bot.config import ConfigError, Settings
from bot.domain.zones import ZoneDataError
from bot.logs import guard_uncaught, protect, redact, setup_logging
from bot.usecases.columns import parse_columns_option
from bot.usecases.importer import FORMATS
from storage.db import DatabaseUnavailable

NO_TOKEN_HELP = """\
No TELEGRAM_BOT_TOKEN set: talk to @BotFather in Telegram (/newbot) to get one, then
run: TELEGRAM_BOT_TOKEN=123:ABC python -m bot   (or put it in a .env file).
Meanwhile, local mode: type a postal code or an address below, or run
`python -m bot nearest 06604` / `python -m bot nearest 41.18,-73.19`."""
# A word starting with '-' then a digit or a dot is a coordinate ("-33.86,151.21"), never an
# option: none of ours starts that way.
_NEGATIVE_COORDINATE = re.compile(r"-\.?\d")
LOCAL_COMMANDS = frozenset({"nearest", "chat", "import", "export", "backup"})
EXIT_INTERRUPTED = 130


def _shield_coordinates(argv: list[str]) -> list[str]:
    """After `nearest`, a word like '-33.86,151.21' gets a leading space, so that argparse
    (which takes only words starting with '-' for options) reads it as part of the query."""
    if "nearest" not in argv:
        return argv
    start = argv.index("nearest") + 1
    return argv[:start] + [
        f" {word}" if _NEGATIVE_COORDINATE.match(word) else word for word in argv[start:]
    ]


def _add_lang(parser: argparse.ArgumentParser, default: str | None) -> None:
    """--lang, before or after the subcommand (after it, it wins)."""
    parser.add_argument(
        "--lang",
        default=argparse.SUPPRESS if default is None else default,
        help="language of local answers (en, fr, es)",
    )


def _columns_option(text: str) -> dict[str, str]:
    """--columns as {zone column: file column}, or argparse's error."""
    try:
        return parse_columns_option(text)
    except ZoneDataError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    _add_lang(parser, "en")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run", help="run the Telegram bot (the default): webhook if SAFEMEET_WEBHOOK_URL is set"
    )
    nearest = commands.add_parser("nearest", help="print the answer to one query")
    nearest.add_argument("query", nargs="+", help="postal code, address or 'lat,lon'")
    _add_lang(nearest, None)
    chat_parser = commands.add_parser("chat", help="local chat in the terminal, no Telegram needed")
    _add_lang(chat_parser, None)
    importer = commands.add_parser(
        "import", help="load zones from a CSV (documented schema), GeoJSON or Overpass JSON"
    )
    importer.add_argument("file", type=Path)
    importer.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    importer.add_argument(
        "--format", choices=FORMATS, help="file format (default: from the name and content)"
    )
    importer.add_argument(
        "--columns",
        type=_columns_option,
        metavar="name=COL,lat=COL,lon=COL",
        help="which of the file's columns (or properties) hold the zone's; common names "
        "(NAME, ADDRESS, CITY, STATE, ZIP, TELEPHONE, X/Y, LATITUDE/LONGITUDE) need none",
    )
    exporter = commands.add_parser("export", help="write the stored zones to a CSV")
    exporter.add_argument("file", type=Path)
    backup = commands.add_parser(
        "backup", help="copy the database to FILE, consistently, even while the bot runs"
    )
    backup.add_argument("file", type=Path)
    return parser


def run_bot(settings: Settings) -> int:
    """Run the Telegram bot until SIGINT/SIGTERM: a webhook server if SAFEMEET_WEBHOOK_URL
    is set, else long polling. PTB stops taking updates, lets handlers finish, then runs
    post_shutdown (which closes the database). A failed start is one line and status 1."""
    from telegram import Update
    from telegram.error import TelegramError

    from bot.app import StartupError, build_application, startup_problem, webhook_options

    application = build_application(settings)
    try:
        if settings.webhook_url:
            application.run_webhook(**webhook_options(settings))
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except StartupError as exc:
        return _fail(str(exc), 1)
    except TelegramError as exc:  # setWebhook or deleteWebhook refused at start-up
        return _fail(startup_problem(exc, settings), 1)
    except OSError as exc:  # the webhook server cannot listen
        reason = exc.strerror or exc
        return _fail(
            f"The webhook server cannot listen on port {settings.port} ({reason}): free the port "
            "or set PORT to another one",
            1,
        )
    return 0


async def backup_file(settings: Settings, target: Path) -> int:
    """`python -m bot backup FILE`: an online copy through SQLite's backup API; the status."""
    from storage.backup import BackupError, backup_database

    try:
        size = await backup_database(settings.db_path, target)
    except BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {settings.db_path} to {target} ({size:,} bytes, integrity ok)")
    return 0


def _fail(message: str, status: int) -> int:
    """Print one line for the operator on stderr (secrets taken out); return the status."""
    print(redact(message), file=sys.stderr, flush=True)
    return status


def _help_lines() -> list[str]:
    """The bot's /help lines, from its command table (which brings in Telegram's glue)."""
    from handlers.commands import help_lines

    return help_lines()


def _run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the command; its exit status."""
    if args.command == "nearest":
        asyncio.run(nearest_once(settings, " ".join(args.query), args.lang, sys.stdout))
        return 0
    if args.command == "import":
        return asyncio.run(
            import_file(settings, args.file, args.dry_run, sys.stdout, args.format, args.columns)
        )
    if args.command == "backup":
        return asyncio.run(backup_file(settings, args.file))
    if args.command == "export":
        return asyncio.run(export_file(settings, args.file, sys.stdout, sys.stderr))
    if args.command == "chat":
        asyncio.run(chat(settings, args.lang, _help_lines()))
        return 0
    if not settings.token:
        print(NO_TOKEN_HELP, file=sys.stderr, flush=True)
        asyncio.run(chat(settings, args.lang, _help_lines()))
        return 0
    return run_bot(settings)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    load_dotenv()
    args = _parser().parse_args(_shield_coordinates(sys.argv[1:] if argv is None else argv))
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        return _fail(f"Configuration error: {exc}", 2)
    protect(settings.token, settings.webhook_secret, settings.webhook_token)
    guard_uncaught()
    # Local modes print answers for a person at a terminal: only warnings, in plain lines.
    setup_logging(settings.log_level, terminal=args.command in LOCAL_COMMANDS or not settings.token)
    try:
        return _run(args, settings)
    except DatabaseUnavailable as exc:
        return _fail(
            f"Database error: {exc}. Set SAFEMEET_DB to the bot's database file, or to a new "
            "file name to start afresh.",
            2,
        )
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
