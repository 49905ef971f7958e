"""Per key point, the evidence an answer gives for it: one feature vector for the fitted model.

Every feature depends only on the key point's text (plus, when present, its `match` entries,
its `wrong` versions and the question's wording), so key points never seen in fitting — a
mentor's rubric, another course — are graded the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from drills.grading import numbers
from drills.grading.contrast import Context, contrasts, reversal, roles
from drills.grading.text import Span, clauses, content_stems, joined_variants, negated, token_set
from drills.matching import entry_matches, normalise

FEATURES: tuple[str, ...] = (
    "sim_best",  # cosine of the key point with the closest answer sentence (or pair of sentences)
    "sim_gap",  # sim_best minus the same window's similarity to the closest sibling key point
    "lex_answer",  # share of the key point's content words (stems, ASR-tolerant) anywhere in the answer
    "lex_best",  # the same share within the closest window
    "match_frac",  # share of the point's `match` entries found (0 when it has none)
    "has_match",
    "contrast_margin",  # at the window closest to a false version: sim(false) - sim(point)
    "contrast_sim",  # that window's similarity to the false version
    "role_swap",  # a clause says the point's distinctive content of the other actor
    "role_support",  # a clause says it of the right actor
    "role_net",  # role_swap minus role_support, at least 0: said of the other actor only
    "reversal",  # the answer clause saying the point's claim has an opposite word ("increases" for "reduces")
    "negation_flip",  # that clause is negated and the point's clause is not, or the reverse
    "num_match",  # the point states a quantity and the answer states it by value
    "num_conflict",  # the answer states a different quantity of the same kind
    "short",  # the answer has fewer than 8 words
)


@dataclass(frozen=True)
class PointInput:
    """One key point as the feature extractor sees it."""

    text: str
    match: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()
    prompt: str = ""
    terms: tuple[str, ...] = ()

    @property
    def context(self) -> Context:
        return Context(self.prompt, self.terms, self.siblings)

    def contrasts(self) -> list[str]:
        return contrasts(self.text, self.wrong, self.context)


@dataclass(frozen=True)
class PointEvidence:
    vector: np.ndarray
    best: Span | None
    """The window most similar to the key point."""
    contrast_span: Span | None
    """Where a false version is stated, when one is (role swap, reversal, contrast)."""
    contrast: str


def strings_needed(points: Sequence[PointInput], spans: Sequence[Span]) -> list[str]:
    """Every text the embedder must encode for these points and answer windows."""
    out: list[str] = [s.text for s in spans]
    for point in points:
        out.append(point.text)
        out.extend(point.siblings)
        out.extend(point.contrasts())
    return list(dict.fromkeys(out))


def point_evidence(
    point: PointInput,
    answer: str,
    spans: Sequence[Span],
    sentence_spans: Sequence[Span],
    vectors: dict[str, np.ndarray],
) -> PointEvidence:
    """The feature vector (FEATURES order) for one key point against one answer."""
    values = dict.fromkeys(FEATURES, 0.0)
    marks = content_stems(point.text)
    answer_tokens = token_set(answer)
    values["lex_answer"] = _share(marks, answer_tokens)
    values["short"] = float(len(normalise(answer).split()) < 8)
    if point.match:
        words = normalise(answer)
        joined = joined_variants(answer)
        found = sum(entry_matches(e, words) or entry_matches(e, joined) for e in point.match)
        values["match_frac"], values["has_match"] = found / len(point.match), 1.0
    evidence = numbers.compare(point.text, answer)
    values["num_match"], values["num_conflict"] = float(evidence.matched), float(evidence.conflict)
    if not spans:
        return PointEvidence(_vector(values), None, None, "")

    window = np.stack([vectors[s.text] for s in spans])
    sims = window @ vectors[point.text]
    best_index = int(np.argmax(sims))
    best = spans[best_index]
    values["sim_best"] = float(sims[best_index])
    values["lex_best"] = _share(marks, token_set(best.text))
    if point.siblings:
        sibling_sims = [float(vectors[best.text] @ vectors[s]) for s in point.siblings if s in vectors]
        values["sim_gap"] = values["sim_best"] - max(sibling_sims, default=0.0)
    else:
        values["sim_gap"] = values["sim_best"]

    contrast_span, contrast_text = None, ""
    found_contrasts = point.contrasts()
    if found_contrasts:
        # Only windows that could be the point's evidence count: a window about something else
        # says nothing about whether the point was stated falsely.
        candidates = np.flatnonzero(sims >= values["sim_best"] - 0.08)
        table = np.stack([vectors[c] for c in found_contrasts]) @ window[candidates].T
        margins = table - sims[candidates]
        c_index, k = np.unravel_index(int(np.argmax(margins)), margins.shape)
        w_index = int(candidates[k])
        values["contrast_sim"] = float(table[c_index, k])
        values["contrast_margin"] = float(margins[c_index, k])
        if values["contrast_margin"] > 0.02:  # semantic.CONTRAST_MARGIN: closer by a clear margin
            contrast_span, contrast_text = spans[w_index], found_contrasts[int(c_index)]

    role = roles(point.text, sentence_spans, point.context)
    values["role_swap"], values["role_support"] = role.swap, role.support
    if role.swap > 0 and role.span is not None:
        contrast_span, contrast_text = role.span, role.contrast or contrast_text

    reversed_clause = _reversed_clause(point.text, best)
    if reversed_clause is not None:
        values["reversal"] = 1.0
        contrast_span = contrast_span or reversed_clause
    aligned = _aligned_clauses(point.text, best)
    if aligned and negated(aligned[0][0].text) != negated(aligned[0][1].text):
        values["negation_flip"] = 1.0
    values["role_net"] = max(0.0, values["role_swap"] - values["role_support"])
    return PointEvidence(_vector(values), best, contrast_span, contrast_text)


def _reversed_clause(point: str, span: Span) -> Span | None:
    """A clause of the window that has an opposite of an effect word of a clause of the point
    (and not the word) and shares at least a third of that clause's other content words."""
    for point_clause in clauses(Span(point, 0, len(point))):
        marks = content_stems(point_clause.text)
        if len(marks) < 2:
            continue
        for clause in clauses(span):
            if _share(marks, token_set(clause.text)) >= 1 / 3 and reversal(point_clause.text, clause.text):
                return clause
    return None


def _aligned_clauses(point: str, span: Span) -> list[tuple[Span, Span]]:
    """Each clause of the key point with the clause of the answer window that says the same
    thing (most shared content words, at least half), closest pair first: a negation or an
    opposite word only means something between clauses about the same claim."""
    pairs: list[tuple[float, Span, Span]] = []
    for point_clause in clauses(Span(point, 0, len(point))):
        marks = content_stems(point_clause.text)
        if len(marks) < 2:
            continue
        scored = [(_share(marks, token_set(c.text)), c) for c in clauses(span)]
        share, clause = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        if clause is not None and share >= 0.5:
            pairs.append((share, point_clause, clause))
    pairs.sort(key=lambda pair: -pair[0])
    return [(p, c) for _, p, c in pairs]


def _share(marks: list[str], found: frozenset[str]) -> float:
    if not marks:
        return 0.0
    return sum(m in found for m in marks) / len(marks)


def _vector(values: dict[str, float]) -> np.ndarray:
    return np.array([values[name] for name in FEATURES], dtype=np.float64)


def describe(vector: np.ndarray) -> dict[str, float]:
    """The named features, rounded (for the calibration report and debugging)."""
    return {name: round(float(v), 3) for name, v in zip(FEATURES, vector, strict=True) if not math.isnan(v)}
