"""The re-prompt timer alone, on a fake scheduler (voicebot/reprompt.py)."""

from voicebot.reprompt import Reprompter


class FakeTimer:
    def __init__(self, delay, callback) -> None:
        self.delay, self.callback, self.cancelled = delay, callback, False

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    def __init__(self) -> None:
        self.timers: list[FakeTimer] = []

    def __call__(self, delay, callback) -> FakeTimer:
        self.timers.append(FakeTimer(delay, callback))
        return self.timers[-1]

    def fire_pending(self) -> None:
        for timer in [t for t in self.timers if not t.cancelled]:
            timer.cancelled = True
            timer.callback()


def make(quiet=True):
    fired: list[int] = []
    scheduler = Scheduler()
    state = {"quiet": quiet}
    reprompter = Reprompter(lambda: state["quiet"], lambda: fired.append(1), scheduler)
    return reprompter, scheduler, fired, state


def test_fires_once_after_the_delay_when_all_is_quiet() -> None:
    reprompter, scheduler, fired, _ = make()
    reprompter.schedule(20.0)
    assert reprompter.pending and scheduler.timers[0].delay == 20.0 and fired == []
    scheduler.fire_pending()
    assert fired == [1] and not reprompter.pending


def test_speech_cancels_it_and_a_new_schedule_replaces_the_old() -> None:
    reprompter, scheduler, fired, _ = make()
    reprompter.schedule(20.0)
    reprompter.schedule(20.0)
    assert [t.cancelled for t in scheduler.timers] == [True, False]
    reprompter.cancel()
    assert not reprompter.pending
    scheduler.fire_pending()
    assert fired == []


def test_not_said_over_speech_or_while_viva_talks() -> None:
    reprompter, scheduler, fired, state = make()
    reprompter.schedule(20.0)
    state["quiet"] = False
    scheduler.fire_pending()
    assert fired == [] and not reprompter.pending


def test_no_delay_only_cancels() -> None:
    reprompter, scheduler, fired, _ = make()
    reprompter.schedule(20.0)
    reprompter.schedule(None)
    reprompter.schedule(0)
    assert [t.cancelled for t in scheduler.timers] == [True] and not reprompter.pending
