"""The semantic grader: each key point judged hit / partial / miss / wrong with its evidence.

Features (features.py) from sentence embeddings, ASR-tolerant lexical evidence, `match`
entries, contrasts (content `wrong` versions, swapped roles, reversed effects) and numbers by
value are combined by the fitted model (model.py). A point is called wrong only when the
answer states a false version somewhere (a contrast closer than the point, a role swap, a
reversed effect, a flipped negation or a conflicting number): low similarity alone is a miss.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from drills import readability
from drills.content_model import ContentPack
from drills.grading import eli5
from drills.grading.contrast import jargon
from drills.grading.embedder import Embedder, EmbedderUnavailable
from drills.grading.features import FEATURES, PointEvidence, PointInput, point_evidence, strings_needed
from drills.grading.keyword import KeyPointGrader, keyword_result
from drills.grading.model import LabelModel
from drills.grading.protocol import Gradable, Grader
from drills.grading.result import LABELS, GradeResult, PointJudgement
from drills.grading.text import Span, canonical, sentences, windows
from drills.matching import normalise

log = logging.getLogger("viva.grading")

CONTRAST_MARGIN = 0.02
"""A false version must be this much closer than the point (cosine) to count as stated."""
_REVERSAL = FEATURES.index("reversal")
_NUMBERS = (FEATURES.index("num_conflict"), FEATURES.index("num_match"))
_WRONG_SIGNS = [FEATURES.index(n) for n in ("role_net", "reversal", "negation_flip", "num_conflict")]
_MARGIN = FEATURES.index("contrast_margin")


def point_inputs(question: Gradable) -> list[PointInput]:
    prompt = str(getattr(question, "prompt", "") or "")
    terms = tuple(getattr(question, "terms", ()) or ())
    texts = [p.text for p in question.key_points]
    return [
        PointInput(
            p.text,
            tuple(p.match),
            tuple(getattr(p, "wrong", ()) or ()),
            tuple(t for j, t in enumerate(texts) if j != i),
            prompt,
            terms,
        )
        for i, p in enumerate(question.key_points)
    ]


def evidence_for(embedder: Embedder, inputs: Sequence[PointInput], text: str) -> list[PointEvidence]:
    """Feature vectors for each key point (empty when the answer has no words): one encode call."""
    if not normalise(text) or not inputs:
        return []
    vocabulary = jargon(inputs[0].prompt, inputs[0].terms)
    # Offsets stay those of the original text; the texts compared are the ASR-corrected ones.
    spans = [Span(canonical(s.text, vocabulary), s.start, s.end) for s in windows(text)]
    needed = strings_needed(inputs, spans)
    vectors = dict(zip(needed, embedder.encode(needed), strict=True))
    sentence_spans = [Span(canonical(s.text, vocabulary), s.start, s.end) for s in sentences(text)]
    fixed = canonical(text, vocabulary)
    return [point_evidence(p, fixed, spans, sentence_spans, vectors) for p in inputs]


def has_false_statement(vector: np.ndarray) -> bool:
    return bool(vector[_MARGIN] > CONTRAST_MARGIN or any(vector[i] > 0 for i in _WRONG_SIGNS))


def decide(probabilities: np.ndarray, vector: np.ndarray) -> str:
    """The most probable label, with three rules: `wrong` needs a located false statement (a
    contrast closer than the point, a role swap, a reversal, a flipped negation, a conflicting
    number), which the spoken correction quotes, else the runner-up is taken;
    an answer that addresses a point stating a quantity with another quantity is wrong; and so
    is one whose clause stating the point's claim has the opposite effect word."""
    order = np.argsort(-probabilities)
    label = LABELS[int(order[0])]
    if label == "wrong" and not has_false_statement(vector):
        label = LABELS[int(order[1])]
    conflict, matched = vector[_NUMBERS[0]], vector[_NUMBERS[1]]
    if conflict > 0 and not matched:
        label = "wrong"  # it addresses the point with a different number: 99.9% is not "about 9%"
    if label in ("hit", "partial") and vector[_REVERSAL] > 0:
        label = "wrong"  # the clause stating the point's claim has the opposite effect word
    return label


class SemanticGrader:
    """Implements `Grader`. Falls back to `fallback` (keyword rules) with a logged warning when
    the embedder is unavailable, so a turn always gets feedback."""

    method = "semantic"

    def __init__(
        self,
        embedder: Embedder,
        model: LabelModel | None = None,
        pack: ContentPack | None = None,
        fallback: Grader | None = None,
    ) -> None:
        self.embedder = embedder
        self.model = model or LabelModel.load()
        self.pack = pack
        self.fallback = fallback or KeyPointGrader()

    def grade(self, question: Gradable, text: str) -> GradeResult:
        try:
            points = self.judge(question, text)
        except EmbedderUnavailable as exc:
            log.warning("semantic grading unavailable (%s); using the keyword rules for this answer", exc)
            return replace(self.fallback.grade(question, text), method="keyword-fallback")
        result = keyword_result(question, normalise(text), points, self.method)
        if question.kind == "eli5":
            result = replace(result, eli5=eli5.assess(text, question.avoid_jargon, self._unit_terms(question)))
        return result

    def prepare(self, question: Gradable) -> None:
        """Encode the question's own texts (key points, their contrasts) ahead of its first
        answer; the embedder keeps them, so grading that answer encodes only the answer. For an
        ELI5 question the pronouncing dictionary is read too (~1.3 s, once per process), which
        the first ELI5 answer used to wait for."""
        if question.kind == "eli5":
            readability.load()
        try:
            self.embedder.encode(strings_needed(point_inputs(question), []))
        except EmbedderUnavailable as exc:  # its first answer is graded (or falls back) as before
            log.info("could not prepare grading ahead: %s", exc)

    def judge(self, question: Gradable, text: str) -> tuple[PointJudgement, ...]:
        inputs = point_inputs(question)
        evidence = self.evidence(inputs, text)
        if not evidence:
            return tuple(PointJudgement(p.text, "miss") for p in inputs)
        probabilities = self.model.probabilities(np.stack([e.vector for e in evidence]))
        return tuple(
            self._judgement(p, e, row, text) for p, e, row in zip(inputs, evidence, probabilities, strict=True)
        )

    def evidence(self, inputs: Sequence[PointInput], text: str) -> list[PointEvidence]:
        return evidence_for(self.embedder, inputs, text)

    @staticmethod
    def _judgement(point: PointInput, evidence: PointEvidence, row: np.ndarray, text: str) -> PointJudgement:
        label = decide(row, evidence.vector)
        span = evidence.contrast_span if label == "wrong" and evidence.contrast_span else evidence.best
        if label == "miss" or span is None:
            return PointJudgement(point.text, label, round(float(row[LABELS.index(label)]), 3))
        return PointJudgement(
            point.text,
            label,
            round(float(row[LABELS.index(label)]), 3),
            text[span.start : span.end],
            span.start,
            span.end,
            evidence.contrast if label == "wrong" else "",
        )

    def _unit_terms(self, question: Gradable) -> tuple[str, ...]:
        unit = getattr(question, "unit", None)
        if self.pack is None or unit is None:
            return tuple(getattr(question, "terms", ()) or ())
        try:
            questions = self.pack.unit(unit).questions
        except KeyError:
            return ()
        return tuple(dict.fromkeys(t for q in questions for t in q.terms))
