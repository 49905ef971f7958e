"""`viva transcribe FILE…`: text, JSON lines, or live partials with --stream."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from asr.events import AsrEvent, FinalTranscript, PartialTranscript
from asr.exceptions import AsrError
from asr.files import transcribe_file
from asr.options import AsrOptions, VadOptions


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("transcribe", help="transcribe audio files offline")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file (words, timings, confidence)")
    parser.add_argument("--stream", action="store_true", help="feed each file in real time and print partials")
    parser.add_argument("--model", help="faster-whisper model name or path (default: settings asr.model)")
    parser.add_argument("--hotwords", help="terms to bias recognition towards, e.g. 'eigenvector SVD'")


def run(args: argparse.Namespace, asr: AsrOptions, vad: VadOptions, cache_dir: Path) -> int:
    from dataclasses import replace

    from asr import create_pool

    if args.model:
        asr = replace(asr, model=args.model)
    pool = create_pool(asr, cache_dir)
    try:
        return asyncio.run(_run(args, pool, asr, vad))
    finally:
        pool.close()


async def _run(args: argparse.Namespace, pool, asr: AsrOptions, vad: VadOptions) -> int:
    failures = 0
    live = sys.stderr.isatty()
    for path in args.files:
        printer = _LivePrinter(live) if args.stream else None
        try:
            result = await transcribe_file(
                path,
                pool,
                asr=asr,
                vad=vad,
                realtime=args.stream,
                hotwords=args.hotwords,
                on_event=printer.on_event if printer else None,
                on_progress=None if args.stream or not live else _progress(path),
            )
        except AsrError as exc:
            failures += 1
            if args.json:
                print(json.dumps({"file": str(path), "error": str(exc)}), flush=True)
            print(f"error: {exc}", file=sys.stderr)
            continue
        if live and not args.stream:
            print("\r\033[K", end="", file=sys.stderr)
        if args.json:
            print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
        elif not args.stream:
            prefix = f"{path}: " if len(args.files) > 1 else ""
            print(f"{prefix}{result.text}", flush=True)
    return 1 if failures else 0


def _progress(path: Path):
    def show(seconds: float) -> None:
        print(f"\r\033[K{path.name}: {seconds:6.1f} s decoded", end="", file=sys.stderr, flush=True)

    return show


class _LivePrinter:
    """Partials overwrite one line on a terminal; finals are printed as lines on stdout."""

    def __init__(self, live: bool) -> None:
        self._live = live

    def on_event(self, event: AsrEvent) -> None:
        if isinstance(event, PartialTranscript):
            if self._live:
                print(f"\r\033[K… {event.text}", end="", file=sys.stderr, flush=True)
            else:
                print(f"partial {event.audio_end:7.2f}s: {event.text}", flush=True)
        elif isinstance(event, FinalTranscript):
            if self._live:
                print("\r\033[K", end="", file=sys.stderr)
            print(f"final   {event.end:7.2f}s: {event.text}", flush=True)
