"""The shapes of the ids that cross a boundary (HTTP routes, Rasa payloads, file names).

Ids are checked where they enter: a learner id or an attempt id that does not have its shape
is refused before it reaches the store or becomes part of a path. `path_under` is the second
lock for ids that become paths: the resolved path must stay inside its folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from drills.exceptions import BadRequest

LEARNER_ID = re.compile(r"\w[\w-]{0,63}")
"""What `service.learner_slug` makes: word characters and hyphens (no dots, no slashes), ≤ 64."""
ATTEMPT_ID = re.compile(r"[0-9a-f]{32}")
"""A uuid4 in hex (`store.models.new_id`); study sessions use the same shape."""


class BadId(BadRequest):
    """An id without its shape; the message names the kind of id, never echoes the value."""


def is_learner_id(value: object) -> bool:
    return isinstance(value, str) and LEARNER_ID.fullmatch(value) is not None


def is_attempt_id(value: object) -> bool:
    return isinstance(value, str) and ATTEMPT_ID.fullmatch(value) is not None


def learner_id(value: object) -> str:
    """`value` if it is a well-formed learner id, else `BadId`."""
    if not is_learner_id(value):
        raise BadId("That is not a valid learner id.")
    return value  # type: ignore[return-value]


def attempt_id(value: object) -> str:
    """`value` if it is a well-formed attempt id, else `BadId`."""
    if not is_attempt_id(value):
        raise BadId("That is not a valid attempt id.")
    return value  # type: ignore[return-value]


def session_id(value: object) -> str:
    """`value` if it is a well-formed study session id (the attempt id's shape), else `BadId`."""
    if not is_attempt_id(value):
        raise BadId("That is not a valid session id.")
    return value  # type: ignore[return-value]


def path_under(root: Path, *parts: str) -> Path:
    """`root/parts…`, refused (`BadId`) unless the resolved path stays inside `root`.

    Resolving follows symlinks, so a link planted inside `root` that points elsewhere is
    refused too. The parts should already be checked ids; this is the last line."""
    base = root.resolve()
    path = base.joinpath(*parts).resolve()
    if path == base or not path.is_relative_to(base):
        raise BadId("That id does not name a file inside its folder.")
    return path
