"""The bot's descriptions fit Telegram's limits in every language, untruncated."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, Catalogs
from bot.ptb.commands import DESCRIPTION, SHORT_DESCRIPTION, descriptions


@pytest.mark.parametrize("language", LANGUAGES)
def test_descriptions_are_translated_and_fit(language):
    tr = Catalogs().get(language)
    description, short = descriptions(tr)
    assert description == tr._(DESCRIPTION)
    assert len(description) <= 512
    assert short == tr._(SHORT_DESCRIPTION)
    assert len(short) <= 120
    if language != "en":
        assert description != DESCRIPTION
        assert short != SHORT_DESCRIPTION
