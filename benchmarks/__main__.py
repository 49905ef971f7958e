"""`python -m benchmarks [asr|vad|tts|…] [--quick]` (or `make bench`): prints markdown tables."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SECTIONS = ("tts", "vad", "asr", "load", "memory", "dialogue", "voice", "cards", "grading", "recorder")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("sections", nargs="*", default=list(SECTIONS), help=f"any of {SECTIONS}")
    parser.add_argument("--quick", action="store_true", help="fewer clips (a smoke run)")
    args = parser.parse_args()
    from benchmarks.common import shared_clips

    clips = shared_clips()
    print(
        f"# Viva benchmarks — {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    if clips is None:
        print("\n(../shared absent — set VIVA_SHARED_DIR; sections on real clips are skipped)")
    started = time.monotonic()
    if "tts" in args.sections:
        from benchmarks import tts_bench

        print(tts_bench.run(), flush=True)
    if "vad" in args.sections and clips:
        from benchmarks import vad_bench

        print(vad_bench.run(clips), flush=True)
    if "asr" in args.sections or "load" in args.sections:
        from functools import cache

        from asr.audio import to_16k
        from tts.options import TtsOptions
        from tts.speaker import Speaker, load_engine

        tts_options = TtsOptions(deterministic=True)
        speaker = Speaker(load_engine(tts_options), tts_options)

        @cache
        def say(text: str):
            chunk = speaker.render(text)
            return to_16k(chunk.samples, chunk.sample_rate)

        with tempfile.TemporaryDirectory() as models:
            if "asr" in args.sections:
                from benchmarks import asr_bench

                print(asr_bench.run(clips, say, Path(models), args.quick), flush=True)
            if "load" in args.sections:
                from benchmarks import load_bench

                print(load_bench.run(say, Path(models), args.quick), flush=True)
    if "memory" in args.sections:
        from benchmarks import memory_bench

        print(memory_bench.run(), flush=True)
    if "dialogue" in args.sections:
        from benchmarks import dialogue_bench

        print(dialogue_bench.run(args.quick), flush=True)
    if "grading" in args.sections:
        from benchmarks import grading_bench

        print(grading_bench.run(args.quick), flush=True)
    if "voice" in args.sections:
        from benchmarks import voice_bench

        print(voice_bench.run(args.quick), flush=True)
    if "cards" in args.sections:
        from benchmarks import cards_bench

        print(cards_bench.run(args.quick), flush=True)
    if "recorder" in args.sections:
        from benchmarks import recorder_bench

        print(recorder_bench.run(args.quick), flush=True)
    print(f"\n(took {time.monotonic() - started:.0f} s: `{' '.join(['python -m benchmarks', *sys.argv[1:]])}`)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
