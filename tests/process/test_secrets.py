"""The bot token and the webhook secret never reach the output of `python -m bot`, whatever
fails: everything the real process writes (stdout and stderr) is searched for them."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import web

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.updates import text_message

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7318264055:AAFq9Zx2LmNpQrStUvWxYz0123456789abc"
SECRET_HALF = TOKEN.partition(":")[2]
WEBHOOK_SECRET = "wh-Secret_9f8e7d6c5b4a3210"
TOKEN_REFUSED = "Telegram refused this token: get a new one from @BotFather"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class RedirectingAPI(FakeTelegramAPI):
    """The fake Bot API behind a broken proxy: the next call of a method is sent round a
    redirect loop, so aiohttp gives up with an error quoting the whole URL, token included."""

    redirect_next: str = ""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        looping = "loop" in request.query
        if looping or request.match_info["method"].lower() == self.redirect_next:
            self.redirect_next = ""
            raise web.HTTPFound(location=f"{request.path}?loop=1")
        return await super()._handle(request)


class Bot:
    """``python -m bot`` against the fake Bot API; all its output in one file."""

    def __init__(self, api: FakeTelegramAPI, tmp_path: Path, **env: str) -> None:
        self.api, self.output = api, tmp_path / "output.txt"
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("TELE")}
        self.env |= {
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.root_url,
            "SAFEMEET_DB": str(tmp_path / "bot.sqlite3"),
            "NOMINATIM_URL": "",
            "OVERPASS_URL": "",
            "SAFEMEET_MAX_SEND_RATE": "0",
            "SAFEMEET_LOG_LEVEL": "DEBUG",  # everything PTB and aiohttp say, too
            "SAFEMEET_WEBHOOK_SECRET": WEBHOOK_SECRET,
        } | env
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.output.open("w", encoding="utf-8") as sink:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=ROOT, env=self.env, stdout=sink, stderr=sink
            )

    async def exit_code(self, within: float = 20) -> int:
        assert self.process is not None
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()  # never leave it running
            await self.process.wait()
            raise

    async def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await self.exit_code()

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8")

    async def wait_for_output(self, needle: str, within: float = 15) -> None:
        await wait_until(lambda: needle in self.text(), within)


async def wait_until(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def assert_no_secret(output: str) -> None:
    for secret in (TOKEN, SECRET_HALF, WEBHOOK_SECRET):
        assert secret not in output, f"{secret!r} leaked:\n{output}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_refused_token_is_one_line_with_no_token_and_no_leaked_session(tmp_path):
    async with FakeTelegramAPI(token="123456:SOME-OTHER-TOKEN") as api:
        bot = Bot(api, tmp_path, TELEGRAM_BOT_TOKEN=TOKEN)  # Telegram answers 401
        await bot.start()
        assert await bot.exit_code() == 1
    output = bot.text()
    assert_no_secret(output)
    assert output.strip().splitlines()[-1].startswith(TOKEN_REFUSED)
    assert "Traceback" not in output
    assert "Unclosed" not in output
    assert len([line for line in output.splitlines() if '"level": "error"' in line]) == 0


async def test_a_token_telegram_does_not_know_404_is_refused_in_one_line(tmp_path):
    async with FakeTelegramAPI(token=TOKEN) as api:
        not_found = {"ok": False, "error_code": 404, "description": "Not Found"}
        api.answer_next("getMe", not_found, status=404)
        bot = Bot(api, tmp_path, SAFEMEET_LOG_LEVEL="INFO")
        await bot.start()
        assert await bot.exit_code() == 1
    output = bot.text()
    assert output.strip() == TOKEN_REFUSED + " (/token), then set TELEGRAM_BOT_TOKEN to it"
    assert_no_secret(output)


async def test_a_storm_of_5xx_quoting_the_url_leaks_nothing(tmp_path):
    leaky = f"Bad Gateway: upstream /bot{TOKEN}/sendMessage ({WEBHOOK_SECRET})"
    async with FakeTelegramAPI(token=TOKEN) as api:
        bot = Bot(api, tmp_path)
        await bot.start()
        await api.wait_for("getMe", within=15)
        api.fail_next("getUpdates", times=1, status=502, description=leaky)
        api.fail_next("sendMessage", times=2, status=503, description=leaky)
        api.push_update(text_message("06604", user_id=5))
        await api.wait_for("sendMessage", chat_id=5, within=15)  # retried until it went
        assert await bot.stop() == 0
    output = bot.text()
    assert "Bot API sendMessage failed (Bad Gateway: upstream /bot[" in output  # logged...
    assert "/sendMessage ([secret]))" in output  # ...without the secrets
    assert_no_secret(output)


async def test_a_crash_inside_a_handler_leaks_no_token(tmp_path):
    async with RedirectingAPI(token=TOKEN) as api:
        bot = Bot(api, tmp_path)
        await bot.start()
        await api.wait_for("getMe", within=15)
        # The answer's first try ends in a redirect loop (aiohttp quotes the URL), the retry
        # in a 401 quoting the token: InvalidToken, raised in the handler, logged with its
        # traceback; then the error handler apologises.
        api.redirect_next = "sendmessage"
        revoked = f"Unauthorized: the token {TOKEN} was revoked"
        api.fail_next("sendMessage", status=401, description=revoked)
        api.push_update(text_message("06604", user_id=5))
        (apology,) = await api.wait_for("sendMessage", chat_id=5, within=15)
        assert "went wrong" in apology.params["text"]
        assert await bot.stop() == 0
    output = bot.text()
    assert "TooManyRedirects" in output
    assert "telegram.error.InvalidToken: Unauthorized: the token [secret] was revoked" in output
    assert_no_secret(output)


async def test_a_refused_webhook_set_up_is_one_line_with_no_secret(tmp_path):
    echo = f"Bad Request: bad webhook: secret_token {WEBHOOK_SECRET} for bot{TOKEN} refused"
    async with FakeTelegramAPI(token=TOKEN) as api:
        api.answer_next(
            "setWebhook", {"ok": False, "error_code": 400, "description": echo}, status=400
        )
        bot = Bot(
            api,
            tmp_path,
            SAFEMEET_WEBHOOK_URL="https://bot.example.org/telegram",
            PORT=str(free_port()),
            SAFEMEET_LOG_LEVEL="INFO",
        )
        await bot.start()
        assert await bot.exit_code() == 1
    output = bot.text()
    assert_no_secret(output)
    last = output.strip().splitlines()[-1]
    assert last.startswith("Telegram refused to start the bot: Bad webhook: secret_token [secret]")
    assert last.endswith("bot[secret] refused")
    assert "Traceback" not in output
    assert "Unclosed" not in output
