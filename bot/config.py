"""Settings: one frozen dataclass built from the environment (and an optional .env file)."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.domain.when import parse_leads

TELEGRAM_API_DEFAULT = "https://api.telegram.org"
NOMINATIM_DEFAULT = "https://nominatim.openstreetmap.org"
OVERPASS_DEFAULT = "https://overpass-api.de/api/interpreter"
DEFAULT_DB = "safemeet.sqlite3"
DEFAULT_PORT = 8443
# Telegram allows 1-256 of these characters; shorter than 16 is guessable, and too short to be
# told apart from ordinary text when logs are scrubbed of secrets.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")


class ConfigError(ValueError):
    """A setting has a value the bot cannot use."""


def _int_setting(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _float_setting(
    environ: Mapping[str, str], name: str, default: float, low: float, high: float
) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _leads_setting(environ: Mapping[str, str]) -> tuple[timedelta, ...]:
    raw = environ.get("SAFEMEET_REMINDER_LEADS", "").strip() or "60m,15m"
    try:
        return parse_leads(raw)
    except ValueError as exc:
        raise ConfigError(f"SAFEMEET_REMINDER_LEADS: {exc}") from exc


def _url_setting(environ: Mapping[str, str], name: str, default: str) -> str:
    """An URL setting; unset means the default, set-but-empty means disabled ('')."""
    if name not in environ:
        return default
    value = environ[name].strip().rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must start with http:// or https://, got {value!r}")
    return value


def _admin_ids_setting(environ: Mapping[str, str]) -> frozenset[int]:
    """SAFEMEET_ADMIN_IDS: comma-separated Telegram user ids (positive whole numbers)."""
    raw = environ.get("SAFEMEET_ADMIN_IDS", "")
    ids: set[int] = set()
    for part in (piece.strip() for piece in raw.split(",")):
        if not part:
            continue
        if not part.isascii() or not part.isdigit() or int(part) <= 0 or len(part) > 16:
            raise ConfigError(
                f"SAFEMEET_ADMIN_IDS must be comma-separated Telegram user ids, got {part!r}"
            )
        ids.add(int(part))
    return frozenset(ids)


def _webhook_url_setting(environ: Mapping[str, str]) -> str:
    """SAFEMEET_WEBHOOK_URL: the public HTTPS URL Telegram posts updates to ('' = polling)."""
    value = environ.get("SAFEMEET_WEBHOOK_URL", "").strip().rstrip("/")
    if value and not value.startswith("https://"):
        raise ConfigError(f"SAFEMEET_WEBHOOK_URL must start with https://, got {value!r}")
    return value


def _secret_setting(environ: Mapping[str, str]) -> str:
    """SAFEMEET_WEBHOOK_SECRET: 16-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's
    alphabet, and long enough to be neither guessed nor missed when logs are scrubbed)."""
    value = environ.get("SAFEMEET_WEBHOOK_SECRET", "").strip()
    if value and not _WEBHOOK_SECRET.fullmatch(value):
        raise ConfigError(
            "SAFEMEET_WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return value


def _reach_setting(environ: Mapping[str, str], nearby_km: float) -> float:
    """SAFEMEET_REACH_KM: never less than SAFEMEET_NEARBY_KM (what is near is in reach)."""
    reach_km = _float_setting(environ, "SAFEMEET_REACH_KM", max(150.0, nearby_km), 1.0, 2000.0)
    if reach_km < nearby_km:
        raise ConfigError(
            f"SAFEMEET_REACH_KM ({reach_km:g}) must be at least SAFEMEET_NEARBY_KM ({nearby_km:g})"
        )
    return reach_km


@dataclass(frozen=True)
class Settings:
    """Everything the bot can be configured with. See the README's configuration table."""

    token: str = ""
    telegram_api_url: str = TELEGRAM_API_DEFAULT
    db_path: Path = Path(DEFAULT_DB)
    nominatim_url: str = NOMINATIM_DEFAULT
    overpass_url: str = OVERPASS_DEFAULT
    results: int = 3
    nearby_km: float = 50.0
    reach_km: float = 150.0
    max_send_rate: float = 30.0
    geocoder_timeout: float = 5.0
    overpass_timeout: float = 4.0
    log_level: str = "INFO"
    reminder_leads: tuple[timedelta, ...] = (timedelta(minutes=60), timedelta(minutes=15))
    admin_ids: frozenset[int] = frozenset()
    webhook_url: str = ""
    webhook_secret: str = ""
    port: int = DEFAULT_PORT
    flood_limit: int = 30
    concurrent_updates: int = 8

    @property
    def webhook_token(self) -> str:
        """The secret Telegram sends with every webhook request: the configured one, else
        one derived from the bot token (stable across restarts, never the token itself)."""
        if self.webhook_secret:
            return self.webhook_secret
        digest = hmac.new(self.token.encode(), b"safemeet-webhook", hashlib.sha256)
        return digest.hexdigest()

    @property
    def base_url(self) -> str:
        """PTB's base_url: the Bot API root followed by /bot (PTB appends the token)."""
        return f"{self.telegram_api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's base_file_url for downloading files through the same server."""
        return f"{self.telegram_api_url}/file/bot"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default: the process environment)."""
        env = os.environ if environ is None else environ
        api_url = _url_setting(env, "TELEGRAM_API_URL", TELEGRAM_API_DEFAULT)
        nearby_km = _float_setting(env, "SAFEMEET_NEARBY_KM", 50.0, 1.0, 1000.0)
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            telegram_api_url=api_url or TELEGRAM_API_DEFAULT,
            db_path=Path(env.get("SAFEMEET_DB", "").strip() or DEFAULT_DB),
            nominatim_url=_url_setting(env, "NOMINATIM_URL", NOMINATIM_DEFAULT),
            overpass_url=_url_setting(env, "OVERPASS_URL", OVERPASS_DEFAULT),
            results=_int_setting(env, "SAFEMEET_RESULTS", 3, 1, 10),
            nearby_km=nearby_km,
            reach_km=_reach_setting(env, nearby_km),
            max_send_rate=_float_setting(env, "SAFEMEET_MAX_SEND_RATE", 30.0, 0.0, 1000.0),
            geocoder_timeout=_float_setting(env, "SAFEMEET_GEOCODER_TIMEOUT", 5.0, 0.5, 30.0),
            overpass_timeout=_float_setting(env, "SAFEMEET_OVERPASS_TIMEOUT", 4.0, 0.5, 30.0),
            log_level=env.get("SAFEMEET_LOG_LEVEL", "INFO").strip().upper() or "INFO",
            reminder_leads=_leads_setting(env),
            admin_ids=_admin_ids_setting(env),
            webhook_url=_webhook_url_setting(env),
            webhook_secret=_secret_setting(env),
            port=_int_setting(env, "PORT", DEFAULT_PORT, 1, 65535),
            flood_limit=_int_setting(env, "SAFEMEET_FLOOD_LIMIT", 30, 0, 10_000),
            concurrent_updates=_int_setting(env, "SAFEMEET_CONCURRENT_UPDATES", 8, 1, 256),
        )
