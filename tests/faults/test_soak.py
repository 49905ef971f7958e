"""The 3-minute soak (`python -m benchmarks.soak` runs 30): 4 aiortc learners drill aloud with
real recordings from ../shared/speech through the real `viva serve`, hanging up and coming back
as new learners; idle before and after, the server's memory grows < 5% and its asyncio tasks,
threads and open files do not grow (benchmarks/soak.py says how each is measured)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks.soak import SoakOptions, Speech, soak, soak_env
from tests.support import VivaServer

# Server start, two warm-up drills per learner, 3 minutes, two idle readings after memory trims.
pytestmark = [pytest.mark.slow, pytest.mark.rasa, pytest.mark.shared, pytest.mark.timeout(1500)]


def test_four_sessions_for_three_minutes_grow_nothing(tmp_path: Path, shared: Path, say) -> None:
    from benchmarks.soak import load_speech

    speech: Speech = load_speech(say)
    options = SoakOptions(sessions=4, minutes=3.0)
    server = VivaServer(tmp_path, soak_env(tmp_path, options)).start()
    try:
        result = asyncio.run(soak(server, options, speech))
    finally:
        server.stop()
    print("\n" + result.table())
    assert result.drills >= options.sessions, result.table()  # the soak did real work after the warm-up
    assert not result.problems(), result.table()
