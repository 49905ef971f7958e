"""The Rasa assistant itself, with Rasa's own tools: data validation, test stories, NLU held-out."""

import json
import subprocess
from pathlib import Path

import pytest

from dialogue.options import RasaOptions
from dialogue.runtime import PROJECT, RasaPaths, config_file, rasa_env

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

CONTROL_INTENTS = (
    "repeat",
    "try_again",
    "skip",
    "hint",
    "show_answer",
    "dont_know",
    "stop",
    "slower",
    "faster",
    "pause",
    "help",
    "next",
    "how_many_left",
    "start_cram",
)
# Card ratings: single words and short phrases, measured on their own held-out examples.
RATING_INTENTS = ("rate_again", "rate_hard", "rate_good", "rate_easy")


def rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    paths = RasaPaths.from_options(RasaOptions(), Path("/nonexistent"))
    if not paths.rasa.is_file():
        pytest.fail(f"Rasa is not installed at {paths.venv}: run `make setup`")
    return subprocess.run(
        [str(paths.rasa), *args], cwd=PROJECT, env=rasa_env(), capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def fast_model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rasa-model")
    result = rasa("train", "--config", str(config_file(RasaOptions())), "--out", str(out), "--fixed-model-name", "test")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / "test.tar.gz"


def test_data_validates() -> None:
    result = rasa("data", "validate", "--fail-on-warnings", "--config", str(config_file(RasaOptions())))
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def test_assistant_test_stories_pass(fast_model: Path, tmp_path: Path) -> None:
    result = rasa(
        "test",
        "core",
        "--model",
        str(fast_model),
        "--stories",
        "tests/test_stories.yml",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "None of the test stories failed" in failed.read_text()


def test_nlu_held_out_accuracy(fast_model: Path, tmp_path: Path) -> None:
    result = rasa("test", "nlu", "--model", str(fast_model), "--nlu", "tests/nlu_heldout.yml", "--out", str(tmp_path))
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    per_intent = {
        name: scores["recall"] for name, scores in report.items() if isinstance(scores, dict) and "recall" in scores
    }
    print("held-out recall per intent:", json.dumps(per_intent, indent=1))
    weak = {name: round(per_intent[name], 3) for name in CONTROL_INTENTS if per_intent.get(name, 0) < 0.95}
    assert not weak, f"control intents under 95 %: {weak}"
    weak = {name: round(per_intent.get(name, 0), 3) for name in RATING_INTENTS if per_intent.get(name, 0) < 0.8}
    assert not weak, f"rating intents under 80 %: {weak}"
