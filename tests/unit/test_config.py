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
