"""`viva say "text" -o out.wav [--play]`."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from tts.options import TtsOptions


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("say", help="speak text (maths and ML notation read aloud)")
    parser.add_argument("text", help="text to speak; LaTeX in $…$ is read the way a teacher says it")
    parser.add_argument("-o", "--output", type=Path, help="write a 16-bit WAV file")
    parser.add_argument("--play", action="store_true", help="play through the sound device (aplay/play)")
    parser.add_argument("--rate", type=float, help="speaking rate, 1.0 normal, 0.8 slower, 1.25 faster")
    parser.add_argument("--show-text", action="store_true", help="print the normalised text that is spoken")


def run(args: argparse.Namespace, options: TtsOptions) -> int:
    from asr.audio import write_wav  # a shared WAV writer; tts has no other asr dependency
    from tts.speaker import Speaker, load_engine

    if not args.output and not args.play and not args.show_text:
        print("error: give -o FILE.wav, --play or --show-text", file=sys.stderr)
        return 2
    if args.rate:
        options = replace(options, rate=args.rate)
    speaker = Speaker(load_engine(options), options)
    if args.show_text:
        print(" | ".join(speaker.plan(args.text)))
    if not args.output and not args.play:
        return 0
    chunk = speaker.render(args.text)
    target = args.output or Path(tempfile.mkstemp(suffix=".wav")[1])
    write_wav(target, chunk.samples, chunk.sample_rate)
    if args.output:
        print(f"wrote {target} ({chunk.duration:.2f} s at {chunk.sample_rate} Hz)", file=sys.stderr)
    if args.play:
        player = shutil.which("aplay") or shutil.which("play")
        if player is None:
            print("error: no audio player found (install alsa-utils or sox)", file=sys.stderr)
            return 1
        result = subprocess.run([player, "-q", str(target)], check=False)
        if result.returncode != 0:
            print("error: playback failed (is there a sound device?)", file=sys.stderr)
            return 1
    return 0
