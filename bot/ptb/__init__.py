"""Telegram plumbing: the HTTP request, retries, per-chat updates, rendering, outbox, commands."""

import os

# PTB 22 reads ``RetryAfter.retry_after`` in the error's own constructor, on every 429, and
# warns (PTBDeprecationWarning) that time periods become ``datetime.timedelta`` in v23 unless
# PTB_TIMEDELTA opts in early. Opting in gives v23's behaviour now, without the warning;
# nothing in SafeMeet reads a time period as int seconds (the rate limiter waits out a 429
# itself). PTB reads the variable at each access; an explicit one in the environment wins.
os.environ.setdefault("PTB_TIMEDELTA", "true")
