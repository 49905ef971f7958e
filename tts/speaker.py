"""Text in, a stream of sentence-sized audio chunks out: normalise, split, synthesise, cache."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np

from tts.cache import SentenceCache
from tts.engine import AudioChunk, ChunkSource, SpeechEngine
from tts.normalize import speakable
from tts.options import TtsOptions
from tts.sentences import split_sentences

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+")
# Words a phrase starts with: a cut before one keeps the phrase whole (prosody) when a long
# first clause has to be cut between words.
_PHRASE_START = frozenset(
    " ".join(
        (
            "and but or so because which that who what why how when where while if than then",
            "to of in on for with by as from into about",
            "is are was were has have does do can could would should will",
        )
    ).split()
)
_MIN_FIRST_CHARS = 10  # a phrase cut leaves at least this much in front ("You covered two")
_LEAD_KEEP_S = 0.01  # of the silence before the first word: enough for the onset, no more
_SILENCE_PEAK = 0.003  # about -50 dBFS


def quick_start(sentences: list[str], limit: int) -> list[str]:
    """Make the first chunk at most `limit` characters, because its synthesis time is the time
    to first audio when it is not cached.

    Piper costs ~70 ms per second of speech, so a first sentence longer than `limit` is cut at
    its first sentence break (a short opener the splitter merged into the next sentence), else
    at its first clause break, else between words, before a word that starts a phrase when one
    comes late enough. The rest streams while the first piece plays.
    """
    if not sentences or len(sentences[0]) <= limit:
        return sentences
    first, rest = sentences[0], sentences[1:]
    for pattern in (_SENTENCE_BREAK, _CLAUSE_BREAK):
        parts = pattern.split(first, maxsplit=1)
        if len(parts) == 2 and len(parts[0]) <= limit:
            return [parts[0], parts[1], *rest]
    cut = _word_cut(first, limit)
    if cut is None:
        return sentences
    return [first[:cut], first[cut + 1 :], *rest]


def _word_cut(sentence: str, limit: int) -> int | None:
    """The index of the space to cut `sentence` at, within `limit`: the last one before a word
    that starts a phrase, else the last one; never leaving a lone last word."""
    spaces = [m.start() for m in re.finditer(" ", sentence) if 0 < m.start() <= limit]
    spaces = [at for at in spaces if len(sentence[at + 1 :].split()) >= 2] or spaces
    phrases = [
        at for at in spaces if at >= _MIN_FIRST_CHARS and sentence[at + 1 :].split(" ", 1)[0].lower() in _PHRASE_START
    ]
    if phrases:
        return phrases[-1]
    return spaces[-1] if spaces else None


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
        return quick_start(split_sentences(speakable(text)), self.options.first_chunk_chars)

    def stream(self, text: str, rate: float | None = None) -> Iterator[AudioChunk]:
        """Yield one chunk per sentence as soon as it is synthesised (blocking: run off-loop).

        Each chunk says where its audio came from (`ChunkSource`). A short piece synthesised
        (or rehearsed) for it is kept in the cache: openers recur ("Good:", "The answer:",
        "Question 2 of 5.")."""
        rate = self.options.rate if rate is None else rate
        for index, sentence in enumerate(self.plan(text)):
            yield self.piece(sentence, rate, first=index == 0)

    def cached_piece(self, sentence: str, rate: float, *, first: bool) -> AudioChunk | None:
        """One planned piece from the cache, or None: no synthesis, so it may run on an event
        loop (a cached reply start must not queue behind another reply's synthesis)."""
        cached = self.cache.get(sentence, rate)
        if cached is None:
            return None
        return self._chunk(sentence, rate, cached.audio, cached.source, first)

    def piece(self, sentence: str, rate: float, *, first: bool) -> AudioChunk:
        """One planned piece from the cache, else synthesised (blocking: run off-loop). The
        cache is looked at again here: a rehearsal may have finished while this waited."""
        chunk = self.cached_piece(sentence, rate, first=first)
        if chunk is not None:
            return chunk
        audio = self.engine.synthesize(sentence, rate)
        return self._chunk(sentence, rate, audio, ChunkSource.SYNTHESISED, first)

    def _chunk(self, sentence: str, rate: float, audio: np.ndarray, source: ChunkSource, first: bool) -> AudioChunk:
        if (
            source in (ChunkSource.SYNTHESISED, ChunkSource.REHEARSED)
            and len(sentence) <= self.options.first_chunk_chars
        ):
            self.cache.put(sentence, rate, audio, ChunkSource.LEARNED)
        if first:
            audio = trim_leading_silence(audio, self.sample_rate)
        return AudioChunk(audio, self.sample_rate, sentence, source)

    def render(self, text: str, rate: float | None = None) -> AudioChunk:
        """The whole text as one chunk (for files and tests): whole sentences, no first-chunk cut
        (nothing waits for the start, and a cut mid-phrase would break its prosody)."""
        rate = self.options.rate if rate is None else rate
        pieces = [self.engine.synthesize(sentence, rate) for sentence in split_sentences(speakable(text))]
        if pieces:
            pieces[0] = trim_leading_silence(pieces[0], self.sample_rate)
        samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        return AudioChunk(samples, self.sample_rate, text)

    def prerender(self, texts: Iterable[str], rate: float | None = None) -> int:
        """Render fixed prompts into the cache for good; returns the number of pieces rendered."""
        rate = self.options.rate if rate is None else rate
        rendered = 0
        for text in texts:
            for sentence in self.plan(text):
                if not self.cache.has(sentence, rate):
                    self.cache.pin(sentence, rate, self.engine.synthesize(sentence, rate))
                    rendered += 1
        return rendered

    def rehearse(self, text: str, rate: float | None = None) -> str | None:
        """Synthesise into the cache the piece the start of a reply about to be said waits for
        (blocking: run off-loop); returns that piece, or None when nothing was needed.

        That is the first piece, or the second when the first is cached (a fixed opener such as
        "Good:" plays for about half a second, and a long second sentence can take longer than
        that to synthesise). One piece only: the TTS pool is shared by every session, and the
        rest of the reply is synthesised while its start plays."""
        rate = self.options.rate if rate is None else rate
        for sentence in self.plan(text)[:2]:
            if not self.cache.has(sentence, rate):
                self.cache.put(sentence, rate, self.engine.synthesize(sentence, rate), ChunkSource.REHEARSED)
                return sentence
        return None


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
