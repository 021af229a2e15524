"""The start-up benchmark's code path at tiny sizes (correctness only, never timing)."""

from __future__ import annotations

from benchmarks.startup import report, run


async def test_startup_benchmark_measures_everything_and_checks_its_results():
    results = await run(zones=300, reminders=300, import_rows=200)
    assert results["rehydration"]["pending"] == 300
    assert results["import"]["rows"] == 200
    for side in ("bare", "safemeet"):
        assert results["processes"][side]["startup_s"] > 0
        assert results["processes"][side]["peak_rss_mb"] > 0
    assert "start-up to first getUpdates" in report(results)
