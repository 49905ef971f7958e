"""`viva deck import|list|export` as a user runs them (subprocesses, a fresh data directory)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.drills.cards.decks import genanki_deck
from tests.support import REPO


def viva(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")}
    env["VIVA_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "voicebot.cli", *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=300
    )


def test_deck_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    deck = genanki_deck(tmp_path / "ml.apkg").path
    first = viva(data, "deck", "import", str(deck), "--learner", "Ada")
    assert first.returncode == 0, first.stderr
    assert "ml.apkg (anki2): 4 notes, 6 cards; added 6" in first.stdout
    assert "1 cards cannot be spoken" in first.stdout and "6/6 cards" in first.stderr
    again = viva(data, "deck", "import", str(deck))  # the only learner
    assert "added 0, already there 6" in again.stdout

    listed = viva(data, "deck", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split()[1:] for line in listed.stdout.splitlines()[2:]}
    assert rows["ML::Trees"] == ["2", "4", "0", "4", "0"] and rows["ML"] == ["2", "2", "0", "2", "1"]
    assert listed.stdout.startswith("ada: 18 cards to review now")  # 20 new a day: 6 of ours, 12 of unit 1

    out = tmp_path / "out.apkg"
    exported = viva(data, "deck", "export", "-o", str(out), "--deck", "ML")
    assert exported.returncode == 0 and "Exported 6 cards" in exported.stdout
    assert "collection.anki2" in zipfile.ZipFile(out).namelist()


def test_bad_files_fail_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    broken = tmp_path / "broken.apkg"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = viva(data, "deck", "import", str(broken), "--learner", "Bo")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("viva: broken.apkg is not a readable .apkg file")
    listed = viva(data, "deck", "list")
    assert "bo: 12 cards to review now" in listed.stdout and "ML" not in listed.stdout  # only the curriculum
