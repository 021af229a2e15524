"""The command line: one-shot answers, local chat, and the no-token hint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bot(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env |= {"SAFEMEET_DB": str(tmp_path / "cli.sqlite3"), "NOMINATIM_URL": ""}
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
