"""`viva chat`, `viva review` and `viva dialogue train|status`."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicebot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    chat = commands.add_parser("chat", help="run the drills by typing (text mode)")
    chat.add_argument("--learner", help="your name (asked when omitted)")
    chat.add_argument("--mode", choices=("drill", "eli5", "baseline"), help="start this right away")
    chat.set_defaults(handler=_chat)
    review = commands.add_parser("review", help="review your flashcards by typing (text mode)")
    review.add_argument("--learner", help="your name (asked when omitted)")
    review.add_argument("--cram", action="store_true", help="the card blitz: every card, schedule untouched")
    review.set_defaults(handler=_review)
    dialogue = commands.add_parser("dialogue", help="the Rasa dialogue model")
    sub = dialogue.add_subparsers(dest="dialogue_command", required=True)
    sub.add_parser("train", help="train the dialogue model if it is stale").set_defaults(handler=_train)


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from dialogue.chat import chat

    return asyncio.run(chat(settings, args.learner, args.mode))


def _review(args: argparse.Namespace, settings: Settings) -> int:
    from dialogue.chat import chat

    return asyncio.run(chat(settings, args.learner, "cram" if args.cram else "flashcards"))


def _train(args: argparse.Namespace, settings: Settings) -> int:
    from dialogue.runtime import RasaPaths, ensure_model

    model = asyncio.run(ensure_model(settings.rasa, RasaPaths.from_options(settings.rasa, settings.data_dir)))
    print(model)
    return 0
