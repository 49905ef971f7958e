import numpy as np

from asr.buffer import AudioBuffer
from asr.transcript import Transcript, Word
from asr.utterance import Utterance


def test_audio_buffer_appends_slices_and_trims() -> None:
    buf = AudioBuffer(offset=100, capacity=4)
    for i in range(10):
        buf.append(np.full(3, i, dtype=np.float32))
    assert buf.end == 130
    assert buf.slice(103, 106).tolist() == [1, 1, 1]
    buf.drop_before(115)
    assert buf.offset == 115 and buf.slice(0, 118).tolist() == [5, 5, 5]
    assert buf.slice(200, 300).size == 0


def test_utterance_commits_windows_and_shifts_word_times() -> None:
    utt = Utterance(id=1, start=16000)
    utt.audio.append(np.zeros(16000 * 20, dtype=np.float32))
    first = Transcript("alpha beta", (Word("alpha", 0.1, 0.5, 0.9), Word("beta", 0.6, 1.0, 0.9)), 0.9, duration=9.0)
    utt.commit(first, utt.window_start, 16000 + 9 * 16000)
    assert utt.window_start == 16000 * 10 and utt.committed_text == "alpha beta"
    utt.commit(first, 16000, 16000 * 12)  # stale: the window already moved
    assert len(utt.pieces) == 1
    last = Transcript("gamma", (Word("gamma", 0.2, 0.7, 0.5),), 0.5, duration=3.0)
    whole = utt.assemble(last, utt.window_start)
    assert whole.text == "alpha beta gamma"
    assert [w.start for w in whole.words] == [0.1, 0.6, 9.2]  # relative to the utterance start


def test_forced_commit_keeps_the_newest_words_open() -> None:
    utt = Utterance(id=1, start=0)
    utt.audio.append(np.zeros(16000 * 28, dtype=np.float32))
    words = tuple(Word(f"w{i}", i * 1.0, i * 1.0 + 0.8, 0.9) for i in range(27))
    assert utt.commit_settled(Transcript("…", words, 0.9, duration=28.0), 0, keep_last_s=3.0)
    assert utt.committed_text.split()[-1] == "w24"  # ends at 24.8 <= 25.0
    assert utt.window_start == int(24.8 * 16000)
