"""The voice process's heap trimmer: periodic, and at once when asked (the last session closed)."""

import asyncio
import sys

import pytest

from voicebot.native_memory import HeapTrimmer

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")


async def test_a_request_trims_without_waiting_for_the_interval() -> None:
    trimmer = HeapTrimmer(interval_s=3600)
    task = asyncio.create_task(trimmer.run())
    try:
        await asyncio.sleep(0)
        assert trimmer.trims == 0
        trimmer.request()
        async with asyncio.timeout(10):
            while trimmer.trims == 0:
                await asyncio.sleep(0.01)
        assert trimmer.trims == 1
    finally:
        task.cancel()
