"""A lean Whisper decoder on faster-whisper's parts (CTranslate2 model, features, tokenizer).

Why not `WhisperModel.transcribe`: it always pads the encoder input to 30 s, so a two-word
command costs as much as a 30 s answer. Here the audio is zero-padded to the next 10 s step
(Whisper's own padding, just shorter), which keeps accuracy on our benchmark and cuts the
encoder cost roughly by the window ratio. One call decodes at most one window (<= 30 s);
the streaming layer commits longer answers window by window.
"""

from __future__ import annotations

import logging
import math
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.models import resolve_model
from asr.options import AsrOptions
from asr.speech_gate import SpeechGate
from asr.transcript import EMPTY, Transcript, Word

log = logging.getLogger(__name__)

MAX_WINDOW_S = 30
_WINDOW_STEP_S = 10
# Whisper needs silence after the speech: with under ~2 s of padding, tiny.en tends to repeat
# its last sentence into the padding (measured on 8-9 s windows; docs/benchmarks.md).
_PAD_MARGIN_S = 2.5
_PREPEND_PUNCTUATION = "\"'“¿([{-"
_APPEND_PUNCTUATION = "\"'.。,，!！?？:：”)]}、"
_WORDLIKE = re.compile(r"\w")
_MAX_INITIAL_TIMESTAMP_INDEX = 50  # the first segment starts within 1 s (faster-whisper's default)


@dataclass(frozen=True)
class DecodeRequest:
    """What one decode should do."""

    beam_size: int = 1
    word_timestamps: bool = False
    hotwords: str | None = None
    """Terms to bias towards (the current question's jargon, command words)."""
    previous_text: str | None = None
    """Text already committed in this utterance, for continuity across windows."""
    fallback: bool = True
    """Decode again in Whisper's 30 s window when the short window loops; otherwise the repeats
    are cut and the transcript says `collapsed`. The fallback costs ~3x a decode: partials and
    the speculation of a short utterance skip it (docs/architecture.md, "Decode scheduling")."""


@dataclass(frozen=True)
class _Decoded:
    tokens: list[int]
    text: str
    avg_logprob: float
    no_speech_prob: float
    encoded: object

    def collapsed(self, tokenizer) -> _Decoded:
        """The text with immediate repeats of a phrase kept once (a loop that survived)."""
        text = _collapse_repeats(self.text)
        tokens = tokenizer.encode(" " + text) if text else []
        return _Decoded(tokens, text, self.avg_logprob, self.no_speech_prob, self.encoded)


_REPEAT = re.compile(r"\b((?:\w+\W+){2,}?\w+)(?:\W+\1\b)+", re.IGNORECASE)
"""A phrase of three or more words said again immediately: "repeat the question repeat the question"."""


_WORD = re.compile(r"\w+")


def _restarted(text: str) -> str | None:
    """A whole text that is one phrase (3+ words) and the start (2+ words) of it again, as a
    short command loops when the token cap cuts it: "repeat the question repeat the" → "repeat
    the question". None for any other text."""
    tokens = text.split()
    token_words = [_WORD.findall(t.lower()) for t in tokens]
    words = [w for tw in token_words for w in tw]
    for k in range(1, len(tokens)):  # the restart is the last k tokens
        tail = [w for tw in token_words[-k:] for w in tw]
        unit = words[: len(words) - len(tail)]
        if 2 <= len(tail) < len(unit) and len(unit) >= 3 and unit[: len(tail)] == tail:
            return " ".join(tokens[:-k])
    return None


def _looped(text: str) -> bool:
    return bool(_REPEAT.search(text)) or _restarted(text) is not None


def _collapse_repeats(text: str) -> str:
    """Keep each immediately repeated phrase once, and drop the start of one more repeat that
    the token cap cut short: "Repeat the question. Repeat the question. Repeat the" → "Repeat
    the question."."""
    units = [_WORD.findall(m.group(1).lower()) for m in _REPEAT.finditer(text)]
    text = _REPEAT.sub(r"\1", text).rstrip()
    if units:
        unit = units[-1]
        tokens = text.split()
        words = [w.lower() for t in tokens for w in _WORD.findall(t)]
        for k in range(min(len(unit) - 1, len(tokens) - 1), 0, -1):  # k trailing tokens
            last = [w.lower() for t in tokens[-k:] for w in _WORD.findall(t)]
            n = len(last)
            if 0 < n < len(unit) and last == unit[:n] and words[-n - len(unit) : -n] == unit:
                text = " ".join(tokens[:-k])
                break
    return _restarted(text) or text


class Transcriber(Protocol):
    """Decodes one window (<= 30 s) of 16 kHz mono float32 audio."""

    def transcribe(self, audio: np.ndarray, request: DecodeRequest) -> Transcript: ...


def window_seconds(duration_s: float, mode: str) -> int:
    """The encoder window for `duration_s` of audio: the next 10 s step, or always 30 s."""
    if mode == "full":
        return MAX_WINDOW_S
    steps = math.ceil((duration_s + _PAD_MARGIN_S) / _WINDOW_STEP_S)
    return min(MAX_WINDOW_S, max(1, steps) * _WINDOW_STEP_S)


def _compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


class WhisperTranscriber:
    """The `Transcriber` backed by a CTranslate2 Whisper model. Thread-safe up to
    `options.decode_workers` concurrent calls."""

    def __init__(self, options: AsrOptions, cache_dir: Path) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self.options = options
        self.model_path = resolve_model(options.model, cache_dir)
        self._model = WhisperModel(
            self.model_path,
            device="cpu",
            compute_type=options.compute_type,
            cpu_threads=options.cpu_threads,
            num_workers=options.decode_workers,
            local_files_only=True,
        )
        self._tokenizer = Tokenizer(
            self._model.hf_tokenizer,
            self._model.model.is_multilingual,
            task="transcribe",
            language="en",
        )
        self._suppress = list(get_suppressed_tokens(self._tokenizer, [-1]))
        self._gate = SpeechGate() if options.speech_gate else None

    def transcribe(self, audio: np.ndarray, request: DecodeRequest) -> Transcript:
        duration = audio.shape[0] / SAMPLE_RATE
        if duration < 0.1:
            return EMPTY
        if duration > MAX_WINDOW_S:
            raise ValueError(f"one decode takes at most {MAX_WINDOW_S} s, got {duration:.1f} s")
        if self._gate is not None and not self._gate.has_speech(audio):
            return Transcript(text="", no_speech_prob=1.0, duration=duration)
        window = window_seconds(duration, self.options.encoder_window)
        decoded = self._decode(audio, request, window)
        if _looped(decoded.text) and window < MAX_WINDOW_S and request.fallback:
            # A short window occasionally makes tiny.en loop on a short command; Whisper's own
            # 30 s window does not (docs/benchmarks.md), so that is the fallback.
            log.debug("a %.1f s decode looped in a %d s window; decoding again in 30 s", duration, window)
            decoded = self._decode(audio, request, MAX_WINDOW_S)
        collapsed = _looped(decoded.text)
        if collapsed:
            decoded = decoded.collapsed(self._tokenizer)
        opts = self.options
        silent = decoded.no_speech_prob > opts.no_speech_threshold and decoded.avg_logprob < opts.log_prob_threshold
        looping = _compression_ratio(decoded.text) > opts.compression_ratio_threshold
        if not _WORDLIKE.search(decoded.text) or silent or looping:
            return Transcript(text="", no_speech_prob=decoded.no_speech_prob, duration=duration)
        words: tuple[Word, ...] = ()
        if request.word_timestamps:
            words = self._align(decoded.tokens, decoded.encoded, int(duration * SAMPLE_RATE / 160), duration)
        return Transcript(
            text=decoded.text,
            words=words,
            confidence=float(math.exp(decoded.avg_logprob)),
            no_speech_prob=decoded.no_speech_prob,
            duration=duration,
            collapsed=collapsed,
        )

    def _decode(self, audio: np.ndarray, request: DecodeRequest, window: int) -> _Decoded:
        frames = window * SAMPLE_RATE // 160
        padded = np.zeros(window * SAMPLE_RATE, dtype=np.float32)
        padded[: audio.shape[0]] = audio
        features = self._model.feature_extractor(padded, padding=0)[:, :frames]
        encoded = self._model.encode(np.ascontiguousarray(features))
        prompt = self._prompt(request)
        # Whisper rarely needs more than ~6 tokens per second; a tight cap bounds any loop.
        max_new = min(224, int(audio.shape[0] / SAMPLE_RATE * 8) + 16)
        result = self._model.model.generate(
            encoded,
            [prompt],
            beam_size=max(1, request.beam_size),
            max_length=len(prompt) + max_new,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
            max_initial_timestamp_index=_MAX_INITIAL_TIMESTAMP_INDEX,
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        # CTranslate2 returns the length-normalised score; this is faster-whisper's avg_logprob.
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1) if tokens else -10.0
        return _Decoded(
            tokens, self._tokenizer.decode(tokens).strip(), avg_logprob, float(result.no_speech_prob), encoded
        )

    def _prompt(self, request: DecodeRequest) -> list[int]:
        previous: list[int] = []
        if request.previous_text:
            previous = self._tokenizer.encode(" " + request.previous_text.strip())
        hotwords = request.hotwords if self.options.hotwords else None
        # Timestamp mode: in a shortened window, no-timestamp decoding of a 1 s command loops
        # ("Repeat the question. Repeat the question. …"); timestamps let the model end cleanly.
        return self._model.get_prompt(self._tokenizer, previous, without_timestamps=False, hotwords=hotwords or None)

    def _align(self, tokens: list[int], encoded, num_frames: int, duration: float) -> tuple[Word, ...]:
        from faster_whisper.transcribe import merge_punctuations

        alignment = self._model.find_alignment(self._tokenizer, [tokens], encoded, num_frames)[0]
        merge_punctuations(alignment, _PREPEND_PUNCTUATION, _APPEND_PUNCTUATION)
        words = []
        for item in alignment:
            text = item["word"].strip()
            if not text:
                continue
            start = float(min(item["start"], duration))
            end = float(min(max(item["end"], start), duration))
            words.append(Word(text, round(start, 3), round(end, 3), round(float(item["probability"]), 4)))
        return tuple(words)
