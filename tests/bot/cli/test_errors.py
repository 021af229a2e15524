"""Every error an operator can cause on the command line is one clear line and a non-zero
status, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    environ |= {
        "SAFEMEET_DB": str(tmp_path / "cli.sqlite3"),
        "NOMINATIM_URL": "",
        "OVERPASS_URL": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="",
        capture_output=True,
        text=True,
        env=environ | env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def assert_one_line(stderr: str, starts: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(starts), stderr
    assert "Traceback" not in stderr


def test_export_into_a_missing_folder(tmp_path):
    target = tmp_path / "no" / "such" / "out.csv"
    result = run_bot(tmp_path, "export", str(target))
    assert result.returncode == 2
    assert_one_line(result.stderr, f"export: cannot write {target}: the folder ")
    assert "create it first" in result.stderr


def test_export_onto_a_folder(tmp_path):
    result = run_bot(tmp_path, "export", str(tmp_path))
    assert result.returncode == 2
    assert_one_line(result.stderr, f"export: {tmp_path} is a folder: give a file name")


def test_a_database_that_is_not_sqlite(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 200, encoding="utf-8")
    for command in (["nearest", "06604"], ["chat"]):
        result = run_bot(tmp_path, *command, SAFEMEET_DB=str(notes))
        assert result.returncode == 2, command
        assert_one_line(result.stderr, f"Database error: {notes} is not an SQLite database")
        assert "Set SAFEMEET_DB to the bot's database file" in result.stderr
    assert notes.read_text(encoding="utf-8").startswith("shopping list")  # left alone


def test_a_database_path_that_is_a_folder(tmp_path: Path):
    result = run_bot(tmp_path, "nearest", "06604", SAFEMEET_DB=str(tmp_path))
    assert result.returncode == 2
    assert_one_line(result.stderr, f"Database error: {tmp_path} cannot be opened")
