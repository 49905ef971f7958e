"""Which of a question's key points a rubric text refers to, when the text is not the content's.

A judgement carries the key point's text as it read when the judgement was made (a calibration
label, a mentor's override exported weeks ago). Content passes rewrite key points — a trailing
clause dropped, a claim reworded — so an exact text lookup fails and the row would lose the
point's `match` entries and `wrong` versions (or, worse, be looked up as absent). The text that
was judged stays the text that is graded; this only finds the content point whose entries it
borrows.
"""

from __future__ import annotations

from collections.abc import Sequence

from drills.content_model import KeyPoint
from drills.grading.text import content_stems
from drills.matching import normalise

MIN_OVERLAP = 0.5
"""Share of the shorter text's content stems the two must share to be the same point. Rewrites
keep most of a point's words (a dropped clause is containment 1.0). Short sibling points can
overlap as much, which is why exact texts are taken first and the rest paired one to one."""


def overlap(a: str, b: str) -> tuple[float, float]:
    """Content-stem containment of the shorter text in the longer, then Jaccard (the tie-break
    between a point and a shorter sibling it contains)."""
    sa, sb = set(content_stems(a)), set(content_stems(b))
    if not sa or not sb:
        return 0.0, 0.0
    shared = len(sa & sb)
    return shared / min(len(sa), len(sb)), shared / len(sa | sb)


def resolve(texts: Sequence[str], points: Sequence[KeyPoint]) -> dict[str, KeyPoint | None]:
    """Each text's content key point: the same text (normalised) first, then one to one by
    the largest overlap (containment at least MIN_OVERLAP); None when no point is close enough."""
    out: dict[str, KeyPoint | None] = {}
    free = list(points)
    by_text = {normalise(p.text): p for p in points}
    for text in texts:
        point = by_text.get(normalise(text))
        if point is not None and point in free:
            out[text] = point
            free.remove(point)
    pending = [t for t in dict.fromkeys(texts) if t not in out]
    candidates = sorted(
        ((overlap(t, p.text), i, j) for i, t in enumerate(pending) for j, p in enumerate(free)),
        reverse=True,
    )
    taken_texts: set[int] = set()
    taken_points: set[int] = set()
    for (containment, _), i, j in candidates:
        if containment < MIN_OVERLAP:
            break
        if i in taken_texts or j in taken_points:
            continue
        out[pending[i]] = free[j]
        taken_texts.add(i)
        taken_points.add(j)
    return {text: out.get(text) for text in texts}  # in the texts' order
