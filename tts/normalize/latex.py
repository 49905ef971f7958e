"""Say math aloud: a small recursive-descent reader for LaTeX and ASCII math.

The reader walks tokens once, left to right, building words as it goes. Structures
(groups, scripts, fractions, roots, operators with limits, accents, fonts, delimited
pairs, function application) each have one small method; what a command *says* comes
from the tables in `rules.py`. Malformed input never raises: unknown commands read
their name, missing arguments read as nothing, stray closers are skipped, and nesting
deeper than `_MAX_DEPTH` is read flat. How each structure is *said* is in `phrasing.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tts.normalize import phrasing
from tts.normalize.numbers import fraction, math_number
from tts.normalize.phrasing import EMPTY, Atom
from tts.normalize.rules import COMMANDS, MATH_SYMBOLS, PAIRS, Kind
from tts.normalize.tokens import (
    INFINITY_WORDS,
    SMALL_WORDS,
    WORD_BIGS,
    WORD_KINDS,
    Tok,
    tokenize,
)
from tts.normalize.words import lookup_word, read_words

_MAX_DEPTH = 40  # nesting beyond this is pathological; read it flat, never recurse
_BARS = frozenset({"|", "||", "\\|", "\\vert", "\\Vert"})  # open a pair or say "given"
# After an operand a norm bar still opens a norm ("\lambda \|w\|"), unless it separates
# arguments, "KL(p \| q)", where it is a stop.
_NORM_BARS = frozenset({"||", "\\|", "\\Vert"})
_LIMIT_TOKENS = frozenset({"_", "^", "\\limits", "\\nolimits", "\\displaystyle"})
_CLOSERS = frozenset({")", "]", "}"})
_ARG_SEPARATORS = frozenset({",", ";", "\\|", "||", "\\Vert"})
_BRACKET_KEYS = frozenset({"E", "Var", "Cov", "P", "Pr", "bb:P", "indicator"})
# Letters that are functions even when spaced from their argument: "P (x)", "f (x)".
_GAP_APPLICABLE = frozenset({"P", "p", "Q", "q", "f", "g", "h", "O", "N", "cal:N"})
_DENSITY_KEYS = frozenset({"N", "cal:N"})
_CONCAT_LOOKAHEAD = 200  # tokens scanned for a top-level ";" (bounded: "[[[[…" stays linear)
_SUM_LETTERS = {"Sigma": "sum", "Pi": "prod"}  # Greek capitals used as ∑ and ∏
_GIVEN = frozenset({"|", "\\mid", "\\vert"})


def read_math(source: str) -> str:
    """Words for one piece of math, e.g. `\\frac{a}{b}` -> "a over b"."""
    return _Reader(tokenize(source)).read_all()


@dataclass(frozen=True, slots=True)
class _Seq:
    text: str
    atoms: tuple[Atom, ...]
    binary: bool

    @property
    def compound(self) -> bool:
        return self.binary or len(self.atoms) > 1


class _Reader:
    def __init__(self, tokens: list[Tok]) -> None:
        self.toks = tokens
        self.pos = 0
        self.depth = 0

    # --- token access ------------------------------------------------------------------
    def peek(self) -> Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.text in texts

    # --- sequences ---------------------------------------------------------------------
    def read_all(self) -> str:
        return self.read_seq(frozenset()).text  # with no stops, stray closers are skipped

    def read_seq(self, stops: frozenset[str]) -> _Seq:
        """Operands and operators up to (not including) a stop token."""
        parts: list[str] = []
        atoms: list[Atom] = []
        binary = False
        prev: Atom | None = None  # last operand; None at the start or after an operator
        dot_at = -1  # index of a "\cdot" whose reading waits for its right operand
        while (tok := self.peek()) is not None:
            opens_pair = tok.text in PAIRS and (
                prev is None or tok.text not in _BARS or (tok.text in _NORM_BARS and tok.text not in stops)
            )
            if tok.text in stops and not opens_pair:
                break
            reading = None if opens_pair else self.operator(tok)
            if reading is not None:
                self.pos += 1
                if tok.text == "\\cdot" and prev is not None and prev.vector:
                    dot_at = len(parts)
                if reading:
                    parts.append(reading)
                binary = binary or (prev is not None and reading not in ("", ",", "."))
                prev = None
                continue
            left = prev
            atom = self.read_postfix()
            if atom is None:
                continue
            # 2(x + 1), x (y + z): a product, said as one; not after "the sum of".
            times = (
                left is not None
                and tok.text == "("
                and atom.key == "("
                and (left.role == "number" or (atom.compound and left.role not in ("big", "func")))
            ) or (left is not None and atom.key == "concat" and left.role in ("name", "number", "group"))
            if 0 <= dot_at == len(parts) - 1 and atom.vector:
                parts[dot_at] = "dot"
            dot_at = -1
            if times:
                parts.append("times")
            text = atom.text
            if atom.role == "big" and self.peek() is not None and not self.at(*stops):
                text += " of"
            parts.append(text)
            atoms.append(atom)
            prev = atom
        return _Seq(" ".join(p for p in parts if p), tuple(atoms), binary)

    def operator(self, tok: Tok) -> str | None:
        """The reading of an infix token, or None if the token starts an operand."""
        if tok.kind == "sym":
            if tok.text in _BARS:  # after an operand: "P(x | y)"
                return "given" if tok.text == "|" else "and"
            return MATH_SYMBOLS.get(tok.text)
        if tok.kind == "cmd":
            if tok.text in _BARS:
                return "given" if tok.text == "\\vert" else "and"
            entry = COMMANDS.get(tok.text[1:])
            if entry is not None and entry[0] in (Kind.OPERATOR, Kind.PAUSE):
                return entry[1]
        return None

    # --- operands ----------------------------------------------------------------------
    def read_postfix(self) -> Atom | None:
        """An operand with its scripts, primes and arguments: f'(x), x_i^2, E[X]."""
        atom = self.read_primary()
        if atom is None:
            return None
        if atom.role != "big":
            atom = self.read_scripts(atom)
        if self.applies(atom):
            atom = self.read_scripts(self.apply(atom))
        return atom

    def read_scripts(self, atom: Atom) -> Atom:
        sub = sup = None
        primes = 0
        while (tok := self.peek()) is not None and tok.text in ("_", "^", "'", "!"):
            self.pos += 1
            if tok.text == "_":
                sub = self.read_script()
            elif tok.text == "^":
                sup = self.read_script()
            elif tok.text == "'":
                primes += 1
            else:
                atom = replace(atom, text=atom.text + " factorial")
        if primes:
            prime = "prime" if primes == 1 else "double prime"
            atom = replace(atom, text=f"{atom.text} {prime}")
        if sub is None and sup is None:
            return atom
        return phrasing.with_scripts(atom, sub, sup)

    def read_primary(self) -> Atom | None:
        tok = self.peek()
        if tok is None:
            return None
        self.pos += 1
        if self.depth >= _MAX_DEPTH:
            name = tok.text.lstrip("\\")
            return Atom(name, "other") if name.isalnum() else None
        if tok.kind == "num":
            return Atom(math_number(tok.text), "number", key=tok.text)
        if tok.kind == "word":
            return self.read_word(tok.text)
        self.depth += 1  # only commands and symbols recurse
        try:
            if tok.kind == "cmd":
                return self.read_command(tok.text)
            return self.read_symbol(tok.text)
        finally:
            self.depth -= 1

    def read_symbol(self, text: str) -> Atom | None:
        if text == "{":
            return self.read_group("}", transparent=True)
        if text == "[" and (concat := self.read_concatenation()) is not None:
            return concat
        if text in ("(", "["):
            return self.read_group(")" if text == "(" else "]")
        if text in PAIRS:
            return self.read_pair(text)
        if text.startswith("..."):
            return Atom("dot dot dot", "other", key="...")
        reading = {"*": "star", "'": "prime", "+": "plus", "-": "minus"}.get(text)
        return Atom(reading, "other") if reading else None

    def read_group(self, closer: str, *, transparent: bool = False) -> Atom:
        opener = {")": "(", "]": "[", "}": "{"}[closer]
        seq = self.read_seq(frozenset({closer}))
        if self.at(closer):
            self.pos += 1
        if transparent and len(seq.atoms) == 1 and not seq.binary:
            return replace(seq.atoms[0], text=seq.text)
        return Atom(seq.text, "group", key=opener, compound=seq.compound, binary=seq.binary)

    def read_pair(self, opener: str) -> Atom:
        """|x|, ‖x‖, ⟨x, y⟩, ⌊x⌋, {…}: a reading before the content."""
        closer, prefix = PAIRS[opener]
        if opener == "\\langle":
            inner = phrasing.join(self.read_list(closer))
        else:
            inner = self.read_seq(frozenset({closer})).text
            if self.at(closer):
                self.pos += 1
        key = "norm" if prefix == "the norm of" else opener
        return Atom(f"{prefix} {inner}", "group", key=key, compound=True, inner=inner)

    def read_list(self, closer: str) -> list[str]:
        """Comma-separated items up to the closer, which is consumed."""
        items = []
        while True:
            items.append(self.read_seq(_ARG_SEPARATORS | {closer}).text)
            tok = self.peek()
            if tok is None:
                return items
            self.pos += 1
            if tok.text == closer:
                return items

    def read_word(self, word: str) -> Atom:
        if word in INFINITY_WORDS:
            return Atom("infinity", "other")
        if word in WORD_BIGS or (word in COMMANDS and COMMANDS[word][0] in WORD_KINDS):
            return self.read_command("\\" + word) or Atom(word, key=word)
        spoken = lookup_word(word)
        if spoken is not None:
            return Atom(spoken, "name", key=word)
        return Atom(word, "word" if word in SMALL_WORDS else "name", key=word)

    def read_command(self, text: str) -> Atom | None:
        name = text[1:].rstrip("*") or text[1:]
        entry = COMMANDS.get(name)
        if entry is None:  # unknown: say its name (a stray "\\1" says nothing)
            return Atom(name, "name", key=name) if name.isalpha() else None
        kind, reading = entry
        if kind is Kind.LETTER:
            if name in _SUM_LETTERS and (big := self.read_letter_as_big(name)) is not None:
                return big
            return Atom(reading, "name", key=name)
        if kind in (Kind.SYMBOL, Kind.OPERATOR):
            return Atom(reading, "other", key=name)
        if kind is Kind.BIG:
            return self.read_big(name, reading)
        if kind is Kind.FUNCTION:
            if name == "arg" and (self.at("\\max", "\\min", "max", "min")):
                tok = self.toks[self.pos]
                self.pos += 1
                other = tok.text.lstrip("\\")
                return self.read_big("arg" + other, COMMANDS["arg" + other][1])
            return Atom(reading, "func", key=name)
        if kind is Kind.ACCENT:
            arg = self.read_arg()
            return replace(arg, text=f"{arg.text} {reading}".strip(), role="name")
        if kind is Kind.FONT:
            return self.read_font(reading)
        if kind is Kind.VECTOR:
            return replace(self.read_arg(), vector=True)
        if kind is Kind.TEXT:
            return self.read_text(self.read_raw_arg())
        if kind is Kind.FRAC:
            return self.read_frac()
        if kind is Kind.SQRT:
            return self.read_sqrt()
        if kind is Kind.BINOM:
            top, bottom = self.read_arg(), self.read_arg()
            return Atom(f"{top.text} choose {bottom.text}", "other", compound=True)
        if kind is Kind.OPEN:
            return self.read_pair("\\" + name)
        if kind is Kind.SKIP_ARG:
            env = self.read_raw_arg()
            if name == "begin" and env.strip() in ("array", "tabular"):
                self.read_raw_arg()  # column spec
        return None  # SKIP, CLOSE, PAUSE as operand: says nothing

    def read_letter_as_big(self, name: str) -> Atom | None:
        """Σₖ πₖ xₖ written with a capital sigma (or pi) is a sum (product) when an operand
        follows its index; Σₖ alone, or before a comma or operator, is a matrix."""
        start = self.pos
        if not self.at("_", "^"):
            return None
        big_name = _SUM_LETTERS[name]
        atom = self.read_big(big_name, COMMANDS[big_name][1])
        tok = self.peek()
        operand = tok is not None and (
            tok.kind in ("word", "num") or tok.text == "(" or (tok.kind == "cmd" and self.operator(tok) is None)
        )
        limits = [t.text for t in self.toks[start : self.pos]]
        power = "^" in limits and "=" not in limits  # Σ_k^{-1} x is an inverse, not a sum to -1
        if operand and not power and tok is not None and tok.text not in _CLOSERS:
            return atom
        self.pos = start
        return None

    def read_arg(self) -> Atom:
        """A command's argument: a {group} or the next single token."""
        tok = self.peek()
        if tok is None or tok.text in _CLOSERS:
            return EMPTY
        return self.read_primary() or EMPTY

    def read_raw_arg(self) -> str:
        """A {group} as source text (for \\text and friends), braces balanced."""
        if not self.at("{"):
            tok = self.peek()
            if tok is None or tok.text in _CLOSERS:
                return ""
            self.pos += 1
            return tok.text
        self.pos += 1
        depth, out = 1, []
        while (tok := self.peek()) is not None:
            self.pos += 1
            depth += (tok.text == "{") - (tok.text == "}")
            if depth == 0:
                break
            out.append((" " if tok.gap else "") + tok.text)
        return "".join(out)

    def read_script(self) -> Atom:
        """The argument of _ or ^; ASCII forms like x^-1 and x^10 are taken whole."""
        signs = []
        while self.at("-", "+"):
            signs.append("minus" if self.toks[self.pos].text == "-" else "plus")
            self.pos += 1
        arg = self.read_arg()
        if not signs:
            return arg
        return replace(arg, text=" ".join([*signs, arg.text]).strip())

    def read_text(self, raw: str) -> Atom:
        word = raw.strip()
        if re.fullmatch(r"[A-Za-z]+", word):
            return self.read_word(word) if len(word) > 1 else Atom(word, key=word)
        return Atom(read_words(raw).strip(), "other")

    def read_font(self, font: str) -> Atom:
        arg = self.read_arg()
        key = f"{font}:{arg.key}" if font else arg.key
        if key == "bb:E":
            return self.read_big("E", "the expected value")
        if key in ("bb:1", "bb:I"):
            return Atom("the indicator of", "func", key="indicator")
        return replace(arg, key=key)

    def read_big(self, name: str, reading: str) -> Atom:
        """∑, ∏, ∫, lim, max, arg max, ∇, 𝔼 with their limits."""
        sub = sup = ""
        while (tok := self.peek()) is not None and tok.text in _LIMIT_TOKENS:
            self.pos += 1
            if tok.text == "_":
                sub = self.read_script().text
            elif tok.text == "^":
                sup = self.read_script().text
        return phrasing.big(name, reading, sub, sup)

    def read_frac(self) -> Atom:
        tok = self.peek()
        if tok is not None and tok.kind == "num" and re.fullmatch(r"\d\d", tok.text):
            self.pos += 1  # \frac12
            return Atom(fraction(tok.text[0], tok.text[1]), "other", compound=True)
        return phrasing.frac(self.read_arg(), self.read_arg())

    def read_sqrt(self) -> Atom:
        index = ""
        if self.at("["):
            self.pos += 1
            index = self.read_seq(frozenset({"]"})).text
            if self.at("]"):
                self.pos += 1
        return phrasing.root(index, self.read_arg())

    # --- function application ------------------------------------------------------------
    def applies(self, atom: Atom) -> bool:
        """f(x), σ(x), log (x), E[X], Var[X]: does an argument list follow?"""
        tok = self.peek()
        if tok is None or self.depth >= _MAX_DEPTH:
            return False
        if tok.text == "(":
            if atom.role == "func" or (atom.role == "big" and atom.key == "E"):
                return True
            return atom.role == "name" and (not tok.gap or atom.key in _GAP_APPLICABLE)
        if tok.text == "[":
            return atom.key in _BRACKET_KEYS or (atom.role == "big" and atom.key == "E")
        return False

    def apply(self, atom: Atom) -> Atom:
        closer = ")" if self.toks[self.pos].text == "(" else "]"
        self.pos += 1
        self.depth += 1  # arguments nest like groups: f(g(h(x)))
        try:
            variable, args = self.read_density_args(closer) if atom.key in _DENSITY_KEYS else ("", [])
            args = [a for a in args or self.read_list(closer) if a]
        finally:
            self.depth -= 1
        return phrasing.applied(atom, args, closer, variable)

    def read_density_args(self, closer: str) -> tuple[str, list[str]]:
        """N(x | mu, Sigma): the variable before the bar (or "") and the parameters."""
        first = self.read_seq(_ARG_SEPARATORS | _GIVEN | {closer}).text
        tok = self.peek()
        if tok is None:
            return "", [first]
        self.pos += 1
        if tok.text in _GIVEN:
            return first, self.read_list(closer)
        return "", [first] + ([] if tok.text == closer else self.read_list(closer))

    def read_concatenation(self) -> Atom | None:
        """[a; b]: a concatenation when a semicolon separates the top level, else None."""
        depth = 0
        for tok in self.toks[self.pos : self.pos + _CONCAT_LOOKAHEAD]:
            if tok.text in ("(", "[", "{"):
                depth += 1
            elif tok.text in (")", "]", "}"):
                if depth == 0:
                    break
                depth -= 1
            elif tok.text == ";" and depth == 0:
                parts = []
                while True:
                    parts.append(self.read_seq(frozenset({";", "]"})).text)
                    tok = self.peek()
                    if tok is None:
                        break
                    self.pos += 1
                    if tok.text == "]":
                        break
                return Atom(f"the concatenation of {phrasing.join(parts)}", "group", key="concat", compound=True)
        return None
