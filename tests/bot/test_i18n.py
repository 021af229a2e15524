"""Catalogs: complete, compiled, in step with the code; language resolution order."""

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, NUMBER_CACHE_SIZE, Catalogs, resolve_language

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
TRANSLATED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _ids(catalog) -> set:
    return {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog
        if message.id
    }


def test_template_is_in_step_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with fresh.open("rb") as new, (LOCALES / "messages.pot").open("rb") as old:
        assert _ids(read_po(new)) == _ids(read_po(old)), "run the pybabel extract/update steps"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    catalog = _catalog(language)
    assert _ids(catalog) == _ids(template), f"run pybabel update for {language}"
    missing = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))
    ]
    assert missing == [], f"{language}: untranslated or fuzzy: {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_survive_translation(language):
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= expected, (language, message.id)
            assert set(PLACEHOLDER.findall(string)) >= set(PLACEHOLDER.findall(ids[0])) - {
                "count"
            }, (language, message.id)


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalog_matches_the_po_file(language):
    mo_path = LOCALES / language / "LC_MESSAGES" / "messages.mo"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalog(language):
        if not message.id or isinstance(message.id, tuple):
            continue
        found = (
            compiled.pgettext(message.context, message.id)
            if message.context
            else compiled.gettext(message.id)
        )
        assert found == message.string, f"run pybabel compile ({language}: {message.id!r})"


def test_translations_are_used():
    catalogs = Catalogs()
    assert catalogs.get("fr")._("Privacy") != "Privacy"
    assert catalogs.get("es")._("Privacy") != "Privacy"
    assert catalogs.get("xx").language == "en"


@pytest.mark.parametrize(
    ("stored", "telegram", "expected"),
    [
        ("fr", "es", "fr"),
        (None, "es", "es"),
        (None, "fr-CA", "fr"),
        (None, "pt-BR", "en"),
        (None, None, "en"),
        ("de", "es-MX", "es"),
        ("", "FR", "fr"),
    ],
)
def test_language_resolution_order(stored, telegram, expected):
    assert resolve_language(stored, telegram) == expected


def test_numbers_are_written_the_languages_way_however_often_asked():
    english, french = Catalogs().get("en"), Catalogs().get("fr")
    for _ in range(2):  # the second time from the translator's memory
        assert english.number(1234.5) == "1,234.5"
        assert french.number(1234.5) == "1\u202f234,5"
        assert french.number(12.0, 0) == "12"
    for value in range(NUMBER_CACHE_SIZE + 10):  # past the memory's bound it starts afresh
        assert english.number(value / 10) == f"{value / 10:,.1f}"
