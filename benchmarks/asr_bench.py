"""ASR: accuracy, speed, streaming latency, biasing, hallucinations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE, load_file
from asr.events import FinalTranscript
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.pool import DecodePool
from asr.streaming import StreamingRecognizer
from asr.whisper import DecodeRequest, WhisperTranscriber
from benchmarks.common import Clip, ms, pct, peak_rss_mb, table
from benchmarks.metrics import term_recall, wer
from benchmarks.ml_answers import ANSWERS
from voicebot.biasing import answer_hotwords


def offline(clips: list[Clip], cache: Path) -> tuple[str, dict[str, str]]:
    rows, texts = [], {}
    for window in ("adaptive", "full"):
        transcriber = WhisperTranscriber(AsrOptions(encoder_window=window), cache)
        for beam in (1, 5):
            hyps, spent = [], 0.0
            for clip in clips:
                audio = load_file(clip.path)
                start = time.perf_counter()
                hyps.append(transcriber.transcribe(audio, DecodeRequest(beam_size=beam)).text)
                spent += time.perf_counter() - start
            total = sum(c.duration for c in clips)
            rows.append([window, beam, f"{wer([c.reference for c in clips], hyps):.2%}", f"{spent / total:.3f}"])
            if window == "adaptive" and beam == AsrOptions().beam_size:
                texts = {str(c.path): h for c, h in zip(clips, hyps, strict=True)}
    return table(
        f"Offline WER and RTF, tiny.en int8, {len(clips)} shared clips ({sum(c.duration for c in clips):.0f} s)",
        ["encoder window", "beam", "WER", "RTF"],
        rows,
    ), texts


async def _stream(
    pool: DecodePool,
    audio: np.ndarray,
    profile: EndpointProfile,
    hotwords: str | None = None,
    realtime: bool = True,
) -> list[FinalTranscript]:
    """The finals of `audio` fed in 20 ms pieces at real time (or all at once, as fast as it goes)."""
    finals: list[FinalTranscript] = []
    recognizer = StreamingRecognizer(
        pool,
        lambda e: finals.append(e) if isinstance(e, FinalTranscript) else None,
        asr=AsrOptions(),
        vad=VadOptions(),
        profile=profile,
        hotwords=hotwords,
        realtime=realtime,
    )
    if realtime:
        loop = asyncio.get_running_loop()
        start = loop.time()
        for offset in range(0, audio.shape[0], 320):
            await recognizer.feed(audio[offset : offset + 320])
            await asyncio.sleep(max(0.0, start + (offset + 320) / SAMPLE_RATE - loop.time()))
    else:
        await recognizer.feed(audio)
    await recognizer.finish()
    await recognizer.close()
    return finals


def _padded(clip: Clip) -> np.ndarray:
    pad = np.zeros(SAMPLE_RATE, dtype=np.float32)
    return np.concatenate([pad, load_file(clip.path), pad, pad])


def bare_model(clips: list[Clip], cache: Path) -> dict[str, str]:
    """faster-whisper's own `WhisperModel.transcribe()` with Viva's settings (tiny.en int8, beam 5,
    English, no prompt from previous text, no VAD filter): the reference Viva must not fall behind."""
    from faster_whisper import WhisperModel

    from asr.models import resolve_model

    options = AsrOptions()
    model = WhisperModel(
        resolve_model(options.model, cache), device="cpu", compute_type=options.compute_type, cpu_threads=2
    )
    texts = {}
    for clip in clips:
        segments, _ = model.transcribe(
            load_file(clip.path), language="en", beam_size=options.beam_size, condition_on_previous_text=False
        )
        texts[str(clip.path)] = " ".join(s.text.strip() for s in segments)
    return texts


def _by_source(clips: list[Clip], texts: dict[str, str]) -> list[str]:
    """WER over all clips, then per source (the first folder of the clip's path)."""
    groups: dict[str, list[Clip]] = {"all": clips}
    for clip in clips:
        groups.setdefault(clip.path.parent.name, []).append(clip)
    return [f"{wer([c.reference for c in g], [texts[str(c.path)] for c in g]):.2%}" for g in groups.values()]


def streaming(
    clips: list[Clip], pool: DecodePool, offline_texts: dict[str, str], bare_texts: dict[str, str], latency_clips: int
) -> str:
    out = []
    streamed = {}
    for clip in clips:
        finals = asyncio.run(_stream(pool, _padded(clip), EndpointProfile.ANSWER))
        streamed[str(clip.path)] = " ".join(f.text for f in finals)
    sources = list(dict.fromkeys(c.path.parent.name for c in clips))
    counts = {s: sum(1 for c in clips if c.path.parent.name == s) for s in sources}
    out.append(
        table(
            "Accuracy: bare faster-whisper vs Viva, same model and decoder settings (WER)",
            ["transcripts", f"all {len(clips)} clips", *(f"{s} ({counts[s]})" for s in sources)],
            [
                ["faster-whisper `transcribe()` (30 s window)", *_by_source(clips, bare_texts)],
                ["Viva offline decode (adaptive window)", *_by_source(clips, offline_texts)],
                ["Viva streaming finals (real time, answer profile)", *_by_source(clips, streamed)],
            ],
        )
    )
    buckets: dict[str, list[float]] = {"< 3 s": [], "3-6 s": [], "6-10 s": [], "> 10 s": []}
    for clip in clips[:latency_clips]:
        for final in asyncio.run(_stream(pool, _padded(clip), EndpointProfile.COMMAND)):
            length = final.end - final.start
            key = "< 3 s" if length < 3 else "3-6 s" if length < 6 else "6-10 s" if length < 10 else "> 10 s"
            buckets[key].append(final.ready_delay)
    out.append(
        table(
            f"Endpoint → final transcript (command profile, real time, {latency_clips} clips)",
            ["utterance length", "n", "p50", "p95", "max"],
            [
                [k, len(v), ms(pct(v, 50)), ms(pct(v, 95)), ms(max(v) if v else float("nan"))]
                for k, v in buckets.items()
            ],
        )
    )
    return "\n".join(out)


def partial_cost(clips: list[Clip], transcriber: WhisperTranscriber) -> str:
    audio = np.concatenate([load_file(c.path) for c in clips[:8]])
    rows = []
    for seconds in (1, 2, 5, 10, 20):
        window = audio[: seconds * SAMPLE_RATE]
        times = []
        for _ in range(4):
            start = time.perf_counter()
            transcriber.transcribe(window, DecodeRequest(beam_size=1))
            times.append(time.perf_counter() - start)
        rows.append([f"{seconds} s", ms(float(np.median(times[1:])))])
    return table("Partial update cost (greedy decode of the window so far)", ["window", "median"], rows)


def biasing(say: Callable[[str], np.ndarray], transcriber: WhisperTranscriber) -> str:
    rows = []
    audios = [say(text) for text, _ in ANSWERS]
    configs = (
        ("off", lambda terms: None),
        ("question terms", lambda terms: " ".join(terms)),
        ("question terms + command words (the voice bot's)", answer_hotwords),
    )
    for label, hotwords in configs:
        hyps, found, asked = [], 0, 0
        for audio, (_text, terms) in zip(audios, ANSWERS, strict=True):
            request = DecodeRequest(beam_size=5, hotwords=hotwords(terms))
            hyp = transcriber.transcribe(audio, request).text
            hyps.append(hyp)
            hit, total = term_recall(terms, hyp)
            found, asked = found + hit, asked + total
        rows.append([label, f"{wer([t for t, _ in ANSWERS], hyps):.2%}", f"{found / asked:.1%} ({found}/{asked})"])
    return table(f"Biasing on {len(ANSWERS)} Piper-spoken ML answers", ["hotwords", "WER", "ML-term recall"], rows)


def hallucinations(pool: DecodePool) -> str:
    rng = np.random.default_rng(7)
    seconds = 60 * SAMPLE_RATE
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * np.arange(seconds) / SAMPLE_RATE)
    cases = {
        "silence": np.zeros(seconds, dtype=np.float32),
        "white noise (-26 dBFS)": (rng.standard_normal(seconds) * 0.05).astype(np.float32),
        "loud white noise (-20 dBFS)": (rng.standard_normal(seconds) * 0.1).astype(np.float32),
        "modulated noise": (rng.standard_normal(seconds) * 0.05 * envelope).astype(np.float32),
    }
    rows = []
    for name, audio in cases.items():
        finals = asyncio.run(_stream(pool, audio, EndpointProfile.ANSWER, realtime=False))
        words = sum(len(f.text.split()) for f in finals)
        rows.append([name, "60 s", words])
    return table("Hallucinated words on non-speech", ["input", "length", "words"], rows)


def run(clips: list[Clip] | None, say: Callable[[str], np.ndarray], cache: Path, quick: bool) -> str:
    sections = []
    transcriber = WhisperTranscriber(AsrOptions(), cache)
    pool = DecodePool(transcriber, 1)
    if clips:
        text, offline_texts = offline(clips, cache)
        sections.append(text)
        subset = clips[:12] if quick else clips
        bare_texts = bare_model(subset, cache)
        sections.append(streaming(subset, pool, offline_texts, bare_texts, latency_clips=8 if quick else 16))
        sections.append(partial_cost(clips, transcriber))
    else:
        sections.append("\n(shared clips absent: WER, streaming and partial-cost sections skipped)")
    sections.append(biasing(say, transcriber))
    sections.append(hallucinations(pool))
    sections.append(
        table(
            "Memory", ["process", "peak RSS"], [["ASR benchmark process (tiny.en + Piper)", f"{peak_rss_mb():.0f} MB"]]
        )
    )
    pool.close()
    return "\n".join(sections)
