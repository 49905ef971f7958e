"""Scoring used by tests and benchmarks alike.

WER uses OpenAI Whisper's English text normaliser (package `whisper-normalizer`): it lower-cases,
removes punctuation, spells numbers one way ("fifteenth" = "15th", "forty two" = "42") and maps
British to American spelling. Parentheses are unwrapped first because that normaliser deletes
bracketed text, and one LJ Speech reference keeps a whole clause in parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import jiwer


@lru_cache(maxsize=1)
def _normalizer():
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def normalize(text: str) -> str:
    return _normalizer()(re.sub(r"[()\[\]]", " ", text)).strip()


def wer(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus WER (total edits / total reference words) after normalisation."""
    refs = [normalize(r) for r in references]
    hyps = [normalize(h) for h in hypotheses]
    return float(jiwer.wer(refs, hyps))


def term_recall(terms: Sequence[str], hypothesis: str) -> tuple[int, int]:
    """(terms found, terms asked) — a term counts when its words appear in order."""
    said = f" {normalize(hypothesis)} "
    found = sum(1 for term in terms if f" {normalize(term)} " in said)
    return found, len(terms)
