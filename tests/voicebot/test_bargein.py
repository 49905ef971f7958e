"""Barge-in alone: the policy and its confirm loop, with scripted speech probabilities."""

from voicebot.bargein import BargeIn, BargeInConfirmer, BargeInOptions, BargeInPolicy

NO_WAIT = BargeInOptions(checks=4, recheck_s=0.0)


def scores(*values: float):
    remaining = list(values)
    asked: list[float] = []

    async def probability() -> float:
        asked.append(remaining[0])
        return remaining.pop(0)

    return probability, asked


def test_policy_stops_only_for_speech_while_viva_talks() -> None:
    policy = BargeInPolicy(threshold=0.5)
    assert not policy.should_stop(False, 0.99)
    assert not policy.should_stop(True, 0.2)
    assert policy.should_stop(True, 0.7)
    assert (policy.stops, policy.ignored) == (1, 1)


async def test_speech_is_confirmed_on_a_later_check_as_the_word_goes_on() -> None:
    probability, asked = scores(0.1, 0.3, 0.8, 0.9)
    confirmed = await BargeInConfirmer(options=NO_WAIT).confirm(lambda: True, lambda: True, probability)
    assert confirmed == BargeIn(0.8, 3) and asked == [0.1, 0.3, 0.8]


async def test_echo_and_noise_never_stop_viva() -> None:
    probability, asked = scores(0.1, 0.2, 0.1, 0.3, 0.9)
    assert await BargeInConfirmer(options=NO_WAIT).confirm(lambda: True, lambda: True, probability) is None
    assert len(asked) == 4  # `checks` looks, then it gives up


async def test_nothing_to_confirm_once_viva_stopped_or_the_utterance_ended() -> None:
    probability, asked = scores(0.9)
    assert await BargeInConfirmer(options=NO_WAIT).confirm(lambda: False, lambda: True, probability) is None
    assert await BargeInConfirmer(options=NO_WAIT).confirm(lambda: True, lambda: False, probability) is None
    assert asked == []
    talking = iter([True, True, False])  # Viva finished between the first and second check
    probability, asked = scores(0.2, 0.9)
    assert await BargeInConfirmer(options=NO_WAIT).confirm(lambda: next(talking), lambda: True, probability) is None
    assert asked == [0.2]
