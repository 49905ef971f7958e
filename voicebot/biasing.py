"""What the voice bot tells Whisper to listen for (hotwords), from the bot's last payload."""

from __future__ import annotations

from collections.abc import Sequence

# In answer mode the command words follow the question's key terms: with the terms alone tiny.en
# heard "skip this one" as "let's get this one", and answers lose nothing by the addition
# (docs/benchmarks.md, "Biasing").
COMMAND_HOTWORDS = "repeat skip hint next stop slower faster answer"


def answer_hotwords(terms: Sequence[str]) -> str:
    """The biasing while a question is open: its key terms, then the command words."""
    return " ".join([*terms, COMMAND_HOTWORDS])
