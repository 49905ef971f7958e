"""One live session per learner: the registry's takeover logic, without WebRTC (the browser
test `test_a_second_page_takes_over` runs it for real)."""

import asyncio
import logging

from voicebot.server import Sessions


class Session:
    """What `Sessions` needs of a voice session; closing takes a while, as a real one does."""

    def __init__(self, sessions: Sessions, number: int, learner_id: str, journal: list[str]) -> None:
        self.id, self.learner_id = f"s{number}", learner_id
        self.log = logging.getLogger("test")
        self._sessions, self._journal = sessions, journal

    async def take_over(self) -> None:
        self._journal.append(f"told {self.id}")
        await asyncio.sleep(0.02)  # flushing the recording, closing the connection
        self._journal.append(f"closed {self.id}")
        self._sessions.remove(self)


async def offer(sessions: Sessions, number: int, learner_id: str, journal: list[str]) -> None:
    async with sessions.claim(learner_id):
        await asyncio.sleep(0.01)  # negotiating the connection
        live = [s for s in sessions.live.values() if s.learner_id == learner_id]
        assert not live, f"{live[0].id} still live when s{number} starts"
        sessions.add(Session(sessions, number, learner_id, journal))  # type: ignore[arg-type]
        journal.append(f"started s{number}")


async def test_a_new_session_takes_over_the_live_one_first() -> None:
    sessions, journal = Sessions(limit=8), []
    await offer(sessions, 1, "ada", journal)
    await offer(sessions, 2, "ada", journal)
    assert journal == ["started s1", "told s1", "closed s1", "started s2"]
    assert list(sessions.live) == ["s2"] and "s1" in sessions.closed


async def test_offers_at_once_leave_one_live_session() -> None:
    sessions, journal = Sessions(limit=8), []
    await asyncio.gather(*(offer(sessions, n, "ada", journal) for n in range(1, 5)))
    order = [line.split()[1] for line in journal if line.startswith("started")]
    assert len(order) == 4 and list(sessions.live) == [order[-1]]
    for before, after in zip(order, order[1:], strict=False):  # each was closed before the next began
        assert journal.index(f"closed {before}") < journal.index(f"started {after}")


async def test_other_learners_are_not_held_up_and_claims_are_released() -> None:
    sessions, journal = Sessions(limit=8), []
    await offer(sessions, 1, "ada", journal)
    slow = asyncio.create_task(offer(sessions, 2, "ada", journal))  # takes s1 over
    await asyncio.sleep(0)
    await offer(sessions, 3, "bob", journal)
    assert "started s3" in journal and "started s2" not in journal  # bob did not wait for ada
    await slow
    assert sorted(s.learner_id for s in sessions.live.values()) == ["ada", "bob"]
    assert not sessions._claims  # nothing left behind per learner


async def test_the_last_session_closing_is_announced_once() -> None:
    calls: list[int] = []
    sessions, journal = Sessions(limit=8, all_closed=lambda: calls.append(len(sessions.live))), []
    await offer(sessions, 1, "ada", journal)
    await offer(sessions, 2, "bob", journal)
    await sessions.live["s1"].take_over()
    assert calls == []  # bob is still talking
    await sessions.live["s2"].take_over()
    assert calls == [0]
