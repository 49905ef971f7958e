"""When does a control intent, heard while the learner is answering, count as a command?

The intent classifier sees command words inside real answers ("Skip lists skip over many nodes,
so search takes logarithmic time"). Taking an answer for "skip" or "stop" loses the learner's
turn and moves the drill on; taking a command for an answer costs one "try again". So inside an
answer a control intent counts only when the utterance is short, or fairly short and near-certain:

- short: at most MAX_SHORT_WORDS content words (fillers and "can you"/"could you"/"for me"
  dropped). Spoken commands carry politeness and hesitation ("um could you give me a hint",
  "can we skip this one"), so 6 rather than 4.
- near-certain: up to MAX_COMMAND_WORDS content words when the confidence is at least
  MIN_COMMAND_CONFIDENCE. The fast pipeline's logistic regression is very peaked: polite
  7-9 word commands score 0.96-1.0, while answers that it misreads score lower, but not
  always (a paraphrase of the skip-list answer scored 0.94 for `skip`).
- anything longer is an answer whatever the confidence: the same classifier gave 0.99 to
  "Skip lists let you skip over nodes, so lookups take logarithmic time" before the training
  data had answers with command words in them, so confidence alone cannot protect long answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_SHORT_WORDS = 6
MAX_COMMAND_WORDS = 9
MIN_COMMAND_CONFIDENCE = 0.95


POLITE = re.compile(r"\b(?:can|could|would|will) you\b|\bfor me\b|\bthank you\b")
HESITATIONS = frozenset("um umm uh uhh uhm er erm ah hmm mm mhm".split())  # noqa: SIM905
FILLERS = HESITATIONS | frozenset(
    "oh okay ok so well like please just actually now right sorry thanks".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z0-9']+")


def content_words(text: str) -> list[str]:
    """The words of an utterance without fillers and polite phrases (case and punctuation
    ignored): "um could you please repeat that" -> ["repeat", "that"]."""
    plain = POLITE.sub(" ", text.lower().replace("\u2019", "'"))
    return [w for w in _WORD.findall(plain) if w not in FILLERS]


def is_hesitation(text: str) -> bool:
    """True for an utterance with no words but hesitation sounds ("um", "uh hmm", "")."""
    return all(w in HESITATIONS for w in _WORD.findall(text.lower()))


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
