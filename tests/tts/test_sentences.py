"""tts.sentences.split_sentences: pieces for sentence-by-sentence synthesis."""

from __future__ import annotations

import pytest

from tts.normalize import speakable
from tts.sentences import SplitOptions, split_sentences


def _words(text: str) -> str:
    return " ".join(text.split())


def test_splits_at_sentence_ends() -> None:
    text = (
        "The normal equation gives the weights directly. Does it scale to many features? "
        "Not really, because inverting the matrix is cubic! Use gradient descent instead."
    )
    assert split_sentences(text) == [
        "The normal equation gives the weights directly.",
        "Does it scale to many features?",
        "Not really, because inverting the matrix is cubic!",
        "Use gradient descent instead.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The learning rate was 3.5 times larger than the default value here.",
        "Optimisers such as Adam, e.g. with warmup, train transformers well enough.",
        "Dr. Hinton described it as the drosophila of machine learning research.",
        "Compare Adam vs. plain stochastic gradient descent on this problem.",
        "The book by J. R. R. Tolkien has nothing to do with gradient descent.",
        "The loss goes down... and then it goes up again after the warmup ends.",
        "The loss goes down… and then it goes up again after the warmup ends.",
        "Models trained in the U.S. and elsewhere show the same scaling behaviour.",
        "Figures such as Fig. Three show the learning curve for each of the runs.",
    ],
)
def test_does_not_split_decimals_abbreviations_initials_or_ellipses(text: str) -> None:
    assert split_sentences(text) == [text]


def test_a_variable_can_end_a_sentence() -> None:
    text = "The weights are w equals the inverse of X transpose X. The bias is zero here."
    assert split_sentences(text) == [
        "The weights are w equals the inverse of X transpose X.",
        "The bias is zero here.",
    ]


def test_merges_short_fragments_into_a_neighbour() -> None:
    assert split_sentences("Yes. The gradient points uphill, so we step the other way.") == [
        "Yes. The gradient points uphill, so we step the other way."
    ]
    assert split_sentences("The gradient points uphill, so we step the other way. Right.") == [
        "The gradient points uphill, so we step the other way. Right."
    ]


def test_splits_long_sentences_at_commas_and_semicolons() -> None:
    clause = "the gradient of the loss with respect to the weights is averaged over a batch"
    text = f"{clause}, {clause}; {clause}, and then {clause}."
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(len(p) <= 200 for p in pieces)
    assert pieces[0].endswith((",", ";"))
    assert _words(" ".join(pieces)) == _words(text)


def test_long_sentence_keeps_a_short_tail() -> None:
    text = "word " * 38 + "and so, on."  # 201 characters, the comma 7 from the end
    assert split_sentences(text) == [_words(text)]


def test_splits_long_sentences_without_commas_at_spaces() -> None:
    text = " ".join(["gradient"] * 80) + "."
    pieces = split_sentences(text, SplitOptions(max_chars=100))
    assert all(len(p) <= 100 for p in pieces)
    assert _words(" ".join(pieces)) == _words(text)


def test_line_breaks() -> None:
    text = "First line without a period\ncontinues in lower case.\n\nA new paragraph starts here"
    assert split_sentences(text) == [
        "First line without a period continues in lower case.",
        "A new paragraph starts here",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "..."])
def test_nothing_to_say(text: str) -> None:
    assert split_sentences(text) == ([] if not text.strip() else ["..."])


def test_nothing_is_lost() -> None:
    text = (
        "Bagging trains models on bootstrap samples. Boosting fits each model to the "
        "errors of the last! Why does that reduce bias? Because, e.g., each step corrects "
        "what the ensemble still gets wrong... mostly. Dr. Breiman proposed random forests."
    )
    pieces = split_sentences(text)
    assert all(p == p.strip() and p for p in pieces)
    assert _words(" ".join(pieces)) == _words(text)


def test_on_normalised_text() -> None:
    card = (
        r"The normal equation is $\hat{w} = (X^T X)^{-1} X^T y$. It needs "
        r"$O(n d^2)$ time, e.g. for 2,000 features. Use SGD for 50M rows."
    )
    assert split_sentences(speakable(card)) == [
        "The normal equation is w hat equals the inverse of X transpose X X transpose y.",
        "It needs O of n d squared time, for example for two thousand features.",
        "Use S G D for fifty million rows.",
    ]


def test_options_are_validated() -> None:
    with pytest.raises(ValueError):
        SplitOptions(max_chars=0)
    with pytest.raises(ValueError):
        SplitOptions(min_chars=-1)
