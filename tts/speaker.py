"""Text in, a stream of sentence-sized audio chunks out: normalise, split, synthesise, cache."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np

from tts.cache import SentenceCache
from tts.engine import AudioChunk, SpeechEngine
from tts.normalize import speakable
from tts.options import TtsOptions
from tts.sentences import split_sentences

_FIRST_CHUNK_CHARS = 40
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+")
_LEAD_KEEP_S = 0.01  # of the silence before the first word: enough for the onset, no more
_SILENCE_PEAK = 0.003  # about -50 dBFS


def _quick_start(sentences: list[str]) -> list[str]:
    """Make the first chunk short, because its synthesis time is the time to first audio.

    Piper costs ~70 ms per second of speech, so a short opener ("Good.") that the splitter
    merged into the next sentence is split back out, and a long first sentence is split at
    its first clause break (never mid-clause: prosody matters more than a few ms).
    """
    if not sentences or len(sentences[0]) <= _FIRST_CHUNK_CHARS:
        return sentences
    first, rest = sentences[0], sentences[1:]
    for pattern in (_SENTENCE_BREAK, _CLAUSE_BREAK):
        parts = pattern.split(first, maxsplit=1)
        if len(parts) == 2 and len(parts[0]) <= 60:
            return [parts[0], parts[1], *rest]
    return sentences


def trim_leading_silence(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Drop the 50-80 ms of silence Piper puts before the first word: heard latency, nothing else."""
    loud = np.flatnonzero(np.abs(samples) > _SILENCE_PEAK)
    if loud.size == 0:
        return samples
    start = max(0, int(loud[0]) - int(_LEAD_KEEP_S * sample_rate))
    return samples[start:]


class Speaker:
    """Speaks study material through one `SpeechEngine`."""

    def __init__(self, engine: SpeechEngine, options: TtsOptions) -> None:
        self.engine = engine
        self.options = options
        self.cache = SentenceCache(options.cache_entries)

    @property
    def sample_rate(self) -> int:
        return self.engine.sample_rate

    def plan(self, text: str) -> list[str]:
        """The normalised sentences `stream` will speak, in order."""
        return _quick_start(split_sentences(speakable(text)))

    def stream(self, text: str, rate: float | None = None) -> Iterator[AudioChunk]:
        """Yield one chunk per sentence as soon as it is synthesised (blocking: run off-loop)."""
        rate = self.options.rate if rate is None else rate
        for index, sentence in enumerate(self.plan(text)):
            audio = self.cache.get(sentence, rate)
            if audio is None:
                audio = self.engine.synthesize(sentence, rate)
            if index == 0:
                audio = trim_leading_silence(audio, self.sample_rate)
            yield AudioChunk(audio, self.sample_rate, sentence)

    def render(self, text: str, rate: float | None = None) -> AudioChunk:
        """The whole text as one chunk (for files and tests)."""
        pieces = [c.samples for c in self.stream(text, rate)]
        samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        return AudioChunk(samples, self.sample_rate, text)

    def prerender(self, texts: Iterable[str], rate: float | None = None) -> int:
        """Render fixed prompts into the cache; returns the number of sentences rendered."""
        rate = self.options.rate if rate is None else rate
        rendered = 0
        for text in texts:
            for sentence in self.plan(text):
                if self.cache.get(sentence, rate) is None:
                    self.cache.put(sentence, rate, self.engine.synthesize(sentence, rate))
                    rendered += 1
        return rendered


def load_engine(options: TtsOptions) -> SpeechEngine:
    """Construct the engine `options.engine` names; a missing one fails with the fix."""
    from tts.exceptions import EngineUnavailableError

    if options.engine == "piper":
        from tts.piper_engine import PiperEngine

        return PiperEngine(options)
    if options.engine == "coqui":
        from tts.coqui_engine import CoquiEngine

        return CoquiEngine(options)
    raise EngineUnavailableError(f"unknown TTS engine {options.engine!r}: choose 'piper' or 'coqui'")
