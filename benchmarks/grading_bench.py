"""Grading: agreement with the calibration labels (held-out and training questions, semantic
beside keyword), latency per answer through the worker process, and memory of both processes.

`python -m benchmarks grading` (add `--quick` to skip the training-split rows).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict

from benchmarks.common import ms, pct, table
from drills.content_loader import load_pack
from drills.grading.calibration import JUDGEMENTS, agreement, confusion
from drills.grading.keyword import KeyPointGrader
from drills.grading.resolve import resolve
from drills.grading.result import LABELS
from drills.grading.tsv import gradable, groups, label_rows, read_table

_MEMORY_PROBE = r"""
import json, os, sys, time, psutil
from drills.content_loader import load_pack
from drills.app import build_grader, close_grader
from drills.options import GradingOptions
pack = load_pack()
before = psutil.Process().memory_info().rss
grader = build_grader(GradingOptions(), pack)
grader.embedder.wait_ready()
question = pack.item("b-cm-6")
for _ in range(20):
    grader.grade(question, question.answer_text)
after = psutil.Process().memory_info().rss
worker = psutil.Process(grader.embedder.pid).memory_info().rss
close_grader(grader)
print(json.dumps({"client_mb": (after - before) / 2**20, "process_mb": after / 2**20,
                  "worker_mb": worker / 2**20, "torch_here": "torch" in sys.modules}))
"""


def _agreement_rows(rows, pack, graders) -> list[list[object]]:
    out = []
    for split in ("heldout", "train"):
        part = [r for r in rows if r["split"] == split]
        if not part:
            continue
        gold = [r["label"] for r in part]
        ids = [r["answer_id"] for r in part]
        runs = [(name, grader, True) for name, grader in graders]
        if split == "heldout":  # a rubric with no `match` entries: only the key points' text
            runs.insert(1, ("semantic, no match entries", graders[0][1], False))
        for name, grader, use_match in runs:
            a = agreement(gold, label_rows(part, grader, pack, use_match), ids)
            out.append(
                [
                    name,
                    split,
                    a.n,
                    f"{a.precision:.3f}",
                    f"{a.recall:.3f}",
                    f"**{a.f1:.3f}**",
                    f"**{a.kappa:.3f}**",
                    f"{a.wrong_recall:.2f} / {a.wrong_precision:.2f}",
                    f"{a.score_exact:.2f} / {a.score_within_one:.2f} / {a.score_mae:.2f}",
                ]
            )
    return out


def _by_kind(rows, pack, grader) -> list[list[object]]:
    part = [r for r in rows if r["split"] == "heldout"]
    predicted = label_rows(part, grader, pack)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, label in zip(part, predicted, strict=True):
        counts[row["kind"]][0] += row["label"] == label
        counts[row["kind"]][1] += 1
    return [[kind, n, f"{right / n:.2f}"] for kind, (right, n) in sorted(counts.items())]


def _wrong_statements(rows, pack, grader) -> list[list[object]]:
    """Wrong-statement recall and precision on points with content `wrong` versions and without."""
    out = []
    for split in ("heldout", "train"):
        part = [r for r in rows if r["split"] == split]
        if not part:
            continue
        predicted = label_rows(part, grader, pack)
        with_versions = [_has_wrong_versions(r, pack) for r in part]
        for name, wanted in (("with `wrong` versions", True), ("without", False)):
            pairs = [(r["label"], p) for r, p, w in zip(part, predicted, with_versions, strict=True) if w == wanted]
            gold = sum(g == "wrong" for g, _ in pairs)
            called = sum(p == "wrong" for _, p in pairs)
            right = sum(g == p == "wrong" for g, p in pairs)
            out.append(
                [split, name, len(pairs), gold, called, right,
                 f"{right / gold:.2f}" if gold else "-", f"{right / called:.2f}" if called else "-"]
            )  # fmt: skip
    return out


def _has_wrong_versions(row, pack) -> bool:
    point = resolve([row["key_point"]], pack.item(row["question"]).key_points)[row["key_point"]]
    return bool(point and point.wrong)


def _latency(rows, pack, grader) -> list[list[object]]:
    answers = groups([r for r in rows if r["split"] == "heldout"])
    questions = [(gradable(g, rows, pack), g.answer) for g in answers]
    for question, _ in questions:  # key points and their false versions are embedded once, as in a session
        grader.grade(question, "A first answer to warm the cache of key points.")
    times = []
    for question, answer in questions:
        started = time.perf_counter()
        grader.grade(question, answer)
        times.append(time.perf_counter() - started)
    # Five different ~3-minute answers made of the content's model answers: none of their
    # sentences has been embedded yet, so nothing comes from the worker's cache.
    long_question = questions[0][0]
    everything = " ".join(item.answer_text for item in pack.all_items())
    long_times = []
    for shift in range(5):
        long_answer = everything[shift * 2700 : (shift + 1) * 2700]
        started = time.perf_counter()
        grader.grade(long_question, long_answer)
        long_times.append(time.perf_counter() - started)
    return [
        ["one answer (held-out set)", len(times), ms(pct(times, 50)), ms(pct(times, 95)), ms(max(times))],
        [
            f"a 3-minute answer ({len(long_answer.split())} words)",
            len(long_times),
            ms(pct(long_times, 50)),
            ms(pct(long_times, 95)),
            ms(max(long_times)),
        ],
    ]


def run(quick: bool = False) -> str:
    from drills.grading.semantic import SemanticGrader
    from drills.grading.worker import WorkerEmbedder

    pack = load_pack()
    _, rows = read_table(JUDGEMENTS.read_text(encoding="utf-8"))
    if quick:
        rows = [r for r in rows if r["split"] == "heldout"]
    embedder = WorkerEmbedder()
    embedder.wait_ready()
    semantic = SemanticGrader(embedder, pack=pack)
    graders = [("semantic", semantic), ("keyword", KeyPointGrader())]
    out = [
        f"\nCalibration set: {JUDGEMENTS.name}, {len(rows)} judgements "
        f"({sum(r['split'] == 'heldout' for r in rows)} on held-out questions; the model is fitted on the others).",
        table(
            "Grading: agreement with the labels",
            [
                "grader",
                "questions",
                "judgements",
                "hit precision",
                "hit recall",
                "hit F1",
                "kappa (4 labels)",
                "wrong recall / precision",
                "0-5 score exact / ±1 / MAE",
            ],
            _agreement_rows(rows, pack, graders),
        ),
    ]
    held = [r for r in rows if r["split"] == "heldout"]
    matrix = confusion([r["label"] for r in held], label_rows(held, semantic, pack))
    out.append(
        table(
            "Grading: held-out confusion, semantic (rows: label, columns: predicted)",
            ["label", *LABELS],
            [[label, *line] for label, line in zip(LABELS, matrix, strict=True)],
        )
    )
    out.append(table("Grading: held-out accuracy by kind of answer", ["kind", "judgements", "accuracy"],
                     _by_kind(rows, pack, semantic)))  # fmt: skip
    out.append(
        table(
            "Grading: wrong statements, key points with the content's `wrong` versions and without (semantic)",
            ["questions", "key points", "judgements", "labelled wrong", "called wrong", "both", "recall", "precision"],
            _wrong_statements(rows, pack, semantic),
        )
    )
    out.append(
        table(
            "Grading: latency per answer (semantic, through the worker process)",
            ["what", "n", "p50", "p95", "max"],
            _latency(rows, pack, semantic),
        )
    )
    embedder.close()
    probe = subprocess.run([sys.executable, "-c", _MEMORY_PROBE], capture_output=True, text=True, timeout=300)
    if probe.returncode == 0:
        memory = json.loads(probe.stdout.strip().splitlines()[-1])
        out.append(
            table(
                "Grading: memory (RSS)",
                ["process", "RSS"],
                [
                    ["grader worker (torch + all-MiniLM-L6-v2)", f"{memory['worker_mb']:.0f} MB"],
                    [
                        "the app process's share: grader client and 20 answers graded",
                        f"+{memory['client_mb']:.0f} MB (torch imported: {memory['torch_here']})",
                    ],
                ],
            )
        )
    else:
        out.append(f"\n(memory probe failed: {probe.stderr.strip()[-300:]})")
    return "\n".join(out)
