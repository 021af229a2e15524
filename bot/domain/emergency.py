"""The emergency number people know in each country, and 112 where we cannot tell.

112 is the fallback: GSM mobile phones route it to the local emergency service almost
everywhere, and it is the number across the European Union. Where a country's own number is
the one people know and 112 also works from a mobile, both are given ("999 or 112").
Sources: national emergency-number pages and the ITU's list of emergency numbers
(Operational Bulletin, "Emergency numbers"), as of 2026.
"""

from __future__ import annotations

DEFAULT_NUMBERS: tuple[str, ...] = ("112",)

_EU_AND_112_COUNTRIES = (
    # The EU (112 is the single European emergency number)...
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    # ... their overseas parts with their own tz zones, and other European countries on 112.
    "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "AX", "FO", "GL",
    "NO", "IS", "CH", "LI", "MC", "SM", "VA", "AD", "GI",
    "ME", "MK", "AL", "XK", "MD", "UA", "RU", "GE", "AM", "TR", "KR", "IN", "NG",
    "TZ", "KW", "LB",
)  # fmt: skip

_NINE_ONE_ONE_COUNTRIES = (
    "US", "CA", "MX", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "AR", "CR", "PA", "SV",
    "HN", "DO", "UY", "PY", "EC", "VE", "BZ", "JO", "BS", "KY", "BM",
)  # fmt: skip

_NINE_NINE_NINE_COUNTRIES = (
    "HK", "MO", "SG", "MY", "BD", "QA", "BH", "AE", "BW", "UG", "KE", "TT", "GY",
)  # fmt: skip

_OWN_NUMBERS: dict[str, tuple[str, ...]] = {
    "GB": ("999", "112"),
    "IE": ("999", "112"),
    "IM": ("999", "112"),
    "JE": ("999", "112"),
    "GG": ("999", "112"),
    "MU": ("999", "112"),
    "AU": ("000",),
    "NZ": ("111",),
    "ZA": ("10111", "112"),
    "NA": ("10111",),
    "JP": ("110",),
    "CN": ("110",),
    "TW": ("110",),
    "ID": ("110", "112"),
    "BR": ("190",),
    "CL": ("133",),
    "CO": ("123",),
    "PE": ("105",),
    "BO": ("110",),
    "TH": ("191",),
    "VN": ("113",),
    "KH": ("117",),
    "MM": ("199",),
    "LK": ("119",),
    "NP": ("100",),
    "PK": ("15",),
    "IL": ("100",),
    "EG": ("122",),
    "MA": ("19", "112"),
    "DZ": ("17",),
    "TN": ("197",),
    "GH": ("191", "112"),
    "ET": ("991",),
    "FJ": ("917",),
    "JM": ("119",),
    "CU": ("106",),
    "RS": ("192", "112"),
    "BA": ("122", "112"),
}


def _table() -> dict[str, tuple[str, ...]]:
    table = dict.fromkeys(_EU_AND_112_COUNTRIES, DEFAULT_NUMBERS)
    table |= dict.fromkeys(_NINE_ONE_ONE_COUNTRIES, ("911",))
    table |= dict.fromkeys(_NINE_NINE_NINE_COUNTRIES, ("999",))
    return table | _OWN_NUMBERS


_NUMBERS = _table()


def emergency_numbers(country: str) -> tuple[str, ...]:
    """The numbers to call in danger in ``country``, best known first (112 when unknown)."""
    return _NUMBERS.get(country.upper(), DEFAULT_NUMBERS)


def known_countries() -> frozenset[str]:
    """Countries whose number is in the table (not merely the 112 fallback)."""
    return frozenset(_NUMBERS)
