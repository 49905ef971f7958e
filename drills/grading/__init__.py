"""Grading an answer against a question's key points.

`Grader` is the seam. `KeyPointGrader` applies SCHEMA.md's match rules (fast, model-free);
`SemanticGrader` judges each key point hit / partial / miss / wrong from sentence embeddings,
ASR-tolerant lexical evidence and contrasts, combined by a small fitted model
(docs/grading.md). `WorkerEmbedder` keeps the embedding model in its own process.
"""

from drills.grading.keyword import KeyPointGrader, self_check
from drills.grading.protocol import Gradable, Grader
from drills.grading.result import (
    CREDIT,
    LABELS,
    RATINGS,
    DeliveryReport,
    Eli5Report,
    GradeResult,
    PointJudgement,
)

__all__ = [
    "CREDIT",
    "LABELS",
    "RATINGS",
    "DeliveryReport",
    "Eli5Report",
    "Gradable",
    "GradeResult",
    "Grader",
    "KeyPointGrader",
    "PointJudgement",
    "self_check",
]
