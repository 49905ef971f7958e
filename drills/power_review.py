"""`special/power_review.yaml`: the power-review day's 60-second explanations and formula sheet.

The explanations are theory questions that each name their unit, so the plan can pick the
learner's weakest topics; the formula sheet is read on screen (`formula_sheet`) or heard
(each formula's `spoken` line, also served as a card by `ContentPack.formula_cards`).
"""

from __future__ import annotations

from collections.abc import Mapping

from yaml.nodes import Node

from drills.content_model import ContentPack, Formula, Question
from drills.content_parse import SLUG, QuestionRules, check_review, parse_questions
from drills.content_yaml import Fields, Issues

MIN_EXPLANATIONS = 8
MIN_FORMULAS = 12


def parse_power_review(
    node: Node | None, issues: Issues, unit_areas: Mapping[int, str]
) -> tuple[tuple[Question, ...], tuple[Formula, ...]]:
    if node is None:
        return (), ()
    f = Fields(node, issues, "power review", ("explanations", "formulas", "review"))
    rules = QuestionRules(kinds=("theory",), origin="power_review", unit_areas=unit_areas)
    explanations = parse_questions(f, rules, MIN_EXPLANATIONS, key="explanations")
    formulas = []
    for formula_node in f.nodes("formulas", MIN_FORMULAS, None, "formulas"):
        g = Fields(formula_node, issues, "formula", ("id", "unit", "name", "written", "spoken"))
        fid = g.text("id")
        g.what = f"formula {fid}"
        if fid and not (SLUG.match(fid) and fid.startswith("f-")):
            issues.add(g.at("id"), f"{g.what}: id must look like f-<words joined by hyphens>")
        unit = g.integer("unit", 1, max(unit_areas, default=1)) or 0
        formulas.append(
            Formula(
                fid,
                g.text("name"),
                g.text("written"),
                g.text("spoken"),
                unit,
                issues.file,
                formula_node.start_mark.line + 1,
            )
        )
    check_review(f)
    return explanations, tuple(sorted(formulas, key=lambda x: x.unit))


def formula_sheet(pack: ContentPack, spoken: bool = False) -> str:
    """The formula sheet as Markdown, grouped by unit; `spoken` gives the words to hear instead."""
    lines: list[str] = []
    current = None
    for formula in pack.formulas:
        if formula.unit != current:
            current = formula.unit
            lines += ["", f"## {current}. {pack.unit(current).title}"] if not spoken else [""]
        lines.append(f"{formula.name}. {formula.spoken}" if spoken else f"- **{formula.name}**: {formula.written}")
    return "\n".join(lines).strip() + "\n"
