"""Load and validate the whole content pack; every problem is collected with its file and line.

`load_pack()` is cached per directory (keyed on the files' sizes and mtimes), so the API and
the CLI can call it freely; an edited file is picked up on the next call.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from pathlib import Path

from yaml.nodes import Node, ScalarNode

from drills.content_model import (
    BASELINE_AREAS,
    POD_IDS,
    UNIT_AREAS,
    BaselineItem,
    ContentPack,
    Pod,
    Question,
    Takeaway,
    Unit,
)
from drills.content_parse import (
    SLUG,
    QuestionRules,
    check_review,
    parse_card_refs,
    parse_flashcards,
    parse_key_points,
    parse_questions,
)
from drills.content_yaml import Fields, Issues, compose_file, scalar_value
from drills.exceptions import ContentError, ContentIssue
from drills.power_review import parse_power_review
from drills.seed import SEED_UNITS

CONTENT_DIR = Path(__file__).resolve().parent / "content"
UNIT_COUNT = len(SEED_UNITS)
SPECIAL_FILES = ("baseline.yaml", "behavioural.yaml", "system_design.yaml", "pods.yaml", "power_review.yaml")
BASELINE_ITEMS = 30
BASELINE_PER_AREA = 6
_UNIT_FILE = re.compile(r"^(\d\d)-([a-z0-9-]+)\.yaml$")
_UNIT_KEYS = (
    "unit", "slug", "title", "days", "week", "area", "genai_day",
    "takeaways", "questions", "flashcards", "review",
)  # fmt: skip
_UNIT_OPTIONAL = ("card_refs", "one_pager")
_MIN_KINDS = {"theory": 4, "design": 1, "eli5": 2}
_MIN_UNIT_CARDS = 8


def load_pack(directory: Path | None = None) -> ContentPack:
    """The validated pack; raises `ContentError` listing every problem."""
    pack, issues = check_content(directory)
    if issues or pack is None:
        raise ContentError(issues)
    return pack


_cache: dict[Path, tuple[tuple, ContentPack | None, tuple[ContentIssue, ...]]] = {}
_cache_lock = threading.Lock()


def check_content(
    directory: Path | None = None,
) -> tuple[ContentPack | None, tuple[ContentIssue, ...]]:
    """Parse and validate; returns the pack (None when unusable) and the sorted issues."""
    root = (directory or CONTENT_DIR).resolve()
    files = sorted(root.glob("*/*.yaml"))
    fingerprint = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    with _cache_lock:
        cached = _cache.get(root)
        if cached and cached[0] == fingerprint:
            return cached[1], cached[2]
        pack, issues = _load(root)
        _cache[root] = (fingerprint, pack, issues)
        return pack, issues


def _load(root: Path) -> tuple[ContentPack | None, tuple[ContentIssue, ...]]:
    sink: list[ContentIssue] = []
    units = _load_units(root, sink)
    specials: dict[str, Node | None] = {}
    for name in SPECIAL_FILES:
        issues = Issues(f"special/{name}", sink)
        path = root / "special" / name
        if not path.is_file():
            issues.add(0, "the file is missing")
            specials[name] = None
            continue
        specials[name] = compose_file(path, issues)
    for extra in sorted((root / "special").glob("*.yaml")):
        if extra.name not in SPECIAL_FILES:
            Issues(f"special/{extra.name}", sink).add(0, "unknown special file")
    baseline = _parse_baseline(specials["baseline.yaml"], Issues("special/baseline.yaml", sink))
    behavioural = _parse_special(specials["behavioural.yaml"], "behavioural", 6, sink)
    system_design = _parse_special(specials["system_design.yaml"], "system_design", 4, sink)
    pods = _parse_pods(specials["pods.yaml"], Issues("special/pods.yaml", sink))
    explanations, formulas = parse_power_review(
        specials["power_review.yaml"], Issues("special/power_review.yaml", sink), {u.number: u.area for u in units}
    )
    pack = ContentPack(root, units, baseline, behavioural, system_design, pods, explanations, formulas)
    _check_unique_ids(pack, sink)
    _check_card_refs(pack, sink)
    usable = len(units) == UNIT_COUNT and bool(baseline)
    return (pack if usable else None), tuple(sorted(set(sink)))


def _load_units(root: Path, sink: list[ContentIssue]) -> tuple[Unit, ...]:
    units: list[Unit] = []
    for path in sorted((root / "units").glob("*.yaml")):
        issues = Issues(f"units/{path.name}", sink)
        if not _UNIT_FILE.match(path.name):
            issues.add(0, "unit files are named NN-<slug>.yaml")
            continue
        node = compose_file(path, issues)
        if node is not None and (unit := _parse_unit(node, issues, path.name)) is not None:
            units.append(unit)
    numbers = Counter(u.number for u in units)
    for number in range(1, UNIT_COUNT + 1):
        if numbers[number] == 0:
            Issues("units", sink).add(0, f"unit {number} is missing (22 units, one file each)")
    for number, count in numbers.items():
        if count > 1:
            Issues("units", sink).add(0, f"unit {number} appears in {count} files")
    for slug, count in Counter(u.slug for u in units).items():
        if count > 1:
            Issues("units", sink).add(0, f"slug '{slug}' is used by {count} units")
    return tuple(sorted(units, key=lambda u: u.number))


def _parse_unit(node: Node, issues: Issues, filename: str) -> Unit | None:
    f = Fields(node, issues, "unit", _UNIT_KEYS, _UNIT_OPTIONAL)
    number = f.integer("unit", 1, UNIT_COUNT)
    slug = f.text("slug")
    if slug and not SLUG.match(slug):
        issues.add(f.at("slug"), "unit: slug must be lowercase words joined by hyphens")
    if number and slug and filename != f"{number:02d}-{slug}.yaml":
        issues.add(f.at("slug"), f"unit: the file must be named {number:02d}-{slug}.yaml")
    days = _days(f)
    week = f.integer("week", 1, 5)
    area = f.text("area")
    if area and area not in UNIT_AREAS:
        issues.add(f.at("area"), f"unit: area '{area}' is not one of {', '.join(UNIT_AREAS)}")
    genai_day = f.boolean("genai_day")
    if number is not None:
        _check_against_seed(f, number, days, week, genai_day)
    takeaways = _takeaways(f)
    rules = QuestionRules(
        kinds=("theory", "design", "eli5"),
        origin="unit",
        unit=number,
        area=area or None,
        takeaways=frozenset(t.id for t in takeaways),
    )
    questions = parse_questions(f, rules)
    counts: Counter[str] = Counter(q.kind for q in questions)
    for kind, least in _MIN_KINDS.items():
        if f.has("questions") and counts[kind] < least:
            issues.add(
                f.at("questions"),
                f"unit: {counts[kind]} {kind} questions, expected at least {least}",
            )
    prefix = f"u{number:02d}-c" if number else None
    flashcards = parse_flashcards(f, _MIN_UNIT_CARDS, prefix)
    card_refs = parse_card_refs(f)
    check_review(f)
    if number is None:
        return None
    return Unit(
        number,
        slug,
        f.text("title"),
        days,
        week or 0,
        area,
        genai_day,
        takeaways,
        questions,
        flashcards,
        card_refs,
        f.texts("one_pager", 3),
        issues.file,
        _line(f, "card_refs"),
        _line(f, "one_pager"),
    )


def _line(f: Fields, key: str) -> int:
    node = f.values.get(key)
    return node.start_mark.line + 1 if node is not None else 0


def _days(f: Fields) -> tuple[int, ...]:
    days = []
    for node in f.nodes("days", 1, 2, "days"):
        value = scalar_value(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 31:
            f.issues.add(node, "unit: days are plan days 1..31")
            continue
        days.append(value)
    if len(days) == 2 and days[1] != days[0] + 1:
        f.issues.add(f.at("days"), "unit: a weekend unit has two consecutive days")
    return tuple(days)


def _check_against_seed(f: Fields, number: int, days: tuple[int, ...], week: int | None, genai: bool) -> None:
    row = SEED_UNITS[number - 1]
    if days and days != row.days:
        wanted = ", ".join(map(str, row.days))
        f.issues.add(f.at("days"), f"unit: days must be [{wanted}] (the seed's {row.dates}, 6 Aug = day 1)")
    if week is not None and week != row.week:
        f.issues.add(f.at("week"), f"unit: the seed puts unit {number} in week {row.week}")
    if f.has("genai_day") and genai != row.genai_day:
        f.issues.add(f.at("genai_day"), f"unit: genai_day must be {str(row.genai_day).lower()} (seed)")


def _takeaways(f: Fields) -> tuple[Takeaway, ...]:
    takeaways: list[Takeaway] = []
    for node in f.nodes("takeaways", 1, None, "take-aways"):
        t = Fields(node, f.issues, "take-away", ("id", "text"), ("note",))
        tid = t.text("id")
        if tid and not SLUG.match(tid):
            f.issues.add(t.at("id"), f"take-away {tid}: id must be lowercase words joined by hyphens")
        if tid and any(x.id == tid for x in takeaways):
            f.issues.add(t.at("id"), f"take-away {tid}: duplicate id in this unit")
        takeaways.append(Takeaway(tid, t.text("text"), t.optional_text("note")))
    return tuple(takeaways)


def _parse_baseline(node: Node | None, issues: Issues) -> tuple[BaselineItem, ...]:
    if node is None:
        return ()
    f = Fields(node, issues, "baseline", ("items", "review"))
    items = []
    for item_node in f.nodes("items", BASELINE_ITEMS, BASELINE_ITEMS, "items"):
        item = Fields(
            item_node,
            issues,
            "baseline item",
            ("id", "area", "prompt", "terms", "key_points", "model_answer"),
        )
        item_id = item.text("id")
        item.what = f"baseline item {item_id}"
        if item_id and not SLUG.match(item_id):
            issues.add(item.at("id"), f"{item.what}: id must be lowercase words joined by hyphens")
        area = item.text("area")
        if area and area not in BASELINE_AREAS:
            issues.add(item.at("area"), f"{item.what}: area must be one of {', '.join(BASELINE_AREAS)}")
        items.append(
            BaselineItem(
                id=item_id,
                area=area,
                prompt=item.text("prompt"),
                terms=item.texts("terms", 1, 8),
                key_points=parse_key_points(item, 1, 3),
                model_answer=item.text("model_answer"),
                file=issues.file,
                line=item_node.start_mark.line + 1,
            )
        )
    per_area = Counter(i.area for i in items)
    for area in BASELINE_AREAS:
        if f.has("items") and per_area[area] != BASELINE_PER_AREA:
            issues.add(
                f.at("items"),
                f"baseline: {per_area[area]} items for {area}, expected {BASELINE_PER_AREA}",
            )
    check_review(f)
    return tuple(items)


def _parse_special(node: Node | None, name: str, least: int, sink: list[ContentIssue]) -> tuple[Question, ...]:
    if node is None:
        return ()
    issues = Issues(f"special/{name}.yaml", sink)
    f = Fields(node, issues, name.replace("_", " "), ("questions", "review"))
    kind = "behavioural" if name == "behavioural" else "design"
    questions = parse_questions(f, QuestionRules(kinds=(kind,), origin=name), least)
    check_review(f)
    return questions


def _parse_pods(node: Node | None, issues: Issues) -> tuple[Pod, ...]:
    if node is None:
        return ()
    f = Fields(node, issues, "pods", ("pods", "review"))
    pods = []
    for pod_node in f.nodes("pods", len(POD_IDS), len(POD_IDS), "pods"):
        p = Fields(
            pod_node,
            issues,
            "pod",
            ("id", "title", "trigger", "content", "questions", "flashcards"),
            ("card_refs",),
        )
        pod_id = p.text("id")
        p.what = f"pod {pod_id}"
        if pod_id and pod_id not in POD_IDS:
            issues.add(p.at("id"), f"pod: id must be one of {', '.join(POD_IDS)}")
        trigger = (
            Fields(p.values.get("trigger"), issues, f"{p.what} trigger", ("area", "below"))
            if p.has("trigger")
            else None
        )
        area = trigger.text("area") if trigger else ""
        if area and area not in BASELINE_AREAS:
            issues.add(
                trigger.at("area") if trigger else None,
                f"{p.what}: trigger area must be a baseline area",
            )
        below = (trigger.integer("below", 1, 5) if trigger else None) or 0
        questions = parse_questions(p, QuestionRules(kinds=("theory",), origin=f"pod:{pod_id}", area=area), 4)
        pods.append(
            Pod(
                pod_id,
                p.text("title"),
                area,
                below,
                p.text("content"),
                questions,
                parse_flashcards(p, 6),
                parse_card_refs(p),
                issues.file,
                _line(p, "card_refs"),
            )
        )
    found = Counter(pod.id for pod in pods)
    for pod_id in POD_IDS:
        if f.has("pods") and found[pod_id] != 1:
            issues.add(f.at("pods"), f"pods: {pod_id} must appear exactly once (found {found[pod_id]})")
    check_review(f)
    return tuple(pods)


def _check_unique_ids(pack: ContentPack, sink: list[ContentIssue]) -> None:
    """Ids are global: attempts and flashcard reviews refer to them without a file."""
    seen: dict[str, tuple[str, int]] = {}

    def visit(item_id: str, file: str, line: int) -> None:
        if not item_id:
            return
        if item_id in seen:
            first_file, first_line = seen[item_id]
            sink.append(ContentIssue(file, line, f"id '{item_id}' is already used at {first_file}:{first_line}"))
        else:
            seen[item_id] = (file, line)

    for item in pack.all_items():
        visit(item.id, item.file, item.line)
    for card in pack.flashcards():
        visit(card.id, card.file, card.line)
    for formula in pack.formulas:
        visit(formula.id, formula.file, formula.line)


def _check_card_refs(pack: ContentPack, sink: list[ContentIssue]) -> None:
    """A referenced card must exist elsewhere; a deck must not reference its own card."""
    owners: list[Unit | Pod] = [*pack.units, *pack.pods]
    for owner in owners:
        own = {c.id for c in owner.flashcards}
        for ref in owner.card_refs:
            try:
                pack.card(ref)
            except KeyError:
                sink.append(ContentIssue(owner.file, owner.refs_line, f"card_refs: no card '{ref}' in the pack"))
                continue
            if ref in own:
                sink.append(ContentIssue(owner.file, owner.refs_line, f"card_refs: '{ref}' is this deck's own card"))
