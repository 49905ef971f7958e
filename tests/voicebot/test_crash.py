"""A crash mid-answer: the whole `viva serve` (with its Rasa and action server) is SIGKILLed
while the learner speaks. The audio up to the kill is on disk and readable, the restart repairs
the header, and the answer resumes into the same file."""

from __future__ import annotations

import contextlib
import re
import signal
from difflib import SequenceMatcher
from pathlib import Path

import psutil
import pytest

from tests.support import VivaServer, viva_env
from tests.voicebot.browser import VivaPage, browsers_with_mics, mic_wav
from tests.voicebot.resumed import (
    LONG_ANSWER,
    RESUME_GAP_S,
    SECOND_PART,
    check_both_parts_kept,
    header_seconds,
    transcribe,
    wait_for_cut_answer,
    wait_mid_answer,
)
from tests.voicebot.test_browser import QUESTION_GAP_S, name
from voicebot import wavfile

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.rasa]


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A Viva of this module's own: the test kills it."""
    data = tmp_path_factory.mktemp("viva-crash")
    server = VivaServer(data, viva_env(data)).start()
    yield server
    server.stop()


def kill_everything(server: VivaServer) -> None:
    """SIGKILL the app and its children at once, as an OOM kill of its cgroup would."""
    assert server.process is not None
    main = psutil.Process(server.process.pid)
    tree = [main, *main.children(recursive=True)]
    for process in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGKILL)
    psutil.wait_procs(tree, timeout=30)
    server.process.wait(timeout=30)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def heard_to_its_end(partial: list[str], heard: list[str]) -> bool:
    """The file's transcript lines up with most of the partial, in order, to within its last three
    words. Those are a partial's guesses at audio cut mid-word ("angular" for "singular"); a file
    that lost the audio behind them would line up only with an earlier part of the partial."""
    blocks = [b for b in SequenceMatcher(None, partial, heard, autojunk=False).get_matching_blocks() if b.size]
    matched = sum(b.size for b in blocks)
    reached = max((b.a + b.size for b in blocks), default=0)
    return matched >= 0.6 * len(partial) and reached >= len(partial) - 3


def test_a_crash_mid_answer_keeps_the_audio_and_the_answer_resumes(
    own_server: VivaServer, say, transcriber, tmp_path: Path
) -> None:
    first = mic_wav(tmp_path / "a.wav", say, [QUESTION_GAP_S, LONG_ANSWER, 10.0])
    second = mic_wav(tmp_path / "b.wav", say, [RESUME_GAP_S, SECOND_PART, 12.0])
    with browsers_with_mics(first, second) as (one, two):
        page = VivaPage(one, own_server.url)
        page.create_learner(name())
        page.start("drill")
        page.wait_message("m => m.type === 'state' && m.mode === 'answer' && m.question")
        question = page.state()["question"]
        learner_id = page.page.evaluate("() => document.querySelector('#learner').value")
        row = wait_for_cut_answer(own_server, learner_id, question["id"])  # partials are being saved
        wait_mid_answer(page, 12)
        last_partial = [m["text"] for m in page.messages() if m["type"] == "partial"][-1]
        kill_everything(own_server)
        page.close()

        path = Path(row["audio_path"])
        killed_s = wavfile.seconds(path)
        heard = words(transcribe(transcriber, wavfile.read_samples(path)))  # readable as it was left
        # The audio behind the last partial the page saw before the kill is in the file.
        assert heard_to_its_end(words(last_partial), heard), (last_partial, heard)
        stale = header_seconds(str(path)) < killed_s

        own_server.start()
        assert header_seconds(str(path)) == killed_s  # the start-up sweep repaired the header
        assert not stale or any("Repaired 1 recording" in line for line in own_server.output)

        again = VivaPage(two, own_server.url)
        again.page.select_option("#learner", learner_id)
        again.start("drill")
        again.wait_message("m => m.type === 'bot' && /here's the question again/i.test(m.text)", 30)
        again.wait_message("m => m.type === 'bot' && /covered|missed/i.test(m.text)", 90)
        assert not again.errors
    check_both_parts_kept(own_server, transcriber, learner_id, question["id"], killed_s)
