"""Translations: gettext catalogs under locales/, and choosing the user's language."""

from __future__ import annotations

import gettext
from importlib import resources

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
# Language code -> the language's own name, in the order the /language menu shows them.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here (gettext_noop)."""
    return message


def resolve_language(stored: str | None, telegram_code: str | None) -> str:
    """Stored choice, else Telegram's language_code (or its base language), else English."""
    for candidate in (stored, telegram_code):
        if not candidate:
            continue
        code = candidate.strip().lower().replace("_", "-")
        if code in LANGUAGES:
            return code
        base = code.split("-", 1)[0]
        if base in LANGUAGES:
            return base
    return DEFAULT_LANGUAGE


NUMBER_CACHE_SIZE = 4096


class Translator:
    """Messages of one language; ``_``, ``ngettext`` and ``pgettext`` fill {placeholders}."""

    def __init__(self, language: str, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self._catalog = catalog
        self._locale = Locale.parse(language)
        self._number_patterns: dict[int, NumberPattern] = {}
        # Written numbers by (value, digits): distances repeat, and babel takes ~60 µs each.
        self._numbers: dict[tuple[float, int], str] = {}

    def _(self, message: str, **values: object) -> str:
        """Translate and fill placeholders."""
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        """Translate with the plural form for ``count`` (also available as {count})."""
        return self._catalog.ngettext(singular, plural, count).format(count=count, **values)

    def pgettext(self, context: str, message: str) -> str:
        """Translate a short message whose meaning depends on the context."""
        return self._catalog.pgettext(context, message)

    def number(self, value: float, fraction_digits: int = 1) -> str:
        """A number written the way the language writes it (1.5 / 1,5)."""
        key = (value, fraction_digits)
        written = self._numbers.get(key)
        if written is None:
            written = self._pattern(fraction_digits).apply(value, self._locale)
            if len(self._numbers) >= NUMBER_CACHE_SIZE:
                self._numbers.clear()
            self._numbers[key] = written
        return written

    def _pattern(self, fraction_digits: int) -> NumberPattern:
        """The number pattern for so many digits, parsed once (babel parses for every call)."""
        pattern = self._number_patterns.get(fraction_digits)
        if pattern is None:
            pattern = parse_pattern(
                "#,##0" + ("." + "0" * fraction_digits if fraction_digits else "")
            )
            self._number_patterns[fraction_digits] = pattern
        return pattern


class Catalogs:
    """Compiled catalogs of every supported language, loaded once."""

    def __init__(self) -> None:
        self._translators: dict[str, Translator] = {}
        root = resources.files("locales")
        for language in LANGUAGES:
            catalog: gettext.NullTranslations = gettext.NullTranslations()
            mo_file = root.joinpath(language, "LC_MESSAGES", f"{DOMAIN}.mo")
            if mo_file.is_file():
                with mo_file.open("rb") as handle:
                    catalog = gettext.GNUTranslations(handle)
            self._translators[language] = Translator(language, catalog)

    def get(self, language: str) -> Translator:
        """The translator for a supported language (English for anything else)."""
        return self._translators.get(language) or self._translators[DEFAULT_LANGUAGE]
