"""`viva deck import|export|list`: flashcard decks in and out of the study store."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from drills.exceptions import BadRequest

if TYPE_CHECKING:
    from drills.service import StudyService
    from voicebot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("deck", help="import, export and list flashcard decks")
    actions = parser.add_subparsers(dest="deck_command", required=True, metavar="ACTION")
    imp = actions.add_parser("import", help="import an Anki .apkg or a CSV/TSV deck")
    imp.add_argument("file", type=Path)
    imp.add_argument("--learner", help="whose deck it is (created if new; default: the only learner)")
    imp.add_argument("--deck", help="deck name for a CSV/TSV without a deck column (default: the file name)")
    imp.set_defaults(handler=run_import)
    exp = actions.add_parser("export", help="export cards to .apkg (Anki) or .csv")
    exp.add_argument("-o", "--output", type=Path, required=True, help="FILE.apkg or FILE.csv")
    exp.add_argument("--learner", help="include this learner's own cards (default: the only learner, if any)")
    exp.add_argument("--deck", action="append", default=[], help="only this deck (and its subdecks); repeatable")
    exp.set_defaults(handler=run_export)
    lst = actions.add_parser("list", help="decks with note, card and due counts")
    lst.add_argument("--learner", help="whose decks (default: every learner)")
    lst.set_defaults(handler=run_list)


def _service(settings: Settings) -> StudyService:
    from drills.app import build_service

    return build_service(settings)


def resolve_learner(service: StudyService, name: str | None, create: bool) -> str | None:
    """The learner id for `name` (created when `create`), or the only learner when no name."""
    if name:
        if create:
            return service.create_learner(name)[0].learner_id
        for learner in service.list_learners():
            if learner.name.casefold() == name.casefold() or learner.learner_id == name:
                return learner.learner_id
        raise BadRequest(f"no learner called {name!r} (see `viva deck list`)")
    learners = service.list_learners()
    if len(learners) == 1:
        return learners[0].learner_id
    if not learners:
        return None
    names = ", ".join(learner.name for learner in learners)
    raise BadRequest(f"several learners ({names}): say which with --learner")


def _progress(done: int, total: int) -> None:
    print(f"\r  … {done}/{total} cards", end="" if done < total else "\n", file=sys.stderr, flush=True)


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from drills.cards.importer import import_deck

    service = _service(settings)
    try:
        learner_id = resolve_learner(service, args.learner, create=True)
        if learner_id is None:
            print("viva: no learner yet: name one with --learner NAME", file=sys.stderr)
            return 2
        started = time.monotonic()
        report = import_deck(service.sessions, learner_id, args.file, settings.cards, _progress, deck_name=args.deck)
        for line in report.lines():
            print(line)
        print(f"Imported for {learner_id} in {time.monotonic() - started:.1f} s.")
        return 0
    finally:
        service.close()


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    from drills.cards import export

    service = _service(settings)
    try:
        learner_id = resolve_learner(service, args.learner, create=False)
        with service.sessions.begin() as db:
            cards = export.collect(db, service.pack, learner_id, args.deck)
        count = export.write(cards, args.output)
        whose = f"the curriculum and {learner_id}'s cards" if learner_id else "the curriculum's cards"
        print(f"Exported {count} cards ({whose}) to {args.output}")
        return 0
    finally:
        service.close()


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    service = _service(settings)
    try:
        if args.learner:
            learners = [resolve_learner(service, args.learner, create=False)]
        else:
            learners = [learner.learner_id for learner in service.list_learners()]
        if not learners:
            print("No learners yet: `viva deck import FILE --learner NAME` creates one.")
            return 0
        for learner_id in learners:
            assert learner_id is not None
            rows = service.cards.decks(learner_id)
            due = service.cards.due_count(learner_id)
            print(f"{learner_id}: {due} cards to review now (within today's limits)")
            print(f"  {'deck':<56} {'notes':>6} {'cards':>6} {'due':>5} {'new':>5} {'unspoken':>8}")
            for r in rows:
                print(f"  {r.name[:56]:<56} {r.notes:>6} {r.cards:>6} {r.due:>5} {r.new:>5} {r.unspeakable:>8}")
        return 0
    finally:
        service.close()
