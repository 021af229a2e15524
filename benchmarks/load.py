"""Load and memory soak on loopback: many users at once, then a long run watching the bot's RSS.

SafeMeet runs as a subprocess (``python -m bot``) against the loopback fake Bot API, with a
database of synthetic zones, exactly as in benchmarks/throughput.py (whose helpers this reuses),
plus one synthetic zone a few metres from each postal code the users type: US ZIP codes and
Canadian postal codes that the bot resolves offline (bot/sources/postal.py). Every zone a
search should find has no other zone within 500 m, so the right pin is known without searching.

* load: N distinct users (private chats) each send a shared location, a typed postal code and
  then ``/meetup in 3 hours``; all 3N updates are queued at once, interleaved at random but in
  order per user, as Telegram delivers them. Every user must get, exactly once each, a text
  and a pin (sendVenue) at the right zone for both searches, and a "Meetup planned" card for
  the postal code's zone; afterwards the database holds exactly one meetup per user and
  passes ``PRAGMA integrity_check``.
* soak: U users in rotation send M updates (locations and postal codes from a fixed set of
  searches) in batches, after a warm-up pass over every search; the bot's RSS (VmRSS) is read
  after each batch. Memory is flat when the median RSS of the last quarter of the batches is
  at most max(10 MB, 10%) above that of the first quarter. ``SAFEMEET_FLOOD_LIMIT=0`` here:
  the rotating users send far more than a real user's per-minute allowance.

In both, no Bot API call may fail and the bot may log no error (stdout and stderr go to a
file); geocoding and live OpenStreetMap data are off and ``SAFEMEET_MAX_SEND_RATE=0``. Wrong,
missing or duplicate answers, errors and a clear leak fail the run; timing never does.

    python -m benchmarks.load --quick      # CI: 100 users, 1,000-update soak
    python -m benchmarks.load              # README: 1,000 users, 10,000-update soak
    python -m benchmarks.load soak         # one mode only (load or soak)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from collections.abc import Iterator, Sequence
from contextlib import closing, suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from benchmarks.throughput import (
    WARNING_MARKERS,
    BenchAPI,
    BenchmarkError,
    Config,
    Target,
    all_zones,
    bot_environment,
    cpu_delta,
    failed_calls,
    isolated_zones,
    log_problems,
    log_tail,
    machine,
    machine_label,
    make_plan,
    near,
    pass_timeout_s,
    prepare_database,
    process_cpu_s,
    start_bot,
    stop_bot,
    venue_problem,
    wait_until_idle,
    wait_until_polling,
)
from bot.domain.zones import Zone, ZoneKind, bundled_zones
from bot.sources.postal import PostalDirectory, PostalPlace, parse_postal_code
from tests.fakes.telegram_api import Params
from tests.fakes.updates import text_message

TOKEN = "765432:LOAD-TOKEN"
MODES = ("load", "soak")
MEETUP_COMMAND = "/meetup in 3 hours"
MEETUP_PLANNED = "Meetup planned"
# Per load user: a text and a pin for each of the two searches, then the meetup card.
TEXTS_PER_USER = 3
VENUES_PER_USER = 2
REPLIES_PER_SEARCH = 2  # a text and a pin
# A run in which no answer arrives for this long has lost some: no need to wait for the rest.
STALL_S = 30.0
# Memory is flat when the last quarter's median RSS is within max(LEAK_MB, LEAK_SHARE) of the
# first quarter's.
LEAK_MB = 10.0
LEAK_SHARE = 0.10
# Typed postal codes: three in four US ZIP codes (one in five of those as ZIP+4), the rest
# Canadian postal codes (the bot resolves the first three characters).
US_SHARE = 0.75
ZIP4_SHARE = 0.2
CA_FIRST_LETTERS = "ABCEGHJKLMNPRSTVXY"
CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
DRAWS_PER_CODE = 50
CANDIDATES_PER_CODE = 2


@dataclass(frozen=True)
class LoadConfig:
    """Sizes of one run."""

    zones: int
    users: int
    soak_updates: int
    soak_batch: int
    soak_users: int
    soak_searches: int
    seed: int = 1


QUICK = LoadConfig(
    zones=2_000, users=100, soak_updates=1_000, soak_batch=100, soak_users=50, soak_searches=100
)
FULL = LoadConfig(
    zones=100_000,
    users=1_000,
    soak_updates=10_000,
    soak_batch=500,
    soak_users=200,
    soak_searches=400,
)


@dataclass(frozen=True)
class PostalTarget(Target):
    """A typed postal code: ``lat``/``lon`` is where the bot puts it, ``zone`` a few metres off."""

    code: str = ""

    def update(self) -> dict:
        """The text message update with the code."""
        return text_message(self.code, user_id=self.chat_id)


@dataclass(frozen=True)
class User:
    """One load user: a shared location, then a typed postal code, then /meetup."""

    location: Target
    postal: PostalTarget

    @property
    def chat_id(self) -> int:
        """The user's private chat (its id is the user's)."""
        return self.location.chat_id

    def updates(self) -> list[dict]:
        """The user's updates, in the order they send them."""
        meetup = text_message(MEETUP_COMMAND, user_id=self.chat_id)
        return [self.location.update(), self.postal.update(), meetup]


@dataclass(frozen=True)
class Scenario:
    """The zones to store and the users of the run."""

    zones: list[Zone]
    users: list[User]


@dataclass(frozen=True)
class LoadResult:
    """The load phase: sizes, wall time, CPU, memory and what the database holds."""

    users: int
    updates: int
    answers: int
    elapsed_s: float
    bot_cpu_s: float | None
    rss_before_mb: float | None
    rss_after_mb: float | None
    meetups: int
    integrity: str
    log_warnings: int

    @property
    def answers_per_s(self) -> float:
        """Bot API answers (texts and pins) per second."""
        return self.answers / self.elapsed_s

    @property
    def updates_per_s(self) -> float:
        """Updates handled per second."""
        return self.updates / self.elapsed_s


@dataclass(frozen=True)
class SoakResult:
    """The soak: sizes, wall time and the RSS after the warm-up and after each batch."""

    updates: int
    batch: int
    users: int
    searches: int
    elapsed_s: float
    bot_cpu_s: float | None
    warmup_rss_mb: float | None
    rss_mb: list[float] = field(default_factory=list)
    log_warnings: int = 0

    @property
    def answers_per_s(self) -> float:
        """Bot API answers (texts and pins) per second."""
        return REPLIES_PER_SEARCH * self.updates / self.elapsed_s

    def _quarter(self, last: bool) -> list[float]:
        size = max(1, len(self.rss_mb) // 4)
        return self.rss_mb[-size:] if last else self.rss_mb[:size]

    @property
    def first_quarter_mb(self) -> float | None:
        """Median RSS over the first quarter of the batches."""
        return statistics.median(self._quarter(False)) if self.rss_mb else None

    @property
    def last_quarter_mb(self) -> float | None:
        """Median RSS over the last quarter of the batches."""
        return statistics.median(self._quarter(True)) if self.rss_mb else None

    @property
    def growth_mb(self) -> float | None:
        """How much the RSS grew from the first quarter to the last."""
        first, last = self.first_quarter_mb, self.last_quarter_mb
        return None if first is None or last is None else last - first

    @property
    def bound_mb(self) -> float | None:
        """The growth allowed before memory counts as leaking."""
        first = self.first_quarter_mb
        return None if first is None else max(LEAK_MB, LEAK_SHARE * first)

    @property
    def flat(self) -> bool:
        """True unless the RSS clearly grew (True when it could not be read)."""
        growth, bound = self.growth_mb, self.bound_mb
        return growth is None or bound is None or growth <= bound


@dataclass
class Report:
    """Everything measured, with the machine and the sizes."""

    mode: str
    machine: dict[str, Any]
    config: LoadConfig
    load: LoadResult | None = None
    soak: SoakResult | None = None


# -- zones, postal codes and users ---------------------------------------------------------------


def candidate_code(rng: random.Random) -> str:
    """A postal code as a user would type it; it may not exist."""
    if rng.random() < US_SHARE:
        zip_code = f"{rng.randrange(100_000):05d}"
        return f"{zip_code}-{rng.randrange(10_000):04d}" if rng.random() < ZIP4_SHARE else zip_code
    area = rng.choice(CA_FIRST_LETTERS) + str(rng.randrange(10)) + rng.choice(CA_LETTERS)
    return f"{area} {rng.randrange(10)}{rng.choice(CA_LETTERS)}{rng.randrange(10)}"


async def postal_places(count: int, rng: random.Random) -> list[tuple[str, PostalPlace]]:
    """``count`` typed codes for distinct places, resolved the way the bot resolves them."""
    directory = PostalDirectory()
    found: dict[tuple[str, str], tuple[str, PostalPlace]] = {}
    for _ in range(count * DRAWS_PER_CODE):
        code = candidate_code(rng)
        place = await directory.lookup(parse_postal_code(code))
        if place is not None:
            found.setdefault((place.query.country, place.query.key), (code, place))
            if len(found) == count:
                return list(found.values())
    raise BenchmarkError(f"only {len(found)} of {count} postal codes resolve offline")


def postal_zone(index: int, place: PostalPlace, rng: random.Random) -> Zone:
    """A synthetic zone up to a few metres from where the postal code resolves."""
    at = Zone(
        id=f"postal-{index:06d}",
        name=f"Postal code zone {index}",
        kind=ZoneKind.EXCHANGE_ZONE,
        lat=place.point.lat,
        lon=place.point.lon,
        address=f"{index % 9_000 + 1} Station Road",
        city=place.locality,
        region=place.region,
        country=place.query.country,
        source="synthetic",
    )
    lat, lon = near(at, rng)
    return replace(at, lat=lat, lon=lon)


async def postal_targets(
    chat_ids: Sequence[int], zones: Sequence[Zone], rng: random.Random
) -> list[PostalTarget]:
    """One typed postal code per chat, each with its own zone, isolated from every other zone."""
    places = await postal_places(CANDIDATES_PER_CODE * len(chat_ids), rng)
    typed = {}
    for index, (code, place) in enumerate(places):
        zone = postal_zone(index, place, rng)
        typed[zone.id] = (zone, code, place)
    candidates = [zone for zone, _, _ in typed.values()]
    chosen = isolated_zones(candidates, [*zones, *bundled_zones(), *candidates], len(chat_ids))
    if len(chosen) < len(chat_ids):
        raise BenchmarkError(f"only {len(chosen)} isolated postal code zones")
    targets = []
    for chat_id, zone in zip(chat_ids, chosen, strict=True):
        _, code, place = typed[zone.id]
        targets.append(PostalTarget(chat_id, place.point.lat, place.point.lon, zone, code))
    return targets


async def make_scenario(config: LoadConfig) -> Scenario:
    """Synthetic zones, then users each with a location and a postal code near their own zone."""
    rng = random.Random(config.seed)
    zones = all_zones(config.zones)
    count = max(config.users, -(-config.soak_searches // 2))
    plan = make_plan(zones, Config(config.zones, count, 1, 0, 0, config.seed))
    if len(plan.throughput) < count:
        raise BenchmarkError("not enough isolated zones to send locations near")
    postal = await postal_targets([t.chat_id for t in plan.throughput], zones, rng)
    users = [User(location, code) for location, code in zip(plan.throughput, postal, strict=True)]
    return Scenario([*zones, *(user.postal.zone for user in users)], users)


def interleaved(users: Sequence[User], rng: random.Random) -> list[dict]:
    """Every user's updates, shuffled together but in order for each user."""
    queues = [deque(user.updates()) for user in users]
    turns = [index for index, queue in enumerate(queues) for _ in queue]
    rng.shuffle(turns)
    return [queues[index].popleft() for index in turns]


def soak_batches(
    users: Sequence[User], config: LoadConfig
) -> tuple[list[Target], list[list[Target]]]:
    """The warm-up pass (every search once) and the soak's batches, from rotating users."""
    searches = [t for user in users for t in (user.location, user.postal)][: config.soak_searches]
    chats = [user.chat_id for user in users][: config.soak_users]
    rng = random.Random(config.seed)
    warmup = [
        replace(search, chat_id=chats[index % len(chats)]) for index, search in enumerate(searches)
    ]
    soak = [
        replace(rng.choice(searches), chat_id=chats[index % len(chats)])
        for index in range(config.soak_updates)
    ]
    batches = [
        soak[start : start + config.soak_batch] for start in range(0, len(soak), config.soak_batch)
    ]
    return warmup, batches


# -- the fake Bot API and the bot ----------------------------------------------------------------


class LoadAPI(BenchAPI):
    """The benchmark's fake Bot API, also keeping the texts sent and counting every answer."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.messages: dict[int, list[str]] = defaultdict(list)
        self.replies = 0
        self.last_reply_at = 0.0
        self._reply = asyncio.Event()

    def _api_sendmessage(self, params: Params) -> dict:
        result = super()._api_sendmessage(params)
        self.messages[int(params["chat_id"])].append(str(params["text"]))
        self._replied()
        return result

    def _api_sendvenue(self, params: Params) -> dict:
        result = super()._api_sendvenue(params)
        self._replied()
        return result

    def _replied(self) -> None:
        self.replies += 1
        self.last_reply_at = time.perf_counter()
        self._reply.set()

    async def wait_for_replies(
        self, count: int, within: float, process: asyncio.subprocess.Process
    ) -> None:
        """Wait for ``count`` answers in all; fail if the bot exits, stalls or runs out of time."""
        deadline = time.perf_counter() + within
        while self.replies < count:
            remaining = deadline - time.perf_counter()
            if process.returncode is not None:
                raise BenchmarkError(f"the bot exited with {process.returncode}")
            if remaining <= 0:
                raise BenchmarkError(f"only {self.replies} of {count} answers in time")
            before = self.replies
            self._reply.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._reply.wait(), min(remaining, STALL_S))
            if self.replies == before and time.perf_counter() < deadline:
                raise BenchmarkError(f"stalled at {self.replies} of {count} answers")


def rss_mb(pid: int) -> float | None:
    """The resident set size of a process in MB (Linux /proc), else None."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def log_warnings(log_path: Path) -> int:
    """How many warnings the bot logged."""
    lines = log_path.read_text(errors="replace").splitlines()
    return sum(any(marker in line for marker in WARNING_MARKERS) for line in lines)


async def push_and_wait(
    api: LoadAPI, process: asyncio.subprocess.Process, updates: Sequence[dict], answers: int
) -> None:
    """Queue every update at once and wait for ``answers`` more answers."""
    target = api.replies + answers
    for update in updates:
        api.push_update(update)
    await api.wait_for_replies(target, pass_timeout_s(len(updates)), process)


# -- checks --------------------------------------------------------------------------------------


def _venues_problems(api: LoadAPI, chat_id: int, wanted: Sequence[Target]) -> Iterator[str]:
    venues = [params for _, params in api.venues.get(chat_id, [])]
    if len(venues) != len(wanted):
        yield f"chat {chat_id}: {len(venues)} pins instead of {len(wanted)}"
        return
    for target, params in zip(wanted, venues, strict=True):
        if problem := venue_problem("safemeet", target, params):
            yield problem


def user_problems(api: LoadAPI, user: User) -> Iterator[str]:
    """Everything wrong with one load user's answers."""
    yield from _venues_problems(api, user.chat_id, [user.location, user.postal])
    texts = api.messages.get(user.chat_id, [])
    if len(texts) != TEXTS_PER_USER:
        yield f"chat {user.chat_id}: {len(texts)} texts instead of {TEXTS_PER_USER}"
    cards = [text for text in texts if MEETUP_PLANNED in text]
    if len(cards) != 1:
        yield f"chat {user.chat_id}: {len(cards)} meetup cards instead of 1"
    elif user.postal.zone.name not in cards[0]:
        yield f"chat {user.chat_id}: the meetup is not at {user.postal.zone.name!r}"


def soak_problems(api: LoadAPI, searches: Sequence[Target]) -> Iterator[str]:
    """What is wrong with the soak's answers: each chat gets its pins in order, a text each."""
    wanted: dict[int, list[Target]] = defaultdict(list)
    for search in searches:
        wanted[search.chat_id].append(search)
    for chat_id, targets in wanted.items():
        yield from _venues_problems(api, chat_id, targets)
        if (texts := len(api.messages.get(chat_id, []))) != len(targets):
            yield f"chat {chat_id}: {texts} texts instead of {len(targets)}"


def database_problems(path: Path, users: Sequence[User]) -> tuple[int, str, list[str]]:
    """Meetups stored, the integrity check's verdict, and what is wrong with the meetups."""
    with closing(sqlite3.connect(path)) as db:
        integrity = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))
        rows = db.execute("SELECT user_id, zone_id, status FROM meetups").fetchall()
    problems = [] if integrity == "ok" else [f"integrity_check: {integrity}"]
    per_user = Counter(user_id for user_id, _, _ in rows)
    zones = {user_id: zone_id for user_id, zone_id, _ in rows}
    for user in users:
        if per_user.pop(user.chat_id, 0) != 1:
            problems.append(f"user {user.chat_id}: not exactly one meetup stored")
        elif zones[user.chat_id] != user.postal.zone.id:
            problems.append(f"user {user.chat_id}: meetup at {zones[user.chat_id]}")
    problems += [f"user {user_id}: {n} unexpected meetup(s)" for user_id, n in per_user.items()]
    problems += [f"meetup of user {u} is {status}" for u, _, status in rows if status != "planned"]
    return len(rows), integrity, problems


def _fail_on(what: str, problems: Sequence[str]) -> None:
    if problems:
        shown = "\n  ".join(problems[:20])
        raise BenchmarkError(f"{what}: {len(problems)} problem(s):\n  {shown}")


# -- the two modes -------------------------------------------------------------------------------


async def _started(
    api: LoadAPI, db_path: Path, log_path: Path, extra_env: dict[str, str]
) -> tuple[asyncio.subprocess.Process, IO[bytes]]:
    log = log_path.open("wb")
    env = {**bot_environment(api, db_path), **extra_env}
    process = await start_bot("safemeet", env, log, None)
    return process, log


async def run_load(scenario: Scenario, users: int, template: Path, workdir: Path) -> LoadResult:
    """All users' updates at once on a fresh bot; check every answer and the database."""
    chosen = scenario.users[:users]
    db_path, log_path = workdir / "load.sqlite3", workdir / "load.log"
    shutil.copyfile(template, db_path)
    async with LoadAPI(token=TOKEN) as api:
        process, log = await _started(api, db_path, log_path, {})
        try:
            await wait_until_polling(api, process)
            await wait_until_idle(process.pid)
            rss_before, cpu_before = rss_mb(process.pid), process_cpu_s(process.pid)
            start = time.perf_counter()
            updates = interleaved(chosen, random.Random(len(chosen)))
            per_user = TEXTS_PER_USER + VENUES_PER_USER
            await push_and_wait(api, process, updates, per_user * len(chosen))
            elapsed = api.last_reply_at - start
            await wait_until_idle(process.pid)  # any late or duplicate answer comes now
            rss_after, cpu = rss_mb(process.pid), cpu_delta(cpu_before, process_cpu_s(process.pid))
        except BenchmarkError as exc:
            raise BenchmarkError(f"load: {exc}\n{log_tail(log_path)}") from None
        finally:
            exit_code = await stop_bot(process)
            log.close()
        problems = [*failed_calls(api), *log_problems(log_path, exit_code)]
        problems += [problem for user in chosen for problem in user_problems(api, user)]
        answers = api.replies
    meetups, integrity, stored = database_problems(db_path, chosen)
    _fail_on("load", problems + stored)
    return LoadResult(
        users=len(chosen),
        updates=len(updates),
        answers=answers,
        elapsed_s=elapsed,
        bot_cpu_s=cpu,
        rss_before_mb=rss_before,
        rss_after_mb=rss_after,
        meetups=meetups,
        integrity=integrity,
        log_warnings=log_warnings(log_path),
    )


async def run_soak(
    scenario: Scenario, config: LoadConfig, template: Path, workdir: Path, quiet: bool = True
) -> SoakResult:
    """A warm-up pass, then the soak in batches, reading the bot's RSS after each."""
    warmup, batches = soak_batches(scenario.users, config)
    db_path, log_path = workdir / "soak.sqlite3", workdir / "soak.log"
    shutil.copyfile(template, db_path)
    series: list[float] = []
    async with LoadAPI(token=TOKEN) as api:
        process, log = await _started(api, db_path, log_path, {"SAFEMEET_FLOOD_LIMIT": "0"})
        try:
            await wait_until_polling(api, process)
            await push_and_wait(
                api, process, [t.update() for t in warmup], REPLIES_PER_SEARCH * len(warmup)
            )
            await wait_until_idle(process.pid)
            warmup_rss, cpu_before = rss_mb(process.pid), process_cpu_s(process.pid)
            start = time.perf_counter()
            for number, batch in enumerate(batches, start=1):
                updates = [target.update() for target in batch]
                await push_and_wait(api, process, updates, REPLIES_PER_SEARCH * len(batch))
                if (rss := rss_mb(process.pid)) is not None:
                    series.append(rss)
                if not quiet:
                    print(f"soak batch {number}/{len(batches)}: RSS {rss or 0:.1f} MB", flush=True)
            elapsed = api.last_reply_at - start
            await wait_until_idle(process.pid)
            cpu = cpu_delta(cpu_before, process_cpu_s(process.pid))
        except BenchmarkError as exc:
            raise BenchmarkError(f"soak: {exc}\n{log_tail(log_path)}") from None
        finally:
            exit_code = await stop_bot(process)
            log.close()
        searches = [*warmup, *(target for batch in batches for target in batch)]
        problems = [*failed_calls(api), *log_problems(log_path, exit_code)]
        problems += list(soak_problems(api, searches))
    _fail_on("soak", problems)
    return SoakResult(
        updates=sum(len(batch) for batch in batches),
        batch=config.soak_batch,
        users=min(config.soak_users, len(scenario.users)),
        searches=len(warmup),
        elapsed_s=elapsed,
        bot_cpu_s=cpu,
        warmup_rss_mb=warmup_rss,
        rss_mb=series,
        log_warnings=log_warnings(log_path),
    )


async def run_benchmark(
    config: LoadConfig,
    mode: str = "custom",
    modes: Sequence[str] = MODES,
    quiet: bool = False,
) -> Report:
    """Prepare the zones, then run the chosen modes, each on a fresh bot; raises BenchmarkError."""
    report = Report(mode, machine(), config)
    with tempfile.TemporaryDirectory(prefix="safemeet-load-") as tmp:
        workdir = Path(tmp)
        scenario = await make_scenario(config)
        template = workdir / "zones.sqlite3"
        await prepare_database(template, scenario.zones)
        if "load" in modes:
            report.load = await run_load(scenario, config.users, template, workdir)
            if not quiet:
                print(f"load: {report.load.answers:,} answers, all right", flush=True)
        if "soak" in modes:
            report.soak = await run_soak(scenario, config, template, workdir, quiet)
    return report


# -- results -------------------------------------------------------------------------------------


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _cpu(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def render_load(result: LoadResult) -> str:
    """The load phase in a few lines."""
    return "\n".join(
        [
            f"load: {result.users:,} users, {result.updates:,} updates (location, postal code, "
            f"{MEETUP_COMMAND}) queued at once",
            f"  {result.answers:,} answers in {result.elapsed_s:.1f} s: "
            f"{result.answers_per_s:.1f} answers/s, {result.updates_per_s:.1f} updates/s; "
            f"bot CPU {_cpu(result.bot_cpu_s)}",
            f"  RSS {_mb(result.rss_before_mb)} -> {_mb(result.rss_after_mb)} MB; "
            f"{result.meetups:,} meetups stored, integrity_check {result.integrity}; "
            f"errors: none; warnings logged: {result.log_warnings}",
        ]
    )


def render_soak(result: SoakResult) -> str:
    """The soak in a few lines, with the RSS series."""
    series = " ".join(f"{rss:.0f}" for rss in result.rss_mb) or "n/a"
    verdict = "flat" if result.flat else "GROWING"
    growth = "n/a" if result.growth_mb is None else f"{result.growth_mb:+.1f}"
    return "\n".join(
        [
            f"soak: {result.updates:,} updates in batches of {result.batch:,} from "
            f"{result.users} rotating users over {result.searches} searches "
            "(after one warm-up pass over them)",
            f"  {result.elapsed_s:.1f} s: {result.answers_per_s:.1f} answers/s; "
            f"bot CPU {_cpu(result.bot_cpu_s)}; errors: none; "
            f"warnings logged: {result.log_warnings}",
            f"  RSS MB after warm-up {_mb(result.warmup_rss_mb)}, after each batch: {series}",
            f"  median RSS first quarter {_mb(result.first_quarter_mb)} MB, last quarter "
            f"{_mb(result.last_quarter_mb)} MB: {growth} MB (bound {_mb(result.bound_mb)} MB): "
            f"{verdict}",
        ]
    )


def render(report: Report) -> str:
    """The whole report as text."""
    lines = [
        f"Load and soak on loopback ({report.mode} mode)",
        f"machine: {machine_label(report.machine)}",
        f"{report.config.zones:,} synthetic zones plus one per typed postal code",
    ]
    if report.load is not None:
        lines.append(render_load(report.load))
    if report.soak is not None:
        lines.append(render_soak(report.soak))
    return "\n".join(lines)


def to_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    soak = None
    if report.soak is not None:
        soak = {
            **asdict(report.soak),
            "answers_per_s": report.soak.answers_per_s,
            "growth_mb": report.soak.growth_mb,
            "bound_mb": report.soak.bound_mb,
            "flat": report.soak.flat,
        }
    load = None
    if report.load is not None:
        load = {**asdict(report.load), "answers_per_s": report.load.answers_per_s}
    return {
        "benchmark": "load",
        "mode": report.mode,
        "machine": report.machine,
        "config": asdict(report.config),
        "load": load,
        "soak": soak,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "mode", nargs="?", choices=[*MODES, "all"], default="all", help="default: all"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes for CI")
    parser.add_argument("--users", type=int, help="distinct users in the load phase")
    parser.add_argument("--soak-updates", type=int, help="updates in the soak")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    return parser


def config_from(args: argparse.Namespace) -> LoadConfig:
    """The preset of the mode, with any size given on the command line."""
    config = QUICK if args.quick else FULL
    overrides = {"users": args.users, "soak_updates": args.soak_updates}
    return replace(config, **{key: value for key, value in overrides.items() if value is not None})


def main(argv: list[str] | None = None) -> int:
    """Run, print the report, write JSON if asked; 1 on wrong answers, errors or a clear leak."""
    args = _parser().parse_args(argv)
    mode = "quick" if args.quick else "full"
    try:
        modes = MODES if args.mode == "all" else (args.mode,)
        report = asyncio.run(run_benchmark(config_from(args), mode, modes))
    except BenchmarkError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print()
    print(render(report))
    if args.json is not None:
        args.json.write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")
    if report.soak is not None and not report.soak.flat:
        print("FAILED: the bot's memory grew during the soak", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
