"""The card review by text through the real trained Rasa over HTTP, its action server, and the
app's API and store: card said, answer, back, "good" as a rating (not agreement), next card,
"how many left", and the summary."""

from __future__ import annotations

import pytest

from drills.cards.speakable import speak
from tests.dialogue.helpers import Learner, store

pytestmark = [pytest.mark.slow, pytest.mark.rasa]


def reviews(server, learner_id: str) -> list[tuple[int, int, str]]:
    with store(server) as db:
        rows = db.execute(
            "SELECT card_id, rating, kind FROM card_reviews WHERE learner_id = ? ORDER BY id", (learner_id,)
        ).fetchall()
    return [tuple(r) for r in rows]


def spoken_front(pack, front: str) -> str:
    card = next(c for u in pack.units for c in u.flashcards if c.front == front)
    return card.spoken_front or speak(card.front).text


@pytest.fixture(scope="module")
def pack():
    from drills.content_loader import load_pack

    return load_pack()


def test_review_good_is_a_rating_then_the_next_card(viva_server, pack) -> None:
    learner = Learner(viva_server)
    text = learner.text(learner.say("review my flashcards"))
    first = learner.state
    assert first.mode == "answer" and first.card is not None and first.attempt_id is None
    assert (first.position, first.total) == (1, len(pack.units[0].flashcards))
    assert "to review" in text and spoken_front(pack, first.card.front).lower() in text
    assert "show me" in first.expect

    text = learner.text(learner.say("I think it is the normal equation"))
    assert learner.state.mode == "rating" and learner.state.card.id == first.card.id
    assert text.startswith("the answer:") and "again, hard, good or easy" in text
    assert learner.state.expect[:4] == ("again", "hard", "good", "easy")

    text = learner.text(learner.say("good"))
    second = learner.state
    assert second.mode == "answer" and second.card.id != first.card.id and second.position == 2
    assert text.startswith("good, next in") and "card 2 of" in text
    assert reviews(viva_server, learner.id) == [(first.card.id, 3, "review")]

    text = learner.text(learner.say("how many cards are left"))
    assert "left after this one" in text and learner.state.card.id == second.card.id
    assert learner.state.mode == "answer"

    text = learner.text(learner.say("pause"))  # announced as a pause of the card, which stays
    assert text.startswith("okay, paused. answer the card") and learner.state.card.id == second.card.id
    assert learner.state.mode == "answer"

    learner.say("show me")
    assert learner.state.mode == "rating"
    learner.say("yes")  # while a rating is expected, yes is "good"
    third = learner.state
    assert third.mode == "answer" and third.card.id not in (first.card.id, second.card.id)

    learner.say("i don't know")
    text = learner.text(learner.say("say that again"))
    assert learner.state.mode == "rating" and text.startswith("the answer:")
    learner.say("missed it")
    assert learner.state.mode == "answer"

    text = learner.text(learner.say("stop"))
    assert learner.state.mode == "idle" and learner.state.card is None
    assert "stopped: three cards reviewed, one again" in text and "next card is due" in text
    assert [r[1] for r in reviews(viva_server, learner.id)] == [3, 3, 1]


def test_a_whole_review_to_its_summary(viva_server, pack) -> None:
    learner = Learner(viva_server)
    learner.say("flashcards")
    total = learner.state.total
    skipped = None
    variants = ["easy", "nailed it", "too easy", "easy peasy"]
    for index in range(total):
        assert learner.state.mode == "answer" and learner.state.position == index + 1
        if index == 1:
            skipped = learner.state.card.id
            learner.say("skip")
            continue
        learner.say("show me")
        assert learner.state.mode == "rating"
        last = learner.text(learner.say(variants[index % len(variants)]))
    assert learner.state.mode == "idle"
    assert f"that's the review done: {total - 1} cards reviewed, none forgotten" in last
    ratings = [r[1] for r in reviews(viva_server, learner.id)]
    assert ratings == [4] * (total - 1)
    text = learner.text(learner.say("review cards"))  # only the skipped card is left for today
    assert text.startswith("one card to review") and learner.state.card.id == skipped


def test_card_blitz_and_ratings_outside_a_review(viva_server) -> None:
    learner = Learner(viva_server)
    assert "no card to rate" in learner.text(learner.say("nailed it"))
    text = learner.text(learner.say("card blitz"))
    assert learner.state.card is not None and learner.state.card.cram
    assert "does not change your schedule" in text
    learner.say("show me")
    learner.say("hard")
    assert reviews(viva_server, learner.id)[0][1:] == (2, "cram")
    assert "blitz" in learner.text(learner.say("stop")).lower() or learner.state.mode == "idle"
