"""How the recogniser listens in each state of the conversation: the endpoint profile, the Whisper
hotwords and the mode's spoken commands, all from the bot's last payload (docs/voice-protocol.md).

Four shapes: a drill question's answer (patient, biased to its key terms), a card's answer
(patient, biased to the card review's commands), a card's rating (short: a rating is one to
three words, and one of them ends the turn within `command_pause_ms`), and everything else
(short commands)."""

from __future__ import annotations

from dataclasses import dataclass

from asr.options import EndpointProfile
from dialogue.payload import TurnState
from voicebot.biasing import COMMAND_HOTWORDS, answer_hotwords, commands_for

# Ratings and their natural variants (the dialogue's rate_* examples, dialogue/data/nlu.yml):
# each one, said alone, ends the rating turn at once.
RATING_PHRASES = (
    "again",
    "hard",
    "good",
    "easy",
    "got it",
    "i got it",
    "got it right",
    "good one",
    "pretty good",
    "i knew it",
    "nailed it",
    "i nailed it",
    "missed it",
    "i missed it",
    "got it wrong",
    "forgot it",
    "wrong",
    "too easy",
    "that was easy",
    "easy peasy",
    "that was hard",
    "barely",
    "almost",
    "yes",
    "next",
)
# Whisper hotwords while a rating is expected: the four ratings first, then the variants' key
# words and the commands a rating turn also takes.
RATING_HOTWORDS = "again hard good easy got it nailed missed too easy repeat skip pause stop how many left"
CARD_HOTWORDS = "show me I don't know repeat skip pause stop how many left"
# A card's answer may also be one of these whole (the dialogue's card_form lets them through).
CARD_ANSWER_PHRASES = ("show me", "show me the answer", "i don't know", "no idea", "how many left", "how many are left")


@dataclass(frozen=True)
class Listening:
    """What `StreamingRecognizer.set_context` gets for one state of the conversation."""

    profile: EndpointProfile
    hotwords: str
    commands: tuple[str, ...]


def listening_for(state: TurnState) -> Listening:
    """The recogniser's context while the bot waits in `state`."""
    if state.answering:
        return Listening(EndpointProfile.ANSWER, answer_hotwords(state.terms), commands_for(state.mode))
    if state.card is not None and state.mode == "answer":
        return Listening(EndpointProfile.ANSWER, CARD_HOTWORDS, _unique(commands_for("answer"), CARD_ANSWER_PHRASES))
    if state.rating:
        return Listening(
            EndpointProfile.COMMAND, RATING_HOTWORDS, _unique(RATING_PHRASES, state.expect, commands_for("rating"))
        )
    return Listening(EndpointProfile.COMMAND, COMMAND_HOTWORDS, commands_for(state.mode))


def _unique(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.lower() for group in groups for p in group))
