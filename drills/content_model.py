"""The curriculum as immutable objects: units, questions, flashcards, baseline items, pods."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

QuestionKind = Literal["theory", "design", "eli5", "behavioural"]
QUESTION_KINDS: tuple[str, ...] = ("theory", "design", "eli5", "behavioural")

UNIT_AREAS: tuple[str, ...] = (
    "linear_algebra",
    "probability",
    "classical_ml",
    "deep_learning",
    "genai",
    "systems",
    "ethics",
)
BASELINE_AREAS: tuple[str, ...] = (
    "linear_algebra",
    "probability",
    "classical_ml",
    "deep_learning",
    "coding_math",
)
POD_IDS: tuple[str, ...] = ("LINALG", "MATH-P", "DL-BOOT")


@dataclass(frozen=True)
class KeyPoint:
    text: str
    """The rubric point as a spoken sentence (used in feedback)."""
    match: tuple[str, ...]
    """Required concepts; the point is covered when every entry matches (see matching.py)."""
    wrong: tuple[str, ...] = ()
    """Common false versions of the point (a misconception, swapped roles, a reversed effect),
    as spoken sentences; an answer closer to one of these than to `text` states it wrongly."""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Takeaway:
    id: str
    text: str
    note: str | None = None


@dataclass(frozen=True)
class Question:
    """A question of a unit, a pod, or the behavioural / systems-design sets."""

    id: str
    kind: QuestionKind
    prompt: str
    key_points: tuple[KeyPoint, ...]
    terms: tuple[str, ...] = ()
    """Jargon the learner will say; biases the speech recogniser."""
    model_answer: str = ""
    hints: tuple[str, ...] = ()
    takeaway: str | None = None
    reference: str = ""
    """ELI5 only: a model explanation a bright 8-year-old would follow."""
    avoid_jargon: tuple[str, ...] = ()
    """ELI5 only: words the explanation must not use."""
    unit: int | None = None
    area: str | None = None
    """The unit's or pod's area; None for behavioural and systems-design questions."""
    origin: str = "unit"
    """unit | pod:<ID> | behavioural | system_design."""
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def answer_text(self) -> str:
        """What `reveal` reads out: the model answer, or the reference for ELI5."""
        return self.model_answer or self.reference


@dataclass(frozen=True)
class BaselineItem:
    """One of the 30 baseline items; graded like a question, scored per area."""

    id: str
    area: str
    prompt: str
    terms: tuple[str, ...]
    key_points: tuple[KeyPoint, ...]
    model_answer: str
    kind: str = "baseline"
    hints: tuple[str, ...] = ()
    avoid_jargon: tuple[str, ...] = ()
    unit: int | None = None
    origin: str = "baseline"
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def answer_text(self) -> str:
        return self.model_answer


Askable = Question | BaselineItem


@dataclass(frozen=True)
class Flashcard:
    id: str
    front: str
    back: str
    """The written back, for the screen (may hold LaTeX)."""
    spoken_front: str = ""
    """The front phrased as a spoken question; empty = read `front`."""
    spoken_back: str = ""
    """The back as it is said aloud (<= 25 spoken words); empty = read `back`."""
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Formula:
    """One line of the power-review formula sheet: read on screen, or heard."""

    id: str
    name: str
    written: str
    """The formula as written (LaTeX inside `$…$`), for the screen."""
    spoken: str
    """The formula as a teacher says it, one or two sentences."""
    unit: int
    """The unit that teaches it (the sheet is ordered by unit)."""
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def as_card(self) -> Flashcard:
        """The formula as a card, for a formula round of flashcard review."""
        return Flashcard(
            self.id,
            f"{self.name}?",
            self.written,
            f"What is the formula for {self.name[0].lower()}{self.name[1:]}?",
            self.spoken,
            self.file,
            self.line,
        )


@dataclass(frozen=True)
class Unit:
    number: int
    slug: str
    title: str
    days: tuple[int, ...]
    week: int
    area: str
    genai_day: bool
    takeaways: tuple[Takeaway, ...]
    questions: tuple[Question, ...]
    flashcards: tuple[Flashcard, ...]
    """The unit's own cards (each card has one owner)."""
    card_refs: tuple[str, ...] = ()
    """Ids of cards owned elsewhere that also belong in this unit's deck (a merged duplicate)."""
    one_pager: tuple[str, ...] = ()
    """The day's cheat sheet (the seed's Ethics one-pager), one spoken sentence or two a line."""
    file: str = field(default="", compare=False)
    refs_line: int = field(default=0, compare=False)
    one_pager_line: int = field(default=0, compare=False)

    def of_kind(self, kind: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind == kind)


@dataclass(frozen=True)
class Pod:
    id: str
    title: str
    area: str
    below: int
    """The pod is inserted when the baseline score of `area` is below this."""
    content: str
    questions: tuple[Question, ...]
    flashcards: tuple[Flashcard, ...]
    card_refs: tuple[str, ...] = ()
    """Ids of cards owned by a unit that also belong in this pod's deck."""
    file: str = field(default="", compare=False)
    refs_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ContentPack:
    root: Path
    units: tuple[Unit, ...]
    baseline: tuple[BaselineItem, ...]
    behavioural: tuple[Question, ...]
    system_design: tuple[Question, ...]
    pods: tuple[Pod, ...]
    explanations: tuple[Question, ...] = ()
    """The power-review day's "explain X in 60 seconds" set (kind theory, with a unit)."""
    formulas: tuple[Formula, ...] = ()
    """The power-review formula sheet, in unit order."""
    _items: dict[str, Askable] = field(init=False, repr=False, compare=False)
    _day_units: dict[int, Unit] = field(init=False, repr=False, compare=False)
    _cards: dict[str, Flashcard] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        items: dict[str, Askable] = {item.id: item for item in self.all_items()}
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_day_units", {d: u for u in self.units for d in u.days})
        object.__setattr__(self, "_cards", {c.id: c for c in self.flashcards()})

    def all_items(self) -> Iterator[Askable]:
        """Every askable thing: unit and pod questions, special questions, baseline items."""
        for unit in self.units:
            yield from unit.questions
        for pod in self.pods:
            yield from pod.questions
        yield from self.behavioural
        yield from self.system_design
        yield from self.explanations
        yield from self.baseline

    def flashcards(self) -> Iterator[Flashcard]:
        """Every curriculum card once: the units' cards, then the pods' own cards."""
        for unit in self.units:
            yield from unit.flashcards
        for pod in self.pods:
            yield from pod.flashcards

    def card(self, card_id: str) -> Flashcard:
        """A unit or pod card by id; KeyError when unknown."""
        return self._cards[card_id]

    def deck(self, owner: Unit | Pod) -> tuple[Flashcard, ...]:
        """A unit's or pod's cards: its own, then those it references (merged duplicates)."""
        return owner.flashcards + tuple(self._cards[r] for r in owner.card_refs if r in self._cards)

    def formula_cards(self) -> tuple[Flashcard, ...]:
        """The formula sheet as cards (ids `f-…`), for a formula round on the power-review day."""
        return tuple(f.as_card() for f in self.formulas)

    def item(self, item_id: str) -> Askable:
        """Any question or baseline item by id; KeyError when unknown."""
        return self._items[item_id]

    def unit(self, number: int) -> Unit:
        for unit in self.units:
            if unit.number == number:
                return unit
        raise KeyError(number)

    def unit_for_day(self, day: int) -> Unit | None:
        return self._day_units.get(day)

    def units_in_week(self, week: int) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.week == week)

    def units_in_area(self, area: str) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.area == area)

    def pod(self, pod_id: str) -> Pod:
        for pod in self.pods:
            if pod.id == pod_id:
                return pod
        raise KeyError(pod_id)
