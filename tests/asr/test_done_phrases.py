import pytest

from asr.done_phrases import command_match, split_done_phrase
from asr.options import VadOptions

PHRASES = VadOptions().done_phrases


@pytest.mark.parametrize(
    ("text", "kept", "phrase"),
    [
        ("Bagging averages many trees. That's my answer.", "Bagging averages many trees.", "that's my answer"),
        ("It reduces variance, I'm done", "It reduces variance", "i'm done"),
        ("It reduces variance. I AM DONE!", "It reduces variance.", "i am done"),
        ("that's my final answer", "", "that's my final answer"),
        ("I'm done with the proof but the rank is two", "I'm done with the proof but the rank is two", None),
        ("", "", None),
    ],
)
def test_split_done_phrase(text: str, kept: str, phrase: str | None) -> None:
    assert split_done_phrase(text, PHRASES) == (kept, phrase)


@pytest.mark.parametrize(
    ("text", "phrase", "ambiguous"),
    [
        ("Repeat.", "repeat", True),  # "repeat the question" starts with it
        ("Repeat the question!", "repeat the question", False),
        ("give me a HINT", "give me a hint", False),
        ("skip lists", None, None),
        ("next, please move on", None, None),
        ("", None, None),
    ],
)
def test_command_match_knows_whole_commands_and_their_ambiguity(text: str, phrase, ambiguous) -> None:
    match = command_match(text, VadOptions().command_phrases)
    assert (match and match.phrase, match and match.ambiguous) == (phrase, ambiguous)
