"""How math structures are said: scripts, powers, norms, limits, fractions, roots, calls.

`latex.py` parses; the functions here turn parsed pieces into words. Each takes and
returns `Atom`s, so the parser never needs to know a phrase, and a phrase can be tested
without a parser.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tts.normalize.numbers import fraction, ordinal
from tts.normalize.rules import COMMANDS, SUPERSCRIPTS, Kind


@dataclass(frozen=True, slots=True)
class Atom:
    """One operand, already in words, with what later readers need to know about it."""

    text: str
    role: str = "name"  # name | func | number | group | big | word | other
    key: str = ""  # identity for special readings: "e", "10", "bb:R", "KL", "norm" …
    vector: bool = False  # bold or arrowed: "a · b" says "a dot b"
    compound: bool = False  # several operands: "(X^T X)^{-1}" is "the inverse of …"
    binary: bool = False  # has a binary operator: "\frac{a+b}{c}" is "the fraction …"
    inner: str = ""  # a norm's content, or E's subscript, re-worded when more follows


EMPTY = Atom("", "other")
_POWER_BASES = frozenset({"e", "10", "bb:R"})  # "e to the x", not "to the power of"
_ROOT_NAMES = ("four", "five", "six", "seven", "eight", "nine", "ten")
_ROOTS = {"": "square", "two": "square", "three": "cube"} | {w: ordinal(n) for n, w in enumerate(_ROOT_NAMES, 4)}
_NORM_NAMES = {"one": "L one", "two": "L two", "infinity": "L infinity", "F": "Frobenius"}
_LIMIT_RANGE = frozenset({"sum", "prod", "int", "iint", "oint", "bigcup", "bigcap"})


def big(name: str, reading: str, sub: str, sup: str) -> Atom:
    """∑, ∏, ∫, lim, max, arg max, ∇, 𝔼 with their limits; "of" is added by the reader."""
    if name == "lim":
        return Atom(f"the limit as {sub}" if sub else reading, "big", key=name)
    if name == "nabla":
        text = f"the gradient with respect to {sub}" if sub else reading
        return Atom(text, "big", key=name)
    if name in _LIMIT_RANGE:
        if sub and sup:
            return Atom(f"{reading} from {sub} to {sup}", "big", key=name)
        if sup:
            return Atom(f"{reading} to {sup}", "big", key=name)
    if sub:
        the = "" if reading.startswith("the ") else "the "
        return Atom(f"{the}{reading} over {sub}", "big", key=name)
    if name in ("max", "min", "argmax", "argmin"):
        return Atom(reading, "func", key=name)  # max(a, b) is "max of a and b"
    return Atom(reading, "big", key=name)


def frac(top: Atom, bottom: Atom) -> Atom:
    """ "a over b"; "one half"; "the fraction a plus b over c" when a side has an operator."""
    if not bottom.text:
        return top
    if top.role == bottom.role == "number" and (top.key + bottom.key).isdigit():
        return Atom(fraction(top.key, bottom.key), "other", compound=True)
    lead = "the fraction " if top.binary or bottom.binary else ""
    return Atom(f"{lead}{top.text} over {bottom.text}", "other", compound=True)


def root(index: str, arg: Atom) -> Atom:
    name = _ROOTS.get(index) or f"{index} th"
    return Atom(f"the {name} root of {arg.text}".rstrip(), "other", compound=True)


def applied(atom: Atom, args: list[str], closer: str, variable: str = "") -> Atom:
    """f(x), P(x | y), KL(p ‖ q), N(0, 1), N(x | mu, Sigma), E[X]: a name and its arguments."""
    key = atom.key
    if key in ("KL", "D_KL") and len(args) == 2:
        text = f"the K L divergence between {args[0]} and {args[1]}"
    elif key in ("cal:N", "N") and len(args) == 2:
        # A capital sigma is a covariance matrix; a small one (or a number) a variance.
        spread = "covariance" if args[1].startswith("capital sigma") else "variance"
        if variable:
            text = f"the normal density of {variable}, with mean {args[0]} and {spread} {args[1]}"
        else:
            text = f"a normal distribution with mean {args[0]} and {spread} {args[1]}"
    elif key in ("cal:U", "U") and len(args) == 2:
        text = f"a uniform distribution from {args[0]} to {args[1]}"
    elif key == "E" and closer == "]" and atom.role != "big":
        over = f" over {atom.inner}" if atom.inner else ""  # E_{x ~ p}[f(x)]
        text = f"the expected value{over} of {join(args)}"
    elif variable:  # N(x | a) with the wrong number of parameters: still a conditional
        text = f"{atom.text} of {variable} given {join(args)}".strip()
    elif atom.text.endswith(" of") or not args:
        text = f"{atom.text} {join(args)}".strip()
    else:
        text = f"{atom.text} of {join(args)}"
    return Atom(text, "group", key=key, compound=True)


def with_scripts(base: Atom, sub: Atom | None, sup: Atom | None) -> Atom:
    """x_i, x^2, X^T, A^{-1}, (X^T X)^{-1}, ‖x‖_2^2, D_{KL}."""
    if base.key == "norm":
        return _norm_with_scripts(base, sub, sup)
    text = base.text
    if sub is not None and sub.text:
        if base.key == "D" and sub.key == "KL":
            return Atom("the K L divergence", "name", key="D_KL", compound=True)
        words = " ".join(sub.text.replace(",", " ").split())
        text += f" base {words}" if base.key == "log" else f" sub {words}"
        if base.key == "E":
            base = replace(base, inner=sub.text)  # read as "over …" if E[…] follows
    if sup is not None and sup.text:
        text = _power(base, text, sup)
    return replace(base, text=text)


def _power(base: Atom, text: str, sup: Atom) -> str:
    exponent = sup.text
    if sup.key == "(":  # x^{(i)}: an index, not a power
        return f"{text} superscript {exponent}"
    word = SUPERSCRIPTS.get(exponent)
    is_scalar = base.role == "number" or COMMANDS.get(base.key, (None,))[0] is Kind.LETTER
    if (word == "transpose" and is_scalar) or (word == "inverse" and base.role == "number"):
        word = None  # γ^T is a power of gamma; 10^{-1} is "ten to the minus one"
    if word in ("inverse", "transpose", "inverse transpose") and base.compound:
        return f"the {word} of {text}"
    if word is None:
        to = "to the" if exponent.startswith("minus ") or base.key in _POWER_BASES else ("to the power of")
        word = f"{to} {exponent}"
        if base.key == "bb:R":
            word = word.replace(" times ", " by ")  # ℝ^{n×d}: "R to the n by d"
    return f"{text}, all {word}" if base.compound else f"{text} {word}"


def _norm_with_scripts(base: Atom, sub: Atom | None, sup: Atom | None) -> Atom:
    name = "norm"
    if sub is not None and sub.text:
        name = f"{_NORM_NAMES.get(sub.text, 'L ' + sub.text)} norm"
    squared = "squared " if sup is not None and sup.text == "two" else ""
    text = f"the {squared}{name} of {base.inner}"
    if sup is not None and sup.text and not squared:
        text += f", all to the power of {sup.text}"
    return replace(base, text=text)


def join(items: list[str]) -> str:
    """ "x", "x and y", "x, y, and z"."""
    items = [i for i in items if i]
    if "dot dot dot" in items:  # x_1, …, x_n: a list, not a conjunction
        return ", ".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]
