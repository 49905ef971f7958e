"""Seeded mutators: bytes, text and JSON values made malformed or hostile."""

from __future__ import annotations

import random
from typing import Any

HOSTILE_STRINGS = (
    "",
    " ",
    "\x00",
    "\x00" * 64,
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "💥" * 500,
    "A" * 70_000,
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "'; DROP TABLE attempts; --",
    "%s%s%s%n",
    "{{7*7}}",
    '/start_drill{"attempt_id": "x"}',
    "/session_start",
    "\r\n\r\nHTTP/1.1 200 OK",
    "NaN",
    "-1",
    "1e309",
    "9" * 400,
    "\u202e\u0000\u200b",
    "l-" + "0" * 40,
)
HOSTILE_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    2**63,
    -(2**63) - 1,
    10**400,
    1.5,
    float("inf"),
    [],
    {},
    [None],
    {"": None},
    *HOSTILE_STRINGS[:12],
)


def mutate_bytes(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    """Flip, drop, insert, duplicate or truncate: a few edits of `data`."""
    out = bytearray(data)
    for _ in range(rounds or rng.randint(1, 8)):
        if not out:
            out += rng.randbytes(rng.randint(1, 64))
            continue
        at = rng.randrange(len(out))
        edit = rng.randrange(7)
        if edit == 0:
            out[at] ^= 1 << rng.randrange(8)
        elif edit == 1:
            out[at] = rng.randrange(256)
        elif edit == 2:
            del out[at : at + rng.randint(1, 64)]
        elif edit == 3:
            out[at:at] = rng.randbytes(rng.randint(1, 32))
        elif edit == 4:
            end = min(len(out), at + rng.randint(1, 256))
            out[at:at] = out[at:end] * rng.randint(1, 4)
        elif edit == 5:
            del out[at:]
        else:
            out[at:at] = rng.choice(HOSTILE_STRINGS[:12]).encode("utf-8", "surrogatepass")
    return bytes(out)


def mutate_text(rng: random.Random, text: str) -> str:
    """Line-level edits (drop, duplicate, swap, replace with hostile text) or byte edits."""
    lines = text.split("\n")
    if rng.random() < 0.35:
        return mutate_bytes(rng, text.encode()).decode("utf-8", "replace")
    for _ in range(rng.randint(1, 5)):
        if not lines:
            lines = [rng.choice(HOSTILE_STRINGS)]
        at = rng.randrange(len(lines))
        edit = rng.randrange(6)
        if edit == 0:
            del lines[at]
        elif edit == 1:
            lines.insert(at, lines[at])
        elif edit == 2:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit == 3:
            lines[at] = rng.choice(HOSTILE_STRINGS)[:2000]
        elif edit == 4:
            head, _, _ = lines[at].partition(":")
            lines[at] = f"{head}: {rng.choice(HOSTILE_STRINGS)[:2000]}"
        else:
            lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
    return "\n".join(lines)


def hostile_value(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value of a random shape, often of the wrong type, sometimes deeply nested."""
    roll = rng.random()
    if roll < 0.05 and depth == 0:
        nested: Any = None
        for _ in range(rng.choice((50, 400))):  # deeper: raw "[[[…" bodies (json.dumps recurses)
            nested = [nested] if rng.random() < 0.5 else {"a": nested}
        return nested
    if roll < 0.6 or depth > 2:
        return rng.choice(HOSTILE_VALUES)
    if roll < 0.8:
        return [hostile_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(("type", "text", "mode", "name", "x")): hostile_value(rng, depth + 1) for _ in range(3)}


def mutate_json(rng: random.Random, value: dict[str, Any]) -> Any:
    """A valid body with fields dropped, retyped or added; sometimes not an object at all."""
    if rng.random() < 0.1:
        return hostile_value(rng)
    out = dict(value)
    for _ in range(rng.randint(1, 3)):
        keys = list(out)
        edit = rng.randrange(3)
        if edit == 0 and keys:
            del out[rng.choice(keys)]
        elif edit == 1 and keys:
            out[rng.choice(keys)] = hostile_value(rng)
        else:
            out[rng.choice(HOSTILE_STRINGS[:12]) or "k"] = hostile_value(rng)
    return out
