"""The semantic grader's model-free parts: numbers by value, ASR-tolerant tokens, contrasts,
delivery, ELI5 readability offline, results stored and read back, spoken corrections, tables."""

from __future__ import annotations

import socket

import pytest

from drills.content_model import ContentPack, KeyPoint
from drills.exceptions import DrillsError
from drills.grading import DeliveryReport, GradeResult, PointJudgement
from drills.grading.contrast import Context, actor_segments, role_pairs, roles, swapped
from drills.grading.delivery import measure
from drills.grading.eli5 import assess
from drills.grading.numbers import compare, quantities
from drills.grading.result import summarise
from drills.grading.text import sentences, token_set
from drills.grading.tsv import FreeQuestion, TableError, groups, label_rows, read_table, write_table
from drills.spoken import feedback


@pytest.mark.parametrize(
    ("answer", "matched", "conflict"),
    [
        ("About 99.9 percent, the test is accurate.", False, True),  # "9" is inside 99.9 but not its value
        ("It's ninety nine percent.", False, True),
        ("about nine percent", True, False),
        ("roughly one in eleven", True, False),
        ("around 9% because the disease is rare", True, False),
        ("The test catches 99 percent, so only about 9 percent are sick.", True, False),
        ("I am not sure.", False, False),
    ],
)
def test_numbers_by_value(answer: str, matched: bool, conflict: bool) -> None:
    evidence = compare("Only about 9 percent, roughly one in eleven.", answer)
    assert (evidence.matched, evidence.conflict) == (matched, conflict)


def test_quantities_and_units() -> None:
    assert [q.value for q in quantities("two thousand features, 0.05 and 50 million rows")] == [2000.0, 0.05, 5e7]
    assert compare("It is order n cubed.", "order n squared").conflict
    assert compare("It is order n cubed.", "n cubed because of n squared entries").matched
    # Different units never clash: 10 milliseconds is not a wrong "100 frames".
    assert not compare("The hop gives 100 frames per second.", "a frame every 10 milliseconds").conflict
    assert compare("A 25 millisecond window is 400 samples.", "it is 40 samples").conflict


def test_asr_spellings_match() -> None:
    found = token_set("the soft max of the k l divergence with l one and re lu")
    assert {"softmax", "kl", "kldivergence", "l1", "relu"} <= found
    assert "9" in token_set("nine percent") and "percent" in token_set("9%")


def test_sentences_keep_decimals_and_offsets() -> None:
    text = "About 99.9 percent. Next one? A long run on " + "word " * 40
    spans = sentences(text)
    assert spans[0].text == "About 99.9 percent." and spans[1].text == "Next one?"
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert len(spans) > 3  # the 44-word run-on is cut into windows


@pytest.mark.parametrize(
    ("question", "pairs"),
    [("b-cm-6", [("bagging", "boosting"), ("boosting", "bagging")]), ("b-cm-3", [("l1", "l2"), ("l2", "l1")])],
)
def test_role_pairs_come_from_the_question(pack: ContentPack, question: str, pairs: list[tuple[str, str]]) -> None:
    item = pack.item(question)
    texts = [p.text for p in item.key_points]
    for i, text in enumerate(texts):
        context = Context(item.prompt, item.terms, tuple(t for j, t in enumerate(texts) if j != i))
        assert role_pairs(text, context)[0] == pairs[i]


def test_swapped_roles_are_found_in_the_answer(pack: ContentPack) -> None:
    item = pack.item("b-dl-3")
    texts = [p.text for p in item.key_points]
    context = Context(item.prompt, item.terms, tuple(texts[1:]))
    assert swapped(texts[0], context)[0].lower().startswith("the relu saturates")
    wrong = "ReLU saturates, its slope is at most a quarter, so gradients vanish. The sigmoid is cheap."
    right = "The sigmoid saturates, its slope is at most a quarter, so gradients vanish. ReLU is cheap."
    assert roles(texts[0], sentences(wrong), context).swap > 0.5
    evidence = roles(texts[0], sentences(right), context)
    assert evidence.swap == 0 and evidence.support > 0.5


def test_a_clause_without_an_actor_belongs_to_the_one_before() -> None:
    text = "Boosting trains models in parallel, each on a bootstrap sample, and averages them."
    segments = actor_segments(sentences(text), {"boosting", "bagging"})
    assert [s.text for s in segments] == [text]
    two = "Bagging averages, while boosting corrects errors, one after another."
    assert [s.text for s in actor_segments(sentences(two), {"boosting", "bagging"})] == [
        "Bagging averages",
        "while boosting corrects errors, one after another.",
    ]


def test_delivery_figures_and_one_note() -> None:
    words = [
        {"word": w, "start": i * 0.5, "end": i * 0.5 + 0.4}
        for i, w in enumerate(["so", "um", "bagging", "uh", "works"])
    ]
    words[-1] = {"word": "works", "start": 6.0, "end": 6.4}  # a 4.1 s pause before the last word
    report = measure("so um bagging uh works", words, 7.0, 60)
    assert report.fillers == 2 and report.long_pauses == 1 and report.longest_pause == pytest.approx(4.1)
    assert report.words_per_minute == pytest.approx(60 * 5 / 6.4, rel=0.01)
    assert report.length_ratio == pytest.approx(5 / 60, abs=0.005)
    assert report.note.startswith("That was quite short")  # the most important note only
    fluent = measure(" ".join(["word"] * 60), None, 24.0, 60)  # 150 wpm, right length, no timings
    assert fluent.note == "" and fluent.words_per_minute == 150.0
    assert measure("", None, None, None).words_per_minute is None


def test_eli5_readability_works_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("ELI5 scoring tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    import nltk

    monkeypatch.setattr(nltk, "download", no_network)
    simple = assess(
        "Imagine lots of friends guess how many sweets are in a jar. Some guess too many and some too few.",
        ("ensemble", "variance"),
    )
    assert simple.verdict == "simple" and simple.analogy and simple.grade_level < 6
    technical = assess(
        "The ensemble's variance decreases because bootstrap aggregation decorrelates estimators.",
        ("ensemble", "variance", "bootstrap"),
    )
    assert technical.verdict == "too complex" and technical.unexplained_jargon == ("ensemble", "variance", "bootstrap")
    assert "without explaining" in technical.reason
    explained = assess("An ensemble, which means a team of guessers, is like asking many friends.", ("ensemble",))
    assert explained.unexplained_jargon == ()


def test_results_round_trip_and_old_records_load() -> None:
    points = (
        PointJudgement("p1", "hit", 0.9, "said p1", 0, 7),
        PointJudgement("p2", "wrong", 0.7, "x", 8, 9, "not p2"),
    )
    score, content, rating = summarise(points)
    assert (score, content, rating) == (0.5, 3, "again")  # half up; wrong forces "again"
    delivery = DeliveryReport(10, 4.0, 150.0, 0, 0.2, 0, 0.5, "")
    result = GradeResult(score, ("p1",), ("p2",), (), points, content, rating, None, delivery, "semantic")
    assert GradeResult.from_json(result.to_json()) == result
    old = GradeResult.from_json({"score": 0.5, "covered": ["a"], "missed": ["b"], "jargon_used": []})
    assert old.points == () and old.method == "keyword" and old.delivery is None


def test_a_wrong_answer_hears_a_correction_not_excellent() -> None:
    wrong = PointJudgement("L1 drives many weights exactly to zero.", "wrong", 0.8, "L1 gives dense weights")
    result = GradeResult(
        0.5, ("L2 shrinks weights.",), (wrong.point,), points=(PointJudgement("L2 shrinks weights.", "hit"), wrong)
    )
    text = feedback(result)
    assert "Excellent" not in text
    assert "you said L1 gives dense weights; in fact, L1 drives many weights exactly to zero." in text
    assert text.startswith("You covered one of two key points.")
    all_hit = GradeResult(1.0, ("a", "b"), (), points=(PointJudgement("a", "hit"), PointJudgement("b", "hit")))
    assert feedback(all_hit).startswith("Excellent")
    noted = all_hit.with_delivery(
        DeliveryReport(80, 20.0, 240.0, 0, 0.1, 0, 1.0, "You spoke quite fast; slow down a little.")
    )
    assert "slow down" in feedback(noted)


def test_tables_name_missing_columns() -> None:
    with pytest.raises(TableError, match="key_point, answer_text") as error:
        read_table("question\tanswer\nq\ta\n")
    assert isinstance(error.value, DrillsError)
    with pytest.raises(TableError, match="no header"):
        read_table("")
    header, rows = read_table("question\tkey_point\tanswer_text\tnote\nq1\tp1\ta\tkeep me\nq1\tp2\ta\t\n")
    assert header[-1] == "note" and [len(g.rows) for g in groups(rows)] == [2]
    assert write_table(header, rows).splitlines()[1] == "q1\tp1\ta\tkeep me"


def test_free_text_questions_are_graded_by_their_key_points() -> None:
    class Recording:
        def __init__(self) -> None:
            self.seen: list[FreeQuestion] = []

        def grade(self, question: FreeQuestion, text: str) -> GradeResult:  # type: ignore[override]
            self.seen.append(question)
            return GradeResult(0.5, (question.key_points[0].text,), (question.key_points[1].text,))

    grader = Recording()
    _, rows = read_table("question\tkey_point\tanswer_text\nWhat is X?\tX is a\tit is a\nWhat is X?\tX is b\tit is a\n")
    assert label_rows(rows, grader, None) == ["hit", "miss"]
    assert grader.seen[0].prompt == "What is X?"
    assert grader.seen[0].key_points == (KeyPoint("X is a", ()), KeyPoint("X is b", ()))
