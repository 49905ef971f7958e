"""Rasa payloads as the app reads them: an attempt id becomes a file name, so its shape is checked."""

import pytest

from dialogue.payload import parse_state, parse_turns

GOOD = "0123456789abcdef" * 2


def test_a_well_formed_attempt_id_is_kept() -> None:
    state = parse_state({"viva": True, "mode": "answer", "attempt_id": GOOD})
    assert state.attempt_id == GOOD and state.answering


@pytest.mark.parametrize("attempt_id", ["../../etc/passwd", "..", "a/b", GOOD + "/../x", GOOD[:-1] + "G", 42, ["x"]])
def test_an_attempt_id_of_the_wrong_shape_is_dropped(attempt_id: object) -> None:
    turns = parse_turns([{"text": "Go ahead."}, {"custom": {"viva": True, "mode": "answer", "attempt_id": attempt_id}}])
    (turn,) = turns
    assert turn.state is not None and turn.state.attempt_id is None and not turn.state.answering
