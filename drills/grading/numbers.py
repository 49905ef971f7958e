"""Numbers compared by value, not by substring: "99.9 percent" is not "about 9 percent",
"nine percent" is 9%, "one in eleven" is about 9%.

Only quantities that carry a claim are compared: percentages, "N in M" ratios, decimals,
fractions (half, a quarter) and whole numbers from 2 up (a bare "one" is too often just a word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drills.grading.text import NUMBER_WORDS

_FRACTIONS = {"half": 0.5, "third": 1 / 3, "quarter": 0.25, "fifth": 0.2, "tenth": 0.1}
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9}
_POWERS = {"squared": 2.0, "cubed": 3.0}
_ORDINALS = {"third": 3.0, "fourth": 4.0, "fifth": 5.0, "sixth": 6.0, "4th": 4.0, "3rd": 3.0, "5th": 5.0}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+|%")


@dataclass(frozen=True)
class Quantity:
    value: float
    kind: str
    """share (a percentage, ratio or fraction, as 0..1) | number | power (n squared, n cubed)."""
    unit: str = ""
    """number only: the word after it ("samples", "frames"), so 10 ms and 100 frames never clash."""


def _words(text: str) -> list[str]:
    lowered = text.lower().replace("per cent", "percent").replace("-", " ")
    return _TOKEN.findall(lowered)


def _number_at(words: list[str], i: int) -> tuple[float, int] | None:
    """The number starting at words[i] ("99.9", "ninety nine", "two thousand") and its length."""
    word = words[i]
    if word[0].isdigit():
        text = word.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", word) else word.replace(",", ".")
        try:
            value, used = float(text), 1
        except ValueError:
            return None
    elif word in NUMBER_WORDS:
        value, used = float(NUMBER_WORDS[word]), 1
        unit = float(NUMBER_WORDS[words[i + 1]]) if i + 1 < len(words) and words[i + 1] in NUMBER_WORDS else 10.0
        if value >= 20 and unit < 10:
            value, used = value + unit, 2
        if i + used + 1 < len(words) and words[i + used] == "point" and words[i + used + 1] in NUMBER_WORDS:
            value, used = float(f"{int(value)}.{NUMBER_WORDS[words[i + used + 1]]}"), used + 2
    else:
        return None
    if i + used < len(words) and words[i + used] in _SCALE:
        value, used = value * _SCALE[words[i + used]], used + 1
    return value, used


def quantities(text: str) -> list[Quantity]:
    words = _words(text)
    out: list[Quantity] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _POWERS and i > 0 and words[i - 1] not in {"r", "chi", "least", "mean", "root"}:
            out.append(Quantity(_POWERS[word], "power"))
            i += 1
            continue
        if word == "the" and i > 1 and words[i - 1] == "to" and i + 1 < len(words) and words[i + 1] in _ORDINALS:
            out.append(Quantity(_ORDINALS[words[i + 1]], "power"))
            i += 2
            continue
        if word in _FRACTIONS and (i == 0 or word == "half" or words[i - 1] in {"a", "one", "1", "at", "about"}):
            out.append(Quantity(_FRACTIONS[word], "share"))
            i += 1
            continue
        found = _number_at(words, i)
        if found is None:
            i += 1
            continue
        value, used = found
        after = words[i + used] if i + used < len(words) else ""
        if after in {"percent", "%"}:
            out.append(Quantity(value / 100, "share"))
            used += 1
        elif after in {"in", "out"} and i + used + 1 < len(words):
            j = i + used + 1 + (1 if after == "out" and words[i + used + 1] == "of" else 0)
            denominator = _number_at(words, j) if j < len(words) else None
            if denominator and denominator[0]:
                out.append(Quantity(value / denominator[0], "share"))
                used = j + denominator[1] - i
            elif value >= 2 or "." in word:
                out.append(Quantity(value, "number", _unit(after)))
        elif value >= 2 or "." in word:
            out.append(Quantity(value, "number", _unit(after)))
        i += used
    return out


def _unit(word: str) -> str:
    return word.rstrip("s") if word.isalpha() and word not in {"and", "or", "to", "of", "in", "is", "the"} else ""


def _comparable(a: Quantity, b: Quantity) -> bool:
    return a.kind == b.kind and (a.kind != "number" or a.unit == b.unit)


def same_value(a: Quantity, b: Quantity) -> bool:
    """Equal within 15% (spoken numbers are rounded: "about 9 percent" is one in eleven)."""
    if a.kind != b.kind:
        return False
    if a.value == b.value:
        return True
    return abs(a.value - b.value) <= 0.15 * max(abs(a.value), abs(b.value))


@dataclass(frozen=True)
class NumberEvidence:
    stated: bool
    """The key point states a quantity."""
    matched: bool
    """The answer states one of them by value."""
    conflict: bool
    """The answer states a quantity of the same kind that matches none of them."""


def compare(point: str, answer: str) -> NumberEvidence:
    wanted = quantities(point)
    if not wanted:
        return NumberEvidence(False, False, False)
    said = quantities(answer)
    matched = any(same_value(w, s) for w in wanted for s in said)
    conflict = any(any(_comparable(w, s) for w in wanted) and not any(same_value(w, s) for w in wanted) for s in said)
    return NumberEvidence(True, matched, conflict and not matched)
