import asyncio

import numpy as np

from voicebot.bargein import BargeInPolicy
from voicebot.playback import FRAME, OUT_RATE, PlaybackQueue, SpeechTrack, to_frames


def test_tts_audio_becomes_20ms_frames_at_48k() -> None:
    tone = np.sin(2 * np.pi * 300 * np.arange(22050) / 22050).astype(np.float32) * 0.5
    frames = to_frames(tone, 22050)
    assert all(f.dtype == np.int16 and f.shape == (FRAME,) for f in frames)
    assert abs(len(frames) - 50) <= 1  # one second
    assert to_frames(np.zeros(0, np.float32), 22050) == []


async def test_queue_is_bounded_and_clear_stops_stale_producers() -> None:
    queue = PlaybackQueue(max_seconds=0.1)  # 5 frames
    frame = np.ones(FRAME, np.int16)
    producer = asyncio.create_task(queue.put([frame] * 8, queue.generation))
    await asyncio.sleep(0.01)
    assert len(queue) == 5 and not producer.done()  # back-pressure
    queue.clear()
    assert await producer is False and len(queue) == 0
    assert await queue.put([frame], queue.generation) is True


async def test_track_paces_frames_and_plays_silence_when_idle() -> None:
    queue = PlaybackQueue()
    first = []
    track = SpeechTrack(queue, on_first_frame=first.append)
    await queue.put([np.full(FRAME, 1000, np.int16)] * 3, queue.generation)
    loop = asyncio.get_running_loop()
    start = loop.time()
    frames = [await track.recv() for _ in range(10)]
    elapsed = loop.time() - start
    assert elapsed >= 0.15  # paced: 9 intervals of 20 ms after the first frame, not a burst
    assert [f.sample_rate for f in frames] == [OUT_RATE] * 10
    levels = [int(np.abs(f.to_ndarray()).max()) for f in frames]
    assert levels[:3] == [1000] * 3 and levels[3:] == [0] * 7
    assert len(first) == 1
    assert frames[1].pts - frames[0].pts == FRAME
    track.stop()


def test_barge_in_needs_viva_speaking_and_real_speech() -> None:
    policy = BargeInPolicy(threshold=0.5)
    assert policy.should_stop(viva_speaking=True, speech_probability=0.9)
    assert not policy.should_stop(viva_speaking=True, speech_probability=0.2)  # noise or echo
    assert not policy.should_stop(viva_speaking=False, speech_probability=0.99)
    assert (policy.stops, policy.ignored) == (1, 1)
