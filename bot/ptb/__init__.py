"""Telegram plumbing: the HTTP request, retries, per-chat updates, rendering, outbox, commands."""
