"""What the voice bot tells the recogniser to listen for, from the bot's last payload: Whisper
hotwords, and the commands of the current mode (a short utterance that is one of them ends its
turn within the command hangover, whatever the endpoint profile)."""

from __future__ import annotations

from collections.abc import Sequence

# In answer mode the command words follow the question's key terms: with the terms alone tiny.en
# heard "skip this one" as "let's get this one", and answers lose nothing by the addition
# (docs/benchmarks.md, "Biasing").
COMMAND_HOTWORDS = "repeat skip hint next stop slower faster answer"

_ANY_MODE = (
    "repeat",
    "repeat that",
    "say that again",
    "come again",
    "stop",
    "pause",
    "slower",
    "slow down",
    "faster",
    "speed up",
    "help",
)
_BY_MODE = {
    # A question is open: the dialogue's answer form takes these as commands (dialogue/domain.yml).
    "answer": (
        "repeat the question",
        "skip",
        "skip it",
        "skip this one",
        "skip this question",
        "hint",
        "give me a hint",
        "tell me the answer",
        "what's the answer",
        "i don't know",
        "no idea",
    ),
    # Between questions: feedback was given, the learner moves on or tries again.
    "command": ("repeat the question", "next", "next question", "next one", "try again", "let me try again", "skip"),
    "idle": ("start", "start the drill", "let's start"),
}


def answer_hotwords(terms: Sequence[str]) -> str:
    """The biasing while a question is open: its key terms, then the command words."""
    return " ".join([*terms, COMMAND_HOTWORDS])


def commands_for(mode: str) -> tuple[str, ...]:
    """The spoken commands of the bot's `mode` (`answer`, `command`, `idle`, …)."""
    return _ANY_MODE + _BY_MODE.get(mode, ())
