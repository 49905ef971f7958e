"""The calibration set stays about what was labelled when the content is reworded: rubric texts
resolve to the content's key points, judgements.tsv is what the answers build, and a reworded
point is graded as labelled with the content point's `match` and `wrong` entries."""

from __future__ import annotations

from pathlib import Path

from drills.content_model import ContentPack, KeyPoint
from drills.grading.calibration import JUDGEMENTS, build, load_rubrics, unresolved
from drills.grading.resolve import resolve
from drills.grading.tsv import FreeQuestion, gradable, groups, read_table

POINTS = (
    KeyPoint("Bagging trains models in parallel on bootstrap samples, which mainly reduces variance.", ("bag",)),
    KeyPoint("Boosting trains weak learners one after another on the errors, which mainly reduces bias.", ("boost",)),
    KeyPoint("You get a clue.", ()),
    KeyPoint("You change the guess using the clue.", ()),
)


def test_reworded_points_resolve_one_to_one() -> None:
    texts = [
        "Boosting trains weak learners sequentially on the errors so far and mainly reduces bias; AdaBoost reweights.",
        "Bagging trains models in parallel on bootstrap samples, which mainly reduces variance.",
        "You change the guess using the new clue.",
        "Something about the weather in Lisbon.",
    ]
    got = resolve(texts, POINTS)
    assert got[texts[0]] is POINTS[1]  # a clause added: the longer text contains the point
    assert got[texts[1]] is POINTS[0]  # exact
    # "You get a clue." is contained in it too; the closer point (Jaccard) wins, one to one.
    assert got[texts[2]] is POINTS[3]
    assert got[texts[3]] is None


def test_an_exact_text_is_never_taken_by_a_reworded_one() -> None:
    texts = ["You change the guess using the clue and get a clue.", "You get a clue."]
    got = resolve(texts, POINTS)
    assert got["You get a clue."] is POINTS[2]
    assert got[texts[0]] is POINTS[3]


def test_every_labelled_rubric_resolves_to_the_content(pack: ContentPack) -> None:
    rubrics = load_rubrics()
    assert len(rubrics) >= 50
    assert unresolved(pack, rubrics) == []


def test_judgements_table_is_what_the_answers_build(pack: ContentPack) -> None:
    """Rebuilding must not change a row: labels stay tied to the texts they were given for,
    whatever the content now says (run `python -m drills.grading.calibration` after editing
    the answers)."""
    _, rows = read_table(JUDGEMENTS.read_text(encoding="utf-8"))
    assert build(pack) == rows


def test_a_new_question_takes_the_contents_key_points(pack: ContentPack, tmp_path: Path) -> None:
    (tmp_path / "split.yaml").write_text("heldout: [b-cm-6]\n", encoding="utf-8")
    (tmp_path / "answers-1.yaml").write_text(
        "- q: b-cm-6\n  kind: strong\n  labels: [hit, miss]\n  text: Bagging averages bootstrap models.\n",
        encoding="utf-8",
    )
    rubrics: dict[str, list[str]] = {}
    rows = build(pack, tmp_path, rubrics)
    assert rubrics == {"b-cm-6": [p.text for p in pack.item("b-cm-6").key_points]}
    assert [(r["split"], r["label"], r["key_point"]) for r in rows] == [
        ("heldout", "hit", rubrics["b-cm-6"][0]),
        ("heldout", "miss", rubrics["b-cm-6"][1]),
    ]


def test_a_reworded_point_is_graded_as_labelled_with_the_contents_entries(pack: ContentPack) -> None:
    """u21-t1's p-value point has a `wrong` version; the label was given to an older wording."""
    item = pack.item("u21-t1")
    point = item.key_points[2]
    assert point.wrong and point.match
    reworded = point.text.rstrip(".") + ". It is not the probability that the null is true."
    texts = [p.text for p in item.key_points]
    texts[2] = reworded
    header = ["question", "key_point", "answer_text"]
    rows = [dict(zip(header, ("u21-t1", text, "A p-value is small."), strict=True)) for text in texts]
    for use_match in (True, False):
        question = gradable(groups(rows)[0], rows, pack, use_match)
        assert isinstance(question, FreeQuestion) and question.prompt == item.prompt
        assert [p.text for p in question.key_points] == texts  # the labelled text is what is graded
        assert question.key_points[2].wrong == point.wrong
        assert question.key_points[2].match == (point.match if use_match else ())
        assert question.key_points[0].match == (item.key_points[0].match if use_match else ())
