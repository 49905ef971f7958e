"""Quality rules of `viva content check` beyond the schema: ELI5 reading level, near-duplicate
prompts and cards, and rubric weaknesses a keyword grader falls for.

Every rule is cheap and lexical (no model is loaded), and every finding names a file and line.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from statistics import fmean

from drills.content_model import Askable, ContentPack, Flashcard, KeyPoint, Question
from drills.exceptions import ContentIssue
from drills.matching import normalise
from drills.readability import ELI5_MAX_GRADE, ELI5_MAX_MEAN_GRADE, fk_grade

PROMPT_SIMILARITY = 0.6
"""Two prompts this similar (IDF-weighted word overlap, 0..1) ask the same thing."""
FRONT_SIMILARITY = 0.62
CARD_SIMILARITY = 0.7
"""Two cards are duplicates when their fronts, or their front and back together, are this similar."""
COMMON_WORD_SHARE = 0.10
"""A word used by this share of all model answers and references is common: alone, it proves nothing."""


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no topic: left out of the similarity of prompts and fronts.
_FILLER = _set(
    "a an the of to in is are what why how does do did for and or on with by its it as at be which "
    "that this from when you your me give name state explain five year old say tell"
)
_STOPWORDS = _set("a an the of to in is are and or it this that be on at by for with as not no")
_NUMBER_WORDS = _set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "thousand million billion trillion half quarter"
)
_NUMBER_FILLER = frozenset({"point", "percent", "times", "fold", "and", "a"})
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|vs|etc|cf|approx|resp)\.", re.IGNORECASE)
_SECOND_SENTENCE = re.compile(r"[.!?]\s+\S")
_LABEL = re.compile(r"^[A-Z][a-z]+(?: and [a-z]+)?\.\s+")  # a STAR label: "Action. Diagnosed the root cause…"


@dataclass(frozen=True)
class Eli5Grade:
    question: Question
    grade: float


def eli5_grades(pack: ContentPack) -> list[Eli5Grade]:
    """Every ELI5 reference with its Flesch–Kincaid grade, in content order."""
    return [
        Eli5Grade(q, fk_grade(q.reference)) for q in pack.all_items() if isinstance(q, Question) and q.kind == "eli5"
    ]


def readability_issues(grades: Sequence[Eli5Grade]) -> Iterator[ContentIssue]:
    for g in grades:
        if g.grade > ELI5_MAX_GRADE:
            yield ContentIssue(
                g.question.file,
                g.question.line,
                f"{g.question.id}: the ELI5 reference reads at grade {g.grade:.1f}, above {ELI5_MAX_GRADE:.0f} "
                "(shorter sentences, shorter words)",
            )
    if grades and (mean := fmean(g.grade for g in grades)) > ELI5_MAX_MEAN_GRADE:
        first = grades[0].question
        yield ContentIssue(
            first.file, 0, f"ELI5 references read at grade {mean:.2f} on average, above {ELI5_MAX_MEAN_GRADE}"
        )


# --- near duplicates --------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    # A crude plural fold ("priors" = "prior") is enough for short prompts and fronts.
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in normalise(text).split()) - _FILLER


class _Similarity:
    """IDF-weighted Jaccard overlap of word sets: shared rare words count, shared boilerplate barely."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.sets = [_words(t) for t in texts]
        df = Counter(w for s in self.sets for w in s)
        self.idf = {w: math.log((len(self.sets) + 1) / c) for w, c in df.items()}

    def __call__(self, i: int, j: int) -> float:
        a, b = self.sets[i], self.sets[j]
        union = sum(self.idf[w] for w in a | b)
        return sum(self.idf[w] for w in a & b) / union if union else 0.0


def near_duplicates(pack: ContentPack) -> Iterator[ContentIssue]:
    """Questions whose prompts, and cards whose fronts (or whole cards), say nearly the same thing."""
    items: list[Askable] = list(pack.all_items())
    prompts = _Similarity([q.prompt for q in items])
    for i, j in combinations(range(len(items)), 2):
        if _prompt_group(items[i]) != _prompt_group(items[j]):
            continue  # an ELI5 prompt on a topic that also has a theory question is by design
        if (score := prompts(i, j)) >= PROMPT_SIMILARITY:
            a, b = items[i], items[j]
            yield ContentIssue(
                b.file, b.line, f"{b.id}: its prompt nearly repeats {a.id} at {a.file}:{a.line} ({score:.2f})"
            )
    cards: list[Flashcard] = list(pack.flashcards())
    fronts = _Similarity([c.front for c in cards])
    whole = _Similarity([f"{c.front} {c.back}" for c in cards])
    for i, j in combinations(range(len(cards)), 2):
        score = max(fronts(i, j) / FRONT_SIMILARITY, whole(i, j) / CARD_SIMILARITY)
        if score >= 1.0:
            a, b = cards[i], cards[j]
            yield ContentIssue(
                b.file,
                b.line,
                f"{b.id}: nearly the same card as {a.id} at {a.file}:{a.line}; keep one and list it "
                "under card_refs where else it belongs",
            )


def _prompt_group(item: Askable) -> str:
    """Questions asked as interview questions (theory, design, baseline) compete with each other."""
    return item.kind if item.kind in ("eli5", "behavioural") else "question"


# --- rubric -----------------------------------------------------------------------------------


class _WordShare:
    """Which share of the pack's answers use a word (or a stem, for `stem*`), by inverted index."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.count = max(len(texts), 1)
        index: dict[str, set[int]] = {}
        for i, text in enumerate(texts):
            for word in set(normalise(text).split()):
                index.setdefault(word, set()).add(i)
        self.index = index
        self.vocabulary = sorted(index)

    def __call__(self, alternative: str) -> float:
        word = normalise(alternative.rstrip("*"))
        if not alternative.endswith("*"):
            return len(self.index.get(word, ())) / self.count
        start = bisect_left(self.vocabulary, word)
        hits: set[int] = set()
        for entry in self.vocabulary[start:]:
            if not entry.startswith(word):
                break
            hits |= self.index[entry]
        return len(hits) / self.count


def rubric_issues(pack: ContentPack) -> Iterator[ContentIssue]:
    """Key points a keyword grader judges badly: two claims in one point, a point any answer
    meets with one common word, a number that also matches inside other numbers."""
    share = _WordShare([item.answer_text for item in pack.all_items()])

    def is_common(alternative: str) -> bool:
        words = normalise(alternative.rstrip("*")).split()
        return len(words) == 1 and (words[0] in _STOPWORDS or share(alternative) >= COMMON_WORD_SHARE)

    for item in pack.all_items():
        for index, point in enumerate(item.key_points, start=1):
            where = point.line or item.line
            for problem in _point_problems(point, is_common):
                yield ContentIssue(item.file, where, f"{item.id} key point {index}: {problem}")


def _point_problems(point: KeyPoint, is_common: Callable[[str], bool]) -> Iterator[str]:
    text = _LABEL.sub("", _ABBREVIATIONS.sub("", point.text.strip()))
    if ";" in text or _SECOND_SENTENCE.search(text):
        yield "bundles two claims (a semicolon or a second sentence); split it or keep the one the match checks"
    if len(point.match) == 1:
        for alternative in point.match[0].split("|"):
            if is_common(alternative.strip()):
                yield (
                    f"met by the single common word '{alternative.strip()}'; "
                    "add a second required entry or use a more specific phrase"
                )
                break
    bare = [alt.strip() for entry in point.match for alt in entry.split("|") if _bare_number(alt)]
    if bare:
        yield (
            f"the bare number {', '.join(repr(b) for b in bare)} also matches inside other numbers "
            "('9' in '99.9', 'nine' in 'ninety nine'); anchor it with a word, e.g. 'about 9 percent'"
        )


def _bare_number(alternative: str) -> bool:
    """Only number words and digits (with 'percent', 'point'…): matched inside larger numbers."""
    words = normalise(alternative.rstrip("*")).split()
    numbers = [w for w in words if w.isdigit() or w in _NUMBER_WORDS]
    return bool(numbers) and all(w.isdigit() or w in _NUMBER_WORDS or w in _NUMBER_FILLER for w in words)
