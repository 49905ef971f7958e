"""Reading level, measured offline: textstat's syllables come from the shipped CMU dictionary."""

from __future__ import annotations

import pytest

from drills import readability


def test_grades_without_any_download(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("readability tried to download an NLTK corpus")

    monkeypatch.setattr(nltk, "download", no_network)
    simple = readability.fk_grade("The cat sat on the mat. It was warm. The dog came too.")
    hard = readability.fk_grade(
        "Notwithstanding considerable methodological heterogeneity, contemporary probabilistic "
        "interpretations of regularisation emphasise distributional assumptions."
    )
    assert simple < 2.0 < readability.ELI5_MAX_GRADE < hard
    assert readability.fk_grade("   ") == 0.0


def test_syllables_come_from_the_dictionary() -> None:
    readability.fk_grade("warm up")  # installs the offline dictionary
    from textstat.backend.counts._count_syllables import count_syllables

    # "imagine" is three syllables in the CMU dictionary (pyphen alone says otherwise for some words).
    assert count_syllables("imagine", "en_US") == 3
    assert count_syllables("ridge regression", "en_US") == 4
