"""The `viva` command: one entry point, one settings object, a subcommand per job."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from voicebot.config_loader import ConfigError
from voicebot.native_memory import cap_malloc_arenas
from voicebot.settings import Settings, load_settings

# Quiet, bounded native threading before any model library loads (2-core laptops).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


cap_malloc_arenas()  # before any thread allocates: see voicebot/native_memory.py


def _parser() -> argparse.ArgumentParser:
    import asr.cli
    import tts.cli
    from voicebot import doctor

    parser = argparse.ArgumentParser(prog="viva", description="Viva: study ML/AI aloud.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--log-format",
        choices=["text", "json"],
        help="log lines as text (default) or JSON objects (setting: log_format)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    asr.cli.add_parser(commands)
    tts.cli.add_parser(commands)
    doctor.add_parser(commands)
    for module in _optional_commands():
        module.add_parser(commands)
    return parser


def _optional_commands() -> list:
    """Commands of the later layers (drills, dialogue, the voice bot)."""
    modules = []
    names = (
        "drills.cli",
        "drills.grading.cli",
        "drills.cards.cli",
        "dialogue.cli",
        "voicebot.serve_cli",
        "voicebot.devices_cli",
        "voicebot.share_cli",
    )
    for name in names:
        try:
            modules.append(__import__(name, fromlist=["add_parser"]))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


PRIVATE_COMMANDS = frozenset({"serve", "chat", "dialogue", "pair", "devices", "share"})
"""Commands that write into the data directory: they run with umask 077 (voicebot/datadir.py)."""


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command in PRIVATE_COMMANDS:
        from voicebot.datadir import make_private

        make_private(settings.data_dir, settings.database_url)
    if args.command == "transcribe":
        import asr.cli

        return asr.cli.run(args, settings.asr, settings.vad, settings.model_cache)
    if args.command == "say":
        import tts.cli

        return tts.cli.run(args, settings.tts)
    if args.command == "doctor":
        from voicebot import doctor

        return doctor.run(args, settings)
    return int(args.handler(args, settings))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from voicebot.logs import configure

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"viva: configuration error: {exc}", file=sys.stderr)
        return 2
    configure(args.verbose, args.log_format or settings.log_format)
    try:
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the user gets one clear line; --verbose shows the trace
        from asr.exceptions import AsrError
        from dialogue.exceptions import DialogueError
        from drills.exceptions import DrillsError
        from tts.exceptions import TtsError

        if isinstance(exc, (AsrError, TtsError, ConfigError, DialogueError, DrillsError)):
            print(f"viva: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
