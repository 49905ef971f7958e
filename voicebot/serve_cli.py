"""`viva serve`: the study API, Rasa and its action server, the models, and the voice bot."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import ssl
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from drills.devices import DeviceRegistry
from voicebot.config_loader import ConfigError
from voicebot.devices_cli import show_code, write_serve_file
from voicebot.settings import ServerOptions, Settings

log = logging.getLogger("viva.serve")

FIXED_PROMPTS = (
    # Openers the dialogue repeats: rendered once at start-up, so the first audio of most
    # replies comes from the cache (the feedback's "Good:" is its first chunk, see tts.speaker).
    "Good:",
    "Excellent:",
    "Nice.",
    "Okay.",
    "No problem.",
    "Thanks, noted.",
    "Okay, skipped.",
    "Here's the question again.",
    "Here's a model answer.",
    "Here is the first.",
    "Say next when you're ready.",
    "Say 'answer' for a model answer, or 'next' to continue.",
    "Say 'next' for the next question.",
    "Okay, I'll speak more slowly.",
    "Okay, I'll speak faster.",
    "Sure, take your time.",
    "Answer whenever you're ready.",
    "Okay, paused.",
    "Hi, I'm Viva.",
    "Sorry, I didn't catch that.",
    "Take your time. Say hint if you're stuck, or repeat to hear the question again.",
)


NEEDS_TLS = (
    "serving beyond this machine (phone mode) needs HTTPS: add --self-signed (Viva makes a certificate) "
    "or --cert FILE --key FILE"
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="start Viva (web page, speech, dialogue) and print the URL")
    serve.add_argument(
        "--host", help="bind address (default 127.0.0.1; any other is phone mode: HTTPS and paired devices only)"
    )
    serve.add_argument("--port", type=int, help="port (default 8765)")
    serve.add_argument("--cert", type=Path, help="TLS certificate (PEM) for HTTPS")
    serve.add_argument("--key", type=Path, help="TLS private key (PEM)")
    serve.add_argument("--self-signed", action="store_true", help="make (once) and use a self-signed certificate")
    serve.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from voicebot.hosts import public_address
    from voicebot.server import pairing_required

    server = settings.server
    server = replace(
        server,
        host=args.host or server.host,
        port=args.port or server.port,
        cert=args.cert or server.cert,
        key=args.key or server.key,
    )
    if bool(server.cert) != bool(server.key):
        print("viva: HTTPS needs both --cert and --key", file=sys.stderr)
        return 2
    if pairing_required(server) and not (server.cert or args.self_signed):
        print(f"viva: {NEEDS_TLS}", file=sys.stderr)
        return 2
    if args.self_signed and not (server.cert and server.key):
        from voicebot.tls import self_signed

        cert, key = self_signed(settings.data_dir / "tls", server.host, (public_address(server.host),))
        server = replace(server, cert=cert, key=key)
    settings = replace(settings, server=server)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))
    return 0


def _ssl_context(settings: Settings) -> ssl.SSLContext | None:
    server = settings.server
    if not (server.cert and server.key):
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(server.cert), str(server.key))
    return context


def _url(server: ServerOptions, tls: bool) -> str:
    from voicebot.hosts import public_address

    host = public_address(server.host)
    host = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{host}:{server.port}/"


def _device_registry(settings: Settings) -> DeviceRegistry:
    from drills.store import make_engine, make_session_factory

    return DeviceRegistry(make_session_factory(make_engine(settings.database_url)))


async def serve(settings: Settings, ready: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set); `ready` is set once the URL is printed."""
    from asr import DecodePool, WhisperTranscriber
    from asr.speech_gate import SpeechGate
    from dialogue.stack import running_stack
    from tts.speaker import Speaker, load_engine
    from voicebot.deps import VoiceDeps
    from voicebot.metrics import Metrics
    from voicebot.native_memory import HeapTrimmer
    from voicebot.observed import ObservedDialogue, ObservedGrader, ObservedTranscriber
    from voicebot.review_routes import build_review
    from voicebot.server import create_app, pairing_required
    from voicebot.wavfile import repair_all
    from voicebot.webrtc import allow_loopback_candidates

    server = settings.server
    context = _ssl_context(settings)
    pairing = pairing_required(server)
    if pairing and context is None:
        raise ConfigError(NEEDS_TLS)  # `run` says so before loading anything; this guards other callers
    allow_loopback_candidates(server.host)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    repaired = await asyncio.to_thread(repair_all, settings.recordings_dir)
    if repaired:
        say(f"Repaired {len(repaired)} recording(s) a crash left with a stale header")
    say("Loading the speech models …")
    metrics = Metrics()
    whisper = await asyncio.to_thread(WhisperTranscriber, settings.asr, settings.model_cache)
    pool = DecodePool(ObservedTranscriber(whisper, metrics), settings.asr.decode_workers)
    speaker = await asyncio.to_thread(lambda: Speaker(load_engine(settings.tts), settings.tts))
    await asyncio.to_thread(speaker.prerender, FIXED_PROMPTS)
    gate = await asyncio.to_thread(SpeechGate)
    tts_executor = ThreadPoolExecutor(max_workers=max(1, settings.server.tts_workers), thread_name_prefix="tts")
    heap = HeapTrimmer()
    trimmer = asyncio.create_task(heap.run(), name="trim-native-memory")
    runner: web.AppRunner | None = None
    serve_file: Path | None = None
    try:
        observe_grader = lambda grader: ObservedGrader(grader, metrics)  # noqa: E731
        async with running_stack(settings, progress=say, observe_grader=observe_grader) as stack:
            dialogue = ObservedDialogue(stack.rasa, metrics)
            deps = VoiceDeps(
                settings, pool, speaker, tts_executor, gate, dialogue, stack.study, metrics, all_closed=heap.request
            )
            devices = _device_registry(settings) if pairing else None
            review = build_review(settings, stack.service, deps.recorders)
            # No access log: request lines carry ids, and nothing of a learner's belongs in a log.
            runner = web.AppRunner(create_app(deps, stack.service, devices, review), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, server.host, server.port, ssl_context=context).start()
            url = _url(server, context is not None)
            serve_file = write_serve_file(settings.data_dir, url, pairing)
            if devices is not None:
                print("Phone mode: only paired devices get in (`viva pair` prints another code).", flush=True)
                show_code(await asyncio.to_thread(devices.new_code), url)
            print(f"Viva is ready: {url}  (Ctrl-C stops everything)", flush=True)
            if ready is not None:
                ready.set()
            await stop.wait()
            say("Stopping …")
    finally:
        if serve_file is not None:
            serve_file.unlink(missing_ok=True)
        trimmer.cancel()
        if runner is not None:
            await runner.cleanup()
        tts_executor.shutdown(wait=False, cancel_futures=True)
        pool.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
