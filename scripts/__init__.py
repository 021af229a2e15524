"""Offline tools that build the package's data files (never run by the bot)."""
