"""Community reports and suggestions: limits, admins, decisions, retention, forgetting.

The desk runs on real repositories over a SQLite file, with a controllable clock.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.community import (
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    PENDING_RETENTION,
    REPORTS_PER_DAY,
    RETENTION,
    SUGGESTIONS_PER_DAY,
    CommunityDesk,
    CommunityError,
    CommunityProblem,
    Reason,
    Report,
    Status,
)
from bot.domain.geo import Box
from bot.domain.zones import Zone, ZoneKind
from bot.i18n import Catalogs
from bot.texts import callbacks
from bot.texts import community as texts
from bot.texts.reply import Reply
from storage.community import ReportRepository, SuggestionRepository
from storage.db import open_database
from storage.zones import ZoneRepository
from tests.clock import NOON

NOW = NOON  # where the shared `clock` fixture starts
ADMIN, USER, OTHER = 1, 2, 3
ZONE = Zone("bpt-hq", "Bridgeport PD", ZoneKind.EXCHANGE_ZONE, 41.1797, -73.1893, country="US")
OSM = Zone("osm-node-42", "Live station", ZoneKind.POLICE_STATION, 41.5, -73.5)
EN = Catalogs().get("en")


async def live_station(zone_id: str) -> Zone | None:
    """Stands in for LiveZones.station: one cached OpenStreetMap station."""
    return OSM if zone_id == OSM.id else None


@pytest.fixture
async def db(tmp_path):
    connection = await open_database(tmp_path / "community.sqlite3")
    yield connection
    await connection.close()


@pytest.fixture
async def desk(db, clock) -> CommunityDesk:
    zones = ZoneRepository(db)
    await zones.upsert_many([ZONE])
    return CommunityDesk(
        ReportRepository(db),
        SuggestionRepository(db),
        zones,
        zones,
        [ADMIN],
        lookups=(live_station,),
        clock=clock,
    )


async def visible_ids(db) -> set[str]:
    """Ids of the zones a search can find (those in the R*Tree)."""
    rows = await ZoneRepository(db).candidates_in_boxes([Box(-90, 90, -180, 180)])
    return {row[0] for row in rows}


async def test_a_report_is_stored_pending_with_a_cleaned_note(desk):
    report = await desk.report(USER, ZONE.id, Reason.MOVED, "  moved to\n\n Main St  ")
    assert report.id > 0
    assert (report.zone_name, report.note, report.status) == (
        "Bridgeport PD",
        "moved to Main St",
        Status.PENDING,
    )
    assert report.created_at == NOW


async def test_reports_on_unknown_or_forged_zone_ids_are_refused(desk):
    for zone_id in ("nope", "", "x" * 49, "bpt-hq'; DROP TABLE zones; --"):
        with pytest.raises(CommunityError) as caught:
            await desk.report(USER, zone_id, Reason.CLOSED)
        assert caught.value.problem is CommunityProblem.NO_SUCH_ZONE


async def test_a_live_openstreetmap_station_can_be_reported(desk):
    report = await desk.report(USER, OSM.id, Reason.CLOSED)
    assert report.zone_name == "Live station"


async def test_a_note_too_long_is_refused_not_cut(desk):
    await desk.report(USER, ZONE.id, Reason.OTHER, "x" * MAX_NOTE_CHARS)
    with pytest.raises(CommunityError) as caught:
        await desk.report(OTHER, ZONE.id, Reason.OTHER, "x" * (MAX_NOTE_CHARS + 1))
    assert caught.value.problem is CommunityProblem.NOTE_TOO_LONG


async def test_one_pending_report_per_user_and_zone(desk):
    await desk.report(USER, ZONE.id, Reason.CLOSED)
    with pytest.raises(CommunityError) as caught:
        await desk.start_report(USER, ZONE.id)
    assert caught.value.problem is CommunityProblem.ALREADY_REPORTED
    await desk.report(OTHER, ZONE.id, Reason.CLOSED)  # someone else may


async def test_daily_report_limit_rolls_over_after_a_day(desk, clock):
    zones = [ZONE.id, OSM.id]
    for number in range(REPORTS_PER_DAY):
        report = await desk.report(USER, zones[number % 2], Reason.OTHER)
        await desk.dismiss_report(ADMIN, report.id)  # decided ones still count
    with pytest.raises(CommunityError) as caught:
        await desk.start_report(USER, ZONE.id)
    assert caught.value.problem is CommunityProblem.TOO_MANY_REPORTS
    with pytest.raises(CommunityError):
        await desk.report(USER, ZONE.id, Reason.OTHER)
    await desk.report(OTHER, ZONE.id, Reason.OTHER)  # the limit is per user
    clock.now += timedelta(days=1, seconds=1)
    await desk.report(USER, ZONE.id, Reason.OTHER)


async def test_the_limit_holds_in_storage_even_if_the_check_is_skipped(db):
    reports = ReportRepository(db)
    since = NOW - timedelta(days=1)
    stored = []
    for _ in range(3):
        draft = Report(0, USER, ZONE.id, ZONE.name, Reason.CLOSED, "", Status.PENDING, NOW)
        stored.append(await reports.add(draft, 2, since))
    assert [r is not None for r in stored] == [True, True, False]


async def test_suggestion_names_and_locations_are_checked(desk):
    short = CommunityProblem.NAME_TOO_SHORT
    for name, problem in (("", short), ("  a \n", short)):
        with pytest.raises(CommunityError) as caught:
            await desk.suggest(USER, name, 41.0, -73.0)
        assert caught.value.problem is problem
    with pytest.raises(CommunityError) as caught:
        await desk.suggest(USER, "y" * (MAX_NAME_CHARS + 1), 41.0, -73.0)
    assert caught.value.problem is CommunityProblem.NAME_TOO_LONG
    for lat, lon in ((91.0, 0.0), (0.0, 181.0), (float("nan"), 0.0)):
        with pytest.raises(CommunityError) as caught:
            await desk.suggest(USER, "Main St Police", lat, lon)
        assert caught.value.problem is CommunityProblem.BAD_LOCATION
    edge = await desk.suggest(USER, "Dateline Police", 10.0, 180.0)
    assert edge.lon == -180.0


async def test_daily_suggestion_limit(desk, clock):
    for number in range(SUGGESTIONS_PER_DAY):
        await desk.suggest(USER, f"Station {number}", 41.0, -73.0 + number / 100)
    with pytest.raises(CommunityError) as caught:
        await desk.start_suggestion(USER)
    assert caught.value.problem is CommunityProblem.TOO_MANY_SUGGESTIONS
    with pytest.raises(CommunityError):
        await desk.suggest(USER, "One too many", 41.0, -73.0)
    clock.now += timedelta(days=1, seconds=1)
    await desk.start_suggestion(USER)


async def test_only_admins_review_and_decide(desk):
    suggestion = await desk.suggest(USER, "Main St Police", 41.0, -73.0)
    report = await desk.report(USER, ZONE.id, Reason.CLOSED)
    assert desk.is_admin(ADMIN)
    assert not desk.is_admin(USER)
    for attempt in (
        desk.queue(USER),
        desk.approve_suggestion(USER, suggestion.id),
        desk.reject_suggestion(USER, suggestion.id),
        desk.confirm_report(USER, report.id),
        desk.dismiss_report(USER, report.id),
    ):
        with pytest.raises(CommunityError) as caught:
            await attempt
        assert caught.value.problem is CommunityProblem.NOT_ADMIN
    queue = await desk.queue(ADMIN)
    assert [s.id for s in queue.suggestions] == [suggestion.id]
    assert [r.id for r in queue.reports] == [report.id]
    assert (queue.suggestions_pending, queue.reports_pending) == (1, 1)


async def test_the_queue_shows_the_oldest_first_and_counts_all(desk, clock):
    for number in range(4):
        clock.now += timedelta(minutes=1)
        await desk.suggest(number + 10, f"Station {number}", 41.0, -73.0)
    queue = await desk.queue(ADMIN, limit=3)
    assert [s.name for s in queue.suggestions] == ["Station 0", "Station 1", "Station 2"]
    assert queue.reports == []
    assert queue.suggestions_pending == 4


async def test_an_approved_suggestion_becomes_a_searchable_community_zone(desk, db, clock):
    suggestion = await desk.suggest(USER, "Main St Police", 41.25, -73.25)
    clock.now += timedelta(days=2)
    zone = await desk.approve_suggestion(ADMIN, suggestion.id)
    assert zone.id == f"community-{suggestion.id}"
    assert (zone.kind, zone.source, zone.verified) == (
        ZoneKind.POLICE_STATION,
        "community",
        "2026-06-17",
    )
    assert await ZoneRepository(db).get(zone.id) == zone
    assert zone.id in await visible_ids(db)
    stored = await SuggestionRepository(db).get(suggestion.id)
    assert (stored.status, stored.zone_id) == (Status.APPROVED, zone.id)
    with pytest.raises(CommunityError) as caught:  # a second press, or a second admin
        await desk.approve_suggestion(ADMIN, suggestion.id)
    assert caught.value.problem is CommunityProblem.ALREADY_DECIDED
    with pytest.raises(CommunityError):
        await desk.reject_suggestion(ADMIN, suggestion.id)


async def test_approval_never_overwrites_an_imported_zone_with_the_same_id(desk, db):
    suggestion = await desk.suggest(USER, "Main St Police", 41.25, -73.25)
    taken = Zone(f"community-{suggestion.id}", "Imported", ZoneKind.EXCHANGE_ZONE, 1.0, 1.0)
    await ZoneRepository(db).upsert_many([taken])
    zone = await desk.approve_suggestion(ADMIN, suggestion.id)
    assert zone.id == f"community-{suggestion.id}-2"
    assert (await ZoneRepository(db).get(taken.id)).name == "Imported"


async def test_a_rejected_suggestion_adds_nothing(desk, db):
    suggestion = await desk.suggest(USER, "Main St Police", 41.25, -73.25)
    count = await ZoneRepository(db).count()
    await desk.reject_suggestion(ADMIN, suggestion.id)
    assert await ZoneRepository(db).count() == count
    assert (await SuggestionRepository(db).get(suggestion.id)).status is Status.REJECTED


async def test_unknown_ids_are_already_decided(desk):
    for attempt in (
        desk.approve_suggestion(ADMIN, 999),
        desk.reject_suggestion(ADMIN, 999),
        desk.confirm_report(ADMIN, 999),
        desk.dismiss_report(ADMIN, 999),
    ):
        with pytest.raises(CommunityError) as caught:
            await attempt
        assert caught.value.problem is CommunityProblem.ALREADY_DECIDED


async def test_a_confirmed_closed_report_hides_the_zone(desk, db):
    assert ZONE.id in await visible_ids(db)
    report = await desk.report(USER, ZONE.id, Reason.CLOSED, "boarded up")
    decision = await desk.confirm_report(ADMIN, report.id)
    assert decision.hidden
    assert ZONE.id not in await visible_ids(db)
    assert await ZoneRepository(db).is_hidden(ZONE.id)
    assert await ZoneRepository(db).get(ZONE.id) is None  # no more meetups planned there
    assert await ZoneRepository(db).get(ZONE.id, include_hidden=True) is not None  # kept


async def test_other_confirmed_reports_and_dismissals_hide_nothing(desk, db):
    moved = await desk.report(USER, ZONE.id, Reason.MOVED)
    assert not (await desk.confirm_report(ADMIN, moved.id)).hidden
    closed = await desk.report(OTHER, ZONE.id, Reason.CLOSED)
    assert (await desk.dismiss_report(ADMIN, closed.id)).status is Status.REJECTED
    assert (await ReportRepository(db).get(closed.id)).status is Status.REJECTED
    assert ZONE.id in await visible_ids(db)


async def test_a_closed_openstreetmap_station_cannot_be_hidden_here(desk):
    report = await desk.report(USER, OSM.id, Reason.CLOSED)
    decision = await desk.confirm_report(ADMIN, report.id)
    assert not decision.hidden
    assert "openstreetmap.org" in texts.confirmed_text(decision, EN)


async def test_purge_keeps_items_for_their_retention(desk, db, clock):
    decided = await desk.report(USER, ZONE.id, Reason.OTHER)
    await desk.dismiss_report(ADMIN, decided.id)
    pending = await desk.suggest(USER, "Main St Police", 41.0, -73.0)
    clock.now += RETENTION - timedelta(minutes=1)
    assert await desk.purge() == 0
    clock.now += timedelta(minutes=2)
    assert await desk.purge() == 1
    assert await ReportRepository(db).get(decided.id) is None
    clock.now = NOW + PENDING_RETENTION + timedelta(minutes=1)
    assert await desk.purge() == 1
    assert await SuggestionRepository(db).get(pending.id) is None


async def test_forget_deletes_the_users_items_only_and_keeps_approved_zones(desk, db):
    suggestion = await desk.suggest(USER, "Main St Police", 41.0, -73.0)
    zone = await desk.approve_suggestion(ADMIN, suggestion.id)
    await desk.suggest(USER, "Second Police", 42.0, -73.0)
    await desk.report(USER, ZONE.id, Reason.CLOSED)
    theirs = await desk.report(OTHER, ZONE.id, Reason.UNSAFE)
    await desk.forget(USER)
    for table in ("community_reports", "community_suggestions"):
        rows = await db.execute_fetchall(f"SELECT count(*) FROM {table} WHERE user_id = ?", (USER,))
        assert next(iter(rows))[0] == 0
    assert await ReportRepository(db).get(theirs.id) is not None
    assert await ZoneRepository(db).get(zone.id) is not None
    await desk.start_suggestion(USER)  # and their (deleted) items no longer count


async def test_hidden_zones_stay_hidden_through_bundled_upserts_and_imports(db):
    """The start-up upsert and `python -m bot import` must never un-hide a zone."""
    zones = hider = ZoneRepository(db)
    await zones.upsert_many([ZONE])
    assert await hider.hide(ZONE.id)
    moved = Zone(ZONE.id, "Bridgeport PD (new)", ZONE.kind, 41.2, -73.2, country="US")
    await zones.upsert_many([moved])
    assert await hider.is_hidden(ZONE.id)
    assert ZONE.id not in await visible_ids(db)
    assert await zones.import_zones([ZONE]) == (0, 1, 0)
    assert await zones.import_zones([ZONE]) == (0, 0, 1)
    assert await hider.is_hidden(ZONE.id)
    assert ZONE.id not in await visible_ids(db)
    assert (await zones.get(ZONE.id, include_hidden=True)).name == ZONE.name  # data updated
    assert await hider.show(ZONE.id)
    assert ZONE.id in await visible_ids(db)
    rows = await ZoneRepository(db).candidates_in_boxes([Box(41.17, 41.19, -73.2, -73.18)])
    assert [row[0] for row in rows] == [ZONE.id]  # shown again at its current position
    assert not await hider.hide("no-such-zone")


async def test_a_zone_inserted_hidden_never_enters_the_index(db):
    await db.execute(
        "INSERT INTO zones (id, name, kind, lat, lon, hidden) "
        "VALUES ('h', 'H', 'police_station', 1, 1, 1)"
    )
    await db.commit()
    assert "h" not in await visible_ids(db)
    rows = await db.execute_fetchall("SELECT count(*) FROM zones_rtree")
    assert next(iter(rows))[0] == 0


# -- Texts and button data -----------------------------------------------------------------


def _all_data(reply: Reply) -> list[str]:
    data = [choice.data for choice in reply.choices]
    for pin in reply.pins:
        data += [choice.data for choice in pin.choices]
    return data


async def test_every_button_fits_telegrams_64_bytes_with_the_longest_zone_id(desk, clock):
    longest = Zone("z" * 48, "Long", ZoneKind.POLICE_STATION, 1.0, 1.0)
    data = _all_data(texts.reasons_reply(longest, EN))
    data.append(callbacks.REPORT + longest.id)
    suggestion = await desk.suggest(USER, "Main St Police", 41.0, -73.0)
    report = await desk.report(USER, ZONE.id, Reason.CLOSED, "note <b>")
    for reply in texts.review_replies(await desk.queue(ADMIN), EN):
        data += _all_data(reply)
    assert len(data) == 5 + 1 + 4
    assert all(1 <= len(item.encode()) <= 64 for item in data)
    assert callbacks.parse_reason(f"rr:not_zone:{longest.id}") == (Reason.NOT_ZONE, longest.id)
    assert callbacks.parse_id(f"cs+:{suggestion.id}", callbacks.APPROVE_SUGGESTION) == suggestion.id
    assert callbacks.parse_id(f"cr-:{report.id}", callbacks.DISMISS_REPORT) == report.id


@pytest.mark.parametrize(
    "data", ["rr:", "rr:closed:", "rr:bogus:bpt-hq", "rr:closed:" + "z" * 49, "xx:closed:a", None]
)
def test_forged_reason_data_is_refused(data):
    assert callbacks.parse_reason(data) is None


@pytest.mark.parametrize("data", ["cs+:", "cs+:abc", "cs+:-1", "cs+:1 ", "cs+:" + "9" * 13, None])
def test_forged_ids_are_refused(data):
    assert callbacks.parse_id(data, callbacks.APPROVE_SUGGESTION) is None


async def test_review_texts_escape_what_users_typed(desk):
    await desk.suggest(USER, "<script> & Co", 41.0, -73.0)
    await desk.report(USER, ZONE.id, Reason.OTHER, "<b>bold</b>")
    replies = texts.review_replies(await desk.queue(ADMIN), EN)
    joined = "\n".join(reply.text for reply in replies)
    assert "&lt;script&gt; &amp; Co" in joined
    assert "&lt;b&gt;bold&lt;/b&gt;" in joined
    assert "Suggestions pending: 1" in joined


async def test_an_empty_queue_says_so(desk):
    replies = texts.review_replies(await desk.queue(ADMIN), EN)
    assert len(replies) == 1
    assert "Nothing to review" in replies[0].text


def test_every_problem_has_a_text():
    for problem in CommunityProblem:
        assert texts.problem_text(problem, EN)
