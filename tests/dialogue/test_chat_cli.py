"""`viva chat`: the drills by typing, as a user runs it (a subprocess with its own Rasa)."""

import subprocess
import sys

import pytest

from tests.support import REPO, viva_env

pytestmark = [pytest.mark.slow, pytest.mark.rasa]


def chat(viva_server, lines: list[str], *args: str, command: str = "chat") -> str:
    # Same data dir as the shared server (its trained model is reused), ports of its own.
    env = viva_env(viva_server.data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "voicebot.cli", command, *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def test_daily_drill_by_typing(viva_server) -> None:
    out = chat(
        viva_server,
        [
            "repeat the question",
            "Eigenvectors are only scaled by A, A v equals lambda v, so their span is invariant.",
            "next",
            "/quit",
        ],
        "--learner",
        "Typing Tom",
        "--mode",
        "drill",
    )
    assert "[answering u01-t" in out and "theory 1/3" in out
    assert "covered" in out.lower()
    assert "design 2/3" in out


def test_eli5_and_baseline_by_typing(viva_server) -> None:
    out = chat(
        viva_server,
        ["It is like a spinning top that only gets longer.", "/quit"],
        "--learner",
        "Eli Five",
        "--mode",
        "eli5",
    )
    assert "· eli5" in out
    out = chat(
        viva_server,
        ["The rank is the number of linearly independent columns.", "/quit"],
        "--learner",
        "Base Line",
        "--mode",
        "baseline",
    )
    assert "· baseline 1/30" in out
    assert "noted" in out.lower() and "[command]" in out


def test_review_by_typing(viva_server) -> None:
    lines = ["show me", "good", "how many left", "stop", "/quit"]
    out = chat(viva_server, lines, "--learner", "Card Carla", command="review")
    assert "to review. Here is the first." in out and "[card 1/" in out
    assert "The answer:" in out and "Good, next in" in out and "[card 2/" in out
    assert "left after this one" in out and "Stopped: one card reviewed" in out
