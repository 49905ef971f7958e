"""`viva content check`: validate the curriculum files and print their coverage.
`viva content formulas`: print the power-review formula sheet (to read, or `--spoken` to hear)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from statistics import fmean
from typing import TYPE_CHECKING

from drills.content_loader import CONTENT_DIR, check_content, load_pack

if TYPE_CHECKING:
    from voicebot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("content", help="work with the curriculum content")
    actions = parser.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate the content and print a coverage table")
    check.add_argument("--dir", type=Path, default=None, help=f"content directory (default: {CONTENT_DIR})")
    check.set_defaults(handler=run_check)
    sheet = actions.add_parser("formulas", help="print the power-review formula sheet")
    sheet.add_argument("--spoken", action="store_true", help="the words as Viva says them")
    sheet.add_argument("--dir", type=Path, default=None, help=f"content directory (default: {CONTENT_DIR})")
    sheet.set_defaults(handler=run_formulas)
    pager = actions.add_parser("one-pager", help="print a unit's one-page cheat sheet (the ethics day has one)")
    pager.add_argument("unit", type=int, help="unit number, 1..22")
    pager.add_argument("--dir", type=Path, default=None, help=f"content directory (default: {CONTENT_DIR})")
    pager.set_defaults(handler=run_one_pager)


def run_check(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Exit 0 when the content is valid, 1 (with every problem listed) when it is not."""
    from drills.card_speech import card_issues
    from drills.content_lint import eli5_grades, near_duplicates, readability_issues, rubric_issues
    from drills.coverage import coverage_table
    from drills.grading import self_check

    directory = args.dir or CONTENT_DIR
    if not directory.is_dir():
        print(f"viva: no content directory at {directory}", file=sys.stderr)
        return 1
    pack, issues = check_content(directory)
    problems = list(issues)
    if pack is not None:
        print(coverage_table(pack))
        print()
        grades = eli5_grades(pack)
        if grades:
            mean = fmean(g.grade for g in grades)
            print(f"ELI5 references, Flesch-Kincaid grade (limit 5 each, mean 4.5): mean {mean:.2f}")
            row = [f"{g.question.id} {g.grade:4.1f}" for g in grades]
            for start in range(0, len(row), 6):
                print("  " + "   ".join(row[start : start + 6]))
            print()
        checks = {
            "the model-answer self-check": lambda: sorted(set(self_check(pack))),
            "the reading-level check": lambda: list(readability_issues(grades)),
            "the near-duplicate check": lambda: list(near_duplicates(pack)),
            "the rubric lint": lambda: list(rubric_issues(pack)),
            "the cards-by-ear check": lambda: list(card_issues(pack)),
        }
        for name, check in checks.items():
            try:
                problems += check()
            except ValueError:  # an invalid match entry, already reported with its line
                print(f"(skipped {name}: fix the match entries above first)", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    print(f"Content OK: {directory}")
    return 0


def run_formulas(args: argparse.Namespace, settings: Settings | None = None) -> int:
    from drills.power_review import formula_sheet

    print(formula_sheet(load_pack(args.dir), spoken=args.spoken), end="")
    return 0


def run_one_pager(args: argparse.Namespace, settings: Settings | None = None) -> int:
    pack = load_pack(args.dir)
    try:
        unit = pack.unit(args.unit)
    except KeyError:
        print(f"viva: there is no unit {args.unit} (units are 1 to {len(pack.units)})", file=sys.stderr)
        return 1
    if not unit.one_pager:
        with_sheet = ", ".join(str(u.number) for u in pack.units if u.one_pager) or "none"
        print(f"viva: unit {unit.number} has no one-pager (units with one: {with_sheet})", file=sys.stderr)
        return 1
    print(f"# {unit.number}. {unit.title}: one-pager\n")
    for line in unit.one_pager:
        print(f"- {line}")
    return 0
