"""The quality rules of `viva content check`: each passes on the real content and fails, naming
file and line, on a copy broken in exactly that way."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from drills.card_speech import card_issues
from drills.cli import add_parser, run_check
from drills.content_lint import eli5_grades, near_duplicates, readability_issues, rubric_issues
from drills.content_loader import CONTENT_DIR, check_content, load_pack
from drills.content_model import ContentPack
from drills.exceptions import ContentIssue
from drills.readability import ELI5_MAX_GRADE, ELI5_MAX_MEAN_GRADE


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def loaded(directory: Path) -> ContentPack:
    pack, issues = check_content(directory)
    assert pack is not None and issues == (), issues
    return pack


def at(issues: list[ContentIssue], file: str, line: int, words: str) -> bool:
    return any(i.file == file and i.line == line and words in i.message for i in issues)


# --- the real content ---------------------------------------------------------------------------


def test_real_content_passes_every_quality_rule(pack: ContentPack) -> None:
    grades = eli5_grades(pack)
    assert len(grades) >= 54
    assert max(g.grade for g in grades) <= ELI5_MAX_GRADE
    assert sum(g.grade for g in grades) / len(grades) <= ELI5_MAX_MEAN_GRADE
    assert list(readability_issues(grades)) == []
    assert list(near_duplicates(pack)) == []
    assert list(rubric_issues(pack)) == []
    assert list(card_issues(pack)) == []


def test_every_card_has_a_spoken_form(pack: ContentPack) -> None:
    cards = list(pack.flashcards())
    assert len(cards) >= 300
    assert all(card.spoken_back for card in cards)
    # A front with notation is never read as written.
    notation = [c for c in cards if "$" in c.front or "\\" in c.front]
    assert notation and all(c.spoken_front for c in notation)


def test_key_points_carry_wrong_versions_in_every_unit(pack: ContentPack) -> None:
    for unit in pack.units:
        theory = unit.of_kind("theory")
        assert any(p.wrong for q in theory for p in q.key_points), unit.number
    point = pack.item("b-pr-4").key_points[0]
    assert point.wrong and "99 percent" in point.wrong[0]


# --- ELI5 reading level -------------------------------------------------------------------------


def test_a_hard_eli5_reference_fails_with_its_grade(copy: Path) -> None:
    unit = copy / "units" / "12-attention.yaml"
    edit(
        unit,
        "      Say someone reads you a story, then asks where the cat hid.",
        "      Considering the probabilistic interpretation of contextualised representations, "
        "attention mechanisms heterogeneously redistribute informational significance across "
        "sequential constituents, notwithstanding computational considerations.",
    )
    pack = loaded(copy)
    issues = list(readability_issues(eli5_grades(pack)))
    question = pack.item("u12-e1")
    hit = [i for i in issues if i.file == "units/12-attention.yaml" and i.line == question.line]
    assert hit and "u12-e1: the ELI5 reference reads at grade" in hit[0].message
    assert line_of(unit, "- id: u12-e1") == question.line


# --- near duplicates ----------------------------------------------------------------------------


def test_a_repeated_card_front_is_a_near_duplicate(copy: Path) -> None:
    unit = copy / "units" / "03-entropy-trees.yaml"
    edit(unit, "front: Binary node maxima of entropy and Gini", "front: Gini impurity")
    issues = list(near_duplicates(loaded(copy)))
    line = line_of(unit, "- id: u03-c5")
    assert at(issues, "units/03-entropy-trees.yaml", line, "u03-c5: nearly the same card as u03-c2")


def test_a_repeated_prompt_is_a_near_duplicate(copy: Path) -> None:
    unit = copy / "units" / "06-svm.yaml"
    edit(
        unit,
        "      What does the RBF kernel's gamma parameter do geometrically, and how do gamma\n      and C interact?",
        "      Explain the kernel trick geometrically. What does a kernel compute, and what\n"
        "      does the decision boundary look like in the input space?",
    )
    issues = list(near_duplicates(loaded(copy)))
    assert at(issues, "units/06-svm.yaml", line_of(unit, "- id: u06-t5"), "u06-t5: its prompt nearly repeats u06-t4")


def test_an_eli5_prompt_may_share_its_topic_with_a_theory_question(pack: ContentPack) -> None:
    """u15-e1 (LoRA for a child) and pr-lora (LoRA in 60 seconds) are different kinds of ask."""
    assert "LoRA" in pack.item("u15-e1").prompt and "LoRA" in pack.item("pr-lora").prompt
    assert not [i for i in near_duplicates(pack) if "u15-e1" in i.message or "pr-lora" in i.message]


# --- the rubric lint ----------------------------------------------------------------------------


def test_a_bundled_key_point_fails_at_its_line(copy: Path) -> None:
    unit = copy / "units" / "05-ensembles-clustering.yaml"
    old = "- text: Bagging helps unstable, high-variance, low-bias learners such as deep trees."
    edit(unit, old, old[:-1] + "; boosting helps weak, high-bias learners such as stumps.")
    issues = list(rubric_issues(loaded(copy)))
    line = line_of(unit, "boosting helps weak")
    assert at(issues, "units/05-ensembles-clustering.yaml", line, "u05-t1 key point 5: bundles two claims")


def test_a_point_met_by_one_common_word_fails(copy: Path) -> None:
    unit = copy / "units" / "03-entropy-trees.yaml"
    edit(unit, "          - pure*|purity\n", "          - data\n")
    issues = list(rubric_issues(loaded(copy)))
    line = line_of(unit, "Entropy and Gini reward splits that create purer nodes")
    assert at(issues, "units/03-entropy-trees.yaml", line, "u03-t2 key point 3: met by the single common word 'data'")


def test_a_bare_number_fails_and_an_anchored_one_passes(copy: Path) -> None:
    baseline = copy / "special" / "baseline.yaml"
    edit(baseline, "- about 9 percent|about nine percent|", "- 9|nine|about 9 percent|about nine percent|")
    issues = list(rubric_issues(loaded(copy)))
    line = line_of(baseline, "- text: Only about 9 percent, roughly one in eleven.")
    assert at(issues, "special/baseline.yaml", line, "b-pr-4 key point 1: the bare number '9', 'nine'")
    assert not [i for i in rubric_issues(load_pack()) if "b-pr-4" in i.message]


# --- cards by ear ---------------------------------------------------------------------------------


def test_a_long_spoken_back_fails(copy: Path) -> None:
    unit = copy / "units" / "12-attention.yaml"
    edit(
        unit,
        "spoken_back: A softmax temperature of root d k.",
        "spoken_back: A softmax temperature of root d k, which flattens the distribution so that every key gets "
        "a fair share of the attention and the gradients keep flowing back to the queries.",
    )
    issues = list(card_issues(loaded(copy)))
    line = line_of(unit, "- id: u12-c4")
    assert at(issues, "units/12-attention.yaml", line, "flashcard u12-c4: the spoken back runs")


def test_notation_the_normaliser_cannot_read_fails(copy: Path) -> None:
    unit = copy / "units" / "17-reasoning-agents.yaml"
    edit(
        unit,
        "spoken_front: What do the tool choice values auto, required and none mean?",
        "spoken_front: What do the tool_choice values $\\frobnicate$ and none mean?",
    )
    issues = list(card_issues(loaded(copy)))
    line = line_of(unit, "- id: u17-c6")
    messages = [i.message for i in issues if i.file == "units/17-reasoning-agents.yaml" and i.line == line]
    assert any("unknown command '\\frobnicate'" in m for m in messages), messages
    assert any("'_' is left over after reading" in m for m in messages), messages


def test_a_card_without_a_spoken_back_fails(copy: Path) -> None:
    unit = copy / "units" / "01-linear-algebra.yaml"
    text = unit.read_text(encoding="utf-8")
    start = text.index("    spoken_back: H equals X")
    end = text.index("\n", start) + 1
    unit.write_text(text[:start] + text[end:], encoding="utf-8")
    issues = list(card_issues(loaded(copy)))
    assert at(issues, "units/01-linear-algebra.yaml", line_of(unit, "- id: u01-c6"), "flashcard u01-c6: no spoken_back")


# --- the whole command ------------------------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="viva")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_the_command_reports_grades_and_fails_on_a_broken_copy(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unit = copy / "units" / "05-ensembles-clustering.yaml"
    old = "- text: Bagging helps unstable, high-variance, low-bias learners such as deep trees."
    edit(unit, old, old + " It is also cheap.")
    assert run_check(parse(["content", "check", "--dir", str(copy)])) == 1
    captured = capsys.readouterr()
    assert "ELI5 references, Flesch-Kincaid grade" in captured.out and "u12-e3" in captured.out
    line = line_of(unit, "It is also cheap.")
    assert f"units/05-ensembles-clustering.yaml:{line}: u05-t1 key point 5: bundles two claims" in captured.err
    assert "1 problem(s)" in captured.err
