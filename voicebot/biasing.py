"""What the voice bot tells the recogniser to listen for, from the bot's last payload: Whisper
hotwords, and the commands of the current mode (a short utterance that is one of them ends its
turn within the command hangover, whatever the endpoint profile)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from asr.options import EndpointProfile
from dialogue.payload import TurnState

# In answer mode the command words follow the question's key terms: with the terms alone tiny.en
# heard "skip this one" as "let's get this one", and answers lose nothing by the addition
# (docs/benchmarks.md, "Biasing").
COMMAND_HOTWORDS = "repeat skip hint next stop slower faster answer"

# The dialogue takes these as commands whenever a learner is in a drill (the answer form lets
# them through as control intents: dialogue/domain.yml); a few only make sense in one mode.
_ANY_MODE = (
    "repeat",
    "repeat that",
    "repeat the question",
    "say that again",
    "come again",
    "next",
    "next question",
    "next one",
    "skip",
    "skip it",
    "skip this one",
    "skip this question",
    "try again",
    "let me try again",
    "stop",
    "pause",
    "slower",
    "slow down",
    "faster",
    "speed up",
    "help",
)
_BY_MODE = {
    "answer": ("hint", "give me a hint", "tell me the answer", "what's the answer", "i don't know", "no idea"),
    "command": ("tell me the answer", "what's the answer"),
    "idle": ("start", "start the drill", "let's start"),
}


def answer_hotwords(terms: Sequence[str]) -> str:
    """The biasing while a question is open: its key terms, then the command words."""
    return " ".join([*terms, COMMAND_HOTWORDS])


def commands_for(mode: str) -> tuple[str, ...]:
    """The spoken commands of the bot's `mode` (`answer`, `command`, `idle`, …)."""
    return _ANY_MODE + _BY_MODE.get(mode, ())


@dataclass(frozen=True)
class Listening:
    """How the recogniser listens after a bot turn: endpointing, hotwords, the mode's commands."""

    profile: EndpointProfile
    hotwords: str
    commands: tuple[str, ...]


def listening_for(state: TurnState) -> Listening:
    """The bot's payload sets it: a patient ear and the question's terms while an answer is
    expected, short endpointing and the command words otherwise."""
    commands = commands_for(state.mode)
    if state.answering:
        return Listening(EndpointProfile.ANSWER, answer_hotwords(state.terms), commands)
    return Listening(EndpointProfile.COMMAND, COMMAND_HOTWORDS, commands)
