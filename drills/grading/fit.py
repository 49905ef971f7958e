"""`python -m drills.grading.fit`: fit the label model on the training split of the calibration
set and write drills/grading/coefficients.json. Never reads the held-out rows' labels.

The choices below (L2 strength, class weights) are fixed in code, not searched: a search would
need a third split the set is too small for.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from drills.content_loader import load_pack
from drills.content_model import ContentPack
from drills.grading.calibration import JUDGEMENTS, agreement, confusion
from drills.grading.embedder import Embedder
from drills.grading.features import FEATURES
from drills.grading.model import COEFFICIENTS, fit
from drills.grading.result import LABELS
from drills.grading.semantic import decide, point_inputs
from drills.grading.tsv import gradable, groups, read_table

L2 = 1.0


def row_features(
    rows: Sequence[dict[str, str]], embedder: Embedder, pack: ContentPack | None, use_match: bool = True
) -> np.ndarray:
    """One feature vector per row, computed the way the grader computes them."""
    from drills.grading.semantic import evidence_for
    from drills.matching import normalise

    x = np.zeros((len(rows), len(FEATURES)))
    for group in groups(rows):
        question = gradable(group, rows, pack, use_match)
        inputs = point_inputs(question)
        evidence = evidence_for(embedder, inputs, group.answer)
        by_text = {normalise(p.text): e.vector for p, e in zip(inputs, evidence, strict=True)} if evidence else {}
        for index in group.rows:
            x[index] = by_text.get(normalise(rows[index]["key_point"]), np.zeros(len(FEATURES)))
    return x


def class_weights(y: np.ndarray) -> np.ndarray:
    """Inverse frequency, square-rooted: rarer labels (wrong, partial) count more, not fully."""
    counts = np.bincount(y, minlength=len(LABELS)).astype(float)
    weights = np.sqrt(counts.sum() / np.maximum(counts, 1) / len(LABELS))
    return weights / weights.mean()


def cross_validated(rows: Sequence[dict[str, str]], x: np.ndarray, x_plain: np.ndarray, folds: int = 5) -> list[str]:
    """Out-of-fold predictions on the training split, folds by question: what development
    decisions are judged on, so the held-out split stays unseen."""
    questions = sorted({r["question"] for r in rows})
    fold_of = {q: i % folds for i, q in enumerate(questions)}
    y = np.array([LABELS.index(r["label"]) for r in rows])
    predicted = [""] * len(rows)
    for fold in range(folds):
        test = np.array([fold_of[r["question"]] == fold for r in rows])
        xs, ys = np.vstack([x[~test], x_plain[~test]]), np.concatenate([y[~test], y[~test]])
        model = fit(xs, ys, L2, class_weights(ys))
        for i in np.flatnonzero(test):
            predicted[i] = decide(model.probabilities(x[i])[0], x[i])
    return predicted


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drills.grading.fit", description=__doc__)
    parser.add_argument("--table", type=Path, default=JUDGEMENTS)
    parser.add_argument("--out", type=Path, default=COEFFICIENTS)
    parser.add_argument("--cv", action="store_true", help="also print 5-fold cross-validation on the training split")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from drills.grading.embedder import LocalEmbedder

    _, rows = read_table(args.table.read_text(encoding="utf-8"))
    train = [r for r in rows if r["split"] == "train"]
    embedder, pack = LocalEmbedder(), load_pack()
    x = row_features(train, embedder, pack)
    # Every training judgement is also seen without its key point's `match` entries, so the
    # model grades rubrics that have none (a mentor's, another course's) the same way.
    x_plain = row_features(train, embedder, pack, use_match=False)
    y = np.array([LABELS.index(r["label"]) for r in train])
    if args.cv:
        predicted = cross_validated(train, x, x_plain)
        cv = agreement([r["label"] for r in train], predicted, [r["answer_id"] for r in train])
        print(
            f"5-fold cross-validation on the training split (by question): F1 {cv.f1:.3f}, kappa {cv.kappa:.3f}, "
            f"wrong recall {cv.wrong_recall:.2f}, wrong precision {cv.wrong_precision:.2f}"
        )
        for label, line in zip(LABELS, confusion([r["label"] for r in train], predicted), strict=True):
            print(f"  {label:8} {line}")
    both = np.concatenate([y, y])
    model = fit(np.vstack([x, x_plain]), both, L2, class_weights(both))
    import json

    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    predicted = [decide(p, v) for p, v in zip(model.probabilities(x), x, strict=True)]
    fitted = agreement([r["label"] for r in train], predicted, [r["answer_id"] for r in train])
    print(f"wrote {args.out}: {len(train)} training judgements")
    print(f"training-set fit: F1 {fitted.f1:.3f}, kappa {fitted.kappa:.3f}")
    print("confusion (rows gold, columns predicted, " + "/".join(LABELS) + "):")
    for label, line in zip(LABELS, confusion([r["label"] for r in train], predicted), strict=True):
        print(f"  {label:8} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
