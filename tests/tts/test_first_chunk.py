"""A reply's first chunk, without a model: how it is cut short (`quick_start`), where its audio
comes from (`SentenceCache`), and rehearsal ahead of a reply. The engine is a recording double:
these are the speaker's own decisions; tests/tts/test_speaker.py runs the real Piper."""

import numpy as np

from tts.cache import SentenceCache
from tts.engine import ChunkSource
from tts.options import TtsOptions
from tts.speaker import Speaker, quick_start

LIMIT = 40


class Engine:
    name = "recording"
    sample_rate = 16_000

    def __init__(self) -> None:
        self.said: list[str] = []

    def synthesize(self, sentence: str, rate: float) -> np.ndarray:
        self.said.append(sentence)
        return np.full(160 * len(sentence), 0.1, np.float32)


def speaker(**options) -> tuple[Speaker, Engine]:
    engine = Engine()
    return Speaker(engine, TtsOptions(**options)), engine


def test_a_short_first_sentence_stays_whole() -> None:
    assert quick_start(["Okay, skipped.", "Here is the next one."], LIMIT) == [
        "Okay, skipped.",
        "Here is the next one.",
    ]
    assert quick_start([], LIMIT) == []


def test_a_merged_opener_or_a_first_clause_becomes_the_first_chunk() -> None:
    feedback = "Good: you covered two of three key points, including: the eigenvectors stay on their line."
    assert quick_start([feedback], LIMIT) == [
        "Good:",
        "you covered two of three key points, including: the eigenvectors stay on their line.",
    ]
    assert quick_start(["Nice. Now try it again without the words matrix and vector."], LIMIT)[0] == "Nice."


def test_a_long_first_clause_is_cut_between_words_before_a_phrase() -> None:
    assert quick_start(["You touched on the main idea but did not state it.", "The key point is: x."], 32) == [
        "You touched on the main idea",
        "but did not state it.",
        "The key point is: x.",
    ]
    assert quick_start(["Explain to a five year old why averaging many noisy trees helps."], 32)[0] == (
        "Explain to a five year old"
    )
    # no phrase word in reach: the last space that leaves more than one word behind
    assert quick_start(["Scaled dot-product attention divides by the root of d k."], 32)[0] == (
        "Scaled dot-product attention"
    )
    assert quick_start(["You covered two of three key points."], 32) == ["You covered two", "of three key points."]


def test_a_single_unbroken_word_cannot_be_cut() -> None:
    word = "Supercalifragilisticexpialidociouslyspeaking"
    assert quick_start([word], LIMIT) == [word]


def test_fixed_prompts_are_pinned_and_the_lru_never_evicts_them() -> None:
    cache = SentenceCache(max_entries=2)
    cache.pin("Okay.", 1.0, np.zeros(10, np.float32))
    for i in range(5):
        cache.put(f"piece {i}", 1.0, np.zeros(10, np.float32), ChunkSource.LEARNED)
    assert cache.get("Okay.", 1.0).source is ChunkSource.FIXED
    assert cache.get("piece 0", 1.0) is None and cache.get("piece 4", 1.0).source is ChunkSource.LEARNED
    assert len(cache) == 3  # the pinned prompt and the two newest pieces


def test_a_rehearsed_piece_is_handed_out_once() -> None:
    cache = SentenceCache(max_entries=8)
    cache.put("You covered two.", 1.0, np.zeros(10, np.float32), ChunkSource.REHEARSED)
    assert cache.get("You covered two.", 1.25) is None  # another rate is another rendering
    assert cache.get("You covered two.", 1.0).source is ChunkSource.REHEARSED
    assert cache.get("You covered two.", 1.0) is None
    assert (cache.hits, cache.misses) == (1, 2)


def test_stream_says_where_each_chunk_came_from_and_keeps_short_openers() -> None:
    talker, engine = speaker()
    talker.prerender(["Okay, skipped."])
    reply = "Good: you covered two of three key points, including: the eigenvectors stay on their line."
    first = [(c.text, c.source) for c in talker.stream(reply)]
    assert first == [
        ("Good:", ChunkSource.SYNTHESISED),
        (first[1][0], ChunkSource.SYNTHESISED),
    ]
    again = [c.source for c in talker.stream("Good: you covered all three key points, well done.")]
    assert again[0] is ChunkSource.LEARNED  # the opener was kept, the long rest was not
    assert [c.source for c in talker.stream("Okay, skipped.")] == [ChunkSource.FIXED]
    assert engine.said.count("Good:") == 1


def test_a_rehearsed_reply_starts_from_the_cache_without_synthesis() -> None:
    talker, engine = speaker()
    reply = "That missed the key points. The main one is: eigenvectors keep their direction. Say next."
    assert talker.rehearse(reply) == "That missed the key points."  # one piece: the pool is shared
    assert engine.said == ["That missed the key points."]
    chunks = list(talker.stream(reply))
    assert [c.source for c in chunks] == [ChunkSource.REHEARSED] + [ChunkSource.SYNTHESISED] * (len(chunks) - 1)
    assert engine.said[1:] == [c.text for c in chunks[1:]]  # only the rest was synthesised
    assert next(talker.stream(reply)).source is ChunkSource.LEARNED  # a short opener is kept


def test_after_a_cached_opener_the_second_piece_is_rehearsed() -> None:
    talker, engine = speaker()
    talker.prerender(["Good:"])
    reply = "Good: you covered two of three key points, including: the eigenvectors stay on their line."
    assert talker.rehearse(reply) == talker.plan(reply)[1]
    assert [c.source for c in talker.stream(reply)] == [ChunkSource.FIXED, ChunkSource.REHEARSED]
    assert talker.rehearse("Good:") is None  # nothing to do


def test_a_rendered_file_keeps_its_sentences_whole() -> None:
    voice, engine = speaker(first_chunk_chars=32)
    text = "Gradient descent with a learning rate of one in a thousand converged."
    assert len(voice.plan(text)) == 2  # spoken live, the start is cut short
    voice.render(text)
    assert engine.said == [text]  # a file is one whole sentence: nothing waits for its start
