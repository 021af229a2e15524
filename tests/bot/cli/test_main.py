"""The command line: one-shot answers, local chat, and the no-token hint."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_bot(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env |= {"SAFEMEET_DB": str(tmp_path / "cli.sqlite3"), "NOMINATIM_URL": "", "OVERPASS_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def test_nearest_prints_the_bots_answer(tmp_path):
    result = run_bot(tmp_path, "nearest", "06604")
    assert result.returncode == 0, result.stderr
    assert "Bridgeport Police" in result.stdout
    assert "https://www.google.com/maps/dir/" in result.stdout
    assert "<b>" not in result.stdout


def test_nearest_with_coordinates_and_a_language(tmp_path):
    result = run_bot(tmp_path, "--lang", "fr", "nearest", "44.24,-76.50")
    assert result.returncode == 0, result.stderr
    assert "Kingston" in result.stdout
    assert " km " in result.stdout


def test_without_a_token_it_explains_and_chats_locally(tmp_path):
    result = run_bot(tmp_path, stdin="K7K 4C2\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "@BotFather" in result.stderr
    assert "python -m bot nearest 06604" in result.stderr
    assert "Kingston Police" in result.stdout


def test_import_and_export_round_trip(tmp_path):
    source = tmp_path / "zones.csv"
    source.write_text((ROOT / "bot" / "data" / "zones.csv").read_text(encoding="utf-8"))
    first = run_bot(tmp_path, "import", str(source))
    assert first.returncode == 0, first.stderr
    assert "read 4, added 4" in first.stdout
    again = run_bot(tmp_path, "import", str(source))
    assert "unchanged 4" in again.stdout
    exported = tmp_path / "out.csv"
    assert run_bot(tmp_path, "export", str(exported)).returncode == 0
    assert exported.read_text(encoding="utf-8").count("\n") == 5


def test_import_reports_bad_rows_and_a_missing_file(tmp_path):
    broken = tmp_path / "broken.csv"
    header = (ROOT / "bot" / "data" / "zones.csv").read_text(encoding="utf-8").splitlines()[0]
    broken.write_text(header + "\nBad Id,,police_station,,,,,,x,y,,,,,,,,\n", encoding="utf-8")
    result = run_bot(tmp_path, "import", "--dry-run", str(broken))
    assert result.returncode == 1
    assert "rejected 1" in result.stdout
    assert "line 2" in result.stdout
    missing = run_bot(tmp_path, "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2
    assert "cannot read" in missing.stdout


def test_backup_copies_the_database_and_refuses_a_missing_one(tmp_path):
    assert run_bot(tmp_path, "nearest", "06604").returncode == 0  # creates cli.sqlite3
    copy = tmp_path / "copy.sqlite3"
    result = run_bot(tmp_path, "backup", str(copy))
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT count(*) FROM zones").fetchone()[0] >= 4
    (tmp_path / "cli.sqlite3").rename(tmp_path / "moved.sqlite3")
    missing = run_bot(tmp_path, "backup", str(tmp_path / "again.sqlite3"))
    assert missing.returncode == 1
    assert "no database" in missing.stderr
