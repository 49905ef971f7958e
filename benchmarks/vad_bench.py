"""VAD: endpoint delay per profile, and false cut-offs on answers with thinking pauses.

Only the VAD and the endpoint policy run here (no decoding), on real clips.
"""

from __future__ import annotations

import numpy as np

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE, load_file
from asr.endpointer import Endpoint, Endpointer
from asr.options import EndpointProfile, VadOptions
from asr.vad import FrameVad
from benchmarks.common import Clip, ms, pct, table


def endpoints(audio: np.ndarray, profile: EndpointProfile) -> list[Endpoint]:
    options = VadOptions()
    vad, policy = FrameVad(options), Endpointer(options, profile)
    found = []
    for offset in range(0, audio.shape[0] - FRAME_SAMPLES + 1, FRAME_SAMPLES):
        for event in policy.push(vad.is_speech(audio[offset : offset + FRAME_SAMPLES])):
            if isinstance(event, Endpoint):
                found.append(event)
    return found


def speech_end(audio: np.ndarray) -> float:
    frames = audio[: audio.shape[0] // 160 * 160].reshape(-1, 160)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > 10 ** (-35 / 20))
    return (loud[-1] + 1) * 0.01


def quietest_middle(audio: np.ndarray) -> int:
    """A word boundary near the middle: the quietest 100 ms in the middle third."""
    third = audio.shape[0] // 3
    hop = SAMPLE_RATE // 100
    energy = [float(np.mean(audio[i : i + 10 * hop] ** 2)) for i in range(third, 2 * third, hop)]
    return third + int(np.argmin(energy)) * hop + 5 * hop


def run(clips: list[Clip]) -> str:
    pad = np.zeros(SAMPLE_RATE * 4, dtype=np.float32)
    delays: dict[EndpointProfile, list[float]] = {p: [] for p in EndpointProfile}
    splits: dict[EndpointProfile, int] = {p: 0 for p in EndpointProfile}
    for clip in clips:
        audio = np.concatenate([pad[:SAMPLE_RATE], load_file(clip.path), pad])
        truth = speech_end(audio)
        for profile in EndpointProfile:
            found = endpoints(audio, profile)
            splits[profile] += len(found) > 1
            if found:
                delays[profile].append(found[-1].end / SAMPLE_RATE - truth)
    rows = [
        [
            p.value,
            f"{VadOptions().hangover_ms(p)} ms",
            ms(pct(delays[p], 50)),
            ms(pct(delays[p], 95)),
            f"{splits[p]}/{len(clips)}",
        ]
        for p in EndpointProfile
    ]
    out = [
        table(
            f"Endpoint delay after the end of speech ({len(clips)} real clips + 4 s silence)",
            ["profile", "hangover", "p50 delay", "p95 delay", "clips split in >1 utterance"],
            rows,
        )
    ]
    cut_rows = []
    for pause in (1.0, 1.5, 2.0):
        cut = {p: 0 for p in EndpointProfile}
        for clip in clips:
            audio = load_file(clip.path)
            at = quietest_middle(audio)
            paused = np.concatenate(
                [pad[:SAMPLE_RATE], audio[:at], np.zeros(int(pause * SAMPLE_RATE), np.float32), audio[at:], pad]
            )
            for profile in EndpointProfile:
                cut[profile] += len(endpoints(paused, profile)) > 1
        cut_rows.append(
            [
                f"{pause:.1f} s",
                f"{cut[EndpointProfile.ANSWER]}/{len(clips)}",
                f"{cut[EndpointProfile.COMMAND]}/{len(clips)}",
            ]
        )
    out.append(
        table(
            "Answers with an inserted thinking pause that were cut in two",
            ["pause", "answer profile (false cut-offs)", "command profile (expected)"],
            cut_rows,
        )
    )
    return "\n".join(out)
