"""What the normaliser cannot say, and how long a text is once said.

Content checks use these to keep spoken text honest: `unreadable` names the LaTeX commands the
reader does not know, symbols it has no reading for, and markup left over after reading (a
brace or caret that would be dropped silently); `spoken_words` counts the words heard.
"""

from __future__ import annotations

import re
import unicodedata

from tts.normalize.prepare import prepare
from tts.normalize.rules import COMMANDS
from tts.normalize.spans import read_text

_COMMAND = re.compile(r"\\([A-Za-z]+)\*?|\\(.)")
_LEFTOVER = re.compile(r"[\\{}^_$|`~]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")


def unreadable(text: str) -> tuple[str, ...]:
    """Problems with saying `text` aloud, one short phrase each; empty when all is readable."""
    problems: list[str] = []
    prepared = prepare(text)
    for m in _COMMAND.finditer(prepared):
        name = m[1] or m[2]
        if name not in COMMANDS and not (m[2] and not m[2].isalnum() and m[2] in " ,;:!|{}%$&#_"):
            problems.append(f"unknown command '\\{name}'")
    for char in dict.fromkeys(prepared):
        if char.isascii() or char == "\ue000":
            continue
        if not char.isalpha() or unicodedata.name(char, "").startswith("MATHEMATICAL"):
            problems.append(f"no reading for '{char}' ({unicodedata.name(char, 'unknown')})")
    read = read_text(prepared)
    for mark in dict.fromkeys(_LEFTOVER.findall(read)):
        problems.append(f"'{mark}' is left over after reading")
    return tuple(dict.fromkeys(problems))


def spoken_words(spoken: str) -> int:
    """How many words are heard in already-normalised text (`speakable`'s output)."""
    return len(_WORD.findall(spoken))
