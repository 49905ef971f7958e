"""The fitted combination: a multinomial logistic model over the features, stored as JSON.

`python -m drills.grading.fit` fits it on the training part of the calibration set and writes
`drills/grading/coefficients.json`; grading only reads that file (numpy, no training library).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from drills.grading.features import FEATURES
from drills.grading.result import LABELS

COEFFICIENTS = Path(__file__).with_name("coefficients.json")


@dataclass(frozen=True)
class LabelModel:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    """len(LABELS) × len(FEATURES)."""
    bias: np.ndarray
    features: tuple[str, ...] = FEATURES
    labels: tuple[str, ...] = LABELS

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Rows of label probabilities (LABELS order) for rows of features."""
        z = ((np.atleast_2d(x) - self.mean) / self.scale) @ self.weights.T + self.bias
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "labels": list(self.labels),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": self.bias.round(6).tolist(),
        }

    @classmethod
    def load(cls, path: Path = COEFFICIENTS) -> LabelModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES or tuple(data["labels"]) != LABELS:
            raise ValueError(f"{path} was fitted on other features; run python -m drills.grading.fit")
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]), np.array(data["bias"]))


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, class_weight: np.ndarray | None = None) -> LabelModel:
    """Multinomial logistic regression (L2-penalised, full-batch Newton-free gradient descent
    with a fixed budget: small data, deterministic result)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    xs = (x - mean) / scale
    n, d = xs.shape
    k = len(LABELS)
    onehot = np.eye(k)[y]
    weight = (class_weight if class_weight is not None else np.ones(k))[y][:, None]
    w = np.zeros((k, d))
    b = np.zeros(k)
    rate = 0.5
    for _ in range(4000):
        z = xs @ w.T + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * weight / weight.sum()
        w -= rate * (g.T @ xs + l2 * w / n)
        b -= rate * g.sum(axis=0)
    return LabelModel(mean, scale, w, b)
