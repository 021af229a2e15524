"""Whole-stack throughput: location updates answered per second, SafeMeet against a bare bot.

The bots run as subprocesses, ``python -m benchmarks.bare_bot`` and ``python -m bot`` twice,
against the same loopback fake Bot API (tests/fakes/telegram_api.py), with long polling and
getUpdates handing out up to 100 updates at a time. The bare bot has PTB's defaults (one update
handled at a time) and answers every location with one fixed sendVenue. SafeMeet gets a
database of synthetic zones (benchmarks/synthetic.py, with addresses), geocoding off and
``SAFEMEET_MAX_SEND_RATE=0``; it runs once handling one update at a time like the bare bot
(safemeet-seq, ``SAFEMEET_CONCURRENT_UPDATES=1``) and once as shipped (safemeet: chats side by
side, each chat's updates in order).

Each bot in turn (bare, safemeet-seq, safemeet, bare, ...) is started, waited for until it polls,
warmed up and left to finish its start-up work in the background (until it idles), then
measured twice:

* throughput: all N location updates (one per private chat) are queued at once; the clock runs
  from the first push until the last chat has its venue; rate = N / elapsed;
* latency: L more updates one at a time, each pushed when the previous one was answered.

An update is answered when its chat got its sendVenue. Every chat must get exactly one venue
(for SafeMeet: at the zone nearest the shared location, which is a few metres from a zone with
no other zone within 500 m, after exactly one text), no call may fail and the bot may log no
error: anything else fails the run. Timing never does.

    python -m benchmarks.throughput --quick   # CI: 2k zones, 200 updates, one round
    python -m benchmarks.throughput           # README: 100k zones, 2000 updates, 3 rounds
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from benchmarks.bare_bot import VENUE
from benchmarks.synthetic import SyntheticZones, synthetic_zones
from bot.domain.geo import distance_m
from bot.domain.zones import Zone, bundled_zones
from storage.db import open_database
from storage.zones import ZoneRepository
from tests.fakes.telegram_api import FakeTelegramAPI, Params
from tests.fakes.updates import location_message

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "654321:BENCH-TOKEN"
BOT_MODULES = {"bare": "benchmarks.bare_bot", "safemeet-seq": "bot", "safemeet": "bot"}
# safemeet-seq handles one update at a time, as the bare bot (PTB's default) does; safemeet
# runs as shipped, chats side by side (SAFEMEET_CONCURRENT_UPDATES, default 8).
KINDS = ("bare", "safemeet-seq", "safemeet")
SAFEMEET_KINDS = ("safemeet-seq", "safemeet")
TEXTS_PER_ANSWER = {"bare": 0, "safemeet-seq": 1, "safemeet": 1}
EXTRA_ENVIRONMENT = {"safemeet-seq": {"SAFEMEET_CONCURRENT_UPDATES": "1"}}
TARGET_RATIO = 0.5
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
# After the warm-up, the bot counts as settled once it uses under 10% of a core for 0.25 s.
SETTLE_WINDOW_S = 0.25
SETTLE_TIMEOUT_S = 30.0
IDLE_CPU_SHARE = 0.1
INSERT_BATCH = 20_000
FIRST_CHAT_ID = 10_000_000
# Shared locations are at most MAX_OFFSET_M from a zone that has no other within ISOLATION_M,
# so the right answer is known without searching. Cells of CELL_DEG are over 555 m wide below
# MAX_TARGET_LAT: checking the 3x3 cells around a zone covers ISOLATION_M.
MAX_OFFSET_M = 30.0
ISOLATION_M = 500.0
CELL_DEG = 0.01
MAX_TARGET_LAT = 60.0
MAX_TARGET_LON = 179.0
METRES_PER_DEGREE = 111_320.0
COORDINATE_TOLERANCE = 1e-6
# Plain text (PTB's own start-up lines) and the bot's JSON lines (bot/logs.py).
ERROR_MARKERS = (
    "Traceback",
    " ERROR ",
    " CRITICAL ",
    '"level": "error"',
    '"level": "critical"',
)
WARNING_MARKERS = (" WARNING ", '"level": "warning"')


class BenchmarkError(Exception):
    """A bot failed, answered wrongly or not at all: the benchmark run is invalid."""


@dataclass(frozen=True)
class Config:
    """Sizes of one benchmark run."""

    zones: int
    updates: int
    rounds: int
    warmup: int
    latency_updates: int
    seed: int = 1


QUICK = Config(zones=2_000, updates=200, rounds=1, warmup=20, latency_updates=20)
FULL = Config(zones=100_000, updates=2_000, rounds=3, warmup=100, latency_updates=200)


@dataclass(frozen=True)
class Target:
    """One shared location: the private chat sending it and the zone that must come back."""

    chat_id: int
    lat: float
    lon: float
    zone: Zone

    def update(self) -> dict:
        """The location message update, as Telegram would deliver it."""
        return location_message(self.lat, self.lon, user_id=self.chat_id)


@dataclass(frozen=True)
class Plan:
    """The locations of one bot run: warm-up, throughput and latency phases (disjoint chats)."""

    warmup: list[Target]
    throughput: list[Target]
    latency: list[Target]

    def all(self) -> list[Target]:
        """Every target of the run."""
        return self.warmup + self.throughput + self.latency


@dataclass(frozen=True)
class PassResult:
    """One measured phase: updates, wall time, push-to-venue latencies and CPU used."""

    updates: int
    elapsed_s: float
    mean_latency_ms: float
    bot_cpu_s: float | None
    api_cpu_s: float

    @property
    def rate(self) -> float:
        """Updates answered per second."""
        return self.updates / self.elapsed_s if self.elapsed_s > 0 else math.inf

    def per_update_ms(self, cpu_s: float | None) -> float | None:
        """CPU milliseconds per update."""
        return None if cpu_s is None else 1000.0 * cpu_s / self.updates


@dataclass(frozen=True)
class BotRun:
    """One bot's run in one round."""

    kind: str
    round: int
    throughput: PassResult
    latency: PassResult


@dataclass
class Report:
    """Everything measured, with the machine and the sizes."""

    mode: str
    machine: dict[str, Any]
    config: Config
    runs: list[BotRun] = field(default_factory=list)

    def of(self, kind: str) -> list[BotRun]:
        """The runs of one bot, in round order."""
        return [run for run in self.runs if run.kind == kind]


# -- zones and locations -----------------------------------------------------------------------


def bench_zone(zones: SyntheticZones, index: int) -> Zone:
    """A synthetic zone with a street address and a city, as real zones have."""
    return replace(
        zones.zone(index), address=f"{index % 9_000 + 1} Main Street", city=f"Town {index % 997}"
    )


def all_zones(count: int) -> list[Zone]:
    """The synthetic zones the benchmark stores (the bot adds its bundled ones itself)."""
    zones = synthetic_zones(count)
    return [bench_zone(zones, index) for index in range(len(zones))]


async def prepare_database(path: Path, zones: Sequence[Zone]) -> None:
    """Store the zones through the real storage layer, in batches."""
    db = await open_database(path)
    try:
        repo = ZoneRepository(db)
        for start in range(0, len(zones), INSERT_BATCH):
            await repo.upsert_many(zones[start : start + INSERT_BATCH])
    finally:
        await db.close()


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


def isolated_zones(candidates: Sequence[Zone], others: Iterable[Zone], count: int) -> list[Zone]:
    """Up to ``count`` candidates, in order, with no zone of ``others`` within ISOLATION_M."""
    grid: dict[tuple[int, int], list[Zone]] = defaultdict(list)
    for zone in others:
        grid[_cell(zone.lat, zone.lon)].append(zone)
    found: list[Zone] = []
    for zone in candidates:
        if abs(zone.lat) > MAX_TARGET_LAT or abs(zone.lon) > MAX_TARGET_LON:
            continue
        row, col = _cell(zone.lat, zone.lon)
        neighbours = [
            other
            for d_row in (-1, 0, 1)
            for d_col in (-1, 0, 1)
            for other in grid.get((row + d_row, col + d_col), ())
            if other.id != zone.id
        ]
        if all(distance_m(zone.point, other.point) > ISOLATION_M for other in neighbours):
            found.append(zone)
            if len(found) == count:
                break
    return found


def near(zone: Zone, rng: random.Random) -> tuple[float, float]:
    """A position up to MAX_OFFSET_M from the zone, in a random direction."""
    metres, bearing = rng.uniform(0, MAX_OFFSET_M), rng.uniform(0, 2 * math.pi)
    lat = zone.lat + metres * math.cos(bearing) / METRES_PER_DEGREE
    lon = zone.lon + metres * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat, 6), round(lon, 6)


def make_plan(zones: Sequence[Zone], config: Config) -> Plan:
    """Locations near isolated zones, one private chat each; the same for every bot run."""
    rng = random.Random(config.seed)
    sizes = (config.warmup, config.updates, config.latency_updates)
    shuffled = rng.sample(list(zones), len(zones))
    anchors = isolated_zones(shuffled, [*zones, *bundled_zones()], sum(sizes))
    if not anchors:
        raise BenchmarkError("no isolated zone to send locations near")
    targets = []
    for index in range(sum(sizes)):
        zone = anchors[index % len(anchors)]
        targets.append(Target(FIRST_CHAT_ID + index, *near(zone, rng), zone))
    warmup, rest = targets[: sizes[0]], targets[sizes[0] :]
    return Plan(warmup, rest[: sizes[1]], rest[sizes[1] :])


# -- the fake Bot API and the bot processes ------------------------------------------------------


class BenchAPI(FakeTelegramAPI):
    """The fake Bot API, also noting when the bot first polls and when each chat got answers."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.polling = asyncio.Event()
        self.venues: dict[int, list[tuple[float, Params]]] = defaultdict(list)
        self.texts: dict[int, list[float]] = defaultdict(list)
        self.answered = 0
        self._answer = asyncio.Event()

    async def _api_getupdates(self, params: Params) -> list[dict]:
        self.polling.set()
        return await super()._api_getupdates(params)

    def _api_sendmessage(self, params: Params) -> dict:
        result = super()._api_sendmessage(params)
        self.texts[int(params["chat_id"])].append(time.perf_counter())
        return result

    def _api_sendvenue(self, params: Params) -> dict:
        result = super()._api_sendvenue(params)
        venues = self.venues[int(params["chat_id"])]
        venues.append((time.perf_counter(), params))
        if len(venues) == 1:
            self.answered += 1
            self._answer.set()
        return result

    async def next_answer(self, within: float) -> None:
        """Wait up to ``within`` seconds for one more chat to get its first venue."""
        self._answer.clear()
        with suppress(TimeoutError):
            await asyncio.wait_for(self._answer.wait(), within)


def bot_environment(api: FakeTelegramAPI, db_path: Path, kind: str = "safemeet") -> dict[str, str]:
    """The bot's environment: the fake API, the prepared database, no geocoder, no rate limit."""
    return {
        **EXTRA_ENVIRONMENT.get(kind, {}),
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.root_url,
        "SAFEMEET_DB": str(db_path),
        "NOMINATIM_URL": "",
        "OVERPASS_URL": "",
        "SAFEMEET_MAX_SEND_RATE": "0",
        "SAFEMEET_LOG_LEVEL": "WARNING",
    }


async def start_bot(
    kind: str, env: dict[str, str], log: IO[bytes], profile: Path | None
) -> asyncio.subprocess.Process:
    """Start ``python -m <bot>`` (under cProfile when ``profile`` is a file name)."""
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", BOT_MODULES[kind]]
    return await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log
    )


async def wait_until_polling(api: BenchAPI, process: asyncio.subprocess.Process) -> None:
    """Wait for the bot's first getUpdates; fail if it exits or takes too long."""
    polling = asyncio.ensure_future(api.polling.wait())
    exited = asyncio.ensure_future(process.wait())
    done, pending = await asyncio.wait(
        {polling, exited}, timeout=START_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED
    )
    for task in pending:
        task.cancel()
    if polling not in done:
        why = f"exited with {process.returncode}" if exited in done else "never polled"
        raise BenchmarkError(f"the bot {why}")


async def stop_bot(process: asyncio.subprocess.Process) -> int:
    """SIGTERM (PTB stops polling and shuts down cleanly), SIGKILL if it hangs; the exit code."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise BenchmarkError("the bot did not stop on SIGTERM") from None
    return process.returncode if process.returncode is not None else -1


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process and its threads (Linux /proc), else None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wait_until_idle(pid: int) -> None:
    """Wait until the bot's background start-up work is over: it idles when nothing comes in."""
    deadline = time.perf_counter() + SETTLE_TIMEOUT_S
    before = process_cpu_s(pid)
    while before is not None and time.perf_counter() < deadline:
        await asyncio.sleep(SETTLE_WINDOW_S)
        after = process_cpu_s(pid)
        if after is None or after - before < SETTLE_WINDOW_S * IDLE_CPU_SHARE:
            return
        before = after
    if before is None:  # no /proc: give it a moment
        await asyncio.sleep(1.0)


# -- driving and checking ---------------------------------------------------------------------


def pass_timeout_s(updates: int) -> float:
    """Generous: a run that needs more has hung, whatever the machine."""
    return 60.0 + 0.5 * updates


def cpu_delta(before: float | None, after: float | None) -> float | None:
    """CPU seconds used between two readings, None when either is missing."""
    return None if before is None or after is None else after - before


async def drive(api: BenchAPI, targets: Sequence[Target], concurrency: int, pid: int) -> PassResult:
    """Push the updates, at most ``concurrency`` unanswered at a time; wait for every venue."""
    pushed_at: dict[int, float] = {}
    base, pushed = api.answered, 0
    bot_cpu, api_cpu = process_cpu_s(pid), time.process_time()
    start = time.perf_counter()
    deadline = start + pass_timeout_s(len(targets))
    while (answered := api.answered - base) < len(targets):
        while pushed < len(targets) and pushed - answered < concurrency:
            target = targets[pushed]
            pushed_at[target.chat_id] = time.perf_counter()
            api.push_update(target.update())
            pushed += 1
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise BenchmarkError(f"only {answered} of {len(targets)} updates answered in time")
        await api.next_answer(remaining)
    arrivals = {chat: api.venues[chat][0][0] for chat in pushed_at}
    latencies = [arrivals[chat] - pushed_at[chat] for chat in pushed_at]
    return PassResult(
        updates=len(targets),
        elapsed_s=max(arrivals.values()) - start,
        mean_latency_ms=1000.0 * statistics.fmean(latencies),
        bot_cpu_s=cpu_delta(bot_cpu, process_cpu_s(pid)),
        api_cpu_s=time.process_time() - api_cpu,
    )


def expected_venue(kind: str, target: Target) -> tuple[float, float, str]:
    """Where the venue for a target must be, and its title."""
    if kind == "bare":
        return VENUE["latitude"], VENUE["longitude"], VENUE["title"]
    return target.zone.lat, target.zone.lon, target.zone.name


def failed_calls(api: FakeTelegramAPI) -> Iterator[str]:
    """Every Bot API call the fake answered with an error."""
    for call in api.calls:
        if not call.ok:
            yield f"{call.method} to chat {call.params.get('chat_id')} failed with {call.status}"


def venue_problem(kind: str, target: Target, params: Params) -> str | None:
    """What is wrong with the venue sent for a target (elsewhere, wrong title), if anything."""
    lat, lon, title = expected_venue(kind, target)
    got = float(params["latitude"]), float(params["longitude"])
    if abs(got[0] - lat) + abs(got[1] - lon) > COORDINATE_TOLERANCE or params["title"] != title:
        return f"chat {target.chat_id}: venue {params['title']!r} at {got}, wanted {title!r}"
    return None


def answer_problems(api: BenchAPI, kind: str, targets: Iterable[Target]) -> Iterator[str]:
    """Everything wrong with the bot's answers: failed calls, missing or wrong venues."""
    yield from failed_calls(api)
    for target in targets:
        venues, texts = api.venues.get(target.chat_id, []), api.texts.get(target.chat_id, [])
        if len(venues) != 1:
            yield f"chat {target.chat_id}: {len(venues)} venues instead of 1"
            continue
        arrived, params = venues[0]
        if problem := venue_problem(kind, target, params):
            yield problem
        if len(texts) != TEXTS_PER_ANSWER[kind]:
            yield f"chat {target.chat_id}: {len(texts)} texts instead of {TEXTS_PER_ANSWER[kind]}"
        elif texts and texts[0] > arrived:
            yield f"chat {target.chat_id}: the venue came before the text"


def log_tail(log_path: Path, count: int = 30) -> str:
    """The last lines the bot wrote to stdout and stderr."""
    lines = log_path.read_text(errors="replace").splitlines()
    return "\n".join(["the bot's last output:", *lines[-count:]])


def log_problems(log_path: Path, exit_code: int) -> Iterator[str]:
    """Errors the bot logged, and an unclean exit."""
    if exit_code != 0:
        yield f"the bot exited with {exit_code}"
    lines = log_path.read_text(errors="replace").splitlines()
    if any(marker in line for line in lines for marker in ERROR_MARKERS):
        yield "the bot logged errors; " + log_tail(log_path)


async def run_bot(
    kind: str, round_no: int, plan: Plan, db_template: Path, workdir: Path, profile: Path | None
) -> BotRun:
    """Start one bot on a fresh fake API (and a fresh copy of the database), drive it, check."""
    db_path = workdir / f"{kind}-{round_no}.sqlite3"
    if kind in SAFEMEET_KINDS:
        shutil.copyfile(db_template, db_path)
    log_path = workdir / f"{kind}-{round_no}.log"
    profile_path = profile / f"{kind}-{round_no}.prof" if profile else None
    async with BenchAPI(token=TOKEN) as api:
        with log_path.open("wb") as log:
            process = await start_bot(kind, bot_environment(api, db_path, kind), log, profile_path)
            try:
                await wait_until_polling(api, process)
                await drive(api, plan.warmup, len(plan.warmup), process.pid)
                await wait_until_idle(process.pid)
                throughput = await drive(api, plan.throughput, len(plan.throughput), process.pid)
                latency = await drive(api, plan.latency, 1, process.pid)
            except BenchmarkError as exc:
                raise BenchmarkError(
                    f"{kind}, round {round_no}: {exc}\n{log_tail(log_path)}"
                ) from None
            finally:
                exit_code = await stop_bot(process)
        problems = [*answer_problems(api, kind, plan.all()), *log_problems(log_path, exit_code)]
    if problems:
        shown = "\n  ".join(problems[:20])
        raise BenchmarkError(f"{kind}, round {round_no}: {len(problems)} problem(s):\n  {shown}")
    return BotRun(kind, round_no, throughput, latency)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = ""
    with_cpuinfo = Path("/proc/cpuinfo")
    if with_cpuinfo.exists():
        names = [ln for ln in with_cpuinfo.read_text().splitlines() if ln.startswith("model name")]
        cpu = names[0].split(":", 1)[1].strip() if names else ""
    return {
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "python": platform.python_version(),
    }


def machine_label(info: dict[str, Any]) -> str:
    """One line naming the machine."""
    cpu = f" ({info['cpu']})" if info["cpu"] else ""
    return f"{info['platform']}, {info['cores']} cores{cpu}, Python {info['python']}"


async def run_benchmark(
    config: Config, mode: str = "custom", profile: Path | None = None, quiet: bool = False
) -> Report:
    """Prepare the zones, then run the bots in turn for every round; raises BenchmarkError."""
    report = Report(mode, machine(), config)
    with tempfile.TemporaryDirectory(prefix="safemeet-throughput-") as tmp:
        workdir = Path(tmp)
        zones = all_zones(config.zones)
        plan = make_plan(zones, config)
        template = workdir / "zones.sqlite3"
        await prepare_database(template, zones)
        del zones
        for round_no in range(1, config.rounds + 1):
            for kind in KINDS:
                run = await run_bot(kind, round_no, plan, template, workdir, profile)
                report.runs.append(run)
                if not quiet:
                    print(
                        f"round {round_no} {kind:12} {run.throughput.rate:8.1f} updates/s",
                        flush=True,
                    )
    return report


# -- results ------------------------------------------------------------------------------------


def _median(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def summary(report: Report) -> dict[str, Any]:
    """Medians per bot, the ratio of the medians and the ratio in each round."""
    bots: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        runs = report.of(kind)
        bots[kind] = {
            "rates": [run.throughput.rate for run in runs],
            "median_rate": _median(run.throughput.rate for run in runs),
            "median_latency_ms": _median(run.latency.mean_latency_ms for run in runs),
            "median_bot_cpu_ms_per_update": _median(
                run.throughput.per_update_ms(run.throughput.bot_cpu_s) for run in runs
            ),
            "median_api_cpu_ms_per_update": _median(
                run.throughput.per_update_ms(run.throughput.api_cpu_s) for run in runs
            ),
        }
    ratios = {kind: _ratios(bots["bare"], bots[kind]) for kind in SAFEMEET_KINDS}
    ratio = ratios["safemeet"]["ratio"]
    return {
        "bots": bots,
        "ratios": ratios,
        "ratio": ratio,
        "ratio_per_round": ratios["safemeet"]["per_round"],
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio is not None and ratio >= TARGET_RATIO,
    }


def _ratios(bare: dict[str, Any], bot: dict[str, Any]) -> dict[str, Any]:
    """A bot's rate over the bare bot's: of the medians, and round by round."""
    ratio = bot["median_rate"] / bare["median_rate"] if bare["median_rate"] else None
    per_round = [b / a for a, b in zip(bare["rates"], bot["rates"], strict=True)]
    return {"ratio": ratio, "per_round": per_round}


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def render(report: Report) -> str:
    """The results as a text table."""
    config, result = report.config, summary(report)
    lines = [
        f"Whole-stack throughput ({report.mode} mode)",
        f"machine: {machine_label(report.machine)}",
        f"{config.zones:,} synthetic zones; per bot and round: {config.warmup} warm-up updates, "
        f"{config.updates:,} queued at once (throughput), {config.latency_updates} one at a time "
        f"(latency); {config.rounds} round(s), bots interleaved ({', '.join(KINDS)}, ...); medians",
        "",
        f"{'bot':14}{'updates/s':>11}  {'per round':24}{'latency ms':>11}"
        f"{'bot CPU ms/upd':>16}{'fake API CPU ms/upd':>21}",
    ]
    for kind in KINDS:
        bot = result["bots"][kind]
        rounds = " ".join(f"{rate:.0f}" for rate in bot["rates"])
        lines.append(
            f"{kind:14}{bot['median_rate']:11.1f}  {rounds:24}{_ms(bot['median_latency_ms']):>11}"
            f"{_ms(bot['median_bot_cpu_ms_per_update']):>16}"
            f"{_ms(bot['median_api_cpu_ms_per_update']):>21}"
        )
    verdict = "meets" if result["meets_target"] else "BELOW"
    lines.append("")
    for kind in SAFEMEET_KINDS:
        ratios = result["ratios"][kind]
        per_round = " ".join(f"{ratio:.2f}" for ratio in ratios["per_round"])
        lines.append(f"{kind} / bare: {ratios['ratio']:.2f} (per round: {per_round})")
    lines.append(f"target: safemeet (as shipped) / bare >= {TARGET_RATIO:.2f}: {verdict}")
    return "\n".join(lines)


def to_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    runs = [
        {
            "kind": run.kind,
            "round": run.round,
            "throughput": {**asdict(run.throughput), "rate": run.throughput.rate},
            "latency": {**asdict(run.latency), "rate": run.latency.rate},
        }
        for run in report.runs
    ]
    return {
        "benchmark": "throughput",
        "mode": report.mode,
        "machine": report.machine,
        "config": asdict(report.config),
        "runs": runs,
        "summary": summary(report),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.throughput",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="small sizes for CI, one round")
    parser.add_argument("--zones", type=int, help="number of synthetic zones")
    parser.add_argument("--updates", type=int, help="updates per throughput phase")
    parser.add_argument("--rounds", type=int, help="rounds (each runs both bots)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="cProfile the bots into DIR")
    return parser


def config_from(args: argparse.Namespace) -> Config:
    """The preset of the mode, with any size given on the command line."""
    config = QUICK if args.quick else FULL
    overrides = {"zones": args.zones, "updates": args.updates, "rounds": args.rounds}
    return replace(config, **{key: value for key, value in overrides.items() if value is not None})


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, write JSON if asked; 1 on errors or wrong answers, never on timing."""
    args = _parser().parse_args(argv)
    config = config_from(args)
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    mode = "quick" if args.quick else "full"
    try:
        report = asyncio.run(run_benchmark(config, mode, args.profile))
    except BenchmarkError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print()
    print(render(report))
    if args.json is not None:
        args.json.write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
