"""Start-up, rehydration, memory and import with a big database (issue 7, items 3-5).

Each figure comes with a baseline measured in the same run:

* start-up: ``python -m bot`` from process start to its first ``getUpdates`` against a
  loopback fake Bot API, with N zones and N pending reminders stored, against a bare PTB bot
  that loads nothing;
* memory: peak RSS (VmHWM) of the same two processes after answering a few locations;
* rehydration: ``ReminderService.rehydrate`` (times only what is due within the horizon)
  against timing every pending reminder with ``JobQueue.run_once``;
* import: ``import_zones_csv`` of an N-row CSV (one transaction) against inserting the same
  rows one statement and one commit at a time.

``--quick`` runs small sizes through the same code for CI: it fails on errors or wrong
results (a reminder timed twice or not at all, an import that lost rows or left the R*Tree
out of step), never on timing. ``--only import`` (repeatable) runs one part.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
from telegram.ext import Application

from benchmarks.synthetic import synthetic_zones, write_zones
from bot.domain.zones import write_zones_csv
from bot.ptb.outbox import JobQueueScheduler
from bot.usecases.importer import import_zones_csv
from bot.usecases.reminders import ReminderService
from storage.db import open_database
from storage.meetups import MeetupRepository
from storage.zones import ZoneRepository
from tests.fakes import updates
from tests.fakes.telegram_api import FakeTelegramAPI, Params

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-TOKEN"
REMINDERS_PER_MEETUP = 3
PLANNING_SPAN = timedelta(days=14)
ANSWERED_LOCATIONS = 20
PARTS = ("processes", "rehydration", "import")
BARE_BOT = """
import sys
from telegram.ext import Application, MessageHandler, filters

async def answer(update, context):
    await update.effective_message.reply_venue(41.18, -73.19, "Police", "300 Congress St")

app = Application.builder().token(sys.argv[1]).base_url(sys.argv[2]).build()
app.add_handler(MessageHandler(filters.LOCATION, answer))
app.run_polling()
"""


def machine() -> str:
    """A label for the machine the figures come from."""
    return f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


# -- data ----------------------------------------------------------------------------------


async def seed_reminders(path: Path, count: int, now: datetime, seed: int = 7) -> None:
    """Store meetups with ``count`` pending reminders, spread over the next two weeks."""
    rng = random.Random(seed)
    db = await open_database(path)
    meetups, reminders = [], []
    for meetup_id in range(1, count // REMINDERS_PER_MEETUP + 2):
        starts = now + timedelta(minutes=10) + PLANNING_SPAN * rng.random()
        meetups.append(
            (
                *(meetup_id, meetup_id, meetup_id, "us-ct-bridgeport-police-hq", "Bridgeport PD"),
                *("300 Congress St", 41.18, -73.19, "US", "America/New_York"),
                *(starts.timestamp(), "", "en", "planned", now.timestamp()),
            )
        )
        for kind, offset in (("before", 3600), ("before", 900), ("checkin", -1800)):
            due = (starts - timedelta(seconds=offset)).timestamp()
            reminders.append((meetup_id, kind, offset, due, "pending", now.timestamp()))
    await db.executemany(
        "INSERT INTO meetups (id, user_id, chat_id, zone_id, zone_name, zone_address, lat, lon, "
        "country, timezone, starts_at, note, language, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        meetups,
    )
    await db.executemany(
        "INSERT INTO reminders (meetup_id, kind, offset_s, due_at, state, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        reminders[:count],
    )
    await db.commit()
    await db.close()


async def build_database(directory: Path, zones: int, reminders: int) -> Path:
    """A database file with ``zones`` synthetic zones and ``reminders`` pending reminders."""
    path = directory / "big.sqlite3"
    await write_zones(path, synthetic_zones(zones))
    await seed_reminders(path, reminders, datetime.now(UTC))
    return path


# -- start-up and memory -------------------------------------------------------------------


class TimedFakeAPI(FakeTelegramAPI):
    """The fake Bot API, noting when the first getUpdates arrives."""

    first_poll: float | None = None

    async def _api_getupdates(self, params: Params) -> list[dict]:
        if self.first_poll is None:
            self.first_poll = time.perf_counter()
        return await super()._api_getupdates(params)


def _peak_rss_mb(pid: int) -> float:
    """Peak resident set size of a process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc (Linux only)")


async def _wait_polling(api: TimedFakeAPI, process: subprocess.Popen, within: float) -> None:
    deadline = time.perf_counter() + within
    while api.first_poll is None:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited with {process.returncode} before polling")
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the bot did not poll within {within}s")
        await asyncio.sleep(0.002)


async def run_process(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Start a bot, time it to its first poll, let it answer locations, read its peak RSS."""
    async with TimedFakeAPI(token=TOKEN) as api:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: ASYNC220 - started, not waited on, while timing
            [part.replace("{base_url}", api.base_url) for part in command],
            env=env | {"TELEGRAM_API_URL": api.root_url},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a pipe nobody reads: left open, and a stall once full
        )
        try:
            await _wait_polling(api, process, within=120)
            startup_s = api.first_poll - started  # type: ignore[operator]
            for user in range(1, ANSWERED_LOCATIONS + 1):
                api.push_update(updates.location_message(41.18, -73.19, user_id=user))
            await api.wait_for("sendVenue", count=ANSWERED_LOCATIONS, within=60)
            peak = _peak_rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return {"startup_s": startup_s, "peak_rss_mb": peak}


def bot_environment(db_path: Path) -> dict[str, str]:
    """Environment for ``python -m bot`` against the fake API, offline."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAFEMEET_"))}
    return keep | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "SAFEMEET_DB": str(db_path),
        "NOMINATIM_URL": "",
        "OVERPASS_URL": "",
        "SAFEMEET_LOG_LEVEL": "WARNING",
    }


async def measure_processes(db_path: Path) -> dict[str, dict[str, float]]:
    """Start-up and peak RSS of SafeMeet on the big database and of a bare PTB bot."""
    env = bot_environment(db_path)
    bare = await run_process([sys.executable, "-c", BARE_BOT, TOKEN, "{base_url}"], env)
    safemeet = await run_process([sys.executable, "-m", "bot"], env)
    return {"bare": bare, "safemeet": safemeet}


# -- rehydration ---------------------------------------------------------------------------


async def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def measure_rehydration(db_path: Path) -> dict[str, float]:
    """Rehydrate with the horizon against timing every pending reminder (same database)."""
    db = await open_database(db_path)
    store = MeetupRepository(db)
    try:
        service_app = Application.builder().token(TOKEN).build()
        scheduler = JobQueueScheduler(service_app.job_queue)  # type: ignore[arg-type]
        service = ReminderService(store, _NoOutbox(), scheduler)
        report = await service.rehydrate()
        seconds = await _timed(lambda: _rehydrate_again(db_path))
        expected = len(await store.pending_due_by(datetime.now(UTC) + service.horizon))
        if abs(report.scheduled - expected) > 1:
            raise AssertionError(f"timed {report.scheduled} reminders, {expected} are due")
        naive_app = Application.builder().token(TOKEN).build()
        naive = await _timed(lambda: _time_everything(store, naive_app))
        pending = report.pending
    finally:
        await db.close()
    return {
        "pending": pending,
        "timed": report.scheduled,
        "rehydrate_s": seconds,
        "naive_s": naive,
    }


class _NoOutbox:
    async def deliver(self, meetup: object, reminder: object, time_left: object) -> None:
        raise AssertionError("nothing is due during the benchmark")


async def _rehydrate_again(db_path: Path) -> None:
    """A start-up's rehydration on a fresh connection and a fresh JobQueue."""
    db = await open_database(db_path)
    try:
        app = Application.builder().token(TOKEN).build()
        scheduler = JobQueueScheduler(app.job_queue)  # type: ignore[arg-type]
        await ReminderService(MeetupRepository(db), _NoOutbox(), scheduler).rehydrate()
    finally:
        await db.close()


async def _time_everything(store: MeetupRepository, app: Application) -> None:
    """The naive rehydration: one JobQueue timer per pending reminder."""
    now = datetime.now(UTC)
    assert app.job_queue is not None
    for reminder in await store.pending():
        app.job_queue.run_once(
            _never, when=max(reminder.due_at - now, timedelta()), name=f"reminder:{reminder.id}"
        )


async def _never(context: object) -> None:
    raise AssertionError("the benchmark's JobQueue never runs")


# -- import --------------------------------------------------------------------------------


def import_csv_text(rows: int) -> str:
    """An N-row zones CSV of synthetic zones, each with an address (the importer needs one)."""
    zones = synthetic_zones(rows, seed=99).zones()
    return write_zones_csv(
        replace(zone, address=f"{index} Synthetic Street", city="Synthetic")
        for index, zone in enumerate(zones)
    )


async def _check_index(db: aiosqlite.Connection, rows: int) -> None:
    """Every zone has exactly one R*Tree entry, at its position (32-bit floats round)."""
    matched = await db.execute_fetchall(
        "SELECT count(*) FROM zones AS z JOIN zones_rtree AS r ON r.zone_rowid = z.rowid "
        "WHERE abs(r.min_lat - z.lat) < 1e-4 AND abs(r.min_lon - z.lon) < 1e-4"
    )
    indexed = await db.execute_fetchall("SELECT count(*) FROM zones_rtree")
    if matched[0][0] != rows or indexed[0][0] != rows:
        raise AssertionError(f"R*Tree out of step: {matched[0][0]}/{indexed[0][0]} of {rows}")


async def measure_import(directory: Path, rows: int) -> dict[str, float]:
    """Import an N-row CSV in one transaction against one commit per row."""
    csv_text = import_csv_text(rows)
    db = await open_database(directory / "import.sqlite3")
    try:
        started = time.perf_counter()
        report = await import_zones_csv(ZoneRepository(db), csv_text)
        seconds = time.perf_counter() - started
        if report.added != rows or report.rejected:
            raise AssertionError(f"import lost rows: {report.lines()[0]}")
        await _check_index(db, rows)
        again = await import_zones_csv(ZoneRepository(db), csv_text)
        if again.unchanged != rows:
            raise AssertionError(f"re-import changed rows: {again.lines()[0]}")
    finally:
        await db.close()
    naive = await _naive_import(directory / "naive.sqlite3", csv_text)
    return {"rows": rows, "import_s": seconds, "naive_s": naive}


async def _naive_import(path: Path, csv_text: str) -> float:
    """Validate the same CSV, then insert row by row with a commit after each."""
    from bot.usecases.importer import parse_zones_csv
    from storage.zone_rows import zone_params
    from storage.zones import _UPSERT

    db = await open_database(path)
    try:
        started = time.perf_counter()
        zones, _ = parse_zones_csv(csv_text)
        for zone in zones:
            await db.execute(_UPSERT, zone_params(zone))
            await db.commit()
        return time.perf_counter() - started
    finally:
        await db.close()


# -- driver --------------------------------------------------------------------------------


async def run(
    zones: int, reminders: int, import_rows: int, parts: Sequence[str] = PARTS
) -> dict[str, Any]:
    """The measurements named in ``parts`` (all by default), each with its baseline."""
    directory = Path(tempfile.mkdtemp(prefix="safemeet-bench-"))
    try:
        results: dict[str, Any] = {"machine": machine()}
        if "processes" in parts or "rehydration" in parts:
            started = time.perf_counter()
            db_path = await build_database(directory, zones, reminders)
            results |= {
                "zones": zones,
                "reminders": reminders,
                "build_s": time.perf_counter() - started,
            }
        if "processes" in parts:
            results["processes"] = await measure_processes(db_path)
        if "rehydration" in parts:
            results["rehydration"] = await measure_rehydration(db_path)
        if "import" in parts:
            results["import"] = await measure_import(directory, import_rows)
        return results
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def report(results: dict[str, Any]) -> str:
    """The results as a plain table (only the parts that were run)."""
    rows = []
    lines = [f"machine: {results['machine']}"]
    if "build_s" in results:
        lines.append(
            f"database: {results['zones']} zones, {results['reminders']} pending reminders "
            f"(built in {results['build_s']:.1f} s)"
        )
    if "processes" in results:
        bare, safemeet = results["processes"]["bare"], results["processes"]["safemeet"]
        rows += [
            (
                "start-up to first getUpdates (s)",
                safemeet["startup_s"],
                bare["startup_s"],
                "bare PTB",
            ),
            ("peak RSS (MB)", safemeet["peak_rss_mb"], bare["peak_rss_mb"], "bare PTB"),
        ]
    if "rehydration" in results:
        rehydration = results["rehydration"]
        lines.append(f"{rehydration['timed']} reminders due within the hour")
        rows.append(
            (
                f"rehydrate {rehydration['pending']} pending (s)",
                rehydration["rehydrate_s"],
                rehydration["naive_s"],
                "run_once each",
            )
        )
    if "import" in results:
        imported = results["import"]
        rows.append(
            (
                f"import {imported['rows']} rows (s)",
                imported["import_s"],
                imported["naive_s"],
                "commit per row",
            )
        )
    lines.append(f"{'measure':<40} {'SafeMeet':>10} {'baseline':>10} {'ratio':>8}  baseline is")
    for name, ours, base, what in rows:
        lines.append(f"{name:<40} {ours:>10.3f} {base:>10.3f} {ours / base:>8.3f}  {what}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally save) the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (repeatable)"
    )
    args = parser.parse_args(argv)
    sizes = (2_000, 3_000, 2_000) if args.quick else (100_000, 100_000, 100_000)
    results = asyncio.run(run(*sizes, parts=args.only or PARTS))
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
