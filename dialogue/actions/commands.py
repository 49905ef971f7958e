"""When does a control intent, heard while the learner is answering, count as a command?

The intent classifier sees command words inside real answers ("Skip lists skip over many nodes,
so search takes logarithmic time"). Misreading an answer as "skip" or "stop" throws the learner's
work away, while misreading a command as an answer costs one "try again". So inside an answer a
control intent only counts when the utterance is short or the classifier is all but certain:

- short: at most MAX_COMMAND_WORDS words once fillers are dropped. Spoken commands carry
  politeness ("can you give me a hint", "could you say that again" are 5-6 words); answers to
  interview questions are longer. 6 rather than 4 keeps those polite commands working.
- certain: confidence >= MIN_COMMAND_CONFIDENCE. The fast pipeline's logistic regression gives
  long answer-like sentences well under 0.9 (tests/nlu_heldout.yml), while a long but purely
  command-like sentence ("okay so um could you please just skip this one for me") can still
  clear it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_SHORT_WORDS = 6
MAX_COMMAND_WORDS = 9
MIN_COMMAND_CONFIDENCE = 0.95

FILLERS = frozenset(
    (  # noqa: SIM905 - a word list reads better as one string
        "um umm uh uhh uhm er erm ah hmm mm mhm oh "
        "okay ok so well like please just actually now right sorry thanks"
    ).split()
)

POLITE = re.compile(r"\b(?:can|could|would|will) you\b|\bfor me\b|\bthank you\b")
_WORD = re.compile(r"[a-z0-9']+")


def content_words(text: str) -> list[str]:
    """The words of an utterance without fillers and polite phrases (case and punctuation
    ignored): "um could you please repeat that" -> ["repeat", "that"]."""
    plain = POLITE.sub(" ", text.lower().replace("\u2019", "'"))
    return [w for w in _WORD.findall(plain) if w not in FILLERS]


def counts_as_command(text: str, confidence: float) -> bool:
    """True when a control-intent utterance heard during an answer is a command."""
    words = len(content_words(text))
    if words <= MAX_SHORT_WORDS:
        return True
    return words <= MAX_COMMAND_WORDS and confidence >= MIN_COMMAND_CONFIDENCE


def control_intents_from_domain(domain: dict, fallback: Iterable[str]) -> frozenset:
    """The `not_intent` list of answer_text's from_text mapping: the single list in the domain."""
    slot = (domain.get("slots") or {}).get("answer_text") or {}
    for mapping in slot.get("mappings") or []:
        if mapping.get("type") == "from_text" and mapping.get("not_intent"):
            return frozenset(mapping["not_intent"])
    return frozenset(fallback)
