"""First pass: markup out, and every symbol spelled the one way the readers know.

Unicode math (σ, ≤, Xᵀ, x₁, √d) and ASCII operators (<=, ->) become their LaTeX
commands, so each symbol has exactly one reading, in `rules.COMMANDS`.
"""

from __future__ import annotations

import re
import unicodedata

from tts.normalize.rules import (
    ASCII_OPERATORS,
    HTML_BREAK_TAGS,
    HTML_ENTITIES,
    ROOTS,
    SUBSCRIPT_CHARS,
    SUPERSCRIPT_CHARS,
    UNICODE,
    URL_READING,
)

_TAG_ATTRS = r"(?:\s+[\w-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*\s*/?"
# A block opens a line and closing it says nothing: "a</div><div>b" is two lines, not a
# paragraph break; "<div><br></div>" is a blank line.
_BREAK_TAG = re.compile(rf"<(?:{'|'.join(HTML_BREAK_TAGS)}){_TAG_ATTRS}>", re.IGNORECASE)
_CLOSE_TAG = re.compile(rf"</(?:{'|'.join(HTML_BREAK_TAGS)})\s*>", re.IGNORECASE)
# Inline tags only when well-formed, so "a<b and c>d" is never taken for markup.
_INLINE_TAG = re.compile(
    rf"</?(?:b|i|u|em|strong|span|font|a|code|small|big|img|mark|s){_TAG_ATTRS}>",
    re.IGNORECASE,
)
_SUP_TAG = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE | re.DOTALL)
_SUB_TAG = re.compile(r"<sub>(.*?)</sub>", re.IGNORECASE | re.DOTALL)
_ENTITY = re.compile("|".join(map(re.escape, HTML_ENTITIES)), re.IGNORECASE)
# Control characters, and private-use ones (the readers use them as marks).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ue000-\uf8ff]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|#{1,6})[ \t]+", re.MULTILINE)  # markdown lists
_SUPERSCRIPTS = re.compile(f"[{''.join(SUPERSCRIPT_CHARS)}]+")
_SUBSCRIPTS = re.compile(f"[{''.join(SUBSCRIPT_CHARS)}]+")
_SYMBOLS = re.compile("|".join(map(re.escape, sorted(UNICODE, key=len, reverse=True))))
_ASCII_OPS = re.compile(
    r"(?<![<=>!~:+-])(?:" + "|".join(map(re.escape, sorted(ASCII_OPERATORS, key=len, reverse=True))) + r")(?![<=>])"
)
# √d_k, √(a+b), √{x}: the root covers the operand with its scripts.
_ROOT = re.compile(
    rf"(?P<root>[{''.join(ROOTS)}])\s*(?P<arg>\([^()]*\)|\{{[^{{}}]*\}}"
    r"|(?:\\[A-Za-z]+|[A-Za-z0-9.]+)(?:[_^](?:\{[^{}]*\}|[A-Za-z0-9]+))*)?"
)
_SPACED_TILDE = re.compile(r"~(?<=\s~)(?=\s+[^\d\s])")  # "x ~ N(0, 1)", not "~ 5"
_NUMBER_RANGE = re.compile(r"(?<=\d)\s*–\s*(?=\d)")  # "5 – 10" reads "five to ten"
_DASH = re.compile(r"–(?:(?<!\d–)|(?!\d))\s*")  # a dash, not a range: a pause
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_NUMERIC_ENTITY = re.compile(r"&#(x[0-9a-fA-F]{1,6}|\d{1,7});")
_MICRO = re.compile(r"(?<=\d)\s?[µμ](?=s\b)")  # "5 µs" is a unit, not mu times s
# Styled letters (𝒩, 𝐱, 𝔼, 𝜃) and the older script capitals (ℒ, ℋ): the letter in its font.
_MATH_LETTER = re.compile("[\U0001d400-\U0001d7ff\u2110\u2112\u211b\u212c\u2130\u2131\u210b\u2133]")
_FONTS = (("DOUBLE-STRUCK", "mathbb"), ("FRAKTUR", "mathfrak"), ("SCRIPT", "mathcal"), ("BOLD", "mathbf"))


def prepare(text: str) -> str:
    """Normalise markup, spacing and symbols; the result is ASCII-ish LaTeX and prose."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text:  # HTML from Anki fields
        text = _SUP_TAG.sub(r"^{\1}", text)
        text = _SUB_TAG.sub(r"_{\1}", text)
        text = _BREAK_TAG.sub("\n", _CLOSE_TAG.sub("", text))
        text = _INLINE_TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: HTML_ENTITIES[m[0].lower()], text)
        text = _NUMERIC_ENTITY.sub(_numeric_entity, text)
    text = _URL.sub(URL_READING, text)
    text = _CONTROL.sub("\n", text).replace("\t", " ")
    text = _BULLET.sub("", text)
    if not text.isascii():  # Unicode math, typography, odd spaces
        text = unicodedata.normalize("NFC", text)
        text = _SPACES.sub(" ", text)
        text = _MATH_LETTER.sub(_math_letter, text)
        text = _SUPERSCRIPTS.sub(lambda m: _script("^", m[0], SUPERSCRIPT_CHARS), text)
        text = _SUBSCRIPTS.sub(lambda m: _script("_", m[0], SUBSCRIPT_CHARS), text)
        text = _DASH.sub(", ", _NUMBER_RANGE.sub("–", text))
        text = _SYMBOLS.sub(_symbol, _MICRO.sub("µ", text))
        text = _ROOT.sub(_root, text)
    text = _ASCII_OPS.sub(lambda m: f" {ASCII_OPERATORS[m[0]]} ", text)
    return _SPACED_TILDE.sub(r"\\sim", text)


def _math_letter(m: re.Match[str]) -> str:
    """𝒩 → \\mathcal{N}, 𝐱 → \\mathbf{x}, 𝑥 → x: NFKC gives the letter, the name its font."""
    letter = unicodedata.normalize("NFKC", m[0])
    name = unicodedata.name(m[0], "")
    font = next((command for style, command in _FONTS if style in name), None)
    return f"\\{font}{{{letter}}}" if font else letter


def _script(mark: str, chars: str, table: dict[str, str]) -> str:
    return mark + "{" + "".join(table[c] for c in chars) + "}"


def _root(m: re.Match[str]) -> str:
    arg = m["arg"] or ""
    if arg.startswith("{"):
        arg = arg[1:-1]
    return f"{ROOTS[m['root']]}{{{arg}}}"


def _numeric_entity(m: re.Match[str]) -> str:
    code = m[1]
    value = int(code[1:], 16) if code[0] == "x" else int(code)
    return chr(value) if 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else " "


def _symbol(m: re.Match[str]) -> str:
    """The LaTeX for a symbol, spaced so "σx" does not become "\\sigmax"."""
    following = m.string[m.end() : m.end() + 1]
    before = m.string[max(m.start() - 2, 0) : m.start()].strip()[-1:]
    if before.isdigit() and (m[0] == "×" or (m[0] == "µ" and following == "s")):
        return m[0]  # a unit or a multiplier: "5µs", "4×", "3 × 3" (numbers.py reads them)
    latex = UNICODE[m[0]]
    if latex.startswith("\\") and latex[-1].isalpha() and following.isalnum():
        return latex + " "
    return latex
