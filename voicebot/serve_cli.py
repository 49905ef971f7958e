"""`viva serve`: the study API, Rasa and its action server, the models, and the voice bot."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import logging
import signal
import ssl
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from voicebot.settings import Settings

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


def add_parser(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="start Viva (web page, speech, dialogue) and print the URL")
    serve.add_argument("--host", help="bind address (default 127.0.0.1; a LAN address needs HTTPS)")
    serve.add_argument("--port", type=int, help="port (default 8765)")
    serve.add_argument("--cert", type=Path, help="TLS certificate (PEM) for HTTPS")
    serve.add_argument("--key", type=Path, help="TLS private key (PEM)")
    serve.add_argument("--self-signed", action="store_true", help="make (once) and use a self-signed certificate")
    serve.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    server = settings.server
    server = replace(
        server,
        host=args.host or server.host,
        port=args.port or server.port,
        cert=args.cert or server.cert,
        key=args.key or server.key,
    )
    if args.self_signed and not (server.cert and server.key):
        from voicebot.tls import self_signed

        cert, key = self_signed(settings.data_dir / "tls", server.host)
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


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def serve(settings: Settings, ready: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set); `ready` is set once the URL is printed."""
    from asr import create_pool
    from asr.speech_gate import SpeechGate
    from dialogue.stack import running_stack
    from tts.speaker import Speaker, load_engine
    from voicebot.deps import VoiceDeps
    from voicebot.metrics import Metrics
    from voicebot.native_memory import trim_periodically
    from voicebot.server import create_app
    from voicebot.webrtc import allow_loopback_candidates

    server = settings.server
    context = _ssl_context(settings)
    if not _loopback(server.host) and context is None:
        print(
            "warning: browsers only allow the microphone on https:// off localhost; pass --cert/--key or --self-signed",
            file=sys.stderr,
        )
    allow_loopback_candidates(server.host)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    say("Loading the speech models …")
    pool = await asyncio.to_thread(create_pool, settings.asr, settings.model_cache)
    speaker = await asyncio.to_thread(lambda: Speaker(load_engine(settings.tts), settings.tts))
    await asyncio.to_thread(speaker.prerender, FIXED_PROMPTS)
    gate = await asyncio.to_thread(SpeechGate)
    tts_executor = ThreadPoolExecutor(max_workers=max(1, settings.server.tts_workers), thread_name_prefix="tts")
    trimmer = asyncio.create_task(trim_periodically(), name="trim-native-memory")
    runner: web.AppRunner | None = None
    try:
        async with running_stack(settings, progress=say) as stack:
            deps = VoiceDeps(settings, pool, speaker, tts_executor, gate, stack.rasa, stack.study, Metrics())
            runner = web.AppRunner(create_app(deps, stack.service), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, server.host, server.port, ssl_context=context).start()
            scheme = "https" if context else "http"
            shown = "localhost" if server.host in ("127.0.0.1", "::1") else server.host
            print(f"Viva is ready: {scheme}://{shown}:{server.port}/  (Ctrl-C stops everything)", flush=True)
            if ready is not None:
                ready.set()
            await stop.wait()
            say("Stopping …")
    finally:
        trimmer.cancel()
        if runner is not None:
            await runner.cleanup()
        tts_executor.shutdown(wait=False, cancel_futures=True)
        pool.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
