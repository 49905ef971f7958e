"""Exports: a session as Markdown (to read or print) and CSV (one row per answer), and the
grader disagreements as a TSV in the calibration format (`viva grade`'s columns), so a
mentor's overrides can join the calibration set.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from drills.grading.calibration import COLUMNS, heldout_questions
from drills.grading.tsv import write_table
from drills.review.desk import ReviewDesk, graded
from drills.review.scoring import reviewer_names
from drills.review.views import COMPETENCIES, AnswerDetail
from drills.store.models import Attempt
from drills.store.review_models import PointReview

DISAGREEMENT_COLUMNS = (*COLUMNS, "predicted", "reviewer", "reviewed_at")
"""The calibration columns (`label` is the person's), then the grader's label beside it."""
CSV_COLUMNS = (
    "session_id", "started_at", "mode", "position", "try", "answer_id", "question_id", "unit", "kind", "part",
    "status", "prompt", "answer_text", "duration_s", "auto_score_0_5", "mentor_score_0_5", "hits", "partials",
    "misses", "wrongs", *COMPETENCIES, "comments",
)  # fmt: skip


def clock(seconds: float | None) -> str:
    """12.3 → "0:12"."""
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def session_markdown(desk: ReviewDesk, session_id: str) -> str:
    summary = desk.session(session_id)
    answers = [desk.answer(a.id) for a in summary.answers]
    days = ", ".join(str(d) for d in summary.days) or "-"
    lines = [
        f"# Viva session, {(summary.started_at or '')[:10]}",
        "",
        f"Mode: {summary.mode}. Plan day(s): {days}. Units: {', '.join(map(str, summary.units)) or '-'}. "
        f"Answers: {len(answers)}. Mean content score (0-5): automatic {_num(summary.auto_mean)}, "
        f"mentor {_num(summary.mentor_mean)}.",
    ]
    for number, answer in enumerate(answers, 1):
        lines += ["", *_answer_markdown(number, answer)]
    return "\n".join(lines) + "\n"


def _answer_markdown(number: int, answer: AnswerDetail) -> list[str]:
    question, review = answer.question, answer.review
    how = "typed" if answer.typed else f"spoken, {clock(answer.duration)}" if answer.duration else "spoken"
    lines = [
        f"## {number}. {_one_line(question['prompt'])}",
        "",
        f"{question['kind']}, unit {question['unit'] or '-'} ({question['unit_title'] or 'baseline'}), "
        f"{answer.status}. Content score: automatic {_num(review.auto_score)}/5, "
        f"mentor {_num(review.mentor_score)}/5.",
        "",
        f"**Answer** ({how}):",
        "",
        *(f"> {line}" for line in (answer.text or "(nothing was said)").splitlines()),
        "",
        "| key point | grader | mentor | evidence |",
        "|---|---|---|---|",
    ]
    for point in review.points:
        lines.append(f"| {_cell(point.point)} | {point.label} | {point.mentor_label or ''} | {_cell(point.evidence)} |")
    if review.competencies:
        scores = ", ".join(f"{name.replace('_', ' ')} {score}/4" for name, score in review.competencies.items())
        lines += ["", f"Competencies: {scores}."]
    eli5, delivery = answer.grading.get("eli5"), answer.grading.get("delivery")
    if eli5:
        grade, reason = eli5.get("grade_level", ""), eli5.get("reason", "")
        lines += ["", f"ELI5: {eli5.get('verdict', '')} (reading grade {grade}). {reason}"]
    if delivery:
        pace, pauses = _num(delivery.get("words_per_minute")), delivery.get("long_pauses", 0)
        lines += ["", f"Delivery: {delivery.get('words', 0)} words, {pace} words per minute, {pauses} long pauses, "
                      f"{delivery.get('fillers', 0)} fillers."]  # fmt: skip
    if review.comments:
        lines += ["", "Comments:"]
        lines += [f"- [{clock(c.at) or 'answer'}] {c.author}: {_one_line(c.text)}" for c in review.comments]
    lines += ["", f"**Model answer:** {_one_line(question['model_answer'])}"]
    return lines


def session_csv(desk: ReviewDesk, session_id: str) -> str:
    summary = desk.session(session_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for brief in summary.answers:
        answer = desk.answer(brief.id)
        review = answer.review
        labels = [p.mentor_label or p.label for p in review.points]
        row = [
            summary.id, summary.started_at or "", summary.mode, brief.position, brief.try_no, answer.id,
            answer.question["id"], answer.question["unit"] or "", answer.question["kind"], answer.part,
            answer.status, answer.question["prompt"], answer.text, answer.duration or "",
            _num(review.auto_score, ""), _num(review.mentor_score, ""),
            *(labels.count(label) for label in ("hit", "partial", "miss", "wrong")),
            *(review.competencies.get(name, "") for name in COMPETENCIES),
            " | ".join(f"[{clock(c.at) or 'answer'}] {c.author}: {c.text}" for c in review.comments),
        ]  # fmt: skip
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def disagreements_tsv(desk: ReviewDesk, learner_id: str, everything: bool = False) -> str:
    """The person's labels where they differ from the grader's (`everything`: agreements too),
    one row per answer × key point, in the calibration table's columns."""
    heldout = heldout_questions()
    rows = []
    with desk.transaction() as db:
        names = reviewer_names(db)
        query = (
            select(PointReview, Attempt)
            .join(Attempt, Attempt.id == PointReview.attempt_id)
            .where(PointReview.learner_id == learner_id)
            .order_by(PointReview.reviewed_at, PointReview.attempt_id, PointReview.point_index)
        )
        for review, attempt in db.execute(query):
            if review.label == review.auto_label and not everything:
                continue
            text, _ = graded(attempt)
            rows.append(
                {
                    "answer_id": attempt.id,
                    "question": attempt.question_id,
                    "kind": "mentor",
                    "split": "heldout" if attempt.question_id in heldout else "train",
                    "key_point": review.point,
                    "label": review.label,
                    "answer_text": text,
                    "predicted": review.auto_label,
                    "reviewer": names.get(review.reviewer, review.reviewer),
                    "reviewed_at": (review.reviewed_at.isoformat() if review.reviewed_at else ""),
                }
            )
    return write_table(DISAGREEMENT_COLUMNS, rows)


def _num(value: float | None, missing: str = "-") -> str:
    if value is None:
        return missing
    return f"{value:g}" if isinstance(value, int) else f"{value:.1f}"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def _safe(value: object) -> object:
    """A cell a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
