"""False versions of a key point made automatically, and the lexical signs of a swap or reversal.

Two kinds are made where it can be done robustly, from the key point's own words:
- **swapped roles**: the question contrasts two things ("bagging and boosting", "L1 and L2",
  "ReLU over the sigmoid", or sibling key points whose subjects differ); the key point about
  one, said of the other, is false;
- **reversed effect**: an effect word replaced by its opposite ("reduces" → "increases").
A content `wrong` entry is used exactly like these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from drills.grading.text import STOPWORDS, Span, clauses, content_stems, stem, token_set, tokens
from drills.matching import normalise

# Pairs of opposites (both directions are used). Only words whose swap makes a claim false.
_OPPOSITES = [
    ("increase", "decrease"), ("increases", "decreases"), ("increase", "reduce"), ("increases", "reduces"),
    ("raises", "lowers"), ("higher", "lower"), ("more", "fewer"), ("more", "less"),
    ("larger", "smaller"), ("bigger", "smaller"), ("large", "small"), ("faster", "slower"), ("grows", "shrinks"),
    ("rises", "falls"), ("maximise", "minimise"), ("maximize", "minimize"), ("maximises", "minimises"),
    ("maximizes", "minimizes"), ("above", "below"), ("before", "after"), ("parallel", "sequential"),
    ("parallel", "sequentially"), ("independently", "sequentially"), ("sparse", "dense"), ("overfit", "underfit"),
    ("overfitting", "underfitting"), ("positive", "negative"), ("upper", "lower"), ("always", "never"),
    ("convex", "nonconvex"), ("stable", "unstable"), ("easier", "harder"), ("cheaper", "costlier"),
    ("helps", "hurts"), ("improves", "worsens"), ("vanish", "explode"), ("vanishing", "exploding"),
    ("shrink", "grow"), ("shrinks", "grows"), ("high", "low"),
    ("false positives", "false negatives"), ("false positive", "false negative"),
    ("local", "global"), ("backward", "forward"), ("backwards", "forwards"), ("backwards", "forward"),
    ("linearly", "exponentially"), ("linear", "exponential"), ("same", "different"), ("sharpens", "flattens"),
    ("sharper", "flatter"), ("dependent", "independent"), ("lower bound", "upper bound"), ("tight", "loose"),
    ("add", "multiply"), ("adds", "multiplies"), ("correlated", "uncorrelated"), ("fixed", "random"),
    ("underfits", "overfits"), ("simple", "complex"), ("simpler", "more complex"),
]  # fmt: skip
OPPOSITE: dict[str, set[str]] = {}
for _a, _b in _OPPOSITES:
    OPPOSITE.setdefault(_a, set()).add(_b)
    OPPOSITE.setdefault(_b, set()).add(_a)

_PAIR_PATTERNS = [
    re.compile(r"\bbetween (?P<a>[\w\- ]{1,30}?) and (?P<b>[\w\- ]{1,30}?)\b(?:[,.?;]|$| in | for | and | when )"),
    re.compile(
        r"\b(?P<a>[\w\-]+(?: [\w\-]+)?) (?:vs\.?|versus|over|compared to|compared with|or|and) "
        r"(?:the )?(?P<b>[\w\-]+(?: [\w\-]+)?)\b"
    ),
]  # fmt: skip


STOP_NAMES = frozenset({"it", "its", "they", "model", "models", "data", "the model", "difference"})


@dataclass(frozen=True)
class Context:
    """What contrasts are made from: the question's wording and the sibling key points."""

    prompt: str = ""
    terms: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()
    """The other key points of the same question."""


def _mentions(text: str, term: str) -> bool:
    term_tokens = tokens(term)
    if not term_tokens:
        return False
    joined = "".join(term_tokens)
    words = tokens(text)
    if len(term_tokens) == 1:
        target = {term_tokens[0], stem(term_tokens[0])}
        return any(w in target or stem(w) in target for w in words) or joined in token_set(text)
    return " ".join(term_tokens) in " ".join(words) or joined in token_set(text)


def _first_mention(text: str, term: str) -> int:
    """Where `term` is first mentioned in `text` (word index), or -1."""
    words = tokens(text)
    term_tokens = tokens(term)
    n = len(term_tokens)
    if not n:
        return -1
    joined = "".join(term_tokens)
    for i in range(len(words)):
        if words[i : i + n] == term_tokens or stem(words[i]) == stem(joined):
            return i
        if any("".join(words[i : i + k]) == joined for k in (2, 3)):
            return i
    return -1


def _prompt_pairs(prompt: str) -> list[tuple[str, str]]:
    """The two sides of "X and/vs/over/or Y" in the prompt, one or two words each."""
    text = normalise(prompt)
    pairs = []
    for pattern in _PAIR_PATTERNS:
        for match in pattern.finditer(text):
            a = [w for w in match.group("a").split() if w not in {"the", "a", "an", "between"}]
            b = [w for w in match.group("b").split() if w not in {"the", "a", "an"}]
            if a and b:
                pairs.append((a[-1], b[0]))
    return pairs


def jargon(prompt: str, terms: Sequence[str]) -> frozenset[str]:
    """The question's jargon words of 5+ letters (its terms and the sides of "X and Y")."""
    words = [w for t in terms for w in normalise(t).split()]
    words += [w for pair in _prompt_pairs(prompt) for side in pair for w in side.split()]
    return frozenset(w for w in words if len(w) >= 5 and w not in STOPWORDS)


def entities(point: str, context: Context) -> list[str]:
    """Candidate actors: the question's terms and the sides of "X and Y" in the prompt that
    the key points name."""
    texts = [point, *context.siblings]
    found = list(context.terms) + [side for pair in _prompt_pairs(context.prompt) for side in pair]
    names: dict[str, None] = {}
    for term in found:
        key = normalise(term)
        usable = key and key not in STOP_NAMES and key not in STOPWORDS and len(key) > 1
        if usable and any(_mentions(t, key) for t in texts):
            names.setdefault(key, None)
    return list(names)


def subject(text: str, names: Sequence[str]) -> str | None:
    """The actor a sentence is about: the name mentioned first (the longer one on a tie)."""
    best: tuple[int, int, str] | None = None
    for name in names:
        at = _first_mention(text, name)
        if at >= 0 and (best is None or (at, -len(name)) < (best[0], best[1])):
            best = (at, -len(name), name)
    return best[2] if best else None


def role_pairs(point: str, context: Context) -> list[tuple[str, str]]:
    """(own, other): the actor the key point is about, and actors that sibling points are
    about instead (or its partner in the prompt's "X and Y")."""
    names = entities(point, context)
    own = subject(point, names)
    if own is None:
        return []
    # Sibling points about another actor count only in "X does this. Y does that." form: both
    # named at the start; a term deep inside a long point is not what the point is about.
    others = []
    if _first_mention(point, own) <= 2:
        for sibling in context.siblings:
            other = subject(sibling, names)
            if other and _first_mention(sibling, other) <= 2:
                others.append(other)
    others += [b if a == own else a for a, b in _prompt_pairs(context.prompt) if own in (a, b)]
    pairs: list[tuple[str, str]] = []
    for other in dict.fromkeys(o for o in others if o and o in names):
        if other == own or _mentions(other, own) or _mentions(own, other):
            continue
        pairs.append((own, other))
    return pairs[:3]


def _replace(text: str, old: str, new: str) -> str:
    pattern = re.compile(r"(?<![\w])" + r"[\s\-]*".join(re.escape(w) for w in old.split()) + r"(?![\w])", re.I)
    return pattern.sub(new, text)


def swapped(point: str, context: Context) -> list[str]:
    """The key point said of the other actor (both named: the two swapped)."""
    out = []
    for own, other in role_pairs(point, context):
        text = _exchange(point, own, other) if _mentions(point, other) else _replace(point, own, other)
        if text != point:
            out.append(text)
    return out


def _exchange(text: str, a: str, b: str) -> str:
    return _replace(_replace(text, a, "\0"), b, a).replace("\0", b)


def inner_swaps(point: str, context: Context) -> list[str]:
    """Two things the key point itself names, exchanged: "complexity lowers bias but raises
    variance" → "…lowers variance but raises bias" (two actors, or two opposite words)."""
    named = [n for n in entities(point, context) if _mentions(point, n)]
    named = [n for n in named if not any(n != m and _mentions(m, n) for m in named)]  # "relu" inside "leaky relu"
    words = set(normalise(point).split())
    opposites = sorted({tuple(sorted((w, o))) for w in words for o in OPPOSITE.get(w, ()) if o in words})
    out = []
    for a, b in [*zip(named, named[1:], strict=False), *opposites]:
        text = _exchange(point, a, b)
        if normalise(text) != normalise(point):
            out.append(text)
    return out[:3]


def reversed_effects(point: str) -> list[str]:
    """The key point with one effect word turned into its opposite (at most three versions)."""
    out = []
    for word in dict.fromkeys(normalise(point).split()):
        for opposite in sorted(OPPOSITE.get(word, ())):
            text = _replace(point, word, opposite)
            if text != point:
                out.append(text)
    return out[:4]


def contrasts(point: str, wrong: Sequence[str], context: Context) -> list[str]:
    """Every false version: the content's `wrong` entries first, then swaps and reversals."""
    made = [*wrong, *swapped(point, context), *inner_swaps(point, context), *reversed_effects(point)]
    return list(dict.fromkeys(t for t in made if normalise(t) != normalise(point)))[:8]


@dataclass(frozen=True)
class RoleEvidence:
    swap: float
    """Strength (0..1) of a clause that says the point's distinctive content of the other actor."""
    support: float
    """Strength of a clause that says it of the right actor."""
    span: Span | None
    contrast: str


def distinctive(point: str, siblings: Sequence[str]) -> list[str]:
    """The point's content stems that its sibling points do not share."""
    shared = {s for sib in siblings for s in content_stems(sib)}
    return [s for s in content_stems(point) if s not in shared]


def _profile(point: str, context: Context) -> dict[str, list[str]]:
    """What the key point says of each actor: its distinctive content words, per actor.

    A point about one actor ("Bagging trains models in parallel…") gives that actor the words
    its sibling points do not share; a point about two ("a process has its own address space,
    while threads share memory") gives each actor the words of its own clauses."""
    names = entities(point, context)
    sides = {side for pair in _prompt_pairs(context.prompt) for side in pair}
    named = [n for n in names if n in sides and _mentions(point, n)]  # the two things the prompt contrasts
    name_stems = {stem(w) for n in names for w in tokens(n)}
    shared = {s for sibling in context.siblings for s in content_stems(sibling)}
    profile: dict[str, list[str]] = {}
    if len(named) >= 2:
        whole = [Span(point, 0, len(point))]
        for segment in actor_segments(whole, set(named)):
            actor = subject(segment.text, named)  # "threads share the memory of their process": threads
            if actor is not None:
                marks = [m for m in content_stems(segment.text) if m not in name_stems and m not in shared]
                profile.setdefault(actor, []).extend(m for m in marks if m not in profile.get(actor, []))
    if len(profile) < 2:
        pairs = role_pairs(point, context)
        if not pairs:
            return {}
        marks = [m for m in content_stems(point) if m not in shared and m not in name_stems]
        profile = {pairs[0][0]: marks}
    return {actor: marks for actor, marks in profile.items() if marks}


def roles(point: str, answer_sentences: Sequence[Span], context: Context) -> RoleEvidence:
    """Does the answer say what the point says of one actor of another one (swap), or of the
    right one (support)? Strengths are shares of that actor's distinctive words."""
    profile = _profile(point, context)
    if not profile:
        return RoleEvidence(0.0, 0.0, None, "")
    actors = set(profile) | {other for _, other in role_pairs(point, context)}
    swap = support = 0.0
    swap_span: Span | None = None
    for segment in actor_segments(answer_sentences, actors):
        about = subject(segment.text, sorted(actors))
        if about is None:
            continue
        found = token_set(segment.text)
        for actor, marks in profile.items():
            strength = sum(m in found for m in marks) / len(marks)
            if actor == about:
                support = max(support, strength)
            elif strength > swap and not _mentions(actor, about) and not _mentions(about, actor):
                swap, swap_span = strength, segment
    made = swapped(point, context) or inner_swaps(point, context)
    return RoleEvidence(swap, support, swap_span, made[0] if made else "")


def actor_segments(answer_sentences: Sequence[Span], names: set[str]) -> list[Span]:
    """Clauses grouped by the actor they are about: a clause that names no actor ("each
    focusing on the errors") belongs with the clause before it in the same sentence."""
    out: list[Span] = []
    for sentence in answer_sentences:
        current: Span | None = None
        for clause in clauses(sentence):
            names_actor = any(_mentions(clause.text, n) for n in names)
            if current is None or names_actor:
                if current is not None:
                    out.append(current)
                current = clause
            else:
                current = Span(sentence.text[current.start - sentence.start : clause.end - sentence.start],
                               current.start, clause.end)  # fmt: skip
        if current is not None:
            out.append(current)
    return out


def reversal(point: str, span_text: str) -> bool:
    """The span says the opposite effect: it has an opposite of one of the point's effect words
    and not the word itself, and shares the point's other content."""
    point_words = set(normalise(point).split())
    span_words = set(normalise(span_text).split())
    for word in point_words:
        opposites = OPPOSITE.get(word, set())
        if word not in span_words and any(o in span_words for o in opposites):
            return True
    return False
