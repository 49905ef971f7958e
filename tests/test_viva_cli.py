"""The `viva` command as a user runs it: a real subprocess, real models."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from asr.audio import write_wav
from tests.conftest import silence

pytestmark = pytest.mark.slow


def viva(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "voicebot.cli", *args], capture_output=True, text=True, timeout=timeout, env=full_env
    )


def test_say_then_transcribe_json(tmp_path: Path) -> None:
    wav = tmp_path / "q.wav"
    said = viva("say", "Why does $X^T X$ appear in the normal equation?", "-o", str(wav))
    assert said.returncode == 0, said.stderr
    assert wav.stat().st_size > 20_000
    heard = viva(
        "transcribe", "--json", "--hotwords", "transpose normal equation", str(wav), str(tmp_path / "missing.wav")
    )
    assert heard.returncode == 1  # one of the files failed
    lines = [json.loads(line) for line in heard.stdout.splitlines()]
    ok, failed = lines
    assert ok["file"] == str(wav) and "transpose" in ok["text"].lower() and "normal equation" in ok["text"].lower()
    assert ok["words"] and all({"word", "start", "end", "probability"} <= set(w) for w in ok["words"])
    assert 0 < ok["confidence"] <= 1
    assert failed["file"].endswith("missing.wav") and "no such file" in failed["error"]


def test_transcribe_stream_prints_partials_then_final(tmp_path: Path, say) -> None:
    wav = tmp_path / "answer.wav"
    speech = say(
        "Dropout randomly zeroes activations during training, which acts like an ensemble of thinner networks."
    )
    write_wav(wav, np.concatenate([silence(0.5), speech, silence(0.8)]))
    out = viva("transcribe", "--stream", str(wav))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("partial") for line in lines)
    assert lines[-1].startswith("final") and "dropout" in lines[-1].lower()


def test_say_shows_the_spoken_text() -> None:
    out = viva("say", "--show-text", "Scale by $\\frac{1}{\\sqrt{d_k}}$, e.g. in attention.")
    assert out.returncode == 0
    spoken = out.stdout.replace(" | ", " ")  # " | " marks where the speech is cut into chunks
    assert "one over the square root of d sub k" in spoken and "for example" in spoken


def test_doctor_and_config_errors() -> None:
    assert viva("doctor").returncode == 0
    bad = viva("doctor", env={"VIVA_ASR__MODLE": "base"})
    assert bad.returncode == 2 and "did you mean 'model'" in bad.stderr
    missing = viva("transcribe", "x.wav", env={"VIVA_ASR__MODEL": "large-v9"})
    assert missing.returncode == 1 and "does not download models" in missing.stderr
