"""`viva chat` and `viva review`: the drills and the card review by typing, through the same
path the voice bot uses.

app → Rasa (REST) → action server → the app's internal API → the study store.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from dialogue.conversation import START_INTENTS, Conversation
from dialogue.payload import BotTurn, TurnState
from dialogue.stack import running_stack

if TYPE_CHECKING:
    from voicebot.settings import Settings

QUIT = {"/quit", "/exit", "quit", "exit"}


def _status(state: TurnState) -> str:
    if state.card is not None and state.mode in ("answer", "rating"):
        where = f" {state.position}/{state.total}" if state.position and state.total else ""
        doing = "rate" if state.mode == "rating" else "answer"
        return f"[card{where} · {doing}: {' | '.join(state.expect[:4])}]"
    if state.mode != "answer" or state.question is None:
        return f"[{state.mode}]"
    q = state.question
    where = f" {state.position}/{state.total}" if state.position and state.total else ""
    return f"[answering {q.id} · {q.kind}{where}]"


def _show(turns: list[BotTurn], state: TurnState) -> None:
    for turn in turns:
        print(f"Viva: {turn.text}")
    print(_status(state), flush=True)


async def chat(settings: Settings, learner: str | None, mode: str | None) -> int:
    name = learner or (await asyncio.to_thread(input, "Your name: ")).strip()
    if not name:
        print("A name is needed to keep your progress.", file=sys.stderr)
        return 2
    async with running_stack(settings, progress=lambda m: print(m, file=sys.stderr, flush=True)) as stack:
        view, _ = await asyncio.to_thread(stack.service.create_learner, name)
        conversation = Conversation(view.learner_id, stack.rasa, stack.study)
        resumed = await asyncio.to_thread(stack.study.open_turn_state, view.learner_id)
        if mode:
            turns = await conversation.begin(START_INTENTS[mode])
        elif resumed is not None:
            conversation.state = resumed
            turns = await conversation.resume()
        else:
            turns = await conversation.send("/greet")
        print("(type your answers; 'help' lists what you can say; /quit ends)", file=sys.stderr)
        _show(turns, conversation.state)
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                break
            if line.strip().lower() in QUIT:
                break
            turns = await conversation.learner_said(line, typed=True)
            _show(turns, conversation.state)
    return 0
