"""The streaming policy with a fake clock and scripted decode results (no audio model)."""

from __future__ import annotations

import numpy as np
import pytest

from asr.audio import FRAME_SAMPLES
from asr.events import FinalTranscript, PartialTranscript, SpeechDiscarded, SpeechStarted
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.policy import DecodeJob, DecodeKind, StreamingPolicy
from asr.transcript import Transcript

FRAME_S = 0.03
SILENT = np.zeros(FRAME_SAMPLES, np.float32)


class Script:
    """Drives a policy frame by frame on a fake clock; answers its decode jobs on demand."""

    def __init__(self, profile: EndpointProfile = EndpointProfile.ANSWER, **policy_kw) -> None:
        self.now = 0.0
        self.policy = StreamingPolicy(AsrOptions(), VadOptions(), profile=profile, clock=lambda: self.now, **policy_kw)
        self.jobs: list[DecodeJob] = []
        self.events: list = []
        self.ended_at: float | None = None

    def _take(self, outputs: list) -> None:
        for item in outputs:
            if isinstance(item, DecodeJob):
                self.jobs.append(item)
            else:
                self.events.append(item)
                if isinstance(item, FinalTranscript) and self.ended_at is None:
                    self.ended_at = self.now

    def speak(self, ms: int, busy: bool = False) -> None:
        self._frames(True, ms, busy)

    def silence(self, ms: int, busy: bool = False) -> None:
        self._frames(False, ms, busy)

    def _frames(self, voiced: bool, ms: int, busy: bool) -> None:
        for _ in range(round(ms / 30)):
            self.now += FRAME_S
            self._take(self.policy.push(SILENT, voiced, busy=busy))

    def pending(self, kind: DecodeKind) -> list[DecodeJob]:
        return [j for j in self.jobs if j.kind is kind]

    def answer(self, kind: DecodeKind, text: str | None, index: int = -1) -> DecodeJob:
        """Hand back the result of the newest (or `index`-th) unanswered job of `kind`."""
        job = self.pending(kind)[index]
        self.jobs.remove(job)
        result = None if text is None else Transcript(text=text, duration=job.audio.shape[0] / 16_000)
        self._take(self.policy.decoded(job.ticket, result))
        return job

    def finals(self) -> list[FinalTranscript]:
        return [e for e in self.events if isinstance(e, FinalTranscript)]

    def partials(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, PartialTranscript)]


def silence_before_end(script: Script, speech_ended: float) -> float:
    assert script.ended_at is not None
    return round((script.ended_at - speech_ended) * 1000)


def test_an_unambiguous_command_in_answer_mode_ends_within_the_command_pause() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.silence(300)
    s.speak(900)
    speech_ended = s.now
    s.silence(90)  # the pause began after 60 ms: the speculation was issued
    s.answer(DecodeKind.SPECULATION, "Repeat the question.")
    s.silence(300)
    final = s.finals()[0]
    assert final.text == "Repeat the question." and final.reason == "command_phrase"
    assert silence_before_end(s, speech_ended) <= VadOptions().command_pause_ms
    assert final.ready_delay == 0  # the speculation was the final


def test_an_ambiguous_command_waits_the_command_hangover_not_the_answer_hangover() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(600)
    speech_ended = s.now
    s.silence(90)
    s.answer(DecodeKind.SPECULATION, "Repeat.")  # "repeat the question" may be coming
    s.silence(150)
    assert s.finals() == []
    s.silence(300)
    assert s.finals()[0].reason == "command_phrase"
    waited = silence_before_end(s, speech_ended)
    assert VadOptions().command_hangover_ms <= waited < VadOptions().command_hangover_ms + 60


def test_an_answer_starting_with_a_command_word_is_still_an_answer() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(450)  # "Skip" …
    s.silence(90)
    s.answer(DecodeKind.SPECULATION, "Skip")
    s.silence(120)  # … a short breath, then "lists let you skip over nodes. That's my answer."
    s.speak(3000)
    s.silence(90)
    assert s.finals() == []
    s.answer(DecodeKind.SPECULATION, "Skip lists let you skip over nodes. That's my answer.")
    s.silence(400)
    (final,) = s.finals()
    assert final.text == "Skip lists let you skip over nodes." and final.reason == "done_phrase"


def test_a_command_word_after_a_long_utterance_is_not_a_command() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(4000)
    s.silence(90)
    s.answer(DecodeKind.SPECULATION, "next")  # e.g. mumbling that decoded to one word
    s.silence(1500)
    assert s.finals() == []  # the answer hangover still applies


def test_the_commands_of_the_current_mode_decide() -> None:
    s = Script(EndpointProfile.ANSWER, commands=("next", "next question"))
    s.speak(900)
    s.silence(90)
    s.answer(DecodeKind.SPECULATION, "give me a hint")
    s.silence(1000)
    assert s.finals() == []  # not a command of this mode: the answer profile holds
    s.policy.set_context(profile=EndpointProfile.ANSWER, commands=("give me a hint",))
    s.silence(1900)
    assert s.finals() and s.finals()[0].reason == "silence"


def test_a_partial_that_covers_the_whole_command_ends_it_without_waiting_for_the_speculation() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(810)  # a partial is due 0.8 s after the utterance start (pre-roll included)
    (partial,) = s.pending(DecodeKind.PARTIAL)
    speech_ended = s.now
    s.silence(90)
    assert s.pending(DecodeKind.SPECULATION)
    s.answer(DecodeKind.PARTIAL, "give me a hint")
    s.silence(180)
    final = s.finals()[0]
    assert final.text == "give me a hint" and final.reason == "command_phrase"
    assert silence_before_end(s, speech_ended) <= VadOptions().command_pause_ms + 30
    assert partial.request.beam_size == 1 and not partial.request.fallback


def test_partials_are_greedy_and_never_fall_back_while_finals_are_full_decodes() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(3300)
    s.silence(90)
    partial, speculation = s.pending(DecodeKind.PARTIAL)[0], s.pending(DecodeKind.SPECULATION)[0]
    assert (partial.request.beam_size, partial.request.fallback, partial.final_grade) == (1, False, False)
    assert (speculation.request.beam_size, speculation.request.fallback) == (AsrOptions().beam_size, True)
    assert speculation.request.word_timestamps and speculation.final_grade


def test_partials_are_skipped_while_the_pool_is_busy_but_finals_are_not() -> None:
    s = Script(EndpointProfile.COMMAND)
    s.speak(3000, busy=True)
    assert s.pending(DecodeKind.PARTIAL) == []
    s.silence(90, busy=True)
    assert len(s.pending(DecodeKind.SPECULATION)) == 1
    s.silence(300, busy=True)
    s.answer(DecodeKind.SPECULATION, "tell me about it")
    assert s.finals()[0].text == "tell me about it"


def test_the_final_waits_for_a_speculation_still_running_at_the_endpoint() -> None:
    s = Script(EndpointProfile.COMMAND)
    s.speak(1500)
    endpoint_at = s.now + VadOptions().command_hangover_ms / 1000
    s.silence(390)  # the command hangover passed: endpoint, speculation still running
    assert s.finals() == [] and not s.policy.in_utterance
    s.now += 0.05
    s.answer(DecodeKind.SPECULATION, "a fine answer")
    final = s.finals()[0]
    assert final.ready_delay == pytest.approx(s.now - endpoint_at, abs=0.001)
    assert s.pending(DecodeKind.FINAL) == []  # nothing decoded twice


def test_a_speculation_overtaken_by_speech_becomes_a_partial_and_a_new_one_starts() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(1200)
    s.silence(90)
    s.speak(600)  # the learner carried on while the speculation ran
    s.silence(90)
    s.answer(DecodeKind.SPECULATION, "gradient boosting", index=0)
    assert s.partials()[-1] == "gradient boosting"
    assert len(s.pending(DecodeKind.SPECULATION)) == 1  # the newer pause gets its own


def test_a_failed_speculation_is_decoded_afresh_and_a_failed_final_is_reported() -> None:
    s = Script(EndpointProfile.COMMAND)
    s.speak(900)
    s.silence(400)
    s.answer(DecodeKind.SPECULATION, None)
    assert len(s.pending(DecodeKind.FINAL)) == 1
    s.answer(DecodeKind.FINAL, None)
    assert isinstance(s.events[-1], SpeechDiscarded) and s.events[-1].reason == "decode failed"
    assert not any(j.final_grade for j in s.jobs)


def test_a_long_answer_commits_its_window_at_a_pause() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(9000, busy=True)
    s.silence(90, busy=True)
    s.speak(1000, busy=True)  # the speculation lands after the learner resumed: a commit
    s.answer(DecodeKind.SPECULATION, "first part")
    s.silence(3000, busy=True)
    s.answer(DecodeKind.SPECULATION, "second part")
    final = s.finals()[0]
    assert final.text == "first part second part"
    started = next(e for e in s.events if isinstance(e, SpeechStarted))
    assert final.start == started.start


def test_offline_mode_decodes_each_utterance_once_with_no_partials() -> None:
    s = Script(EndpointProfile.COMMAND, realtime=False)
    s.speak(3000)
    s.silence(400)
    assert [j.kind for j in s.jobs] == [DecodeKind.FINAL]
    s.answer(DecodeKind.FINAL, "offline")
    assert s.finals()[0].text == "offline"


def collapsed(text: str) -> Transcript:
    return Transcript(text=text, collapsed=True)


def test_a_short_utterance_is_speculated_without_the_fallback_and_a_collapsed_command_still_ends_it() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(900)
    s.silence(90)
    job = s.pending(DecodeKind.SPECULATION)[0]
    assert not job.request.fallback  # a looping command is cut, not decoded again at 3x the cost
    s.jobs.remove(job)
    s._take(s.policy.decoded(job.ticket, collapsed("Repeat the question.")))
    s.silence(200)
    final = s.finals()[0]
    assert final.text == "Repeat the question." and final.reason == "command_phrase"
    assert not any(j.final_grade for j in s.jobs)


def test_a_collapsed_speculation_that_is_not_a_command_gets_a_full_final_decode() -> None:
    s = Script(EndpointProfile.COMMAND)
    s.speak(1500)
    s.silence(90)
    job = s.pending(DecodeKind.SPECULATION)[0]
    s.jobs.remove(job)
    s._take(s.policy.decoded(job.ticket, collapsed("bagging averages trees")))
    s.silence(300)
    assert s.finals() == []
    (final_job,) = s.pending(DecodeKind.FINAL)
    assert final_job.request.fallback
    s.answer(DecodeKind.FINAL, "bagging averages many trees")
    assert s.finals()[0].text == "bagging averages many trees"


def test_a_long_answer_is_speculated_with_the_fallback() -> None:
    s = Script(EndpointProfile.ANSWER)
    s.speak(5000, busy=True)
    s.silence(90, busy=True)
    assert s.pending(DecodeKind.SPECULATION)[0].request.fallback
