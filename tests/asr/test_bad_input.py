"""Bad and odd input: clear errors or sensible results, never a crash or a hang."""

import asyncio
import shutil
import subprocess

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, FrameConverter, load_file, write_wav
from asr.exceptions import AudioDecodeError
from asr.files import transcribe_file
from asr.options import AsrOptions, VadOptions
from benchmarks.metrics import normalize
from tests.conftest import noise, silence


def run(pool, path):
    return asyncio.run(transcribe_file(path, pool, asr=AsrOptions(), vad=VadOptions()))


def test_missing_empty_and_non_audio_files(tmp_path) -> None:
    empty = tmp_path / "empty.wav"
    empty.touch()
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio\n" * 50)
    with pytest.raises(AudioDecodeError, match="no such file"):
        load_file(tmp_path / "missing.wav")
    with pytest.raises(AudioDecodeError, match="empty"):
        load_file(empty)
    with pytest.raises(AudioDecodeError, match="not a readable audio file|no audio"):
        load_file(text)


def test_webrtc_frames_become_16k_mono() -> None:
    import av

    converter = FrameConverter()
    tone = (np.sin(2 * np.pi * 440 * np.arange(960) / 48000) * 8000).astype(np.int16)
    out = []
    for i in range(50):  # one second of aiortc-style frames: 48 kHz, s16, packed stereo, 960
        frame = av.AudioFrame.from_ndarray(np.repeat(tone, 2).reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = 48000
        frame.pts = i * 960
        out.append(converter.convert(frame))
    samples = np.concatenate(out + [converter.convert(None)])
    assert samples.dtype == np.float32
    assert abs(samples.shape[0] - SAMPLE_RATE) <= 480
    assert 0.2 < np.abs(samples).max() < 0.3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "sox_args"),
    [
        ("8k.wav", ["-r", "8000"]),
        ("stereo44k.wav", ["-r", "44100", "-c", "2"]),
        ("speech.ogg", []),
        ("speech.flac", ["-r", "22050"]),
        ("clipped.wav", ["gain", "24"]),
    ],
)
def test_odd_formats_and_clipping_still_transcribe(pool, say, tmp_path, name, sox_args) -> None:
    if shutil.which("sox") is None:
        pytest.skip("sox is not installed (make setup installs it)")
    source = tmp_path / "source.wav"
    write_wav(
        source, np.concatenate([silence(0.5), say("The kernel trick maps data into a higher dimension."), silence(0.5)])
    )
    target = tmp_path / name
    args = ["sox", "-q", "-V1", str(source)]
    args += [str(target), *sox_args] if sox_args and sox_args[0] == "gain" else [*sox_args, str(target)]
    subprocess.run(args, check=True)
    heard = normalize(run(pool, target).text)
    assert "kernel trick" in heard and "higher dimension" in heard


@pytest.mark.slow
def test_five_minutes_of_silence_give_no_words(pool, tmp_path) -> None:
    path = tmp_path / "silence.wav"
    write_wav(path, silence(300))
    result = run(pool, path)
    assert result.text == "" and result.utterances == () and result.duration == pytest.approx(300, abs=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("level", [0.01, 0.1])
def test_noise_gives_no_hallucinated_words(pool, tmp_path, level: float) -> None:
    rng = np.random.default_rng(1)
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * np.arange(60 * SAMPLE_RATE) / SAMPLE_RATE)
    path = tmp_path / "noise.wav"
    write_wav(
        path,
        np.concatenate(
            [noise(30, level), (noise(30, level, seed=2) * envelope[: 30 * SAMPLE_RATE]) + 0 * rng.random()]
        ),
    )
    assert run(pool, path).text == ""
