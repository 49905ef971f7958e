"""Numbers as words: cardinals, decimals, years, ordinals, fractions, units, money.

Every digit leaves as a word so the reading never depends on how the synthesiser's
front end happens to expand "2,000" or "1e-3".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tts.normalize.rules import CURRENCIES, MAGNITUDES, UNITS, UNITS_NEED_SPACE

# fmt: off
_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)
# fmt: on
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
# fmt: off
_IRREGULAR_ORDINALS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}
# fmt: on
_MAX_CARDINAL_DIGITS = 15  # beyond a trillion, read digit by digit (IDs, hashes)


def cardinal(n: int) -> str:
    """123 -> "one hundred twenty three" (American style, no "and")."""
    if n < 0:
        return "minus " + cardinal(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (" " + _ONES[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + (" " + cardinal(rest) if rest else "")
    for value, name in _SCALES:
        if n >= value:
            high, rest = divmod(n, value)
            return cardinal(high) + " " + name + (" " + cardinal(rest) if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


def digits(text: str) -> str:
    """'05' -> "zero five"."""
    return " ".join(_ONES[int(c)] for c in text if c.isdigit())


def integer(text: str) -> str:
    """An integer as written ("2,000", "007", a 40-digit id) in words."""
    plain = text.replace(",", "")
    if not plain:
        return ""
    if len(plain) > _MAX_CARDINAL_DIGITS or (len(plain) > 1 and plain[0] == "0"):
        return digits(plain)
    return cardinal(int(plain))


def number(text: str) -> str:
    """ "3.5" -> "three point five", "0.05" -> "zero point zero five", ".5" -> "zero point five"."""
    whole, _, fraction = text.partition(".")
    words = integer(whole) if whole.replace(",", "") else "zero"
    return words + (" point " + digits(fraction) if fraction else "")


def year(n: int) -> str:
    """2017 -> "twenty seventeen", 2005 -> "two thousand five", 1905 -> "nineteen oh five"."""
    if 2000 <= n < 2010:
        return cardinal(n)
    high, low = divmod(n, 100)
    if low == 0:
        return cardinal(high) + " hundred"
    if low < 10:
        return cardinal(high) + " oh " + _ONES[low]
    return cardinal(high) + " " + cardinal(low)


def ordinal(n: int) -> str:
    """21 -> "twenty first"."""
    *head, last = cardinal(n).split()
    if last in _IRREGULAR_ORDINALS:
        last = _IRREGULAR_ORDINALS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return " ".join([*head, last])


def fraction(numerator: str, denominator: str) -> str:
    """ "1/2" -> "one half", "3/4" -> "three quarters", "5/16" -> "five over sixteen"."""
    top, bottom = int(numerator), int(denominator)
    if len(numerator) > 3 or not 2 <= bottom <= 10:
        return f"{integer(numerator)} over {integer(denominator)}"
    name = {2: "half", 4: "quarter"}.get(bottom) or ordinal(bottom)
    if top != 1:
        name = "halves" if name == "half" else name + "s"
    return f"{cardinal(top)} {name}"


def scientific(mantissa: str, exponent: str) -> str:
    """ "1e-3" -> "ten to the minus three"; "3e-4" -> "three times ten to the minus four".

    A mantissa of exactly one is dropped, as a teacher says a learning rate of 1e-3.
    """
    sign = "minus " if exponent.startswith("-") else ""
    power = f"ten to the {sign}{integer(exponent.lstrip('+-'))}"
    if mantissa in ("1", "1.0"):
        return power
    return f"{number(mantissa)} times {power}"


def math_number(text: str) -> str:
    """A number token inside math: plain, decimal, fraction "1/2" or scientific."""
    if "/" in text:
        return fraction(*text.split("/", 1))
    match = re.fullmatch(r"(\d+(?:\.\d+)?)[eE]([-+]?\d+)", text)
    if match:
        return scientific(match[1], match[2])
    return number(text)


# --- Numbers in prose ------------------------------------------------------------------

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|(?<![\d.])\.\d+"


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "ms" wins over "m"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNIT = "|".join(
    rf"(?<=\s){re.escape(u)}" if u in UNITS_NEED_SPACE else re.escape(u) for u in sorted(UNITS, key=len, reverse=True)
)
_DIGIT = re.compile(r"\d")
_PROSE_NUMBER = re.compile(
    rf"""(?=[-\d.{"".join(CURRENCIES)}])  # only where a number can start: a fast scan
    (?:(?P<cur>[{"".join(CURRENCIES)}])(?P<amount>{_NUM})
          (?:\s?(?P<cmag>{_alternatives(MAGNITUDES)})(?![\w]))?
    | (?<![\w.])(?P<mant>\d+(?:\.\d+)?)[eE](?P<exp>[-+]?\d+)(?![\w.])
    | (?<![\d.])(?P<version>\d+(?:\.\d+){{2,}})(?![\w.]|\.\d)
    | (?<![\w)\].])-(?=\.?\d)
    | (?<![\w./])(?P<top>\d+)/(?P<bottom>\d+)(?![\d/.])
    | (?P<lo>{_NUM})\s?(?:–|-(?!\s))\s?(?P<hi>{_NUM})(?![\w.])
    | (?P<by1>{_NUM})\s?[x×]\s?(?P<by2>{_NUM})(?![\w])
    | (?P<ra>\d+):(?P<rb>\d+)(?![\d:])
    | (?P<decade>(?:19|20)\d0)s\b
    | (?P<num>{_NUM})
      (?: (?P<ord>st|nd|rd|th)\b
        | \s?(?P<pct>%)
        | \s?(?P<times>[x×])(?![\w])
        | (?P<mag>[kKMBT]|bn)(?![\w])
        | \s?(?P<unit>{_UNIT})(?![\w])
      )?
    )""",
    re.VERBOSE,
)


def read_numbers(text: str) -> str:
    """Replace every number in prose, with its unit, suffix or currency, by words."""
    if not _DIGIT.search(text):
        return text
    return _PROSE_NUMBER.sub(_read_number_match, text)


def _read_number_match(m: re.Match[str]) -> str:
    return f" {_number_reading(m)} "


def _number_reading(m: re.Match[str]) -> str:
    if m["cur"]:
        return _money(m["cur"], m["amount"], m["cmag"])
    if m["mant"]:
        return scientific(m["mant"], m["exp"])
    if m["version"]:  # "3.11.2", an address: each part a number
        return " point ".join(integer(part) for part in m["version"].split("."))
    if m["top"]:
        return fraction(m["top"], m["bottom"])
    if m["lo"]:
        return f"{_plain(m['lo'])} to {_plain(m['hi'])}"
    if m["by1"]:
        return f"{number(m['by1'])} by {number(m['by2'])}"
    if m["ra"]:
        # "3:1" is a ratio; "80:20" and "10:30" are said as two numbers.
        joiner = " to " if len(m["rb"]) == 1 else " "
        return integer(m["ra"]) + joiner + integer(m["rb"])
    if m["decade"]:
        return _plural(year(int(m["decade"])))
    if m["num"] is None:
        return "minus"
    return _suffixed(m)


def _suffixed(m: re.Match[str]) -> str:
    text = m["num"]
    if m["ord"] and text.isdigit():
        return ordinal(int(text))
    words = number(text)
    if m["pct"]:
        return words + " percent"
    if m["times"]:
        return words + " times"
    if m["mag"]:
        return words + " " + MAGNITUDES[m["mag"]]
    if m["unit"]:
        singular, plural = UNITS[m["unit"]]
        return words + " " + (singular if text == "1" else plural)
    return _plain(text)


def _plain(text: str) -> str:
    """A bare number; four digits from 1900 to 2099 are read as a year."""
    if re.fullmatch(r"(?:19|20)\d\d", text):
        return year(int(text))
    return number(text)


def _plural(words: str) -> str:
    """ "nineteen ninety" -> "nineteen nineties"."""
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


def _money(symbol: str, amount: str, magnitude: str | None) -> str:
    unit, units, sub, subs = CURRENCIES[symbol]
    if magnitude:
        return f"{number(amount)} {MAGNITUDES[magnitude]} {units}"
    whole, _, cents = amount.partition(".")
    if len(cents) != 2:
        return f"{number(amount)} {unit if amount == '1' else units}"
    main = integer(whole) if whole else "zero"
    spoken_cents = f"{cardinal(int(cents))} {sub if cents == '01' else subs}"
    if main == "zero":
        return spoken_cents
    main += " " + (unit if main == "one" else units)
    return main if cents == "00" else f"{main} and {spoken_cents}"
