"""`Conversation.foresee`: the reply a stored answer gets is told before Rasa is asked.
The dialogue client and the study service are recording doubles (the real path runs in
tests/voicebot/test_observability.py: a spoken answer's feedback is rehearsed)."""

from dialogue.conversation import Conversation
from dialogue.payload import BotTurn, TurnState

FEEDBACK = "Good: you covered one of two key points. Say 'answer' for a model answer, or 'next' to continue."


class Log:
    def __init__(self) -> None:
        self.events: list[tuple] = []


class Dialogue:
    def __init__(self, log: Log) -> None:
        self.log = log

    async def send(self, learner_id, text, metadata=None) -> list[BotTurn]:
        self.log.events.append(("rasa", text, dict(metadata or {})))
        return [BotTurn(FEEDBACK, TurnState(mode="command"))]


class Study:
    def __init__(self, log: Log, reply: object = FEEDBACK) -> None:
        self.log = log
        self.reply = reply

    def record_transcript(self, attempt_id, text, **details):
        self.log.events.append(("stored", text))
        return {"grading": {"score": 0.5}, "candidate": "k1", "reply": self.reply}


def conversation(log: Log, study: Study) -> Conversation:
    talk = Conversation(
        "ada", Dialogue(log), study, foresee=lambda said, reply: log.events.append(("foresee", said, reply))
    )
    talk.state = TurnState(mode="answer", attempt_id="a1")
    return talk


async def test_the_reply_is_foreseen_after_storing_and_before_rasa() -> None:
    log = Log()
    await conversation(log, Study(log)).learner_said("eigenvectors  only get scaled")
    assert [e[0] for e in log.events] == ["stored", "foresee", "rasa"]
    assert log.events[1] == ("foresee", "eigenvectors only get scaled", FEEDBACK)
    assert log.events[2][2] == {"typed": False, "attempt_id": "a1", "candidate": "k1"}


async def test_nothing_is_foreseen_outside_an_answer_and_a_bad_reply_is_none() -> None:
    log = Log()
    talk = conversation(log, Study(log, reply=42))
    await talk.learner_said("an answer")
    assert ("foresee", "an answer", None) in log.events
    log.events.clear()
    await talk.learner_said("next")  # the feedback put the bot in command mode
    assert [e[0] for e in log.events] == ["rasa"]
