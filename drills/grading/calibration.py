"""The calibration set (drills/calibration/) and the agreement figures reported on it.

`answers-*.yaml` hold hand-written answers, each labelled against every key point of its
question; `asr.tsv` holds Piper → faster-whisper transcripts of the strong ones
(`scripts/calibration_asr.py`), labelled like their source except where `asr-labels.yaml`
says recognition lost a point; `python -m drills.grading.calibration` expands both into
`judgements.tsv` (one row per answer × key point, the table `viva grade` reads). `split.yaml`
names the held-out questions: the model is fitted on the rest and reported on these.
`rubrics.yaml` keeps each question's key points as they read when its answers were labelled:
a later content pass that rewords a point changes neither the rows nor what the labels mean.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from drills.content_loader import load_pack
from drills.content_model import ContentPack
from drills.grading.result import CREDIT, LABELS

CALIBRATION_DIR = Path(__file__).resolve().parent.parent / "calibration"
JUDGEMENTS = CALIBRATION_DIR / "judgements.tsv"
RUBRICS = "rubrics.yaml"
COLUMNS = ("answer_id", "question", "kind", "split", "key_point", "label", "answer_text")


@dataclass(frozen=True)
class Answer:
    id: str
    question: str
    kind: str
    text: str
    labels: tuple[str, ...]


def heldout_questions(directory: Path = CALIBRATION_DIR) -> frozenset[str]:
    return frozenset(yaml.safe_load((directory / "split.yaml").read_text(encoding="utf-8"))["heldout"])


def load_answers(directory: Path = CALIBRATION_DIR) -> list[Answer]:
    answers: list[Answer] = []
    counts: dict[str, int] = {}
    for path in sorted(directory.glob("answers-*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            n = counts[entry["q"]] = counts.get(entry["q"], 0) + 1
            labels = tuple(entry["labels"])
            answers.append(Answer(f"{entry['q']}/{n}", entry["q"], entry["kind"], entry["text"], labels))
    asr = directory / "asr.tsv"
    if asr.is_file():
        source = {a.id: a for a in answers}
        overrides = yaml.safe_load((directory / "asr-labels.yaml").read_text(encoding="utf-8")) or {}
        with asr.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                original = source[row["source_id"]]
                labels = tuple(overrides.get(original.id, original.labels))
                answers.append(Answer(f"{original.id}/asr", original.question, "asr", row["transcript"], labels))
    return answers


def load_rubrics(directory: Path = CALIBRATION_DIR) -> dict[str, list[str]]:
    path = directory / RUBRICS
    if not path.is_file():
        return {}
    return {q: list(points) for q, points in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}


def build(
    pack: ContentPack, directory: Path = CALIBRATION_DIR, rubrics: dict[str, list[str]] | None = None
) -> list[dict[str, str]]:
    """The judgement rows. Each answer's labels are checked against its question's key points
    as labelled (`rubrics`, default rubrics.yaml); a question not there yet takes the
    content's key points, and is added to `rubrics` (the caller saves it)."""
    heldout = heldout_questions(directory)
    rubrics = load_rubrics(directory) if rubrics is None else rubrics
    rows = []
    for answer in load_answers(directory):
        if answer.question not in rubrics:
            rubrics[answer.question] = [p.text for p in pack.item(answer.question).key_points]
        points = rubrics[answer.question]
        if len(points) != len(answer.labels) or any(label not in LABELS for label in answer.labels):
            raise ValueError(f"{answer.id}: {len(answer.labels)} labels for {len(points)} key points")
        split = "heldout" if answer.question in heldout else "train"
        for point, label in zip(points, answer.labels, strict=True):
            rows.append(
                dict(
                    zip(
                        COLUMNS,
                        (answer.id, answer.question, answer.kind, split, point, label, answer.text),
                        strict=True,
                    )
                )
            )
    return rows


def unresolved(pack: ContentPack, rubrics: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(question, key point) pairs of the rubrics that no content key point resolves to: they
    are graded as free key points, without `match` or `wrong` entries."""
    from drills.grading.resolve import resolve

    out = []
    for question, texts in rubrics.items():
        resolved = resolve(texts, pack.item(question).key_points)
        out.extend((question, text) for text, point in resolved.items() if point is None)
    return out


# -- agreement figures --------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    n: int
    precision: float
    """hit vs rest."""
    recall: float
    f1: float
    kappa: float
    """Cohen's kappa over the four labels."""
    accuracy: float
    wrong_recall: float
    """Share of gold `wrong` judgements called wrong."""
    wrong_precision: float
    answers: int
    score_exact: float
    """Share of answers whose 0-5 content score equals the gold one."""
    score_within_one: float
    score_mae: float


def agreement(gold: Sequence[str], predicted: Sequence[str], answer_ids: Sequence[str]) -> Agreement:
    pairs = list(zip(gold, predicted, strict=True))
    tp = sum(g == "hit" and p == "hit" for g, p in pairs)
    fp = sum(g != "hit" and p == "hit" for g, p in pairs)
    fn = sum(g == "hit" and p != "hit" for g, p in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wrong_tp = sum(g == "wrong" and p == "wrong" for g, p in pairs)
    wrong_gold = sum(g == "wrong" for g, _ in pairs)
    wrong_pred = sum(p == "wrong" for _, p in pairs)
    scores: dict[str, tuple[list[str], list[str]]] = {}
    for answer, g, p in zip(answer_ids, gold, predicted, strict=True):
        scores.setdefault(answer, ([], []))[0].append(g)
        scores[answer][1].append(p)
    diffs = [content_score(g) - content_score(p) for g, p in scores.values()]
    return Agreement(
        len(pairs),
        precision,
        recall,
        f1,
        cohen_kappa(gold, predicted),
        sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0,
        wrong_tp / wrong_gold if wrong_gold else 0.0,
        wrong_tp / wrong_pred if wrong_pred else 0.0,
        len(diffs),
        sum(d == 0 for d in diffs) / len(diffs) if diffs else 0.0,
        sum(abs(d) <= 1 for d in diffs) / len(diffs) if diffs else 0.0,
        sum(abs(d) for d in diffs) / len(diffs) if diffs else 0.0,
    )


def content_score(labels: Sequence[str]) -> int:
    """The 0-5 content score of a set of labels (the grader's rule, result.summarise)."""
    score = round(5 * sum(CREDIT[label] for label in labels) / len(labels) + 1e-9)
    return min(score, 3) if "wrong" in labels else score


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    n = len(a)
    if not n:
        return 0.0
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    expected = sum((a.count(label) / n) * (b.count(label) / n) for label in LABELS)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> list[list[int]]:
    """Rows gold, columns predicted, LABELS order."""
    table = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, predicted, strict=True):
        table[LABELS.index(g)][LABELS.index(p)] += 1
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drills.grading.calibration", description=__doc__)
    parser.add_argument("--out", type=Path, default=JUDGEMENTS)
    args = parser.parse_args(argv)
    from drills.grading.tsv import write_table

    pack = load_pack()
    rubrics = load_rubrics()
    known = set(rubrics)
    rows = build(pack, rubrics=rubrics)
    if set(rubrics) != known:
        path = CALIBRATION_DIR / RUBRICS
        old = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []
        comments = "".join(line for line in old if line.startswith("#"))  # the file's header
        path.write_text(comments + yaml.safe_dump(rubrics, sort_keys=False, width=100), encoding="utf-8")
        print(f"{RUBRICS}: added {', '.join(sorted(set(rubrics) - known))}", file=sys.stderr)
    args.out.write_text(write_table(COLUMNS, rows), encoding="utf-8")
    answers = len({r["answer_id"] for r in rows})
    heldout = sum(r["split"] == "heldout" for r in rows)
    print(f"{args.out}: {len(rows)} judgements of {answers} answers ({heldout} held out)", file=sys.stderr)
    for question, text in unresolved(pack, rubrics):
        print(f"warning: {question}: no content key point like {text!r} (graded without its entries)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
