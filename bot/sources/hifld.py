"""HIFLD "Local Law Enforcement Locations" rows to police-station zones (run offline).

The layer (US DHS, public domain) writes everything in capitals and its phones as
``251-275-3153``; this turns a row into a Zone as people would write it. The conversion runs
once, by ``scripts/convert_hifld.py``; the bot loads its output (bot.sources.bundled_stations).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.domain.countries import outside_country
from bot.domain.geo import InvalidCoordinates, Point
from bot.domain.zones import Zone, ZoneDataError, ZoneKind, checked_phone

ID_PREFIX = "us-hifld-"
SOURCE = "HIFLD Open, Local Law Enforcement Locations (US DHS), public domain, data as of 2019"
COLUMNS = ("ID", "NAME", "TELEPHONE", "ADDRESS", "CITY", "STATE", "X", "Y")
# Territories with a country code of their own (ISO 3166-1), as phones and emergency numbers
# go by it; the states and DC are US with the state as region.
TERRITORIES = frozenset({"PR", "GU", "VI", "AS", "MP"})
_DIGITS = 6  # decimal places kept of a coordinate: about 0.1 m
# Rows known to give a place the department has left since 2019 (HIFLD ID: why).
MOVED = {
    "10833936": "moved: Hartford police left 50 Jennings Road for 253 High Street "
    "(the curated zone us-ct-hartford-police-hq)",
}

# Lower case inside a name ("City of Orange"), never as its first word.
_SMALL = frozenset({"of", "and", "the", "at", "in", "on", "by", "to", "or", "for"})
# Particles of French and Spanish place names: "Fond du Lac", "Policia de la ...", but
# "City of De Soto" (after an English particle they begin the place's name).
_PARTICLES = frozenset({"de", "del", "du"})
_ARTICLES = frozenset({"la", "las", "los", "el"})  # lower case after "de" only
_SHORT = {"MC": "Mc", "MT": "Mt", "ST": "St", "FT": "Ft"}  # "MC KEE" -> "Mc Kee"
# Written in capitals: acronyms of the file and state codes that are not also words.
_CAPITALS = frozenset(
    {
        "CSX", "DOD", "BART", "SWAT", "SUNY", "CUNY", "NYPD", "DLO", "AC", "TAC", "USA", "US",
        "K9", "NE", "NW", "SE", "SW", "AK", "AR", "AZ", "CT", "DC", "FL", "IA", "KS", "KY", "MD",
        "MN", "NC", "ND", "NH", "NJ", "NM", "NV", "NY", "PR", "RI", "SC", "SD", "TN", "TX",
        "VT", "WI", "WV", "WY",
    }
)  # fmt: skip
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_ORDINAL = re.compile(r"^(\d+)(ST|ND|RD|TH)$")
_WORD = re.compile(r"[A-Za-z0-9.']+")


def _is_roman(word: str) -> bool:
    """True for a roman numeral from I to XXXIX ("District VI")."""
    return bool(word) and bool(_ROMAN.match(word))


def _is_small(lower: str, previous: str) -> bool:
    """True when the word is written in lower case after ``previous`` ('' first)."""
    if not previous:
        return False
    if lower in _SMALL:
        return True
    if lower in _PARTICLES:
        return previous not in _SMALL
    return lower in _ARTICLES and previous == "de"


def _word_case(word: str, previous: str) -> str:
    """One upper-case word as people write it; ``previous`` is the word before, lower case."""
    lower = word.lower()
    if _is_small(lower, previous):
        return lower
    ordinal = _ORDINAL.match(word)
    if ordinal:
        return ordinal.group(1) + ordinal.group(2).lower()  # "2ND" -> "2nd"
    if word in _SHORT:
        return _SHORT[word]
    if (
        word in _CAPITALS
        or _is_roman(word)
        or any(char.isdigit() for char in word)
        or not re.search(r"[AEIOUY]", word)
    ):
        return word  # "CSX", "VI", "2A", "B"; a vowel-less word is an acronym or a letter
    if word == "SHERIFFS":
        return "Sheriff's"  # the layer drops the apostrophe of "Sheriff's Office"
    if "." in word.strip("."):
        return _dotted(word)
    if "'" in word:
        return _apostrophe(word)
    if lower.startswith("mc") and len(word) > 3:
        return "Mc" + word[2:].capitalize()  # "MCALLEN" -> "McAllen"
    return word.capitalize()


def _dotted(word: str) -> str:
    """'P.D.' and 'A.H.' stay in capitals, 'UNIV.' becomes 'Univ.', '78.1' stays."""
    parts = word.split(".")
    if all(len(part) <= 1 for part in parts):
        return word
    return ".".join(part.capitalize() for part in parts)


def _apostrophe(word: str) -> str:
    """O'FALLON -> O'Fallon, L'ANSE -> L'Anse, SHERIFF'S -> Sheriff's."""
    head, _, tail = word.partition("'")
    if len(head) == 1:
        return head + "'" + tail.capitalize()
    return word.capitalize()


def title_case(text: str) -> str:
    """An all-capitals name, address or city as people write it.

    "BEVERLY HILLS POLICE DEPARTMENT" -> "Beverly Hills Police Department"; acronyms, state
    codes, roman numerals, ordinals and particles ("of", "and") come out as usual. Text that
    is not all capitals is left as it is.
    """
    text = " ".join(text.split())
    if text != text.upper():
        return text
    out: list[str] = []
    last, previous = 0, ""
    for match in _WORD.finditer(text):
        out.append(text[last : match.start()])
        out.append(_word_case(match.group(), previous))
        last, previous = match.end(), match.group().lower()
    out.append(text[last:])
    return "".join(out)


def _country_and_region(state: str) -> tuple[str, str]:
    """(country, region) of a HIFLD state code: territories are countries of their own."""
    code = state.strip().upper()
    return (code, "") if code in TERRITORIES else ("US", code)


def _phone(text: str, country: str) -> str:
    """The phone in E.164, or '' when it is no valid number."""
    try:
        return checked_phone(text.strip(), country)
    except ZoneDataError:
        return ""


def station_from_row(row: Mapping[str, str]) -> Zone:
    """One HIFLD row as a police station; raises ZoneDataError for a row it cannot use."""
    hifld_id = (row.get("ID") or "").strip()
    if not hifld_id.isdigit():
        raise ZoneDataError(f"ID must be digits: {hifld_id!r}")
    name = title_case(row.get("NAME") or "")
    if not name:
        raise ZoneDataError("missing name")
    try:
        point = Point.checked(float(row.get("Y") or ""), float(row.get("X") or ""))
    except (ValueError, InvalidCoordinates) as exc:
        raise ZoneDataError(f"bad coordinates: {exc}") from exc
    country, region = _country_and_region(row.get("STATE") or "")
    return Zone(
        id=ID_PREFIX + hifld_id,
        name=name,
        kind=ZoneKind.POLICE_STATION,
        lat=round(point.lat, _DIGITS),
        lon=round(point.lon, _DIGITS),
        address=title_case(row.get("ADDRESS") or ""),
        city=title_case(row.get("CITY") or ""),
        region=region,
        country=country,
        phone=_phone(row.get("TELEPHONE") or "", country),
        source=f"{SOURCE}; ID {hifld_id}",
    )


def _rank(zone: Zone) -> tuple[int, int]:
    """Which of the stations at one point to keep: a police department, then a sheriff's."""
    name = zone.name.lower()
    if "police department" in name:
        order = 0
    elif "sheriff" in name:
        order = 1
    elif "police" in name or "policia" in name:
        order = 2
    else:
        order = 3
    return order, int(zone.id.removeprefix(ID_PREFIX))


@dataclass
class Conversion:
    """The stations kept, and each row left out with the reason."""

    stations: list[Zone] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (HIFLD ID, reason)
    rows: int = 0
    phones_dropped: int = 0
    no_address: int = 0


def convert(rows: Iterable[Mapping[str, str]], check_country: bool = True) -> Conversion:
    """Stations from HIFLD rows: bad rows, places known to have moved, rows outside their
    country, and all but one of the rows sharing a point are dropped (named in ``dropped``)."""
    result = Conversion()
    by_point: dict[tuple[float, float], list[Zone]] = {}
    for row in rows:
        result.rows += 1
        hifld_id = (row.get("ID") or "").strip()
        if hifld_id in MOVED:
            result.dropped.append((hifld_id, MOVED[hifld_id]))
            continue
        try:
            zone = station_from_row(row)
        except ZoneDataError as exc:
            result.dropped.append((hifld_id, str(exc)))
            continue
        where = outside_country(zone.lat, zone.lon, zone.country) if check_country else None
        if where:
            result.dropped.append((hifld_id, f"coordinates {where}, not {zone.country}"))
            continue
        result.phones_dropped += bool((row.get("TELEPHONE") or "").strip()) and not zone.phone
        result.no_address += not zone.address
        by_point.setdefault((zone.lat, zone.lon), []).append(zone)
    for zones in by_point.values():
        kept, *others = sorted(zones, key=_rank)
        result.stations.append(kept)
        result.dropped += [(_hifld_id(other), f"same point as {kept.id}") for other in others]
    result.stations.sort(key=lambda zone: int(zone.id.removeprefix(ID_PREFIX)))
    return result


def _hifld_id(zone: Zone) -> str:
    return zone.id.removeprefix(ID_PREFIX)
