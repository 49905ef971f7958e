"""Speak calibration answers with Piper and transcribe them with faster-whisper, as Viva hears them.

    .venv/bin/python scripts/calibration_asr.py            # writes drills/calibration/asr.tsv
    .venv/bin/python scripts/calibration_asr.py --fillers  # do um/uh survive transcription?

Every `strong` answer of the calibration set is synthesised (deterministic Piper, the bundled
voice) sentence by sentence, decoded in windows of at most 25 s the way a long answer is
committed in the app (beam 5, the question's terms as hotwords), and the transcript stored with
the source answer's id. Labels are copied from the source answer unless
drills/calibration/asr-labels.yaml overrides them (where recognition lost a key point).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from asr.audio import SAMPLE_RATE, to_16k  # noqa: E402
from asr.options import AsrOptions  # noqa: E402
from asr.whisper import DecodeRequest, WhisperTranscriber  # noqa: E402
from drills.content_loader import load_pack  # noqa: E402
from drills.grading.calibration import CALIBRATION_DIR, load_answers  # noqa: E402
from drills.grading.text import sentences  # noqa: E402
from tts.options import TtsOptions  # noqa: E402
from tts.speaker import Speaker, load_engine  # noqa: E402

WINDOW_S = 25.0
FILLER_SENTENCES = [
    "So, um, bagging reduces variance, uh, by averaging models.",
    "Um, I think the, uh, eigenvector keeps its direction.",
    "The gradient, um, flows backwards through, uh, the layers.",
    "Uh, precision is, um, true positives over predicted positives.",
    "It's, er, about nine percent, um, because the disease is rare.",
]


def _speak(speaker: Speaker, text: str) -> np.ndarray:
    chunk = speaker.render(text)
    return to_16k(chunk.samples, chunk.sample_rate)


def transcribe(speaker: Speaker, transcriber: WhisperTranscriber, text: str, hotwords: str) -> str:
    """Sentence audio grouped into windows of at most 25 s, each decoded with the text so far."""
    said: list[str] = []
    pending: list[np.ndarray] = []
    for sentence in [s.text for s in sentences(text)]:
        audio = _speak(speaker, sentence)
        if pending and (sum(a.size for a in pending) + audio.size) / SAMPLE_RATE > WINDOW_S:
            said.append(_decode(transcriber, pending, hotwords, " ".join(said)))
            pending = []
        pending.append(audio)
    if pending:
        said.append(_decode(transcriber, pending, hotwords, " ".join(said)))
    return " ".join(t for t in said if t).strip()


def _decode(transcriber: WhisperTranscriber, pending: list[np.ndarray], hotwords: str, previous: str) -> str:
    gap = np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32)
    audio = np.concatenate([x for a in pending for x in (a, gap)])
    request = DecodeRequest(beam_size=AsrOptions().beam_size, hotwords=hotwords or None, previous_text=previous or None)
    return transcriber.transcribe(audio, request).text.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fillers", action="store_true", help="measure whether um/uh survive transcription")
    parser.add_argument("--out", type=Path, default=CALIBRATION_DIR / "asr.tsv")
    args = parser.parse_args()
    options = TtsOptions(deterministic=True)
    speaker = Speaker(load_engine(options), options)
    with tempfile.TemporaryDirectory() as cache:
        transcriber = WhisperTranscriber(AsrOptions(), Path(cache))
        if args.fillers:
            return _fillers(speaker, transcriber)
        pack = load_pack()
        rows = []
        for answer in load_answers():
            if answer.kind != "strong":
                continue
            terms = " ".join(getattr(pack.item(answer.question), "terms", ()))
            transcript = transcribe(speaker, transcriber, answer.text, terms)
            rows.append({"source_id": answer.id, "transcript": transcript})
            print(f"{answer.id}: {transcript}", file=sys.stderr)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["source_id", "transcript"], delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} transcripts to {args.out}", file=sys.stderr)
    return 0


def _fillers(speaker: Speaker, transcriber: WhisperTranscriber) -> int:
    said = kept = 0
    fillers = {"um", "uh", "er", "erm", "umm", "uhh", "hmm"}
    for sentence in FILLER_SENTENCES:
        words = [w.strip(",.").lower() for w in sentence.split()]
        said += sum(w in fillers for w in words)
        audio = _speak(speaker, sentence)
        text = transcriber.transcribe(audio, DecodeRequest(beam_size=AsrOptions().beam_size)).text
        heard = [w.strip(",.?!").lower() for w in text.split()]
        kept += sum(w in fillers for w in heard)
        print(f"said: {sentence}\nheard: {text.strip()}")
    print(f"fillers said {said}, kept in the transcript {kept}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
