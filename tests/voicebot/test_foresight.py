"""Foresight alone: which replies are synthesised ahead of the Rasa turn (voicebot/foresight.py).
Rehearsal and the card lookup are recording doubles; no TTS, no Rasa."""

import asyncio

from dialogue.payload import CardRef, TurnState
from voicebot.foresight import Foresight, worth_rehearsing
from voicebot.turns import TurnInput

QUESTION = TurnState(mode="answer", attempt_id="a1")
CARD_FRONT = TurnState(mode="answer", card=CardRef(7, front="What is a p-value?"))
CARD_RATING = TurnState(mode="rating", card=CardRef(7))


class Parts:
    def __init__(self, backs: dict[int, str] | None = None) -> None:
        self.rehearsed: list[str] = []
        self.looked_up: list[int] = []
        self.tasks: list[asyncio.Task] = []
        self.backs = backs or {}

    async def rehearse(self, text: str) -> None:
        self.rehearsed.append(text)

    async def card_back(self, card_id: int) -> str | None:
        self.looked_up.append(card_id)
        return self.backs.get(card_id)

    def spawn(self, coro, name: str) -> asyncio.Task:
        self.tasks.append(asyncio.get_running_loop().create_task(coro, name=name))
        return self.tasks[-1]

    async def settle(self) -> None:
        await asyncio.gather(*self.tasks)

    def foresight(self) -> Foresight:
        return Foresight(self.rehearse, self.card_back, self.spawn)


def test_commands_of_the_mode_are_not_worth_it_and_answers_are() -> None:
    assert worth_rehearsing("eigenvectors only get scaled", QUESTION)
    assert not worth_rehearsing("Skip this one.", QUESTION)
    assert not worth_rehearsing("give me a hint", QUESTION)
    assert worth_rehearsing("skip lists are probabilistic towers of linked lists", QUESTION)  # the trap
    assert not worth_rehearsing("  ", QUESTION)


async def test_a_stored_answer_has_its_feedback_rehearsed() -> None:
    parts = Parts()
    foresight = parts.foresight()
    foresight.answer_stored("eigenvectors only get scaled", "Good: you covered one of two key points.", QUESTION)
    foresight.answer_stored("repeat the question", "That missed the key points.", QUESTION)  # a command
    foresight.answer_stored("an answer graded without feedback", None, QUESTION)
    await parts.settle()
    assert parts.rehearsed == ["Good: you covered one of two key points."]
    assert foresight.started == 1


async def test_an_answer_to_a_card_front_has_the_back_rehearsed() -> None:
    parts = Parts({7: "The answer: the chance of data this extreme under the null."})
    foresight = parts.foresight()
    foresight.input_taken(TurnInput("final", "how surprising the data is"), CARD_FRONT)
    foresight.input_taken(TurnInput("text", "show me", typed=True), CARD_FRONT)
    await parts.settle()
    assert parts.rehearsed == ["The answer: the chance of data this extreme under the null."] * 2


async def test_no_back_outside_a_front_or_for_a_command() -> None:
    parts = Parts({7: "The answer: something."})
    foresight = parts.foresight()
    foresight.input_taken(TurnInput("final", "good"), CARD_RATING)  # the back was said already
    foresight.input_taken(TurnInput("final", "skip"), CARD_FRONT)
    foresight.input_taken(TurnInput("intent", "/repeat"), CARD_FRONT)
    foresight.input_taken(TurnInput("final", "an answer"), QUESTION)  # a question's waits for grading
    await parts.settle()
    assert parts.looked_up == [] and parts.rehearsed == []


async def test_a_card_without_a_back_rehearses_nothing() -> None:
    parts = Parts()
    parts.foresight().input_taken(TurnInput("final", "no idea really"), CARD_FRONT)
    await parts.settle()
    assert parts.looked_up == [7] and parts.rehearsed == []
