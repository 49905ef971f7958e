"""`viva share [--learner NAME] [--days N] [--note TEXT]`, `viva share list`, `viva share revoke ID`:
links that let a mentor read, score and comment on one learner's answers (docs/architecture.md,
"Privacy"). They talk to the study store directly, so they work while `viva serve` runs: a new
link opens at once, a revoked one is refused at its next request.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from drills.exceptions import StudyError
from voicebot.devices_cli import SERVE_FILE, _served

if TYPE_CHECKING:
    from drills.review import ShareLinks
    from voicebot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    share = commands.add_parser("share", help="make, list or revoke a mentor's link to one learner's answers")
    share.add_argument("--learner", metavar="NAME", help="whose answers (a name or id; needed with several profiles)")
    share.add_argument("--days", type=int, help="how long the link works (default 7, at most 90)")
    share.add_argument("--note", default="", help="who it is for, shown in the list")
    share.set_defaults(handler=run_share)
    actions = share.add_subparsers(dest="share_command", metavar="ACTION")
    actions.add_parser("list", help="every share link: learner, note, expiry, last use, status").set_defaults(
        handler=run_list
    )
    revoke = actions.add_parser("revoke", help="revoke a link: its next request is refused")
    revoke.add_argument("link_id", metavar="ID", help="the id `viva share list` shows")
    revoke.set_defaults(handler=run_revoke)


def _links(settings: Settings) -> ShareLinks:
    from drills.keys import signing_key
    from drills.review import ShareLinks
    from drills.store import make_engine, make_session_factory, upgrade_database

    upgrade_database(settings.database_url)
    factory = make_session_factory(make_engine(settings.database_url))
    return ShareLinks(factory, signing_key(settings.data_dir, "share", settings.review.share_key), settings.review)


def _learner(settings: Settings, wanted: str | None) -> tuple[str, str]:
    """(id, name) of the learner a link is for: by name (any case) or id; the only one if none is named."""
    from sqlalchemy import select

    from drills.store import Learner, make_engine, make_session_factory

    with make_session_factory(make_engine(settings.database_url)).begin() as db:
        learners = [(row.id, row.name) for row in db.scalars(select(Learner).order_by(Learner.name_key))]
    if wanted:
        key = " ".join(wanted.split()).casefold()
        for learner_id, name in learners:
            if key in (learner_id, name.casefold()):
                return learner_id, name
        raise StudyError(f"no profile called {wanted!r} (profiles: {', '.join(n for _, n in learners) or 'none'})")
    if len(learners) == 1:
        return learners[0]
    if not learners:
        raise StudyError("there are no profiles yet: create one on the page first")
    raise StudyError(f"which learner? --learner NAME (profiles: {', '.join(n for _, n in learners)})")


def run_share(args: argparse.Namespace, settings: Settings) -> int:
    links = _links(settings)
    learner_id, name = _learner(settings, args.learner)
    made = links.create(learner_id, args.days, args.note)
    served = _served(settings.data_dir)
    base = str(served["url"]) if served else f"http://localhost:{settings.server.port}/"
    until = _when(made.link.expires_at)
    print(f"Share link for {name}'s answers (works until {until} UTC, id {made.link.id}):")
    print(f"  {base.rstrip('/')}/share#{made.token}")
    print("Anyone with the link can listen to these answers, judge them and comment — nothing else.")
    print(f"It is shown only now. `viva share revoke {made.link.id}` stops it.")
    if served is None:
        print(f"(Viva is not running: the address is a guess; {SERVE_FILE} names it once `viva serve` runs.)",
              file=sys.stderr)  # fmt: skip
    elif not served.get("pairing"):
        print(
            "(Viva serves this computer only: a mentor on another device needs phone mode, "
            "viva serve --host 0.0.0.0 --self-signed)",
            file=sys.stderr,
        )
    return 0


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    links = _links(settings)
    found = links.list()
    if not found:
        print("No share links. `viva share --learner NAME` makes one.")
        return 0
    rows = [("ID", "LEARNER", "NOTE", "MADE (UTC)", "EXPIRES (UTC)", "LAST USED (UTC)", "STATUS")]
    for link in found:
        rows.append(
            (link.id, link.learner_name, link.note or "-", _when(link.created_at), _when(link.expires_at),
             _when(link.last_used_at), link.status)
        )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def run_revoke(args: argparse.Namespace, settings: Settings) -> int:
    links = _links(settings)
    try:
        link = links.revoke(args.link_id)
    except StudyError:
        print(f"viva: no share link {args.link_id!r}; `viva share list` shows the ids", file=sys.stderr)
        return 1
    who = f"{link.learner_name}, {link.note}" if link.note else link.learner_name
    print(f"Revoked {link.id} ({who}): its next request is refused.")
    return 0


def _when(moment: str | None) -> str:
    return moment[:16].replace("T", " ") if moment else "-"
