"""Ratings said alone (Piper and espeak-ng voices) through the real model, decoded as a final is
while a rating is expected: beam 5, biased by the rating hotwords (voicebot/listening.py).

tiny.en sometimes says a short phrase twice ("nailed it nailed it"); the dialogue reads that as
the same rating, so repeats are collapsed here. What must never happen is a command heard as a
rating (a "skip" taken for "good" would grade a card the learner did not rate)."""

import re

import numpy as np
import pytest

from asr.audio import load_file
from asr.whisper import DecodeRequest
from benchmarks.metrics import normalize
from tests.conftest import espeak, silence
from voicebot.listening import RATING_HOTWORDS

pytestmark = pytest.mark.slow

RATINGS = ["good", "hard", "easy", "again", "got it", "missed it", "too easy", "nailed it", "i knew it"]
COMMANDS = ["skip", "pause", "repeat", "stop", "how many left"]
RATING_WORDS = re.compile(r"\b(good|hard|easy|again|got|nailed|missed|knew)\b")


def heard(transcriber, audio: np.ndarray, hotwords: str | None) -> str:
    request = DecodeRequest(beam_size=5, hotwords=hotwords)
    return normalize(transcriber.transcribe(np.concatenate([silence(0.3), audio, silence(0.3)]), request).text)


def collapsed(text: str, phrase: str) -> str:
    """`phrase` said more than once in a row, as once."""
    return re.sub(rf"^({re.escape(phrase)})( \1)+$", r"\1", text)


@pytest.mark.parametrize("voice", ["piper", "espeak"])
def test_ratings_are_heard_and_commands_are_not_taken_for_ratings(transcriber, say, tmp_path, voice: str) -> None:
    def speech(index: int, phrase: str) -> np.ndarray:
        return say(phrase) if voice == "piper" else load_file(espeak(phrase, tmp_path / f"{index}.wav"))

    ratings = [(p, heard(transcriber, speech(i, p), RATING_HOTWORDS)) for i, p in enumerate(RATINGS)]
    assert [(p, h) for p, h in ratings if collapsed(h, p) != p] == [], ratings
    commands = [(p, heard(transcriber, speech(100 + i, p), RATING_HOTWORDS)) for i, p in enumerate(COMMANDS)]
    assert [(p, h) for p, h in commands if RATING_WORDS.search(h)] == [], commands


def test_the_biasing_is_what_makes_a_lone_hard_heard(transcriber, say) -> None:
    audio = say("hard")
    assert heard(transcriber, audio, None) != "hard"  # tiny.en: "Art."
    assert heard(transcriber, audio, RATING_HOTWORDS) == "hard"
