"""What the learner hears during a card review: short sentences, no symbols."""

from __future__ import annotations

from datetime import datetime, timedelta

from drills.cards.grading import Closeness
from drills.cards.scheduler import Rating
from drills.spoken import number, plural

RATE_PROMPT = "How did you do? Say again, hard, good or easy."
EXPECT_RATING = "Please rate that card: again, hard, good or easy. Or say repeat to hear the answer again."


def interval(seconds: float) -> str:
    """ "in 10 minutes", "tomorrow", "in 4 days", "in 3 months"."""
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return f"in {plural(minutes, 'minute')}"
    hours = round(minutes / 60)
    if hours < 20:
        return f"in {plural(hours, 'hour')}"
    days = round(seconds / 86400)
    if days <= 1:
        return "tomorrow"
    if days < 45:
        return f"in {plural(days, 'day')}"
    if days < 365:
        return f"in {plural(round(days / 30), 'month')}"
    return f"in {plural(round(days / 365), 'year')}"


def until(due: datetime | None, now: datetime) -> str:
    return interval((due - now).total_seconds()) if due else "later"


def intro(mode: str, count: int) -> str:
    if mode == "cram":
        count_text = plural(count, "card")
        return f"Card blitz: {count_text}, weakest first. This does not change your schedule. Here is the first."
    return f"{plural(count, 'card').capitalize()} to review. Here is the first."


def nothing_due(next_due: str | None) -> str:
    later = f" The next one is due {next_due}." if next_due else " You have no cards yet."
    return f"No cards are due right now.{later} Say 'card blitz' to go through them anyway."


def front(position: int, total: int, text: str) -> str:
    return f"Card {position} of {total}. {text}"


def back(text: str, graded: Closeness | None) -> str:
    said = f"The answer: {text}"
    if not said.rstrip().endswith((".", "!", "?")):
        said += "."
    if graded is not None:
        said += f" You were {round(graded.score * 100)} percent there; I'd say {graded.suggested.word}."
    return f"{said} {RATE_PROMPT}"


def rated(rating: Rating, due_in: str | None) -> str:
    head = {Rating.AGAIN: "Again", Rating.HARD: "Hard", Rating.GOOD: "Good", Rating.EASY: "Easy"}[rating]
    return f"{head}, next {due_in}." if due_in else f"{head}."


def skipped_unspeakable(count: int) -> str:
    if count == 1:
        return "I skipped a card I can't read aloud, like an image; it stays for screen review."
    return f"I skipped {number(count)} cards I can't read aloud, like images; they stay for screen review."


def left(remaining: int, reviewed: int) -> str:
    if remaining == 0:
        return f"This is the last card. You've reviewed {plural(reviewed, 'card')} so far."
    return f"{plural(remaining, 'card').capitalize()} left after this one. You've reviewed {number(reviewed)} so far."


def summary(mode: str, reviewed: int, again: int, next_due: str | None, stopped: bool) -> str:
    lead = "Stopped" if stopped else ("That's the blitz done" if mode == "cram" else "That's the review done")
    if reviewed == 0:
        text = f"{lead}: no cards rated."
    elif again == 0:
        text = f"{lead}: {plural(reviewed, 'card')} reviewed, none forgotten."
    else:
        rate = round(100 * again / reviewed)
        text = f"{lead}: {plural(reviewed, 'card')} reviewed, {number(again)} again, that's {rate} percent."
    if mode != "cram" and next_due:
        text += f" The next card is due {next_due}."
    return text


def cards_due_note(due: int, power_review: bool) -> str:
    """The drill's offer of the card review (its intro or outro)."""
    if power_review:
        return "Today is the power review: say 'card blitz' to go through all your cards."
    if due <= 0:
        return ""
    noun = "card" if due == 1 else "cards"
    return f"You have {due} {noun} due; say 'review cards' to go through them."


def duration(delta: timedelta) -> str:
    return interval(delta.total_seconds())
