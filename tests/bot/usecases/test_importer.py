"""Importing zones: CSV validation, the checks every format shares, and the store's upsert."""

from __future__ import annotations

import pytest

from bot.domain.zones import CSV_COLUMNS, ZoneDataError, bundled_zones_text
from bot.usecases.importer import import_zones, import_zones_csv, parse_zones, parse_zones_csv
from storage.db import open_database
from storage.zones import ZoneRepository

HEADER = bundled_zones_text().splitlines()[0]


def _row(
    zone_id: str,
    lat: str = "41.1",
    lon: str = "-73.1",
    name: str = "Station",
    address: str = "1 Main St",
    city: str = "Town",
    country: str = "US",
) -> str:
    return (
        f"{zone_id},{name},police_station,{address},{city},CT,{country},06604,{lat},{lon},"
        "24/7,,,,,,test,"
    )


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows, ""])


@pytest.fixture
async def db(tmp_path):
    connection = await open_database(tmp_path / "import.sqlite3")
    yield connection
    await connection.close()


@pytest.fixture
def repo(db):
    return ZoneRepository(db)


async def _index_mismatches(db) -> list[tuple]:
    """Visible zones without their exact R*Tree entry, and R*Tree entries without one."""
    missing = await db.execute_fetchall(
        "SELECT z.id FROM zones AS z LEFT JOIN zones_rtree AS r ON r.zone_rowid = z.rowid "
        "WHERE z.hidden = 0 AND (r.zone_rowid IS NULL "
        "OR abs(r.min_lat - z.lat) > 1e-4 OR abs(r.min_lon - z.lon) > 1e-4)"
    )
    extra = await db.execute_fetchall(
        "SELECT r.zone_rowid FROM zones_rtree AS r LEFT JOIN zones AS z ON z.rowid = r.zone_rowid "
        "WHERE z.rowid IS NULL OR z.hidden = 1"
    )
    return [*missing, *extra]


# -- CSV ---------------------------------------------------------------------------------------


def test_bad_rows_are_reported_with_their_line_and_reason():
    text = _csv(_row("a-1"), _row("a-2", lat="95"), _row("a-1"), _row("A 3"))
    zones, report = parse_zones_csv(text)
    assert [zone.id for zone in zones] == ["a-1"]
    assert report.read == 4
    reasons = {r.where: r.reason for r in report.rejected}
    assert "bad coordinates" in reasons["line 3"]
    assert reasons["line 4"] == "duplicate id a-1 (first at line 2)"
    assert reasons["line 5"] == "id must be 1-48 characters of a-z, 0-9 and '-'"


def test_columns_may_come_in_any_order_and_rows_may_be_short():
    columns = list(reversed(CSV_COLUMNS))
    values = dict.fromkeys(CSV_COLUMNS, "")
    values |= {"id": "a-1", "name": "Station", "kind": "exchange_zone", "city": "Town"}
    values |= {"lat": "41.1", "lon": "-73.1"}
    text = ",".join(columns) + "\n" + ",".join(values[c] for c in columns) + "\n"
    zones, report = parse_zones_csv(text)
    assert [zone.id for zone in zones] == ["a-1"]
    assert not report.rejected
    _, short = parse_zones_csv(_csv("a-2,B,"))
    assert [r.reason for r in short.rejected] == [
        "kind must be exchange_zone or police_station: ''"
    ]


def test_blank_lines_are_skipped():
    zones, report = parse_zones_csv(_csv(_row("a-1"), "", _row("a-2")))
    assert len(zones) == 2
    assert report.read == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,name\na,b\n", "no latitude/longitude columns among 'id', 'name'"),
        ("", "no latitude/longitude columns"),
        (_csv(_row("a-1", name='"' + "x" * 200_000 + '"')), "not valid CSV at line 2"),
    ],
)
def test_a_file_that_is_not_a_zones_csv_is_refused_whole(text, message):
    with pytest.raises(ZoneDataError, match=message):
        parse_zones_csv(text)


# -- checks every format shares ----------------------------------------------------------------


def test_a_zone_without_address_or_city_is_accepted():
    text = _csv(_row("a-1", address="", city=""), _row("a-2", address=""), _row("a-3", city=""))
    zones, report = parse_zones_csv(text)
    assert [zone.id for zone in zones] == ["a-1", "a-2", "a-3"]
    assert not report.rejected


def test_coordinates_outside_the_stated_country_are_refused():
    text = _csv(
        _row("paris", lat="48.8566", lon="2.3522", country="FR"),
        _row("paris-de", lat="48.8566", lon="2.3522", country="DE"),
        _row("at-sea", lat="45.0", lon="-30.0", country="FR"),
        _row("no-country", lat="45.0", lon="-30.0", country=""),
        _row("word", country="France"),
    )
    zones, report = parse_zones_csv(text)
    assert [zone.id for zone in zones] == ["paris", "no-country"]
    reasons = [r.reason for r in report.rejected]
    assert reasons[0] == "coordinates outside the stated country DE (in FR)"
    assert reasons[1] == "coordinates outside the stated country FR (at sea)"
    assert reasons[2] == "country must be an ISO 3166-1 alpha-2 code: 'FRANCE'"


def test_the_report_lines_name_the_format_and_every_refusal():
    _, report = parse_zones(_csv(_row("A 1")), "zones.csv")
    assert report.lines() == [
        "csv: read 1, added 0, updated 0, unchanged 0, rejected 1",
        "  line 2: id must be 1-48 characters of a-z, 0-9 and '-'",
    ]


# -- the store ---------------------------------------------------------------------------------


async def test_import_then_reimport_changes_nothing(repo):
    text = _csv(_row("a-1"), _row("a-2"))
    first = await import_zones_csv(repo, text)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = await import_zones_csv(repo, text)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    moved = await import_zones_csv(repo, _csv(_row("a-1", lat="41.2")))
    assert (moved.added, moved.updated, moved.unchanged) == (0, 1, 0)
    stored = await repo.get("a-1")
    assert stored is not None
    assert stored.lat == pytest.approx(41.2)


async def test_dry_run_writes_nothing_but_counts_what_it_would_do(repo):
    await import_zones_csv(repo, _csv(_row("a-1")))
    text = _csv(_row("a-1", lat="41.2"), _row("a-2"), _row("a-3", lat="95"))
    report = await import_zones_csv(repo, text, dry_run=True)
    assert (report.read, report.added, report.updated, len(report.rejected)) == (3, 1, 1, 1)
    assert await repo.count() == 1
    stored = await repo.get("a-1")
    assert stored is not None
    assert stored.lat == pytest.approx(41.1)


async def test_a_failing_import_leaves_the_table_as_it_was(db, repo, monkeypatch):
    await import_zones_csv(repo, _csv(_row("a-1")))
    rows = [_row(f"b-{index}", lat=str(40 + index / 1000), country="") for index in range(1_200)]
    real_execute = db.execute

    async def fail_on_the_index(sql, *args):
        if "INSERT INTO zones_rtree" in sql:
            raise RuntimeError("disk full")
        return await real_execute(sql, *args)

    monkeypatch.setattr(db, "execute", fail_on_the_index)
    with pytest.raises(RuntimeError, match="disk full"):
        await import_zones_csv(repo, _csv(_row("a-1", lat="41.5"), *rows))
    monkeypatch.undo()
    assert await repo.count() == 1
    stored = await repo.get("a-1")
    assert stored is not None
    assert stored.lat == pytest.approx(41.1)
    triggers = await db.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = 'zones_rtree_insert'"
    )
    assert triggers, "the R*Tree insert trigger must survive a failed import"
    assert await _index_mismatches(db) == []


@pytest.mark.parametrize("count", [10, 1_500])
async def test_the_rtree_matches_the_table_after_an_import(db, repo, count):
    """Small imports go through the trigger, big ones fill the R*Tree in one statement."""
    await import_zones_csv(repo, _csv(_row("kept"), _row("moved")))
    rows = [
        _row(
            f"z-{index}",
            lat=f"{-60 + index * 0.05:.5f}",
            lon=f"{-179 + index * 0.2:.5f}",
            country="",
        )
        for index in range(count)
    ]
    report = await import_zones_csv(repo, _csv(_row("moved", lat="42.5"), *rows))
    assert (report.added, report.updated, report.unchanged) == (count, 1, 0)
    assert await repo.count() == count + 2
    assert await _index_mismatches(db) == []
    triggers = await db.execute_fetchall(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'zones_rtree_insert'"
    )
    assert "hidden = 0" in triggers[0][0]
    await repo.upsert_many([])  # later writes still go through the restored trigger
    await import_zones_csv(repo, _csv(_row("late", lat="10.0", lon="10.0", country="")))
    assert await _index_mismatches(db) == []


@pytest.mark.parametrize("count", [10, 1_500])
async def test_an_import_never_unhides_a_hidden_zone(db, repo, count):
    await import_zones_csv(repo, _csv(_row("closed")))
    await db.execute("UPDATE zones SET hidden = 1 WHERE id = 'closed'")
    await db.commit()
    rows = [
        _row(f"z-{index}", lat=f"{40 + index / 1000:.4f}", country="") for index in range(count)
    ]
    report = await import_zones_csv(repo, _csv(_row("closed", lat="41.3"), *rows))
    assert (report.added, report.updated) == (count, 1)
    hidden = await db.execute_fetchall("SELECT hidden, lat FROM zones WHERE id = 'closed'")
    assert hidden[0][0] == 1
    assert hidden[0][1] == pytest.approx(41.3)
    assert await _index_mismatches(db) == []
    assert "closed" not in {zone.id for zone in await repo.exportable()}


async def test_import_zones_reads_any_format(repo):
    overpass = '{"elements": [{"type": "node", "id": 5, "lat": 41.1, "lon": -73.1,'
    overpass += ' "tags": {"name": "PD", "addr:city": "Town"}}]}'
    report = await import_zones(repo, overpass, "stations.json")
    assert (report.format, report.added) == ("overpass", 1)
    assert await repo.get("osm-node-5") is not None
