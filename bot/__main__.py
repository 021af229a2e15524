"""Command line: ``python -m bot`` runs the bot; ``python -m bot nearest 06604`` answers once."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from dotenv import load_dotenv

from bot.config import ConfigError, Settings
from bot.datafiles import export_file, import_file
from bot.importer import FORMATS
from bot.local import chat, nearest_once
from bot.logs import setup_logging

NO_TOKEN_HELP = """\
No TELEGRAM_BOT_TOKEN set: talk to @BotFather in Telegram (/newbot) to get one, then
run: TELEGRAM_BOT_TOKEN=123:ABC python -m bot   (or put it in a .env file).
Meanwhile, local mode: type a postal code or an address below, or run
`python -m bot nearest 06604` / `python -m bot nearest 41.18,-73.19`."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--lang", default="en", help="language of local answers (en, fr, es)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run", help="run the Telegram bot (the default): webhook if SAFEMEET_WEBHOOK_URL is set"
    )
    nearest = commands.add_parser("nearest", help="print the answer to one query")
    nearest.add_argument("query", nargs="+", help="postal code, address or 'lat,lon'")
    commands.add_parser("chat", help="local chat in the terminal, no Telegram needed")
    importer = commands.add_parser(
        "import", help="load zones from a CSV (documented schema), GeoJSON or Overpass JSON"
    )
    importer.add_argument("file", type=Path)
    importer.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    importer.add_argument(
        "--format", choices=FORMATS, help="file format (default: from the name and content)"
    )
    exporter = commands.add_parser("export", help="write the stored zones to a CSV")
    exporter.add_argument("file", type=Path)
    backup = commands.add_parser(
        "backup", help="copy the database to FILE, consistently, even while the bot runs"
    )
    backup.add_argument("file", type=Path)
    return parser


def run_bot(settings: Settings) -> None:
    """Run the Telegram bot until SIGINT/SIGTERM: a webhook server if SAFEMEET_WEBHOOK_URL
    is set, else long polling. PTB stops taking updates, lets handlers finish, then runs
    post_shutdown (which closes the database)."""
    from telegram import Update

    from bot.app import build_application, webhook_options

    application = build_application(settings)
    if settings.webhook_url:
        application.run_webhook(**webhook_options(settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


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


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    load_dotenv()
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    if args.command == "nearest":
        asyncio.run(nearest_once(settings, " ".join(args.query), args.lang, sys.stdout))
        return 0
    if args.command == "import":
        return asyncio.run(import_file(settings, args.file, args.dry_run, sys.stdout, args.format))
    if args.command == "backup":
        return asyncio.run(backup_file(settings, args.file))
    if args.command == "export":
        return asyncio.run(export_file(settings, args.file, sys.stdout))
    if args.command == "chat":
        asyncio.run(chat(settings, args.lang))
        return 0
    if not settings.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        asyncio.run(chat(settings, args.lang))
        return 0
    run_bot(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
