"""Cards that work by ear: every card's spoken front and back, checked as the speaker says them.

A card is heard through the same normaliser the speaker uses (`tts.normalize.speakable`), so the
length limit counts the words actually heard and the notation check finds what it cannot say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from drills.content_model import ContentPack, Flashcard
from drills.exceptions import ContentIssue
from tts.normalize import speakable
from tts.normalize.check import spoken_words, unreadable

MAX_BACK_WORDS = 25
"""A spoken back is one breath of a teacher's explanation."""
MAX_FRONT_WORDS = 30
MAX_FORMULA_WORDS = 40
MAX_SHEET_LINE_WORDS = 40
# Notation in a written front: LaTeX, scripts, Unicode math. Such a front needs a spoken form.
_NOTATION = re.compile(r"[$\\^_{}]|[^\x00-\x7f’‘“”–—…]")
_IMPERATIVE = re.compile(
    r"^(?:name|give|state|define|explain|describe|complete|list|compare|write|say|finish|tell)\b", re.IGNORECASE
)


def spoken_front(card: Flashcard) -> str:
    return card.spoken_front or card.front


def spoken_back(card: Flashcard) -> str:
    return card.spoken_back or card.back


def card_issues(pack: ContentPack) -> Iterator[ContentIssue]:
    """Problems with hearing each curriculum card, each formula, and each line of a one-pager."""
    for card in pack.flashcards():
        for problem in _card_problems(card):
            yield ContentIssue(card.file, card.line, f"flashcard {card.id}: {problem}")
    for formula in pack.formulas:
        heard = speakable(formula.spoken)
        problems = [f"spoken: {p}" for p in unreadable(formula.spoken)]
        if (count := spoken_words(heard)) > MAX_FORMULA_WORDS:
            problems.append(f"spoken runs {count} words, over {MAX_FORMULA_WORDS}")
        for problem in problems:
            yield ContentIssue(formula.file, formula.line, f"formula {formula.id}: {problem}")
    for unit in pack.units:
        for index, line in enumerate(unit.one_pager, start=1):
            problems = list(unreadable(line))
            if (count := spoken_words(speakable(line))) > MAX_SHEET_LINE_WORDS:
                problems.append(f"runs {count} words, over {MAX_SHEET_LINE_WORDS}")
            for problem in problems:
                yield ContentIssue(unit.file, unit.one_pager_line, f"one_pager line {index}: {problem}")


def _is_question(text: str) -> bool:
    """A question, or a request a teacher would say aloud ("Name three conjugate pairs.")."""
    return text.rstrip().endswith("?") or _IMPERATIVE.match(text.strip()) is not None


def _card_problems(card: Flashcard) -> Iterator[str]:
    if not card.spoken_back:
        yield "no spoken_back (the back as a teacher says it, at most 25 words)"
    if not card.spoken_front and (_NOTATION.search(card.front) or not _is_question(card.front)):
        yield "no spoken_front (the front has notation or is not a question)"
    front, back = spoken_front(card), spoken_back(card)
    for field, text in (("spoken front", front), ("spoken back", back)):
        for problem in unreadable(text):
            yield f"{field}: {problem}"
    if not _is_question(front):
        yield "the spoken front is not a question (end it with '?' or start with Name, Give, State…)"
    if (count := spoken_words(speakable(front))) > MAX_FRONT_WORDS:
        yield f"the spoken front runs {count} words, over {MAX_FRONT_WORDS}"
    if (count := spoken_words(speakable(back))) > MAX_BACK_WORDS:
        yield f"the spoken back runs {count} words, over {MAX_BACK_WORDS}"
