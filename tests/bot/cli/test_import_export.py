"""``python -m bot import|export`` with every format and with broken files, as a user runs it."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.cli.test_main import ROOT, run_bot

BUNDLED = ROOT / "bot" / "data" / "zones.csv"


def _geojson(path, *features: dict) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))


def _feature(zone_id: str, lat: float, lon: float) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"id": zone_id, "name": "PD", "kind": "police_station", "city": "Town"},
    }


def test_geojson_import_is_idempotent_and_exports_as_csv(tmp_path):
    source = tmp_path / "zones.geojson"
    _geojson(source, _feature("g-1", 41.18, -73.19), _feature("g-2", 44.25, -76.5))
    first = run_bot(tmp_path, "import", str(source))
    assert first.returncode == 0, first.stderr
    assert "geojson: read 2, added 2, updated 0, unchanged 0, rejected 0" in first.stdout
    again = run_bot(tmp_path, "import", str(source))
    assert "added 0, updated 0, unchanged 2" in again.stdout
    exported = tmp_path / "out.csv"
    assert run_bot(tmp_path, "export", str(exported)).returncode == 0
    with exported.open(encoding="utf-8", newline="") as exported_file:
        rows = list(csv.DictReader(exported_file))
    assert [row["id"] for row in rows] == ["g-1", "g-2"]
    assert list(rows[0]) == BUNDLED.read_text(encoding="utf-8").splitlines()[0].split(",")


def test_overpass_import_reports_rejections_and_exits_1(tmp_path):
    source = tmp_path / "police.json"
    elements = [
        {
            "type": "node",
            "id": 1,
            "lat": 41.18,
            "lon": -73.19,
            "tags": {"name": "PD", "addr:city": "B"},
        },
        {
            "type": "way",
            "id": 2,
            "center": {"lat": 41.2, "lon": -73.2},
            "tags": {"amenity": "police"},
        },
        {"type": "way", "id": 3, "tags": {"amenity": "police"}},
    ]
    source.write_text(json.dumps({"elements": elements}))
    result = run_bot(tmp_path, "import", str(source))
    assert result.returncode == 1
    assert "overpass: read 3, added 2" in result.stdout
    assert "element 3 (way/3): bad coordinates: way has no center" in result.stdout


def test_dry_run_counts_without_writing(tmp_path):
    source = tmp_path / "zones.csv"
    source.write_text(BUNDLED.read_text(encoding="utf-8"))
    dry = run_bot(tmp_path, "import", "--dry-run", str(source))
    assert dry.returncode == 0
    assert "dry run, nothing written: csv: read 4, added 4" in dry.stdout
    real = run_bot(tmp_path, "import", str(source))
    assert "added 4" in real.stdout


def test_a_file_that_is_not_csv_or_json_gives_one_line_and_exit_2(tmp_path):
    cases = {
        "truncated.json": '{"elements": [{"type": "node",',
        "feature.geojson": json.dumps(_feature("g-1", 41.18, -73.19)),
        "notes.txt": "just some notes\nnothing tabular\n",
        "binary.csv": None,
    }
    for name, text in cases.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes(b"\xff\xfe\x00garbage")
        else:
            path.write_text(text)
        result = run_bot(tmp_path, "import", str(path))
        assert result.returncode == 2, (name, result.stdout)
        assert len(result.stdout.strip().splitlines()) == 1, (name, result.stdout)
        assert "Traceback" not in result.stderr, (name, result.stderr)
    forced = run_bot(tmp_path, "import", "--format", "geojson", str(tmp_path / "truncated.json"))
    assert "not valid JSON" in forced.stdout
    assert forced.returncode == 2


def _run_quickly(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot import ...`` that must finish well within the timeout."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env |= {"SAFEMEET_DB": str(tmp_path / "cli.sqlite3"), "NOMINATIM_URL": "", "OVERPASS_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", "import", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=30,
        check=False,
    )


@pytest.mark.timeout(60)
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_binary_input_is_refused_at_once(tmp_path):
    for args in (
        ["--format", "csv", "/dev/zero"],
        ["/dev/zero"],
        ["--format", "geojson", "/dev/zero"],
    ):
        result = _run_quickly(tmp_path, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stdout == (
            "/dev/zero: not a text file: NUL byte at byte offset 0; nothing imported\n"
        )
        assert "Traceback" not in result.stderr


@pytest.mark.timeout(60)
def test_a_file_with_a_huge_line_is_refused_in_one_line(tmp_path):
    source = tmp_path / "zones.csv"
    with source.open("wb") as out:
        out.write(BUNDLED.read_bytes().splitlines()[0] + b"\n")
        out.write(b"x" * (64 << 20))
    result = _run_quickly(tmp_path, "--dry-run", str(source))
    assert result.returncode == 2, result.stdout
    assert result.stdout == f"{source}: line 2 is longer than 65536 bytes; nothing imported\n"


def test_rows_users_would_see_garbage_from_are_rejected_with_reasons(tmp_path):
    header = BUNDLED.read_text(encoding="utf-8").splitlines()[0]
    base = "b-{},PD,police_station,1 Main St,Bridgeport,CT,US,06604,41.18,-73.19,"
    rows = [
        "24/7,,,,(203) 576-7671;911,https://x.example/,test,2026-11-25",
        "whenever lol,,,,,,test,",
        ",,,,not-a-phone,,test,",
        ",,,,,javascript:alert(1),test,",
        ",,,,,,test,yesterday",
    ]
    lines = [header + ",notes", *(base.format(i) + row + ",n" for i, row in enumerate(rows))]
    source = tmp_path / "bad.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_bot(tmp_path, "import", "--dry-run", str(source))
    assert result.returncode == 1, result.stdout
    assert result.stdout.splitlines() == [
        "dry run, nothing written: csv: read 5, added 1, updated 0, unchanged 0, rejected 4",
        "  note: unknown columns ignored: 'notes'",
        "  line 3: opening_hours must be in OpenStreetMap opening_hours syntax: 'whenever lol'",
        "  line 4: phone must be a valid phone number for US: 'not-a-phone'",
        "  line 5: website must be an http(s) URL: 'javascript:alert(1)'",
        "  line 6: verified must be an ISO date (YYYY-MM-DD): 'yesterday'",
    ]


FIXTURES = ROOT / "tests" / "fixtures"


def test_overpass_turbo_geojson_goes_in_as_it_comes_and_again_changes_nothing(tmp_path):
    source = FIXTURES / "osm-police-india-slice.geojson"
    first = run_bot(tmp_path, "import", str(source))
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.startswith("geojson: read 14, added 14, updated 0, unchanged 0, rejected 0")
    again = run_bot(tmp_path, "import", str(source))
    assert "added 0, updated 0, unchanged 14, rejected 0" in again.stdout
    assert again.stderr == ""  # no progress bar when stderr is not a terminal


def test_hifld_csv_is_read_as_the_bundled_stations(tmp_path):
    result = run_bot(tmp_path, "import", "--dry-run", str(FIXTURES / "hifld-police-slice.csv"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[:2] == [
        "dry run, nothing written: csv: read 19, added 19, updated 0, unchanged 0, rejected 0",
        "  note: read as HIFLD Local Law Enforcement Locations (ids us-hifld-<ID>)",
    ]


def test_columns_named_on_the_command_line(tmp_path):
    source = tmp_path / "stations.csv"
    source.write_text("Station,Where,N,E\nKingston PD,705 Division St,44.25,-76.5\n")
    result = run_bot(
        tmp_path, "import", str(source), "--columns", "name=Station,address=Where,lat=N,lon=E"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "csv: read 1, added 1" in result.stdout
    bad = run_bot(tmp_path, "import", str(source), "--columns", "where=Where")
    assert bad.returncode == 2
    assert "--columns: unknown column 'where'" in bad.stderr
