"""Settings from the environment: defaults, the Bot API root, bad values."""

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings


def test_defaults():
    settings = Settings.from_env({})
    assert settings.token == ""
    assert settings.base_url == "https://api.telegram.org/bot"
    assert settings.db_path == Path("safemeet.sqlite3")
    assert settings.nominatim_url.startswith("https://nominatim")
    assert settings.results == 3


def test_custom_api_root_and_disabled_geocoder():
    settings = Settings.from_env(
        {"TELEGRAM_API_URL": "http://127.0.0.1:8081/", "NOMINATIM_URL": "", "OVERPASS_URL": ""}
    )
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.nominatim_url == ""
    assert settings.overpass_url == ""


@pytest.mark.parametrize(
    "environ",
    [
        {"SAFEMEET_RESULTS": "0"},
        {"SAFEMEET_RESULTS": "three"},
        {"NOMINATIM_URL": "ftp://x"},
        {"SAFEMEET_MAX_SEND_RATE": "-1"},
    ],
)
def test_bad_values_are_refused(environ):
    with pytest.raises(ConfigError):
        Settings.from_env(environ)


def test_overpass_timeout_default_custom_and_bad_values():
    assert Settings.from_env({}).overpass_timeout == 4.0
    assert Settings.from_env({"SAFEMEET_OVERPASS_TIMEOUT": "2.5"}).overpass_timeout == 2.5
    for bad in ("0", "31", "soon"):
        with pytest.raises(ConfigError, match="SAFEMEET_OVERPASS_TIMEOUT"):
            Settings.from_env({"SAFEMEET_OVERPASS_TIMEOUT": bad})


def test_admin_ids_are_parsed_and_validated():
    assert Settings.from_env({}).admin_ids == frozenset()
    parsed = Settings.from_env({"SAFEMEET_ADMIN_IDS": " 42, 7,,42 "}).admin_ids
    assert parsed == frozenset({42, 7})
    for bad in ("abc", "42;7", "-5", "0", "1.5", "12345678901234567", "４２"):
        with pytest.raises(ConfigError, match="SAFEMEET_ADMIN_IDS"):
            Settings.from_env({"SAFEMEET_ADMIN_IDS": bad})


def test_webhook_settings():
    polling = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:A"})
    assert polling.webhook_url == ""
    assert polling.port == 8443
    webhook = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "1:A",
            "SAFEMEET_WEBHOOK_URL": "https://bot.example.org/tg/",
            "PORT": "5000",
        }
    )
    assert webhook.webhook_url == "https://bot.example.org/tg"
    assert webhook.port == 5000
    derived = webhook.webhook_token
    assert len(derived) == 64
    assert "1:A" not in derived
    assert derived == Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:A"}).webhook_token
    assert derived != Settings.from_env({"TELEGRAM_BOT_TOKEN": "2:B"}).webhook_token
    chosen = Settings.from_env({"SAFEMEET_WEBHOOK_SECRET": "s3cret_-X0123456"})
    assert chosen.webhook_token == "s3cret_-X0123456"


@pytest.mark.parametrize(
    "environ",
    [
        {"SAFEMEET_WEBHOOK_URL": "http://bot.example.org"},
        {"SAFEMEET_WEBHOOK_SECRET": "has space but is long"},
        {"SAFEMEET_WEBHOOK_SECRET": "short_secret"},  # guessable, and hard to scrub from logs
        {"SAFEMEET_WEBHOOK_SECRET": "x" * 257},
        {"PORT": "70000"},
        {"SAFEMEET_FLOOD_LIMIT": "-1"},
    ],
)
def test_bad_webhook_and_flood_values_are_refused(environ):
    with pytest.raises(ConfigError):
        Settings.from_env(environ)


def test_flood_limit_default_and_off():
    assert Settings.from_env({}).flood_limit == 30
    assert Settings.from_env({"SAFEMEET_FLOOD_LIMIT": "0"}).flood_limit == 0


def test_concurrent_updates_default_custom_and_bad_values():
    assert Settings.from_env({}).concurrent_updates == 8
    assert Settings.from_env({"SAFEMEET_CONCURRENT_UPDATES": "1"}).concurrent_updates == 1
    for bad in ("0", "257", "many"):
        with pytest.raises(ConfigError, match="SAFEMEET_CONCURRENT_UPDATES"):
            Settings.from_env({"SAFEMEET_CONCURRENT_UPDATES": bad})


def test_reach_default_custom_and_never_below_nearby():
    assert Settings.from_env({}).reach_km == 150.0
    assert Settings.from_env({"SAFEMEET_REACH_KM": "80"}).reach_km == 80.0
    assert Settings.from_env({"SAFEMEET_NEARBY_KM": "200"}).reach_km == 200.0
    with pytest.raises(ConfigError, match="SAFEMEET_REACH_KM"):
        Settings.from_env({"SAFEMEET_NEARBY_KM": "60", "SAFEMEET_REACH_KM": "40"})
    with pytest.raises(ConfigError, match="SAFEMEET_REACH_KM"):
        Settings.from_env({"SAFEMEET_REACH_KM": "far"})
