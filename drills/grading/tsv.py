"""Judgement tables: rows of question × key point × answer, graded in groups.

Used by `viva grade FILE.tsv` and by the calibration report. `question` is a content id (the
question's prompt, terms, `match` and `wrong` entries and sibling key points are then used; a
key point worded differently from the content's borrows the entries of the point it resolves
to, resolve.py) or free text (the rows sharing it and the answer are the sibling key points).
Nothing else is required of a row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from drills.content_model import Askable, ContentPack, KeyPoint
from drills.exceptions import DrillsError
from drills.grading.protocol import Grader
from drills.grading.resolve import resolve
from drills.grading.result import GradeResult
from drills.matching import normalise

REQUIRED = ("question", "key_point", "answer_text")


class TableError(DrillsError):
    """A judgement table that cannot be read (missing columns, not tab-separated)."""


@dataclass(frozen=True)
class FreeQuestion:
    """A question known only by its text and key points (a mentor's rubric, another course)."""

    prompt: str
    key_points: tuple[KeyPoint, ...]
    kind: str = "theory"
    avoid_jargon: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    answer_text: str = ""


@dataclass
class Group:
    """The rows that share one question and one answer: graded together."""

    question: str
    answer: str
    rows: list[int] = field(default_factory=list)
    points: list[str] = field(default_factory=list)


def read_table(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a tab-separated table; TableError naming any missing column."""
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = list(reader.fieldnames or [])
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = ", ".join(header) if header else "no header"
        raise TableError(
            f"the table lacks the column(s) {', '.join(missing)} (found: {found}); "
            f"it needs a tab-separated header with at least {', '.join(REQUIRED)}"
        )
    rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    return header, rows


def write_table(header: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k, "")) for k in header})
    return out.getvalue()


def _cell(value: str) -> str:
    return " ".join(str(value).replace("\t", " ").split())


def groups(rows: Sequence[dict[str, str]]) -> list[Group]:
    found: dict[tuple[str, str], Group] = {}
    for index, row in enumerate(rows):
        key = (row["question"].strip(), row["answer_text"])
        group = found.setdefault(key, Group(key[0], key[1]))
        group.rows.append(index)
        if row["key_point"] not in group.points:
            group.points.append(row["key_point"])
    return list(found.values())


def _all_points(rows: Sequence[dict[str, str]], question: str) -> list[str]:
    """Every key point any row gives for this question (siblings, whatever the answer)."""
    return list(dict.fromkeys(r["key_point"] for r in rows if r["question"].strip() == question))


def gradable(
    group: Group, rows: Sequence[dict[str, str]], pack: ContentPack | None, use_match: bool = True
) -> Askable | FreeQuestion:
    """The question to grade a group against, and (by its key points) which rows it answers.
    `use_match=False` drops the content's `match` entries (a rubric that has none).

    A key point whose text is not the content's own (a judgement made before a content pass
    reworded it) is graded as written, with the `match` and `wrong` entries of the content
    point it resolves to (resolve.py): the label was given against that text."""
    item = _content_item(group.question, pack)
    if item is None:
        return FreeQuestion(group.question, tuple(KeyPoint(t, ()) for t in _all_points(rows, group.question)))
    own = {normalise(p.text) for p in item.key_points}
    if all(normalise(p) in own for p in group.points):
        if use_match:
            return item
        points = tuple(KeyPoint(p.text, (), p.wrong) for p in item.key_points)
    else:
        resolved = resolve(_all_points(rows, group.question), item.key_points)
        points = tuple(
            KeyPoint(text, point.match if point and use_match else (), point.wrong if point else ())
            for text, point in resolved.items()
        )
    return FreeQuestion(item.prompt, points, item.kind, item.avoid_jargon, item.terms, item.answer_text)


def _content_item(question: str, pack: ContentPack | None) -> Askable | None:
    if pack is None:
        return None
    try:
        return pack.item(question)
    except KeyError:
        return None


def label_rows(
    rows: Sequence[dict[str, str]], grader: Grader, pack: ContentPack | None, use_match: bool = True
) -> list[str]:
    """The predicted label of every row (hit / partial / miss / wrong), in row order."""
    labels = [""] * len(rows)
    for group in groups(rows):
        question = gradable(group, rows, pack, use_match)
        result = grader.grade(question, group.answer)
        by_text = _labels_by_point(result)
        for index in group.rows:
            labels[index] = by_text.get(normalise(rows[index]["key_point"]), "miss")
    return labels


def _labels_by_point(result: GradeResult) -> dict[str, str]:
    if result.points:
        return {normalise(p.point): p.label for p in result.points}
    return {normalise(p): "hit" for p in result.covered} | {normalise(p): "miss" for p in result.missed}
