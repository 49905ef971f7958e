"""Everything the learner hears from the study service: short spoken sentences, no markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from drills.grading import GradeResult
from drills.grading.text import STOPWORDS
from drills.plan import PlanDay, area_name
from drills.seed import PLAN_DAYS

_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
NEXT_STEP = "Say 'answer' for a model answer, or 'next' to continue."


def number(n: int) -> str:
    """Small counts as words ("three questions"); larger ones as digits."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def plural(n: int, noun: str) -> str:
    return f"{number(n)} {noun}" if n == 1 else f"{number(n)} {noun}s"


def say(text: str) -> str:
    """Symbols read as words: "Entropy & Trees" → "Entropy and Trees"."""
    return " ".join(text.replace("&", " and ").replace(" + ", " and ").split())


def percent(score: float) -> str:
    return f"{round(score * 100)} percent"


def join_words(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _all_of(total: int) -> str:
    if total <= 1:
        return "the key point"
    return "both key points" if total == 2 else f"all {plural(total, 'key point')}"


def feedback(grade: GradeResult) -> str:
    """One or two sentences on the content, a delivery note when it matters, then what to say next.

    A wrong statement comes first, named gently and corrected, and an answer with one never
    hears "Excellent". Otherwise: what was covered and the most important point missed (the
    first one in rubric order); the rest are counted (the model answer has them)."""
    total = len(grade.covered) + len(grade.missed)
    wrong = grade.wrong
    missed = [p for p in grade.missed if p not in {w.point for w in wrong}]
    if wrong:
        head = correction(wrong[0].evidence, wrong[0].point)
        if grade.covered:
            head = f"You covered {number(len(grade.covered))} of {plural(total, 'key point')}. {head}"
    elif not grade.missed:
        head = f"Excellent: you covered {_all_of(total)}."
    elif not grade.covered:
        touched = grade.partial
        if touched:
            head = "You touched on the main idea but did not state it. The key point is: " + _sentence(missed[0])
        else:
            head = "That missed the key points. The main one is: " + _sentence(missed[0])
        head += _more(len(missed) - 1)
    else:
        head = f"Good: you covered {number(len(grade.covered))} of {plural(total, 'key point')}, "
        head += "including: " + _sentence(grade.covered[0])
        head += " You missed: " + _sentence(missed[0]) + _more(len(missed) - 1)
    jargon = ""
    if grade.jargon_used:
        jargon = f" You still used the words {join_words(list(grade.jargon_used))}."
    delivery = f" {grade.delivery.note}" if grade.delivery and grade.delivery.note else ""
    return f"{head}{jargon}{delivery} {NEXT_STEP}"


def correction(said: str, point: str) -> str:
    """ "One correction: you said <their words>; in fact, <the key point>." """
    words = said.strip().rstrip(".,;:!?").split()
    quote = " ".join(words[:16]) if words else "something that isn't right"
    first, _, rest = point.strip().partition(" ")
    fact = (first.lower() if first.lower() in STOPWORDS else first) + (" " + rest if rest else "")
    return f"One correction: you said {quote}; in fact, {_sentence(fact)}"


def _more(count: int) -> str:
    if count <= 0:
        return ""
    return f" There {'is' if count == 1 else 'are'} {number(count)} more in the model answer."


def jargon_retry(jargon: Sequence[str]) -> str:
    return f"Nice. Now try it again without the words {join_words(list(jargon))}."


def baseline_ack() -> str:
    return "Thanks, noted. Say 'next' for the next question."


def no_more_hints(kind: str) -> str:
    if kind == "baseline":
        return "There are no hints in the baseline. Give it your best guess, or say 'skip'."
    return "No more hints for this one. Say 'answer' for a model answer, or 'skip'."


ELI5_HINT = "Think of something from everyday life that works the same way, and describe that."


def day_summary(plan_day: PlanDay, days: Sequence[int], pod_titles: Sequence[str]) -> str:
    """The plan endpoint's spoken summary of today."""
    day, kind = plan_day.day, plan_day.day_type
    title = say(plan_day.title)
    lead = f"Day {day} of {PLAN_DAYS}"
    texts = {
        "topic": f"{lead}: {title}. Today's drill is one theory, one design and one explain-it-like-I'm-five question.",
        "quiz": f"{lead}: {title}. Three drill questions, then the mid-week quiz: five questions "
        "on this week's topics. You need 80 percent to move on.",
        "light": f"{lead} is a light day: a short review of your weakest answers.",
        "pod": f"{lead} is a remedial pod: {say(join_words(list(pod_titles)))}.",
        "remedial": f"{lead} is a remedial focus on {title.removeprefix('Remedial focus: ')}.",
        "mock": f"{lead}: {title}. Answer each question as you would in the real interview.",
        "buffer": f"{lead} is the buffer day, to plug the gaps from your mock and quizzes.",
        "power_review": f"{lead} is the power review: quick questions, weakest topics first.",
        "done": f"You have finished all {PLAN_DAYS} days. Good luck in your interview!",
    }
    text = texts[kind]
    if len(days) > 1:
        text += f" You are doubling up, so this session covers days {days[0]} and {days[1]}."
    return text


def session_intro(mode: str, label: str, total: int) -> str:
    count = plural(total, "question")
    if mode == "baseline":
        return (
            f"The baseline assessment: {count} across five areas. Answer each in a sentence or two. Here is the first."
        )
    if mode == "eli5":
        return f"Explain it like I'm five: {say(label)}. {count.capitalize()}. Keep it simple. Here is the first."
    return f"{say(label)}. {count.capitalize()} today. Here is the first."


def quiz_result(score: float, passed: bool, weak_titles: Sequence[str], moved: str | None) -> str:
    if passed:
        return f"Quiz score: {percent(score)}. That's a pass, so you move on."
    text = f"Quiz score: {percent(score)}, under 80. "
    text += f"Tomorrow is a remedial focus on {say(join_words(list(weak_titles)))}."
    if moved:
        text += f" {say(moved)} moves to the buffer day."
    return text


def mock_result(area_scores: Mapping[str, float], red_zones: Sequence[str], remedial: bool) -> str:
    parts = [f"{area_name(a)} {percent(s)}" for a, s in sorted(area_scores.items())]
    text = "Scorecard: " + ", ".join(parts) + "."
    if red_zones:
        names = join_words([area_name(a) for a in red_zones])
        text += f" Red zones: {names}."
        if remedial:
            text += " The buffer day will work on them."
    else:
        text += " No red zones. Well done."
    return text


def baseline_result(gap: Mapping[str, int], pods: Sequence[tuple[str, int]]) -> str:
    scores = ", ".join(f"{area_name(a)} {s} of 5" for a, s in gap.items())
    text = f"Baseline done. {scores}."
    for title, day in pods:
        text += f" I've added the {say(title).lower()} on day {day}."
    return text


def session_done(mode: str, average: float, notes: Sequence[str], next_day: int) -> str:
    what = {
        "drill": "That's today's session done",
        "eli5": "That's the explain-it-simply round done",
    }
    text = what.get(mode, "That's the baseline done")
    text += f": you covered {percent(average)} of the key points on average."
    for note in notes:
        text += " " + note
    if mode == "drill":
        if next_day > PLAN_DAYS:
            text += " That was the last plan day. Good luck in your interview!"
        else:
            text += f" Next up is day {next_day}."
    return text


def progress(
    finished: int,
    scores: Sequence[float],
    gap: Mapping[str, int],
    next_day: PlanDay,
    fit_message: str | None,
) -> str:
    text = f"You have finished {plural(finished, 'day')} of {PLAN_DAYS}"
    text += f", averaging {percent(sum(scores) / len(scores))}." if scores else "."
    if next_day.day_type == "done":
        text += " The plan is complete."
    else:
        text += f" Next up is day {next_day.day}: {say(next_day.title)}."
    if gap:
        weakest = min(gap, key=lambda a: (gap[a], a))
        text += f" Your weakest baseline area was {area_name(weakest)}, {gap[weakest]} of 5."
    else:
        text += " You haven't taken the baseline assessment yet."
    if fit_message:
        text += " " + fit_message
    return text


def stopped(done: int, total: int) -> str:
    return (
        f"Stopped after {number(done)} of {plural(total, 'question')}. Your answers are saved. "
        "Say 'start' when you want to pick up again."
    )
