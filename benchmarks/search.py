"""Nearest-k search latency through the real storage layer, against a naive full scan.

Synthetic zones spread over the land of the world are stored in a SQLite file with the bot's
own schema; random queries (some near the antimeridian and the poles) go through
``bot.domain.search.nearest_zones``. A naive scan computing the geodesic distance to every zone
runs in the same process on a sample of the same queries: it is the baseline for the
speed-up, and every sampled answer must equal it.

    .venv/bin/python -m benchmarks.search --quick        # CI: small sizes, same code path
    .venv/bin/python -m benchmarks.search --json out.json  # full run for the README

Exits 1 when an answer differs from the naive scan, never because of timing.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.synthetic import (
    Query,
    SyntheticZones,
    synthetic_queries,
    synthetic_zones,
    write_zones,
)
from bot.domain.geo import Point, distance_m
from bot.domain.search import ZoneMatch, nearest_zones, start_radius_for
from storage.db import open_database
from storage.zones import ZoneRepository, open_search_connection

K = 3
WARMUP_QUERIES = 200
WARMUP_SEED = 99
SAMPLE_SEED = 5
TIE_TOLERANCE_M = 1e-6
TARGET_SIZE = 100_000
TARGET_P99_MS = 1.0
TARGET_SPEEDUP = 1_000.0


@dataclass(frozen=True, slots=True)
class Plan:
    """Zone counts, queries per count and how many of them the naive scan repeats."""

    sizes: tuple[int, ...]
    queries: int
    naive: dict[int, int]

    def naive_count(self, size: int) -> int:
        """How many queries the naive scan runs at this size (it is slow)."""
        return self.naive.get(size, max(3, round(2_000_000 / size)))


QUICK = Plan(sizes=(1_000, 10_000), queries=300, naive={1_000: 20, 10_000: 5})
FULL = Plan(
    sizes=(1_000, 10_000, 100_000, 1_000_000),
    queries=10_000,
    naive={1_000: 100, 10_000: 50, 100_000: 20, 1_000_000: 5},
)


@dataclass(slots=True)
class SizeResult:
    """Figures for one zone count."""

    zones: int
    insert_s: float
    queries: int
    p50_ms: float
    p99_ms: float
    p50_ms_by_kind: dict[str, float]
    p99_ms_by_kind: dict[str, float]
    naive_queries: int
    naive_median_ms: float
    speedup_p50: float
    speedup_p99: float
    mismatches: list[str] = field(default_factory=list)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def naive_nearest(zones: SyntheticZones, origin: Point, k: int) -> list[tuple[float, str]]:
    """(geodesic distance, id) of the k zones nearest to origin, by scanning every zone."""
    # Ids are zero-padded indexes, so ordering ties by index is ordering them by id.
    nearest = heapq.nsmallest(
        k,
        (
            (distance_m(origin, Point(lat, lon)), index)
            for index, (lat, lon) in enumerate(zip(zones.lats, zones.lons, strict=True))
        ),
    )
    return [(distance, zones.zone_id(index)) for distance, index in nearest]


def same_answer(found: Sequence[ZoneMatch], expected: Sequence[tuple[float, str]]) -> bool:
    """True when the search found the naive scan's zones (or ties at the same distances)."""
    if [match.zone.id for match in found] == [zone_id for _, zone_id in expected]:
        return True
    return len(found) == len(expected) and all(
        abs(match.distance_m - distance) <= TIE_TOLERANCE_M
        for match, (distance, _) in zip(found, expected, strict=True)
    )


def naive_sample(queries: Sequence[Query], count: int, seed: int = SAMPLE_SEED) -> list[int]:
    """Indexes of about ``count`` queries, each kind in proportion and at least once."""
    rng = random.Random(seed)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for index, query in enumerate(queries):
        by_kind[query.kind].append(index)
    picks: list[int] = []
    for indexes in by_kind.values():
        share = max(1, round(count * len(indexes) / len(queries)))
        picks += rng.sample(indexes, min(share, len(indexes)))
    return sorted(picks)


async def timed_searches(
    repo: ZoneRepository,
    queries: Sequence[Query],
    k: int,
    start_radius_m: float,
    keep: Collection[int],
) -> tuple[list[int], dict[int, list[ZoneMatch]]]:
    """Latency (ns) of nearest_zones for every query in turn, and the answers of ``keep``.

    Keeping every answer would fill the heap and slow the garbage collector down.
    """
    latencies, answers = [], {}
    for index, query in enumerate(queries):
        start = time.perf_counter_ns()
        found = await nearest_zones(repo, query.point, k, start_radius_m)
        latencies.append(time.perf_counter_ns() - start)
        if index in keep:
            answers[index] = found
    return latencies, answers


def timed_naive(
    zones: SyntheticZones, queries: Sequence[Query], indexes: Sequence[int], k: int
) -> tuple[list[int], dict[int, list[tuple[float, str]]]]:
    """Latency (ns) and answer of the naive scan for the sampled queries."""
    latencies, answers = [], {}
    for index in indexes:
        start = time.perf_counter_ns()
        answers[index] = naive_nearest(zones, queries[index].point, k)
        latencies.append(time.perf_counter_ns() - start)
    return latencies, answers


def mismatches(
    queries: Sequence[Query],
    found: dict[int, list[ZoneMatch]],
    expected: dict[int, list[tuple[float, str]]],
) -> list[str]:
    """A line for every sampled query whose answer differs from the naive scan."""
    wrong = []
    for index, naive in expected.items():
        if not same_answer(found[index], naive):
            got = [(m.zone.id, round(m.distance_m, 3)) for m in found[index]]
            want = [(zone_id, round(distance, 3)) for distance, zone_id in naive]
            wrong.append(f"query {index} {queries[index]}: got {got}, naive {want}")
    return wrong


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


async def search_latencies(
    path: Path, queries: Sequence[Query], k: int, warmup: int, keep: Collection[int]
) -> tuple[list[int], dict[int, list[ZoneMatch]]]:
    """Open the stored zones as the bot does, warm up, then time every query."""
    db = await open_database(path)
    repo = ZoneRepository(db, open_search_connection(path))
    try:
        # The bot's services pick the start radius from the zone count in the same way.
        start_radius_m = start_radius_for(await repo.count(), k)
        for query in synthetic_queries(warmup, seed=WARMUP_SEED):
            await nearest_zones(repo, query.point, k, start_radius_m)
        return await timed_searches(repo, queries, k, start_radius_m, keep)
    finally:
        repo.close()
        await db.close()


def remove_database(path: Path) -> None:
    """Delete a SQLite file and its WAL companions."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def percentile_by_kind(
    queries: Sequence[Query], latencies_ns: Sequence[int], share: float
) -> dict[str, float]:
    """A percentile (share in 0..1) of the latency in ms of each kind of query."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for query, latency in zip(queries, latencies_ns, strict=True):
        by_kind[query.kind].append(latency)
    return {kind: percentile(values, share) / 1e6 for kind, values in by_kind.items()}


async def run_size(
    size: int,
    queries: Sequence[Query],
    naive_count: int,
    workdir: Path,
    *,
    k: int = K,
    warmup: int = WARMUP_QUERIES,
) -> SizeResult:
    """Store ``size`` zones, time the search and the naive scan, compare their answers."""
    zones = synthetic_zones(size)
    path = workdir / f"zones-{size}.sqlite3"
    log(f"{size:>9,} zones: inserting")
    start = time.perf_counter()
    await write_zones(path, zones)
    insert_s = time.perf_counter() - start
    log(f"{size:>9,} zones: inserted in {insert_s:.1f} s; {len(queries):,} searches")
    sample = naive_sample(queries, naive_count)
    latencies, found = await search_latencies(path, queries, k, warmup, set(sample))
    log(f"{size:>9,} zones: naive scan of {len(sample)} queries")
    naive_latencies, expected = timed_naive(zones, queries, sample, k)
    remove_database(path)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    naive_median = statistics.median(naive_latencies)
    return SizeResult(
        zones=size,
        insert_s=round(insert_s, 2),
        queries=len(queries),
        p50_ms=p50 / 1e6,
        p99_ms=p99 / 1e6,
        p50_ms_by_kind=percentile_by_kind(queries, latencies, 0.5),
        p99_ms_by_kind=percentile_by_kind(queries, latencies, 0.99),
        naive_queries=len(sample),
        naive_median_ms=naive_median / 1e6,
        speedup_p50=naive_median / p50,
        speedup_p99=naive_median / p99,
        mismatches=mismatches(queries, found, expected),
    )


def cpu_model() -> str:
    """The CPU's model name when the platform says it, else platform.processor()."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> dict[str, str | int | None]:
    """What the absolute numbers were measured on."""
    return {
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def machine_label(info: dict[str, str | int | None]) -> str:
    """One line naming the machine."""
    return (
        f"{info['platform']}, {info['cpu']}, {info['cpu_count']} CPUs, "
        f"Python {info['python']}, SQLite {info['sqlite']}"
    )


def table(results: Sequence[SizeResult]) -> str:
    """The results as a plain text table."""
    header = (
        f"{'zones':>9}  {'insert s':>8}  {'queries':>7}  {'p50 ms':>7}  {'p99 ms':>7}  "
        f"{'naive n':>7}  {'naive median ms':>15}  {'x p50':>9}  {'x p99':>9}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        lines.append(
            f"{r.zones:>9,}  {r.insert_s:>8.1f}  {r.queries:>7,}  {r.p50_ms:>7.3f}  "
            f"{r.p99_ms:>7.3f}  {r.naive_queries:>7}  {r.naive_median_ms:>15,.1f}  "
            f"{r.speedup_p50:>9,.0f}  {r.speedup_p99:>9,.0f}"
        )
    return "\n".join(lines)


def by_kind_lines(results: Sequence[SizeResult]) -> str:
    """p50 and p99 of each kind of query, one line per zone count."""
    return "\n".join(
        f"{r.zones:>9,} zones, p50 / p99 ms by query kind: "
        + ", ".join(
            f"{kind} {r.p50_ms_by_kind[kind]:.3f} / {value:.3f}"
            for kind, value in sorted(r.p99_ms_by_kind.items())
        )
        for r in results
    )


def target_line(results: Sequence[SizeResult]) -> str:
    """Whether the issue's target at 100k zones is met (informative only)."""
    at = [r for r in results if r.zones == TARGET_SIZE]
    if not at:
        return f"target: not measured (no run at {TARGET_SIZE:,} zones)"
    r = at[0]
    met = r.p99_ms < TARGET_P99_MS and r.speedup_p50 >= TARGET_SPEEDUP
    return (
        f"target at {TARGET_SIZE:,} zones (p99 < {TARGET_P99_MS} ms and >= "
        f"{TARGET_SPEEDUP:,.0f}x the naive scan): {'met' if met else 'NOT met'} "
        f"(p99 {r.p99_ms:.3f} ms, {r.speedup_p50:,.0f}x)"
    )


def report(plan: Plan, results: Sequence[SizeResult], info: dict, k: int) -> str:
    """The full text report."""
    return "\n".join(
        [
            f"nearest-{k} search: SafeMeet (R*Tree + geodesic) vs naive full geodesic scan",
            f"machine: {machine_label(info)}",
            f"{plan.queries:,} queries per size (80% land, 10% |lon| > 179, 10% |lat| > 85); "
            "the naive scan runs on a sample of them (naive n), every sampled answer checked",
            "x p50 / x p99: naive median per query divided by SafeMeet's p50 / p99",
            "",
            table(results),
            "",
            by_kind_lines(results),
            target_line(results),
        ]
    )


async def run(plan: Plan, workdir: Path, k: int = K) -> list[SizeResult]:
    """Every size of the plan, the same queries for each."""
    queries = synthetic_queries(plan.queries)
    return [
        await run_size(size, queries, plan.naive_count(size), workdir, k=k) for size in plan.sizes
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for CI (< 1 minute)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--sizes", help="comma-separated zone counts instead of the plan's")
    parser.add_argument("--queries", type=int, help="queries per size instead of the plan's")
    return parser.parse_args(argv)


def chosen_plan(args: argparse.Namespace) -> Plan:
    """The quick or full plan, with any sizes or query count from the command line."""
    plan = QUICK if args.quick else FULL
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else plan.sizes
    return Plan(sizes, args.queries or plan.queries, plan.naive)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table, exit 1 on a wrong answer."""
    args = parse_args(argv)
    plan = chosen_plan(args)
    with tempfile.TemporaryDirectory(prefix="safemeet-bench-") as workdir:
        results = asyncio.run(run(plan, Path(workdir)))
    info = machine()
    print(report(plan, results, info, K))
    if args.json:
        payload = {
            "benchmark": "search",
            "mode": "quick" if args.quick else "full",
            "k": K,
            "machine": info,
            "results": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    wrong = [line for r in results for line in r.mismatches]
    for line in wrong:
        print(f"MISMATCH {line}", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
