"""`viva grade FILE.tsv`: label a table of answers × key points the way Viva grades them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicebot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    grade = commands.add_parser(
        "grade",
        help="label a table of answers × key points (hit/partial/miss/wrong)",
        description="Read a tab-separated table with a header and at least the columns question, key_point "
        "and answer_text (question: a content id or free text; other columns are kept) and write it to stdout "
        "with a `predicted` column.",
    )
    grade.add_argument("table", type=Path, help="the .tsv file ('-' reads stdin)")
    grade.add_argument(
        "--engine", choices=("semantic", "keyword"), default=None, help="default: the grading.engine setting"
    )
    grade.set_defaults(handler=run_grade)


def run_grade(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Exit 0 with the labelled table on stdout; a missing file or column is a one-line error."""
    from drills.content_loader import load_pack
    from drills.exceptions import DrillsError
    from drills.grading import KeyPointGrader
    from drills.grading.tsv import label_rows, read_table, write_table

    if str(args.table) == "-":
        text = sys.stdin.read()
    elif not args.table.is_file():
        raise DrillsError(f"no such file: {args.table}")
    else:
        text = args.table.read_text(encoding="utf-8", errors="replace")
    header, rows = read_table(text)
    engine = args.engine or (settings.grading.engine if settings is not None else "semantic")
    pack = load_pack()
    if engine == "keyword":
        grader = KeyPointGrader()
    else:
        from drills.grading.embedder import LocalEmbedder
        from drills.grading.semantic import SemanticGrader

        grader = SemanticGrader(LocalEmbedder(), pack=pack)
    labels = label_rows(rows, grader, pack)
    for row, label in zip(rows, labels, strict=True):
        row["predicted"] = label
    out = [*header, "predicted"] if "predicted" not in header else header
    sys.stdout.write(write_table(out, rows))
    return 0
