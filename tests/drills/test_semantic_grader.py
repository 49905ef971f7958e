"""The semantic grader with the real MiniLM model: held-out agreement, right from wrong, numbers
by value, bad input, real speech through Piper and faster-whisper, and `viva grade`."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from drills.content_model import ContentPack
from drills.grading import KeyPointGrader
from drills.grading.calibration import JUDGEMENTS, agreement
from drills.grading.semantic import SemanticGrader
from drills.grading.tsv import label_rows, read_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def grader(pack: ContentPack) -> SemanticGrader:
    from drills.grading.embedder import LocalEmbedder

    return SemanticGrader(LocalEmbedder(), pack=pack)


def test_held_out_agreement_floor(grader: SemanticGrader, pack: ContentPack) -> None:
    """The floors are the figures measured when the model was fitted (docs/grading.md)."""
    _, rows = read_table(JUDGEMENTS.read_text(encoding="utf-8"))
    held = [r for r in rows if r["split"] == "heldout"]
    assert len(held) >= 300 and len({r["question"] for r in held}) >= 20
    gold = [r["label"] for r in held]
    ids = [r["answer_id"] for r in held]
    semantic = agreement(gold, label_rows(held, grader, pack), ids)
    keyword = agreement(gold, label_rows(held, KeyPointGrader(), pack), ids)
    assert semantic.f1 >= 0.92, semantic
    assert semantic.kappa >= 0.66, semantic
    assert semantic.kappa > keyword.kappa + 0.08 and semantic.f1 > keyword.f1
    assert semantic.wrong_recall >= 0.43 and semantic.wrong_precision >= 0.58 and keyword.wrong_recall == 0
    plain = agreement(gold, label_rows(held, grader, pack, use_match=False), ids)  # a rubric without match entries
    assert plain.f1 >= 0.90 and plain.kappa >= 0.61, plain


SWAPS = [
    (
        "b-cm-6",
        "Boosting trains models independently in parallel on bootstrap samples and averages them, so it reduces "
        "variance. Bagging trains weak models one after another on the mistakes so far, so it reduces bias.",
        "Bagging trains models in parallel on bootstrap samples and averages them, which cuts variance, while "
        "boosting trains weak learners sequentially on the errors so far and mainly reduces bias.",
    ),
    (
        "b-cm-3",
        "L2 drives many weights exactly to zero and gives a sparse model that selects features. L1 penalises the "
        "squares and shrinks all weights smoothly but never to zero.",
        "L1 uses absolute values and pushes many weights to exactly zero, so the model is sparse. L2 uses squares "
        "and shrinks weights smoothly toward zero without zeroing them.",
    ),
    (
        "b-dl-3",
        "ReLU saturates and its slope is at most a quarter, so gradients vanish in deep networks. The sigmoid has "
        "a slope of one for positive inputs and is cheap to compute.",
        "The sigmoid saturates with a slope of at most a quarter, so gradients vanish. ReLU has slope one for "
        "positive inputs and is cheap. Dead ReLUs are the drawback, fixed by leaky ReLU.",
    ),
]


@pytest.mark.parametrize(("question", "swapped", "right"), SWAPS, ids=[s[0] for s in SWAPS])
def test_swapped_roles_are_wrong(
    grader: SemanticGrader, pack: ContentPack, question: str, swapped: str, right: str
) -> None:
    item = pack.item(question)
    fooled = KeyPointGrader().grade(item, swapped).covered  # the keyword rules count both swapped points
    assert {item.key_points[0].text, item.key_points[1].text} <= set(fooled)
    result = grader.grade(item, swapped)
    assert [p.label for p in result.points[:2]] == ["wrong", "wrong"]
    assert result.rating == "again" and result.content_score == 0
    first = result.points[0]
    assert swapped[first.start : first.end] == first.evidence and first.evidence and first.contrast
    good = grader.grade(item, right)
    assert all(p.label == "hit" for p in good.points) and good.rating == "easy"


@pytest.mark.parametrize(
    ("question", "answer", "labels"),
    [
        (
            "b-cm-6",
            "Bagging trains models independently on bootstrap samples and averages them, which mainly increases "
            "variance. Boosting trains weak models sequentially on the errors so far, which mainly reduces bias.",
            ["wrong", "hit"],
        ),
        (
            "b-cm-3",
            "L1 penalises absolute values and gives a dense model where every weight stays non-zero. L2 penalises "
            "squared values and shrinks all weights smoothly toward zero without making them exactly zero.",
            ["wrong", "hit"],
        ),
    ],
)
def test_reversed_effect_is_wrong(
    grader: SemanticGrader, pack: ContentPack, question: str, answer: str, labels: list[str]
) -> None:
    assert [p.label for p in grader.grade(pack.item(question), answer).points] == labels


def test_numbers_by_value(grader: SemanticGrader, pack: ContentPack) -> None:
    item = pack.item("b-pr-4")
    # The content's rubric no longer matches "9" inside "99.9" (issue 10); the grader checks values anyway.
    assert not KeyPointGrader().grade(item, "About 99.9 percent, the test is very accurate.").covered
    assert grader.grade(item, "About 99.9 percent, the test is very accurate.").points[0].label == "wrong"
    assert grader.grade(item, "It's ninety nine percent likely.").points[0].label == "wrong"
    assert grader.grade(item, "About nine percent, roughly one in eleven.").points[0].label == "hit"


def test_key_points_never_seen(grader: SemanticGrader) -> None:
    """A mentor's rubric: free text only, no match entries, no terms, no wrong versions."""
    from drills.content_model import KeyPoint
    from drills.grading.tsv import FreeQuestion

    question = FreeQuestion(
        "What is the difference between TCP and UDP?",
        (
            KeyPoint("TCP guarantees ordered, reliable delivery by retransmitting lost packets.", ()),
            KeyPoint("UDP sends independent datagrams with no delivery guarantee, so it has lower latency.", ()),
        ),
    )
    right = (
        "TCP makes sure packets arrive reliably and in order, resending lost ones. UDP just fires off datagrams "
        "with no guarantee, which keeps latency low."
    )
    swapped = (
        "UDP guarantees ordered, reliable delivery by retransmitting lost packets. TCP sends independent "
        "datagrams with no guarantee, so it has lower latency."
    )
    labels = [p.label for p in grader.grade(question, right).points]
    assert "wrong" not in labels and "hit" in labels
    assert [p.label for p in grader.grade(question, swapped).points] == ["wrong", "wrong"]
    assert [p.label for p in grader.grade(question, "I like pasta.").points] == ["miss", "miss"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Je ne sais pas, c'est une question difficile pour moi.", "¿Qué es el sesgo? 我不知道。", "um uh"],
)
def test_empty_and_foreign_answers_are_misses(grader: SemanticGrader, pack: ContentPack, text: str) -> None:
    result = grader.grade(pack.item("b-cm-6"), text)
    assert [p.label for p in result.points] == ["miss", "miss"] and result.score == 0.0
    assert result.method == "semantic" and result.rating == "again"


def test_a_three_minute_answer(grader: SemanticGrader, pack: ContentPack) -> None:
    item = pack.item("u05-t1")
    filler = "I worked on a recommender system last year and we had lots of data pipelines to maintain. "
    text = filler * 20 + item.answer_text + " " + filler * 10  # about 450 words, the answer in the middle
    assert len(text.split()) > 400
    result = grader.grade(item, text)
    assert sum(p.label == "hit" for p in result.points) >= 3
    assert all(p.label != "wrong" for p in result.points)


def test_eli5_figures_come_with_the_grade(grader: SemanticGrader, pack: ContentPack) -> None:
    item = pack.item("u05-e1")
    simple = grader.grade(item, item.reference)
    assert simple.eli5 is not None and simple.eli5.verdict == "simple"
    jargon = grader.grade(item, "Bagging reduces the variance of the ensemble estimator through decorrelation.")
    assert jargon.eli5 is not None and jargon.eli5.verdict == "too complex"
    assert {"variance", "bagging", "ensemble"} <= set(jargon.eli5.unexplained_jargon)


def test_real_speech_keeps_right_and_wrong_apart(grader: SemanticGrader, pack: ContentPack, say, transcriber) -> None:
    from asr.options import AsrOptions
    from asr.whisper import DecodeRequest

    item = pack.item("b-cm-6")
    _, swapped, right = SWAPS[0]
    request = DecodeRequest(beam_size=AsrOptions().beam_size, hotwords=" ".join(item.terms))
    heard = {}
    for name, text in (("right", right), ("swapped", swapped)):
        audio = np.concatenate([say(text), np.zeros(8000, dtype=np.float32)])
        heard[name] = transcriber.transcribe(audio, request).text
    right_result = grader.grade(item, heard["right"])
    swapped_result = grader.grade(item, heard["swapped"])
    assert [p.label for p in right_result.points] == ["hit", "hit"], heard["right"]
    assert "wrong" in [p.label for p in swapped_result.points], heard["swapped"]
    assert right_result.content_score == 5 and swapped_result.content_score <= 1


def test_viva_grade_labels_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from drills.grading.cli import run_grade

    table = tmp_path / "answers.tsv"
    _, swapped, right = SWAPS[0]
    table.write_text(
        "id\tquestion\tkey_point\tanswer_text\n"
        f"1\tb-cm-6\tBagging trains models independently, in parallel, on bootstrap samples and averages them, which "
        f"mainly reduces variance.\t{swapped}\n"
        f"2\tb-cm-6\tBagging trains models independently, in parallel, on bootstrap samples and averages them, which "
        f"mainly reduces variance.\t{right}\n"
        "3\tWhat do you do on weekends?\tI go hiking in the hills.\tMostly I go hiking up in the hills.\n",
        encoding="utf-8",
    )
    assert run_grade(argparse.Namespace(table=table, engine="semantic"), None) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id\tquestion\tkey_point\tanswer_text\tpredicted"
    assert [line.split("\t")[0] + ":" + line.split("\t")[-1] for line in lines[1:]] == ["1:wrong", "2:hit", "3:hit"]


class NewTexts:
    """The real embedder, recording which texts each call encodes for the first time."""

    def __init__(self, inner) -> None:
        self.inner, self.seen, self.calls = inner, set(), []

    def encode(self, texts):
        self.calls.append([t for t in dict.fromkeys(texts) if t not in self.seen])
        self.seen.update(texts)
        return self.inner.encode(texts)


def test_a_prepared_question_grades_its_first_answer_encoding_only_the_answer(
    grader: SemanticGrader, pack: ContentPack
) -> None:
    question = pack.item("b-cm-6")
    answer = SWAPS[0][2]
    recording = NewTexts(grader.embedder)
    prepared = SemanticGrader(recording, pack=pack)
    prepared.prepare(question)
    references = set(recording.calls[0])
    assert len(references) >= len(question.key_points)
    result = prepared.grade(question, answer)
    assert recording.calls[1] and not references & set(recording.calls[1])  # only the answer's windows
    assert result == grader.grade(question, answer)  # and the same grading
