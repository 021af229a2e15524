"""The safe-zone record and the bundled CSV of verified zones."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib import resources
from urllib.parse import urlsplit

import phonenumbers

from bot.domain.geo import InvalidCoordinates, Point
from bot.domain.hours import readable_hours

CSV_COLUMNS = (
    "id",
    "name",
    "kind",
    "address",
    "city",
    "region",
    "country",
    "postal_code",
    "lat",
    "lon",
    "opening_hours",
    "video",
    "lit",
    "staffed",
    "phone",
    "website",
    "source",
    "verified",
)


# Short enough to fit in Telegram's 64-byte callback data with a prefix.
_ZONE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
# No value of a zone is longer than this (a longer one is not a zone's, whatever it is).
MAX_FIELD_CHARS = 64 * 1024
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SHOWN_CHARS = 60  # of a bad value, in a rejection reason
# The languages whose own names of a zone (OpenStreetMap's name:<lang>) are kept.
NAME_LANGUAGES = ("en", "fr", "es")


class ZoneKind(StrEnum):
    """Whether police designated the place for exchanges or it is 'just' a station."""

    EXCHANGE_ZONE = "exchange_zone"
    POLICE_STATION = "police_station"


class ZoneDataError(ValueError):
    """A zone row that cannot be used, with the reason."""


@dataclass(frozen=True, slots=True)
class Zone:
    """A place to meet: a designated exchange zone or a police station.

    ``name`` and ``address`` may be empty (an unnamed police station is still one);
    ``names`` holds its own name in some languages, by language code ('en').
    """

    id: str
    name: str
    kind: ZoneKind
    lat: float
    lon: float
    address: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    postal_code: str = ""
    opening_hours: str = ""
    video: bool | None = None
    lit: bool | None = None
    staffed: bool | None = None
    phone: str = ""
    website: str = ""
    source: str = ""
    verified: str = ""
    names: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def point(self) -> Point:
        """The zone's position."""
        return Point(self.lat, self.lon)

    def name_in(self, language: str) -> str:
        """Its name in a language ('fr', 'fr-CA') if known, else its name ('' when unnamed)."""
        return self.names.get(language.split("-")[0]) or self.name

    @property
    def full_address(self) -> str:
        """Street, city, region and postal code on one line."""
        locality = " ".join(part for part in (self.region, self.postal_code) if part)
        return ", ".join(part for part in (self.address, self.city, locality) if part)

    @property
    def is_24_7(self) -> bool:
        """True when the opening hours say the place never closes."""
        return self.opening_hours.replace(" ", "") == "24/7"


def _flag(raw: str) -> bool | None:
    if not raw:
        return None
    value = raw.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    if value == "":
        return None
    raise ZoneDataError(f"flag must be yes, no or empty, got {raw!r}")


def _flag_text(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def shown(value: str) -> str:
    """A value as a rejection reason quotes it: repr, cut short."""
    if len(value) <= _SHOWN_CHARS:
        return repr(value)
    return repr(value[:_SHOWN_CHARS]) + "..."


def checked_opening_hours(text: str) -> str:
    """Opening hours the bot can read (bot.domain.hours), or '' for none."""
    if text and not readable_hours(text):
        raise ZoneDataError(
            f"opening_hours must be in OpenStreetMap opening_hours syntax: {shown(text)}"
        )
    return text


def _e164(candidate: str, region: str | None) -> str | None:
    """One phone number in E.164 ('+12035767671'), None when it is not a valid number."""
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def checked_phone(text: str, country: str) -> str:
    """The first valid number of ``text`` ('a;b' lists several) in E.164, or '' for none.

    National numbers are read as the ``country``'s (an ISO code); without one only
    international numbers (+...) can be read.
    """
    if not text:
        return ""
    code = country.upper()
    region = code if len(code) == 2 and code.isascii() and code.isalpha() else None
    for candidate in (part.strip() for part in text.split(";")):
        number = _e164(candidate, region) if candidate else None
        if number:
            return number
    if region:
        raise ZoneDataError(f"phone must be a valid phone number for {region}: {shown(text)}")
    raise ZoneDataError(
        f"phone must be a valid international number (+...) when country is empty: {shown(text)}"
    )


def _is_web_url(text: str) -> bool:
    """True for an http(s) URL with a host and no spaces or control characters."""
    if not text.isprintable() or any(char.isspace() for char in text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed port or IPv6 address
        return False


def checked_website(text: str) -> str:
    """An http(s) URL with a host, or '' for none."""
    if text and not _is_web_url(text):
        raise ZoneDataError(f"website must be an http(s) URL: {shown(text)}")
    return text


def checked_date(text: str) -> str:
    """An ISO calendar date (YYYY-MM-DD), or '' for none."""
    if not text:
        return ""
    try:
        if _ISO_DATE.match(text) and date.fromisoformat(text):
            return text
    except ValueError:  # a day or month that does not exist
        pass
    raise ZoneDataError(f"verified must be an ISO date (YYYY-MM-DD): {shown(text)}")


def _check_lengths(values: Sequence[str]) -> None:
    """Refuse a value longer than MAX_FIELD_CHARS, naming its column."""
    for column, value in zip(CSV_COLUMNS, values, strict=False):
        if len(value) > MAX_FIELD_CHARS:
            raise ZoneDataError(f"{column} is longer than {MAX_FIELD_CHARS} characters")


def zone_from_row(row: dict[str, str]) -> Zone:
    """Validate one CSV row (as read by csv.DictReader) and build a Zone."""
    return zone_from_values([row.get(key) or "" for key in CSV_COLUMNS])


def zone_from_values(values: Sequence[str]) -> Zone:
    """Validate one row's values, in CSV_COLUMNS order, and build a Zone."""
    _check_lengths(values)
    (zone_id, name, kind_text, address, city, region, country, postal_code, lat, lon) = map(
        str.strip, values[:10]
    )
    (opening_hours, video, lit, staffed, phone, website, source, verified) = map(
        str.strip, values[10:]
    )
    if not zone_id:
        raise ZoneDataError("missing id")
    if not _ZONE_ID.match(zone_id):
        raise ZoneDataError("id must be 1-48 characters of a-z, 0-9 and '-'")
    try:
        kind = ZoneKind(kind_text)
    except ValueError as exc:
        raise ZoneDataError(f"kind must be exchange_zone or police_station: {kind_text!r}") from exc
    try:
        point = Point.checked(float(lat), float(lon))
    except (ValueError, InvalidCoordinates) as exc:
        raise ZoneDataError(f"bad coordinates: {exc}") from exc
    return Zone(
        id=zone_id,
        name=name,
        kind=kind,
        lat=point.lat,
        lon=point.lon,
        address=address,
        city=city,
        region=region.upper(),
        country=country.upper(),
        postal_code=postal_code,
        opening_hours=checked_opening_hours(opening_hours),
        video=_flag(video),
        lit=_flag(lit),
        staffed=_flag(staffed),
        phone=checked_phone(phone, country),
        website=checked_website(website),
        source=source,
        verified=checked_date(verified),
    )


def zone_to_row(zone: Zone) -> dict[str, str]:
    """The CSV row for a zone (inverse of zone_from_row; the CSV has no ``names``)."""
    row: dict[str, str] = {}
    for column in CSV_COLUMNS:
        value = getattr(zone, column)
        if isinstance(value, bool) or value is None:
            row[column] = _flag_text(value)
        else:
            row[column] = str(value)
    return row


def read_zones_csv(text: str) -> Iterator[Zone]:
    """Parse a zones CSV; raises ZoneDataError naming the line of the first bad row."""
    reader = csv.DictReader(io.StringIO(text))
    missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise ZoneDataError(f"missing columns: {', '.join(sorted(missing))}")
    for row in reader:
        try:
            yield zone_from_row(row)
        except ZoneDataError as exc:
            raise ZoneDataError(f"line {reader.line_num}: {exc}") from exc


def write_zones_csv(zones: Iterable[Zone]) -> str:
    """Serialise zones to the documented CSV schema."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for zone in zones:
        writer.writerow(zone_to_row(zone))
    return out.getvalue()


def bundled_zones_text() -> str:
    """The CSV of verified zones that ships inside the package."""
    return resources.files("bot").joinpath("data/zones.csv").read_text(encoding="utf-8")


def bundled_zones() -> list[Zone]:
    """The verified zones that ship inside the package."""
    return list(read_zones_csv(bundled_zones_text()))
