"""`viva content check`: validate the curriculum files and print their coverage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from drills.content_loader import CONTENT_DIR, check_content
from drills.coverage import coverage_table
from drills.grading import self_check

if TYPE_CHECKING:
    from voicebot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
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
