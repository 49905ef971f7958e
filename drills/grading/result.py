"""What grading returns: per-key-point judgements, a content score, ELI5 and delivery figures.

`GradeResult` is stored with the attempt (`to_json`) and read back (`from_json`); older
records that carry only score/covered/missed/jargon_used still load.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Label = Literal["hit", "partial", "miss", "wrong"]
LABELS: tuple[str, ...] = ("hit", "partial", "miss", "wrong")
CREDIT: dict[str, float] = {"hit": 1.0, "partial": 0.5, "miss": 0.0, "wrong": 0.0}
"""What a key point earns toward the score; a wrong statement earns nothing."""
RATINGS: tuple[str, ...] = ("again", "hard", "good", "easy")


@dataclass(frozen=True)
class PointJudgement:
    point: str
    """The key point's text."""
    label: str
    """hit (stated correctly, paraphrase counts) | partial (gestures at it) | miss (absent) |
    wrong (states a false version, the opposite, or swaps who does what)."""
    confidence: float = 1.0
    """The grader's probability for `label` (1.0 for the keyword grader)."""
    evidence: str = ""
    """The span of the answer the judgement rests on ('' for a miss)."""
    start: int = -1
    """Character offsets of `evidence` in the answer text (-1 when there is none)."""
    end: int = -1
    contrast: str = ""
    """wrong only: the false version the answer was closer to (a content `wrong` entry or an
    automatically made contrast such as the roles swapped)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PointJudgement:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class Eli5Report:
    grade_level: float
    """Flesch–Kincaid grade of the explanation."""
    familiar_share: float
    """Share of words on the Dale–Chall list of familiar words (or one syllable long)."""
    mean_sentence_words: float
    unexplained_jargon: tuple[str, ...]
    """Avoid-list and unit terms used without an explanation next to them."""
    analogy: bool
    """An everyday comparison is present ("it's like…", "imagine…")."""
    verdict: str
    """simple | too complex."""
    reason: str
    """One spoken sentence saying why."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Eli5Report:
        return cls(**{**data, "unexplained_jargon": tuple(data.get("unexplained_jargon", ()))})


@dataclass(frozen=True)
class DeliveryReport:
    words: int
    seconds: float | None
    """Speaking time, first word to last (or the recorded duration without word timings)."""
    words_per_minute: float | None
    long_pauses: int
    """Gaps between words of `long_pause_s` or more."""
    longest_pause: float
    fillers: int
    """um, uh, er, erm, hmm as the recogniser printed them (see docs/grading.md)."""
    length_ratio: float | None
    """Answer words over the model answer's words."""
    note: str = ""
    """One spoken sentence when delivery matters, else ''."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeliveryReport:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class GradeResult:
    score: float
    """Share of the key points earned, 0..1 (hit 1, partial 0.5, miss and wrong 0)."""
    covered: tuple[str, ...]
    """Texts of the key points judged hit, in rubric order."""
    missed: tuple[str, ...]
    """Texts of every other key point (partial, miss, wrong), in rubric order."""
    jargon_used: tuple[str, ...] = ()
    """ELI5 only: the question's avoid_jargon terms that appear in the answer."""
    points: tuple[PointJudgement, ...] = ()
    """One judgement per key point, rubric order."""
    content_score: int | None = None
    """0..5: round(5 × score), capped at 3 when any point is wrong."""
    rating: str | None = None
    """Suggested flashcard rating: again | hard | good | easy."""
    eli5: Eli5Report | None = None
    delivery: DeliveryReport | None = None
    method: str = "keyword"
    """semantic | keyword | keyword-fallback (the semantic grader was unavailable)."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Reserved for later readers (the review page); carried through to_json/from_json."""

    @property
    def wrong(self) -> tuple[PointJudgement, ...]:
        return tuple(p for p in self.points if p.label == "wrong")

    @property
    def suggested_rating(self) -> str | None:
        """`rating` under the name the flashcard desk reads (drills/cards/grading.py)."""
        return self.rating

    @property
    def partial(self) -> tuple[PointJudgement, ...]:
        return tuple(p for p in self.points if p.label == "partial")

    def with_delivery(self, delivery: DeliveryReport | None) -> GradeResult:
        from dataclasses import replace

        return replace(self, delivery=delivery)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "score": self.score,
            "covered": list(self.covered),
            "missed": list(self.missed),
            "jargon_used": list(self.jargon_used),
            "points": [asdict(p) for p in self.points],
            "content_score": self.content_score,
            "rating": self.rating,
            "eli5": asdict(self.eli5) if self.eli5 else None,
            "delivery": asdict(self.delivery) if self.delivery else None,
            "method": self.method,
        }
        if self.extra:
            data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GradeResult:
        eli5 = data.get("eli5")
        delivery = data.get("delivery")
        return cls(
            float(data.get("score", 0.0)),
            tuple(data.get("covered", ())),
            tuple(data.get("missed", ())),
            tuple(data.get("jargon_used", ())),
            tuple(PointJudgement.from_json(p) for p in data.get("points", ())),
            data.get("content_score"),
            data.get("rating"),
            Eli5Report.from_json(eli5) if eli5 else None,
            DeliveryReport.from_json(delivery) if delivery else None,
            str(data.get("method", "keyword")),
            dict(data.get("extra", {})),
        )


def summarise(points: tuple[PointJudgement, ...]) -> tuple[float, int, str]:
    """Score 0..1, content score 0..5 and suggested rating from the per-point labels.

    A wrong statement caps the content score at 3 and the rating at 'again': a confidently
    wrong answer must be re-learnt however much else it got right."""
    if not points:
        return 0.0, 0, "again"
    score = round(sum(CREDIT[p.label] for p in points) / len(points), 4)
    content = int(round(5 * score + 1e-9))
    wrong = any(p.label == "wrong" for p in points)
    if wrong:
        content = min(content, 3)
    if wrong or content <= 1:
        rating = "again"
    elif content <= 3:
        rating = "hard"
    elif content == 4:
        rating = "good"
    else:
        rating = "easy"
    return score, content, rating
