"""The endpoint policy on scripted VAD decisions (no audio, no model)."""

from asr.endpointer import Discard, Endpoint, Endpointer, Onset, Pause, Resume, SegmentCut
from asr.options import EndpointProfile, VadOptions

FRAME_MS = 30


def frames(ms: int) -> int:
    return ms // FRAME_MS


def run(endpointer: Endpointer, pattern: list[tuple[bool, int]]) -> list:
    events = []
    for voiced, ms in pattern:
        for _ in range(frames(ms)):
            events.extend(endpointer.push(voiced))
    return events


def kinds(events: list) -> list[str]:
    return [type(e).__name__ for e in events]


def test_onset_needs_a_few_voiced_frames_and_includes_preroll() -> None:
    ep = Endpointer(VadOptions())
    events = run(ep, [(False, 900), (True, 60)])
    assert events == []  # two voiced frames are not yet speech
    events = run(ep, [(True, 30)])
    assert kinds(events) == ["Onset"]
    onset = events[0]
    assert isinstance(onset, Onset)
    # 900 ms silence, onset window of 5 frames ends at 990 ms; 300 ms pre-roll before its start
    assert onset.start == (990 - 5 * 30 - 300) * 16


def test_command_profile_ends_after_short_hangover() -> None:
    ep = Endpointer(VadOptions(), EndpointProfile.COMMAND)
    events = run(ep, [(True, 600), (False, 240)])
    assert kinds(events) == ["Onset", "Pause"]
    events = run(ep, [(False, 60)])
    assert kinds(events) == ["Endpoint"]
    end = events[0]
    assert end.reason == "silence" and end.speech_end == 600 * 16


def test_answer_profile_survives_thinking_pauses() -> None:
    ep = Endpointer(VadOptions(), EndpointProfile.ANSWER)
    events = run(ep, [(True, 1500), (False, 1500), (True, 1200), (False, 2400), (True, 900)])
    assert "Endpoint" not in kinds(events)
    assert kinds(events).count("Resume") == 2
    events = run(ep, [(False, VadOptions().answer_hangover_ms + 30)])
    assert kinds(events)[-1] == "Endpoint"


def test_same_pause_splits_under_command_but_not_answer() -> None:
    pattern = [(True, 1200), (False, 1500), (True, 1200), (False, 3300)]
    command = run(Endpointer(VadOptions(), EndpointProfile.COMMAND), pattern)
    answer = run(Endpointer(VadOptions(), EndpointProfile.ANSWER), pattern)
    assert kinds(command).count("Endpoint") == 2
    assert kinds(answer).count("Endpoint") == 1


def test_done_phrase_ends_an_answer_after_a_short_pause() -> None:
    ep = Endpointer(VadOptions(), EndpointProfile.ANSWER)
    run(ep, [(True, 2000), (False, 120)])
    assert ep.done_phrase_heard(covered_until=ep.now) == []  # not silent long enough yet
    events = run(ep, [(False, 210)])
    assert kinds(events) == ["Endpoint"] and events[0].reason == "done_phrase"


def test_done_phrase_is_ignored_when_the_learner_kept_talking() -> None:
    ep = Endpointer(VadOptions(), EndpointProfile.ANSWER)
    run(ep, [(True, 2000), (False, 120)])
    decoded_until = ep.now
    run(ep, [(True, 300), (False, 120)])
    assert ep.done_phrase_heard(covered_until=decoded_until) == []
    assert "Endpoint" not in kinds(run(ep, [(False, 600)]))


def test_short_bursts_are_discarded() -> None:
    ep = Endpointer(VadOptions(min_speech_ms=150))
    events = run(ep, [(True, 90), (False, 600)])
    assert kinds(events) == ["Onset", "Pause", "Discard"]
    assert isinstance(events[-1], Discard)


def test_hard_cap_cuts_segments_but_keeps_one_utterance() -> None:
    ep = Endpointer(VadOptions(max_segment_s=3.0), EndpointProfile.ANSWER)
    events = run(ep, [(True, 7500)])
    assert kinds(events) == ["Onset", "SegmentCut", "SegmentCut"]
    assert all(isinstance(e, SegmentCut) for e in events[1:])
    events = run(ep, [(False, VadOptions().answer_hangover_ms + 30)])
    assert kinds(events) == ["Pause", "Endpoint"]


def test_force_end_and_profile_switch() -> None:
    ep = Endpointer(VadOptions(), EndpointProfile.ANSWER)
    run(ep, [(True, 600), (False, 600)])
    ep.set_profile(EndpointProfile.COMMAND)
    events = run(ep, [(False, 30)])
    assert kinds(events) == ["Endpoint"]  # 630 ms of silence is past the command hangover
    run(ep, [(True, 600)])
    forced = ep.force_end()
    assert isinstance(forced[0], Endpoint) and forced[0].reason == "forced"
    assert ep.force_end() == []


def test_resume_event_marks_speech_after_pause() -> None:
    ep = Endpointer(VadOptions(), EndpointProfile.ANSWER)
    events = run(ep, [(True, 600), (False, 300), (True, 90)])
    assert kinds(events) == ["Onset", "Pause", "Resume"]
    assert isinstance(events[1], Pause) and isinstance(events[2], Resume)


def test_an_early_end_takes_its_own_pause_and_reason_and_is_cancelled_by_speech() -> None:
    ep = Endpointer(VadOptions(), EndpointProfile.ANSWER)
    run(ep, [(True, 900), (False, 90)])
    assert ep.end_early(covered_until=ep.now, min_pause_ms=150, reason="command_phrase") == []
    run(ep, [(True, 90)])  # the learner carried on: the early end is forgotten
    assert "Endpoint" not in kinds(run(ep, [(False, 600)]))
    events = ep.end_early(covered_until=ep.now, min_pause_ms=150, reason="command_phrase")
    assert kinds(events) == ["Endpoint"] and events[0].reason == "command_phrase"
