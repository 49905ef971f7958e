"""`viva content check` (validate the curriculum, print its coverage) and `viva grade FILE.tsv`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from drills.content_loader import CONTENT_DIR, check_content
from drills.coverage import coverage_table
from drills.grading import KeyPointGrader, self_check

if TYPE_CHECKING:
    from voicebot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    add_content_parser(commands)
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


def add_content_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("content", help="work with the curriculum content")
    actions = parser.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate the content and print a coverage table")
    check.add_argument("--dir", type=Path, default=None, help=f"content directory (default: {CONTENT_DIR})")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Exit 0 when the content is valid, 1 (with every problem listed) when it is not."""
    directory = args.dir or CONTENT_DIR
    if not directory.is_dir():
        print(f"viva: no content directory at {directory}", file=sys.stderr)
        return 1
    pack, issues = check_content(directory)
    problems = list(issues)
    if pack is not None:
        # Each question's own model answer must cover all its key points.
        problems += sorted(set(self_check(pack)))
        print(coverage_table(pack))
        print()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    print(f"Content OK: {directory}")
    return 0
