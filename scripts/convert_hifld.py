"""Build bot/data/us-police-stations.csv.gz from the HIFLD Local Law Enforcement Locations CSV.

Usage: ``python -m scripts.convert_hifld HIFLD.csv [OUT.csv.gz]``. Prints what was read, kept
and dropped (and why). The output is in the zones CSV schema (bot.domain.zones.CSV_COLUMNS),
gzip-compressed with no timestamp, so the same input always gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
from collections import Counter
from pathlib import Path

from bot.domain.zones import write_zones_csv
from bot.sources.hifld import Conversion, convert

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bot" / "data" / "us-police-stations.csv.gz"


def write_gzip(path: Path, text: str) -> None:
    """Write ``text`` gzip-compressed, reproducibly (mtime 0)."""
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(text.encode("utf-8"))


def summary(result: Conversion) -> str:
    """Counts of rows read, kept and dropped by reason."""
    reasons = Counter(reason.split(":")[0].split(" as ")[0] for _, reason in result.dropped)
    lines = [
        f"rows read: {result.rows}",
        f"stations kept: {len(result.stations)}",
        f"rows dropped: {len(result.dropped)}",
        *(f"  {count} {reason}" for reason, count in reasons.most_common()),
        f"phones that are no valid number (station kept, phone left out): {result.phones_dropped}",
        f"stations without a street address (kept, city only): {result.no_address}",
    ]
    lines += [f"  dropped {hifld_id}: {reason}" for hifld_id, reason in result.dropped]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Convert, write, and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the HIFLD CSV")
    parser.add_argument("out", type=Path, nargs="?", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    with args.source.open(encoding="utf-8", newline="") as handle:
        result = convert(csv.DictReader(handle))
    write_gzip(args.out, write_zones_csv(result.stations))
    print(summary(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
