"""Where the math is: delimited LaTeX, and math written straight into prose.

Flashcards mix prose with `$…$`, `$$…$$`, `\\(…\\)`, `\\[…\\]`, and also with bare
math: `d_k`, `σ(x)`, `X^T X`, `\\partial L / \\partial w`, `‖x‖_2`. Delimited math is
read whole; in prose, a regex finds "math atoms" (a command, a letter with scripts,
a short name applied to arguments, a bracketed or barred group) and extends each over
the operators, single letters and further atoms that follow it. Everything else is
prose, read by `words.read_words`.
"""

from __future__ import annotations

import re

from tts.normalize.latex import read_math
from tts.normalize.rules import COMMANDS, Kind
from tts.normalize.words import read_words

# A currency "$5" never opens math: the opening $ must touch its content, the closing
# $ must touch it too and not be followed by a digit (as pandoc decides).
_DELIMITED = re.compile(
    r"""
      \$\$(?P<display>.*?)\$\$
    | \\\[(?P<bracket>(?:(?!\\\[).)*?)\\\]  # no nested opener: a stray one fails fast
    | \\\((?P<paren>(?:(?!\\\().)*?)\\\)
    | (?<![\\$])\$(?=[^\s$])(?P<inline>(?:\\.|[^$\\\n])*?[^\s\\$])\$(?!\d)
    """,
    re.VERBOSE | re.DOTALL,
)


def _braces(depth: int) -> str:
    """Balanced {…} nested `depth` deep; the closer may be missing (malformed input)."""
    inner = r"[^{}\n]"
    for _ in range(depth):
        inner = rf"(?:[^{{}}\n]|\{{{inner}*\}})"
    return rf"(?>\{{{inner}{{0,200}}\}}?)"


def _parens(depth: int) -> str:
    inner = r"[^()\n]"
    for _ in range(depth):
        inner = rf"(?:[^()\n]|\({inner}*\))"
    return rf"(?>\({inner}{{0,80}}\))"


_BRACES = _braces(3)
_PARENS = _parens(2)
_BRACKETS = r"\[[^\[\]\n]{0,80}\]"
_SCRIPT = rf"(?>[_^](?:{_BRACES}|\\[A-Za-z]+(?:{_BRACES})?|[-+]?[A-Za-z0-9]+|[*']))"
_SHORT_SCRIPT = rf"(?>[_^](?:{_BRACES}|\\[A-Za-z]+|[-+]?[A-Za-z0-9]{{1,3}}(?![A-Za-z0-9])))"
# Names that take arguments when written straight into prose: f(x), KL(p‖q), ReLU(x).
_FUNCTION_NAMES = sorted(
    {n for n, (kind, _) in COMMANDS.items() if kind in (Kind.FUNCTION, Kind.BIG)}
    | {"relu", "ReLU", "gelu", "GELU", "softmax", "sigmoid", "sqrt", "Laplace"},
    key=len,
    reverse=True,
)
# Also a capitalised name with a list of arguments, "Attention(Q, K, V)", and CamelCase
# names, "LayerNorm(x)"; not "layer(s)".
_NAME = rf"""(?<![\w\\])(?:{"|".join(_FUNCTION_NAMES)}|[A-Za-z]{{1,3}}
    |[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z][a-z]+(?=\([^()\n]{{0,60}},))"""
# Groups are atomic ((?>…), *+): once a piece has matched it is never re-tried shorter,
# which keeps the scan linear on malformed input such as "x_{x_{x_{…".
_ATOM = rf"""(?>
      \\(?:[A-Za-z]+\*?|[|{{}}])(?:\s*\[[^\]\n]{{0,20}}\])?(?:\s*{_BRACES})*
          (?:{_SCRIPT})*(?:{_PARENS}|{_BRACKETS})?(?:{_SCRIPT})*
    | (?<![\w.])\d+(?:\.\d+)?(?:{_SCRIPT})+
    | {_NAME}(?:{_SCRIPT})*'*{_PARENS}(?:{_SCRIPT})*
    | (?<![\w\\])(?:E|Var|Cov|Pr?){_BRACKETS}(?:{_SCRIPT})*
    | (?<![\w\\])(?:[A-Za-z](?:{_SCRIPT})+|[A-Za-z][A-Za-z0-9]{{1,2}}(?:{_SHORT_SCRIPT})+)
          (?:{_PARENS})?
    | {_PARENS}(?:{_SCRIPT})+
    | \|\|[^|\n]{{1,40}}?\|\|(?:{_SCRIPT})*
    | (?<![|\w])\|(?=[^\s|])[^|\n]{{1,40}}?(?<=[^\s|])\|(?![|\w])(?:{_SCRIPT})*
)"""
# A lone letter continues math ("X^T X"), except the words "a" and "I", and "s.t.".
_LETTER = r"(?<![\w\\])(?![aI](?!\w))[A-Za-z](?![\w(\[{]|\.\w)"
_OPERATOR = r"(?:<=|>=|!=|==|[-+*/=<>])"
_NUMBER = r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?!\w)"
_INLINE_MATH = re.compile(
    rf"""{_ATOM}
    (?: [ \t]*(?:{_OPERATOR}[ \t]*)?(?:{_ATOM}|{_LETTER})
      | [ \t]*{_OPERATOR}[ \t]*(?:{_NUMBER}|{_PARENS})
    )*+""",
    re.VERBOSE,
)


_MAYBE_MATH = re.compile(r"[\\_^(\[|]")  # every math atom has one of these
_HOLD = "\ue000"  # private-use mark standing in for a math reading while prose is read


def read_text(text: str) -> str:
    """Words for mixed prose and math (after `prepare`, which removes stray marks)."""
    readings: list[str] = []

    def hold(math: str) -> str:
        readings.append(f" {read_math(math)} ")
        return _HOLD  # unpadded: "$x$-axis" stays one word ("x-axis") for the prose rules

    text = _DELIMITED.sub(lambda m: hold(next(g for g in m.groups() if g is not None)), text)
    if _MAYBE_MATH.search(text):
        text = _INLINE_MATH.sub(lambda m: hold(m[0]), text)
    # Prose is read once, around the marks; the readings go back in order.
    spoken = iter(readings)
    return re.sub(_HOLD, lambda _: next(spoken, ""), read_words(text))
