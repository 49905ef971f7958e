"""Item-level rules of SCHEMA.md: questions, key points, flashcards, review blocks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode

from drills.content_model import Flashcard, KeyPoint, Question
from drills.content_yaml import Fields, Issues, scalar_value
from drills.matching import entry_problems

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_COMMON = ("id", "kind", "prompt")
_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "theory": (*_COMMON, "takeaway", "terms", "key_points", "model_answer", "hints"),
    "design": (*_COMMON, "takeaway", "terms", "key_points", "model_answer", "hints"),
    "eli5": (*_COMMON, "reference", "avoid_jargon", "key_points"),
    "behavioural": (*_COMMON, "key_points", "model_answer", "hints"),
}
_KEY_POINT_RANGE = {"theory": (3, 6), "design": (3, 6), "eli5": (2, 4), "behavioural": (3, 6)}
_KIND_LETTER = {"theory": "t", "design": "d", "eli5": "e"}
MAX_MATCH_ENTRIES = 3
"""SCHEMA.md: 1-3 concepts per point; one with 4 required entries is almost never matched."""


@dataclass(frozen=True)
class QuestionRules:
    """What a question may be where it appears (a unit, a pod, a special file)."""

    kinds: tuple[str, ...]
    origin: str
    unit: int | None = None
    area: str | None = None
    takeaways: frozenset[str] | None = None
    """Allowed takeaway ids; None means the question carries no `takeaway` field."""
    unit_areas: Mapping[int, str] | None = None
    """When set, each question names its own `unit` (power review), and takes that unit's area."""


def _raw_kind_and_id(node: Node) -> tuple[str, str]:
    values = {}
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
                values[key.value] = value.value
    return str(values.get("kind", "")), str(values.get("id", ""))


def parse_question(node: Node, issues: Issues, rules: QuestionRules) -> Question | None:
    kind, qid = _raw_kind_and_id(node)
    what = f"question {qid}" if qid else "question"
    if kind not in rules.kinds:
        allowed = " | ".join(rules.kinds)
        found = f"'{kind}'" if kind else "no kind"
        issues.add(node, f"{what}: has {found}; expected kind {allowed}")
        return None
    required = _KIND_FIELDS[kind]
    if rules.takeaways is None:
        required = tuple(k for k in required if k != "takeaway")
    if rules.unit_areas is not None:
        required = (*required, "unit")
    f = Fields(node, issues, what, required)
    qid = f.text("id")
    unit, area = rules.unit, rules.area
    if rules.unit_areas is not None:
        unit = f.integer("unit", 1, max(rules.unit_areas, default=1))
        area = rules.unit_areas.get(unit) if unit is not None else None
    _check_question_id(f, qid, kind, rules)
    takeaway = f.text("takeaway") if "takeaway" in required else None
    if takeaway and rules.takeaways is not None and takeaway not in rules.takeaways:
        issues.add(f.at("takeaway"), f"{what}: takeaway '{takeaway}' is not one of the unit's take-aways")
    low, high = _KEY_POINT_RANGE[kind]
    return Question(
        id=qid,
        kind=kind,  # type: ignore[arg-type]  # checked against rules.kinds above
        prompt=f.text("prompt"),
        key_points=parse_key_points(f, low, high),
        terms=f.texts("terms", 2, 8) if "terms" in required else (),
        model_answer=f.text("model_answer") if "model_answer" in required else "",
        hints=f.texts("hints", 1, 2) if "hints" in required else (),
        takeaway=takeaway,
        reference=f.text("reference") if kind == "eli5" else "",
        avoid_jargon=f.texts("avoid_jargon", 3) if kind == "eli5" else (),
        unit=unit,
        area=area,
        origin=rules.origin,
        file=issues.file,
        line=node.start_mark.line + 1,
    )


def _check_question_id(f: Fields, qid: str, kind: str, rules: QuestionRules) -> None:
    if not qid:
        return
    if rules.unit is not None and kind in _KIND_LETTER:
        pattern = rf"u{rules.unit:02d}-{_KIND_LETTER[kind]}\d+"
        if not re.fullmatch(pattern, qid):
            expected = f"u{rules.unit:02d}-{_KIND_LETTER[kind]}<k>"
            f.issues.add(f.at("id"), f"{f.what}: a {kind} id in unit {rules.unit} must look like {expected}")
    elif not SLUG.match(qid):
        f.issues.add(f.at("id"), f"{f.what}: id must be lowercase words joined by hyphens")


def parse_key_points(f: Fields, low: int, high: int) -> tuple[KeyPoint, ...]:
    points = []
    for index, node in enumerate(f.nodes("key_points", low, high, "key points"), start=1):
        kp = Fields(node, f.issues, f"{f.what} key point {index}", ("text", "match"), ("wrong",))
        line = node.start_mark.line + 1
        points.append(KeyPoint(kp.text("text"), _match_entries(kp), kp.texts("wrong"), line))
    return tuple(points)


def _match_entries(kp: Fields) -> tuple[str, ...]:
    entries = []
    for node in kp.nodes("match", 1, MAX_MATCH_ENTRIES, "entries"):
        # Entries are text in the match language; a bare number (`- 4`) is still text.
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
            kp.issues.add(node, f"{kp.what}: every match entry must be text")
            continue
        entry = str(node.value).strip()
        for problem in entry_problems(entry):
            kp.issues.add(node, f"{kp.what}: {problem}")
        entries.append(entry)
    return tuple(entries)


def parse_flashcards(f: Fields, low: int, id_prefix: str | None = None) -> tuple[Flashcard, ...]:
    """`id_prefix` like "u01-c" forces unit card ids (u01-c1, u01-c2…)."""
    cards = []
    for node in f.nodes("flashcards", low, None, "flashcards"):
        card = Fields(node, f.issues, "flashcard", ("id", "front", "back"), ("spoken_front", "spoken_back"))
        cid = card.text("id")
        if cid and id_prefix and not re.fullmatch(re.escape(id_prefix) + r"\d+", cid):
            f.issues.add(card.at("id"), f"flashcard {cid}: id must look like {id_prefix}<k>")
        elif cid and not SLUG.match(cid):
            f.issues.add(card.at("id"), f"flashcard {cid}: id must be lowercase words joined by hyphens")
        line = node.start_mark.line + 1
        cards.append(
            Flashcard(
                cid,
                card.text("front"),
                card.text("back"),
                card.optional_text("spoken_front") or "",
                card.optional_text("spoken_back") or "",
                f.issues.file,
                line,
            )
        )
    return tuple(cards)


def parse_card_refs(f: Fields) -> tuple[str, ...]:
    """`card_refs`: ids of cards owned elsewhere that belong in this deck too (checked later)."""
    refs = f.texts("card_refs")
    for ref in refs:
        if not SLUG.match(ref):
            f.issues.add(f.at("card_refs"), f"{f.what}: card_refs entry '{ref}' is not a card id")
    return refs


def check_review(f: Fields) -> None:
    """Every file records its expert review: who, when, and what it changed."""
    if "review" not in f.values:
        return  # already reported as missing
    review = Fields(f.values["review"], f.issues, "review", ("reviewed_by", "date", "fixes"))
    review.text("reviewed_by")
    review.date_text("date")
    fixes = review.values.get("fixes")
    if fixes is not None and not (isinstance(fixes, ScalarNode) and scalar_value(fixes) is None):
        review.texts("fixes")


def parse_questions(f: Fields, rules: QuestionRules, low: int = 0, key: str = "questions") -> tuple[Question, ...]:
    questions = (parse_question(node, f.issues, rules) for node in f.nodes(key, low))
    return tuple(q for q in questions if q is not None)
