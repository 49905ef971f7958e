"""The content pack: the real files load and validate; broken copies report file, line, what."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drills.content_loader import CONTENT_DIR, _cache, check_content, load_pack
from drills.content_model import BASELINE_AREAS, ContentPack
from drills.exceptions import ContentError


def test_real_pack_is_valid(pack: ContentPack) -> None:
    _, issues = check_content()
    assert issues == ()
    assert len(pack.units) == 22
    assert [u.number for u in pack.units] == list(range(1, 23))
    for unit in pack.units:
        assert len(unit.of_kind("theory")) >= 4
        assert len(unit.of_kind("design")) >= 1
        assert len(unit.of_kind("eli5")) >= 2
        assert len(unit.flashcards) >= 8
        assert all(q.takeaway in {t.id for t in unit.takeaways} for q in unit.questions if q.kind != "eli5")
    assert len(pack.baseline) == 30
    assert {a: sum(i.area == a for i in pack.baseline) for a in BASELINE_AREAS} == dict.fromkeys(BASELINE_AREAS, 6)
    assert len(pack.behavioural) >= 6 and len(pack.system_design) >= 4
    assert [p.id for p in pack.pods] == ["LINALG", "MATH-P", "DL-BOOT"]


def test_lookups(pack: ContentPack) -> None:
    assert pack.unit(9).title == "CNN Internals"
    assert pack.unit_for_day(12) is pack.unit(9)
    assert pack.unit_for_day(10) is None
    assert pack.item("u03-t1").unit == 3
    assert pack.item("b-la-1").area == "linear_algebra"
    assert pack.item("bh-1").origin == "behavioural"
    assert pack.item("sd-1").origin == "system_design"
    assert pack.pod("DL-BOOT").below == 2
    assert [u.number for u in pack.units_in_week(2)] == [7, 8, 9, 10, 11]
    with pytest.raises(KeyError):
        pack.item("nope")


def test_load_is_cached() -> None:
    _cache.clear()
    first = load_pack()
    assert load_pack() is first


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


def test_every_problem_is_reported_with_file_and_line(copy: Path) -> None:
    unit = copy / "units" / "03-entropy-trees.yaml"
    edit(unit, "  - id: u03-t2\n", "  - id: u03-t2\n    colour: blue\n")
    edit(unit, "kind: design", "kind: designn")
    baseline = copy / "special" / "baseline.yaml"
    edit(baseline, "- id: b-la-2", "- id: b-la-1")
    with pytest.raises(ContentError) as caught:
        load_pack(copy)
    issues = caught.value.issues
    messages = {(i.file, i.line): i.message for i in issues}
    assert "unknown key 'colour'" in messages[("units/03-entropy-trees.yaml", line_of(unit, "colour: blue"))]
    designn = line_of(unit, "kind: designn") - 1  # the question's mapping starts on its id line
    assert "expected kind theory | design | eli5" in messages[("units/03-entropy-trees.yaml", designn)]
    dup = [i for i in issues if "already used" in i.message]
    assert dup and dup[0].file == "special/baseline.yaml"
    lines = [n for n, text in enumerate(baseline.read_text().splitlines(), 1) if "- id: b-la-1" in text]
    assert dup[0].line == lines[1]
    assert f"special/baseline.yaml:{lines[0]}" in dup[0].message
    assert "units/03-entropy-trees.yaml" in str(caught.value)


def test_match_syntax_and_references(copy: Path) -> None:
    unit = copy / "units" / "01-linear-algebra.yaml"
    edit(unit, "- diagonal*|decouple*|independent scaling*", "- diag*onal||decouple*")
    edit(unit, "takeaway: svd-derivation", "takeaway: svd-derivashun")
    edit(unit, "days: [1]", "days: [2]")
    _, issues = check_content(copy)
    texts = [str(i) for i in issues]
    line = line_of(unit, "diag*onal")
    assert any(f"01-linear-algebra.yaml:{line}:" in t and "only allowed at the end" in t for t in texts)
    assert any(f":{line}:" in t and "empty alternative" in t for t in texts)
    assert any("svd-derivashun" in t and "not one of the unit's take-aways" in t for t in texts)
    assert any(f":{line_of(unit, 'days: [2]')}:" in t and "days must be [1]" in t for t in texts)


def test_counts_and_missing_fields(copy: Path) -> None:
    unit = copy / "units" / "06-svm.yaml"
    text = unit.read_text(encoding="utf-8")
    start = text.index("flashcards:")
    end = text.index("review:")
    unit.write_text(text[:start] + "flashcards:\n  - id: u06-c1\n    front: x\n" + text[end:], encoding="utf-8")
    pods = copy / "special" / "pods.yaml"
    edit(pods, "trigger: {area: deep_learning, below: 2}", "trigger: {area: deep_learning, below: 9}")
    (copy / "special" / "behavioural.yaml").unlink()
    _, issues = check_content(copy)
    texts = [str(i) for i in issues]
    assert any("06-svm.yaml" in t and "'flashcards' has 1 flashcards, expected at least 8" in t for t in texts)
    assert any("06-svm.yaml" in t and "missing 'back'" in t for t in texts)
    assert any("pods.yaml" in t and "'below' must be a whole number 1..5" in t for t in texts)
    assert any(t.startswith("special/behavioural.yaml:0: the file is missing") for t in texts)


def test_invalid_yaml_names_the_line(copy: Path) -> None:
    unit = copy / "units" / "02-bayes-core.yaml"
    edit(unit, "slug: bayes-core", "slug: [bayes-core")
    _, issues = check_content(copy)
    assert any(i.file == "units/02-bayes-core.yaml" and "invalid YAML" in i.message for i in issues)
    assert any("unit 2 is missing" in i.message for i in issues)


def test_baseline_must_have_six_per_area(copy: Path) -> None:
    baseline = copy / "special" / "baseline.yaml"
    edit(baseline, "area: coding_math", "area: probability")
    _, issues = check_content(copy)
    texts = [i.message for i in issues]
    assert "baseline: 7 items for probability, expected 6" in texts
    assert "baseline: 5 items for coding_math, expected 6" in texts


def test_merged_cards_are_referenced_not_copied(pack: ContentPack) -> None:
    ids = [c.id for c in pack.flashcards()]
    assert len(ids) == len(set(ids))
    for gone in ("u14-c3", "u14-c11", "p-mp-c2", "p-mp-c5", "p-mp-c9", "p-dl-c7", "p-dl-c10"):
        assert gone not in ids
    deck = [c.id for c in pack.deck(pack.unit(14))]
    assert "u07-c5" in deck and "u10-c9" in deck
    assert pack.card("u07-c5") in pack.unit(7).flashcards
    assert {c.id for c in pack.deck(pack.pod("MATH-P"))} >= {"u02-c1", "u02-c2", "u02-c8"}
    with pytest.raises(KeyError):
        pack.card("u14-c3")


def test_an_unknown_card_ref_is_reported_with_its_line(copy: Path) -> None:
    unit = copy / "units" / "14-llm-training.yaml"
    edit(unit, "card_refs: [u07-c5, u10-c9]", "card_refs: [u07-c5, u10-c99]")
    _, issues = check_content(copy)
    line = line_of(unit, "card_refs:")
    assert any(
        i.file == "units/14-llm-training.yaml" and i.line == line and "no card 'u10-c99'" in i.message for i in issues
    )


def test_power_review_set_and_formula_sheet(pack: ContentPack) -> None:
    assert len(pack.explanations) >= 8 and len(pack.formulas) >= 12
    kmeans = pack.item("pr-kmeans")
    assert kmeans.kind == "theory" and kmeans.unit == 5 and kmeans.area == "classical_ml"
    assert kmeans.origin == "power_review"
    assert [f.unit for f in pack.formulas] == sorted(f.unit for f in pack.formulas)
    card = next(c for c in pack.formula_cards() if c.id == "f-attention")
    assert "\\sqrt{d_k}" in card.back and "square root of d k" in card.spoken_back
    assert card.spoken_front.endswith("?")


def test_power_review_file_is_validated(copy: Path) -> None:
    review = copy / "special" / "power_review.yaml"
    edit(review, "  - id: f-softmax\n    unit: 7", "  - id: softmax\n    unit: 70")
    _, issues = check_content(copy)
    line = line_of(review, "- id: softmax")
    texts = {(i.line, i.message) for i in issues if i.file == "special/power_review.yaml"}
    assert (line, "formula softmax: id must look like f-<words joined by hyphens>") in texts
    assert (line + 1, "formula softmax: 'unit' must be a whole number 1..22") in texts


def test_the_ethics_day_has_a_one_pager(pack: ContentPack) -> None:
    ethics = pack.unit(22)
    assert len(ethics.one_pager) >= 10
    assert any("least privilege" in line for line in ethics.one_pager)
    assert all(not u.one_pager for u in pack.units if u.number != 22)
