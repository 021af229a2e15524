"""Converting HIFLD Local Law Enforcement Locations rows: names, phones, ids, bad rows."""

from __future__ import annotations

import pytest

from bot.domain.zones import ZoneDataError, ZoneKind, zone_from_row, zone_to_row
from bot.sources.hifld import convert, station_from_row, title_case


def hifld_row(**values: str) -> dict[str, str]:
    """A HIFLD row (Grove Hill, AL, the file's first), with some values replaced."""
    row = {
        "OBJECTID": "3001",
        "ID": "10223437",
        "NAME": "GROVE HILL POLICE DEPARTMENT",
        "TELEPHONE": "251-275-3153",
        "ADDRESS": "111 SOUTH CHURCH STREET",
        "CITY": "GROVE HILL",
        "STATE": "AL",
        "COUNTY": "CLARKE",
        "X": "-87.774662",
        "Y": "31.7088269",
    }
    return row | values


# Real names (and addresses, cities) of the file, as people write them.
@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("BEVERLY HILLS POLICE DEPARTMENT", "Beverly Hills Police Department"),
        ("MCALLEN POLICE DEPARTMENT", "McAllen Police Department"),
        ("O'FALLON POLICE DEPARTMENT", "O'Fallon Police Department"),
        ("D'IBERVILLE POLICE DEPARTMENT", "D'Iberville Police Department"),
        ("L'ANSE POLICE DEPARTMENT", "L'Anse Police Department"),
        ("CSX TRANSPORTATION POLICE", "CSX Transportation Police"),
        ("SUNY CANTON UNIVERSITY POLICE DEPARTMENT", "SUNY Canton University Police Department"),
        ("GREAT LAKES POLICE DEPARTMENT-DOD", "Great Lakes Police Department-DOD"),
        ("UNIVERSITY OF AR MONTICELLO", "University of AR Monticello"),
        (
            "NORTH CAROLINA STATE HIGHWAY PATROL TROOP C DISTRICT VI",
            "North Carolina State Highway Patrol Troop C District VI",
        ),
        ("IDAHO STATE POLICE - REGION III", "Idaho State Police - Region III"),
        (
            "VILLAGE OF CROTON-ON-HUDSON POLICE DEPARTMENT",
            "Village of Croton-on-Hudson Police Department",
        ),
        ("TRUTH OR CONSEQUENCES POLICE DEPARTMENT", "Truth or Consequences Police Department"),
        ("LAKE IN THE HILLS POLICE DEPARTMENT", "Lake in the Hills Police Department"),
        ("MIAMI-DADE POLICE DEPARTMENT", "Miami-Dade Police Department"),
        ("HO-HO-KUS POLICE DEPARTMENT", "Ho-Ho-Kus Police Department"),
        ("POLICIA MUNICIPAL DE TOA ALTA", "Policia Municipal de Toa Alta"),
        ("CUARTEL DE LA POLICIA ESTATAL - TOA ALTA", "Cuartel de la Policia Estatal - Toa Alta"),
        ("FOND DU LAC COUNTY SHERIFFS DEPARTMENT", "Fond du Lac County Sheriff's Department"),
        ("CITY OF DE SOTO POLICE DEPARTMENT", "City of De Soto Police Department"),
        (
            "KEITH COUNTY SHERIFFS OFFICE / KEITH COUNTY JAIL",
            "Keith County Sheriff's Office / Keith County Jail",
        ),
        (
            "REFUGIO COUNTY CONSTABLE - PRECINCT 2, 2A, 2B, 3, 3A",
            "Refugio County Constable - Precinct 2, 2A, 2B, 3, 3A",
        ),
        ("MEMPHIS POLICE DEPARTMENT - K9 UNIT", "Memphis Police Department - K9 Unit"),
        ("UNIV. OF TEXAS P.D.", "Univ. of Texas P.D."),
        ("NYPD 1ST PRECINCT", "NYPD 1st Precinct"),
        ("TEXAS DEPT OF PUBLIC SAFETY - TX", "Texas Dept of Public Safety - TX"),
        ("6100 NW 2ND AVENUE", "6100 NW 2nd Avenue"),
        ("146 UNITED STATES HIGHWAY 83", "146 United States Highway 83"),
        ("MC KEE", "Mc Kee"),
        ("LAND O'LAKES", "Land O'Lakes"),
        ("  GROVE   HILL ", "Grove Hill"),
        ("Already Written", "Already Written"),
        ("", ""),
    ],
)
def test_title_case(raw: str, written: str) -> None:
    assert title_case(raw) == written


def test_a_row_becomes_a_police_station_with_an_e164_phone_and_a_stable_id() -> None:
    zone = station_from_row(hifld_row())
    assert zone.id == "us-hifld-10223437"
    assert zone.kind is ZoneKind.POLICE_STATION
    assert (zone.name, zone.address, zone.city) == (
        "Grove Hill Police Department",
        "111 South Church Street",
        "Grove Hill",
    )
    assert (zone.region, zone.country) == ("AL", "US")
    assert zone.phone == "+12512753153"
    assert (zone.lat, zone.lon) == (31.708827, -87.774662)
    assert "HIFLD" in zone.source
    assert "2019" in zone.source
    assert zone.verified == ""  # nobody checked these rows by hand


def test_a_converted_row_passes_the_zone_schema_checks() -> None:
    zone = station_from_row(hifld_row())
    assert zone_from_row(zone_to_row(zone)) == zone


def test_a_territory_is_its_own_country() -> None:
    zone = station_from_row(
        hifld_row(STATE="PR", TELEPHONE="787-870-2020", X="-66.2661", Y="18.3592")
    )
    assert (zone.country, zone.region) == ("PR", "")
    assert zone.phone == "+17878702020"


@pytest.mark.parametrize("phone", ["", " ", "555", "not a number"])
def test_a_bad_phone_is_left_out_and_the_station_kept(phone: str) -> None:
    assert station_from_row(hifld_row(TELEPHONE=phone)).phone == ""


def test_the_blank_address_row_keeps_its_city() -> None:
    zone = station_from_row(hifld_row(ADDRESS=" ", CITY="ATMAUTLUAK", STATE="AK"))
    assert zone.address == ""
    assert zone.full_address == "Atmautluak, AK"


@pytest.mark.parametrize(
    "values",
    [{"ID": ""}, {"ID": "12a"}, {"NAME": "  "}, {"X": ""}, {"Y": "95.0"}, {"X": "east"}],
)
def test_rows_it_cannot_use_are_refused(values: dict[str, str]) -> None:
    with pytest.raises(ZoneDataError):
        station_from_row(hifld_row(**values))


def test_convert_keeps_one_station_per_point_preferring_the_police_department() -> None:
    same = {"X": "-106.6364", "Y": "48.1966"}
    rows = [
        hifld_row(ID="10417678", NAME="VALLEY COUNTY SHERIFFS OFFICE", **same),
        hifld_row(ID="10417757", NAME="GLASGOW POLICE DEPARTMENT", **same),
        hifld_row(ID="5", X="-106.64", Y="48.20"),  # 300 m away: a place of its own
    ]
    result = convert(rows)
    assert [zone.id for zone in result.stations] == ["us-hifld-5", "us-hifld-10417757"]
    assert result.dropped == [("10417678", "same point as us-hifld-10417757")]
    assert result.rows == 3


def test_convert_drops_bad_rows_and_rows_outside_their_country() -> None:
    rows = [
        hifld_row(),
        hifld_row(ID="2", Y="not a number"),
        hifld_row(ID="3", X="2.35", Y="48.85"),  # Paris, stated as Alabama
    ]
    result = convert(rows)
    assert [zone.id for zone in result.stations] == ["us-hifld-10223437"]
    reasons = dict(result.dropped)
    assert reasons["2"].startswith("bad coordinates")
    assert reasons["3"] == "coordinates in FR, not US"


def test_a_place_known_to_have_moved_is_dropped() -> None:
    hartford = hifld_row(
        ID="10833936", NAME="HARTFORD POLICE DEPARTMENT", ADDRESS="50 JENNINGS ROAD",
        CITY="HARTFORD", STATE="CT", X="-72.6524121", Y="41.785916",
    )  # fmt: skip
    result = convert([hartford])
    assert result.stations == []
    assert result.dropped[0][1].startswith("moved: Hartford police left 50 Jennings Road")
