"""The coverage table of `viva content check`: units × kinds, then special files and days."""

from __future__ import annotations

from collections import Counter

from drills.content_model import BASELINE_AREAS, ContentPack
from drills.seed import BUFFER_DAY, LIGHT_DAY, MOCK_1_DAY, MOCK_2_DAY, POWER_REVIEW_DAY, QUIZ_DAYS

_MINIMUM = {"theory": 4, "design": 1, "eli5": 2, "cards": 8}


def _cell(count: int, column: str) -> str:
    """A count, flagged with '!' when under the schema's minimum."""
    return f"{count}{'!' if count < _MINIMUM[column] else ' '}"


def coverage_table(pack: ContentPack) -> str:
    lines = [
        f"{'unit':>4}  {'days':<6} {'wk':>2}  {'area':<15}{'theory':>7}{'design':>7}{'eli5':>6}{'cards':>7}  title"
    ]
    totals: Counter[str] = Counter()
    for unit in pack.units:
        kinds = Counter(q.kind for q in unit.questions)
        row = {**{k: kinds[k] for k in ("theory", "design", "eli5")}, "cards": len(unit.flashcards)}
        totals.update(row)
        days = ",".join(map(str, unit.days))
        genai = " (Gen-AI day)" if unit.genai_day else ""
        lines.append(
            f"{unit.number:>4}  {days:<6} {unit.week:>2}  {unit.area:<15}"
            f"{_cell(row['theory'], 'theory'):>7}{_cell(row['design'], 'design'):>7}"
            f"{_cell(row['eli5'], 'eli5'):>6}{_cell(row['cards'], 'cards'):>7}  {unit.title}{genai}"
        )
    lines.append(
        f"{'all':>4}  {'':<6} {'':>2}  {'':<15}"
        f"{totals['theory']:>6} {totals['design']:>6} {totals['eli5']:>5} {totals['cards']:>6}"
    )
    per_area = Counter(item.area for item in pack.baseline)
    areas = ", ".join(f"{area} {per_area[area]}" for area in BASELINE_AREAS)
    lines += [
        "",
        f"baseline       {len(pack.baseline)} items ({areas})",
        f"behavioural    {len(pack.behavioural)} questions (mock interviews)",
        f"system design  {len(pack.system_design)} questions (mock interview 2)",
    ]
    points = [p for item in pack.all_items() for p in item.key_points]
    wrong = sum(len(p.wrong) for p in points)
    with_wrong = sum(1 for p in points if p.wrong)
    cards = len(list(pack.flashcards()))
    lines += [
        f"power review   {len(pack.explanations)} sixty-second explanations, {len(pack.formulas)} formulas",
        f"cards          {cards} in all (units and pods, each once)",
        f"rubric         {len(points)} key points, {with_wrong} with wrong versions ({wrong} in all)",
    ]
    for pod in pack.pods:
        lines.append(
            f"pod {pod.id:<10} {len(pod.questions)} questions, {len(pod.flashcards)} cards "
            f"(when {pod.area} < {pod.below})"
        )
    quiz = ", ".join(map(str, QUIZ_DAYS))
    lines += [
        "",
        f"special days   light {LIGHT_DAY}; quiz {quiz}; mock {MOCK_1_DAY} and {MOCK_2_DAY}; "
        f"buffer {BUFFER_DAY}; power review {POWER_REVIEW_DAY}",
    ]
    return "\n".join(lines)
