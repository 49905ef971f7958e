"""The turn worker alone: inputs in order, each through the dialogue, replies handed on
(voicebot/turns.py). The dialogue and the answer source are doubles; no aiortc, no Rasa."""

import asyncio

import pytest

from dialogue.conversation import AnswerAudio
from dialogue.payload import BotTurn, TurnState
from voicebot.turns import TurnInput, TurnWorker


class Dialogue:
    def __init__(self) -> None:
        self.state = TurnState(mode="answer", attempt_id="a1")
        self.calls: list[tuple] = []
        self.gate: dict[str, asyncio.Event] = {}  # text → released when set
        self.fail: set[str] = set()

    async def _reply(self, call: tuple, text: str) -> list[BotTurn]:
        self.calls.append(call)
        if text in self.gate:
            await self.gate[text].wait()
        if text in self.fail:
            raise RuntimeError("the dialogue broke")
        return [BotTurn(f"reply to {text}", None)]

    async def begin(self, intent: str) -> list[BotTurn]:
        return await self._reply(("begin", intent), intent)

    async def send(self, text: str) -> list[BotTurn]:
        return await self._reply(("send", text), text)

    async def learner_said(self, text, *, typed=False, audio=None, carried=""):
        return await self._reply(("said", text, typed, audio, carried), text)


class Answers:
    def __init__(self) -> None:
        self.audio = AnswerAudio(audio_id="rec.wav", duration=2.0, confidence=0.8)

    async def answer_audio(self, heard) -> AnswerAudio:
        return self.audio

    def carried_for(self, attempt_id):
        return "said before the drop" if attempt_id == "a1" else ""


class Handler:
    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.replied = asyncio.Queue()

    def thinking(self, item) -> None:
        self.events.append(("thinking",))

    async def reply(self, turns) -> None:
        self.events.append(("reply", [t.text for t in turns]))
        await self.replied.put(turns)

    def failed(self, item) -> None:
        self.events.append(("failed", item.text))
        self.replied.put_nowait(None)


@pytest.fixture
def parts():
    return Dialogue(), Answers(), Handler()


async def test_inputs_are_taken_one_at_a_time_in_order(parts) -> None:
    dialogue, answers, handler = parts
    worker = TurnWorker(dialogue, answers, handler)
    dialogue.gate["first"] = asyncio.Event()
    for text in ("first", "second", "third"):
        assert worker.offer(TurnInput("text", text, typed=True))
    task = asyncio.create_task(worker.run())
    try:
        while not dialogue.calls:
            await asyncio.sleep(0)
        for _ in range(20):  # the worker would have moved on by now if it did not wait
            await asyncio.sleep(0)
        assert [c[1] for c in dialogue.calls] == ["first"]
        dialogue.gate["first"].set()
        for _ in range(3):
            await handler.replied.get()
        assert [c[1] for c in dialogue.calls] == ["first", "second", "third"]
        assert handler.events == [
            e for text in ("first", "second", "third") for e in (("thinking",), ("reply", [f"reply to {text}"]))
        ]
    finally:
        task.cancel()


async def test_each_kind_goes_its_own_way_through_the_dialogue(parts) -> None:
    dialogue, answers, handler = parts
    worker = TurnWorker(dialogue, answers, handler)
    assert await worker.take(TurnInput("begin", "/start_drill")) == [BotTurn("reply to /start_drill", None)]
    await worker.take(TurnInput("intent", "/repeat"))
    await worker.take(TurnInput("final", "eigenvectors are scaled", heard=object()))
    await worker.take(TurnInput("final", "skip"))  # a final outside an answer: no audio
    await worker.take(TurnInput("text", "typed answer", typed=True))
    assert dialogue.calls == [
        ("begin", "/start_drill"),
        ("send", "/repeat"),
        ("said", "eigenvectors are scaled", False, answers.audio, "said before the drop"),
        ("said", "skip", False, None, "said before the drop"),
        ("said", "typed answer", True, None, "said before the drop"),
    ]
    dialogue.state = TurnState(mode="command")
    await worker.take(TurnInput("text", "next", typed=True))
    assert dialogue.calls[-1] == ("said", "next", True, None, "")


async def test_a_failed_turn_is_reported_and_the_next_one_still_runs(parts) -> None:
    dialogue, answers, handler = parts
    dialogue.fail.add("boom")
    worker = TurnWorker(dialogue, answers, handler)
    worker.offer(TurnInput("text", "boom", typed=True))
    worker.offer(TurnInput("text", "after", typed=True))
    task = asyncio.create_task(worker.run())
    try:
        assert await handler.replied.get() is None
        await handler.replied.get()
    finally:
        task.cancel()
    assert handler.events == [("thinking",), ("failed", "boom"), ("thinking",), ("reply", ["reply to after"])]


def test_a_full_queue_drops_the_input_and_says_so(parts) -> None:
    worker = TurnWorker(*parts, maxsize=2)
    assert worker.offer(TurnInput("text", "one"))
    assert worker.offer(TurnInput("text", "two"))
    assert not worker.offer(TurnInput("text", "three"))
