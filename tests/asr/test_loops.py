"""Loop handling on decoded text (no model): what a looping decode is cut down to."""

import pytest

from asr.whisper import _collapse_repeats, _looped


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Repeat the question. Repeat the question.", "Repeat the question."),
        # the token cap cut the third repeat: its start goes too, so the command is whole again
        ("Repeat the question. Repeat the question. Repeat the", "Repeat the question."),
        ("I don't know. I don't know. I don't", "I don't know."),
        ("skip this one skip this one skip", "skip this one"),
        ("A b c d. A b c d. and more words", "A b c d. and more words"),
        # a command and the start of it again, cut by the cap before a whole repeat
        ("repeat the question repeat the", "repeat the question"),
        ("Repeat the question. Repeat the", "Repeat the question."),
    ],
)
def test_a_loop_is_cut_to_one_phrase(text: str, kept: str) -> None:
    assert _looped(text)
    assert _collapse_repeats(text) == kept


@pytest.mark.parametrize(
    "text", ["The question is not repeated; the question ends here.", "the gradient of the loss", "next next"]
)
def test_text_without_an_immediate_repeat_is_not_a_loop(text: str) -> None:
    assert not _looped(text)
    assert _collapse_repeats(text) == text
