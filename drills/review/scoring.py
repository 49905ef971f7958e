"""Rubric scoring by a person: per key point (agree with the grader or override it), per
competency (1-4), and comments pinned to a time in the audio. Each call is one transaction in
the caller's session; the inputs are checked here, so a bad request changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from statistics import fmean
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from drills.exceptions import BadRequest, NotFound
from drills.review.views import (
    COMPETENCIES,
    COMPETENCY_SCALE,
    REVIEW_LABELS,
    CommentView,
    PointView,
    ReviewView,
    auto_score,
    iso,
    mentor_score,
)
from drills.store.models import Attempt, utcnow
from drills.store.review_models import CompetencyScore, PointReview, ReviewComment, ShareLink

MAX_COMMENT_CHARS = 2000
LEARNER = "learner"
"""The reviewer name of the learner themselves (on this machine or a paired device)."""


def mentor(link_id: str) -> str:
    """The reviewer name of a mentor who came through share link `link_id`."""
    return f"mentor:{link_id}"


def reviewer_names(db: Session) -> dict[str, str]:
    """Reviewer → how the page names them ("mentor (Sam)" from the share link's note)."""
    names = {LEARNER: "learner"}
    for link in db.scalars(select(ShareLink)):
        names[mentor(link.id)] = f"mentor ({link.note})" if link.note else "mentor"
    return names


def review_view(db: Session, attempt: Attempt, points: list[dict[str, Any]], names: Mapping[str, str]) -> ReviewView:
    rows = {r.point_index: r for r in db.scalars(select(PointReview).where(PointReview.attempt_id == attempt.id))}
    views = point_views(points, rows, names)
    competencies = {
        r.competency: r.score
        for r in db.scalars(select(CompetencyScore).where(CompetencyScore.attempt_id == attempt.id))
    }
    comments = tuple(
        CommentView(c.id, c.at_seconds, c.text, names.get(c.author, c.author), iso(c.created_at))
        for c in db.scalars(
            select(ReviewComment)
            .where(ReviewComment.attempt_id == attempt.id)
            .order_by(ReviewComment.at_seconds.is_(None), ReviewComment.at_seconds, ReviewComment.id)
        )
    )
    grading = attempt.grading if attempt.answer_text is not None else attempt.transcript_grading
    labels = [v.label for v in views]
    overrides = {v.index: v.mentor_label for v in views if v.mentor_label is not None}
    return ReviewView(
        points=views,
        competencies={name: competencies[name] for name in COMPETENCIES if name in competencies},
        comments=comments,
        auto_score=auto_score(grading),
        mentor_score=mentor_score(labels, overrides),
        competency_mean=round(fmean(competencies.values()), 2) if competencies else None,
    )


def set_points(
    db: Session, attempt: Attempt, points: list[dict[str, Any]], labels: Mapping[int, str | None], reviewer: str
) -> None:
    """A person's label per key point index (None withdraws it: the grader's stands again)."""
    if not labels:
        raise BadRequest("Name at least one key point to judge.")
    for index, label in labels.items():
        if not isinstance(index, int) or not 0 <= index < len(points):
            raise BadRequest(f"This answer has {len(points)} key points; there is no point {index}.")
        if label is not None and label not in REVIEW_LABELS:
            raise BadRequest(f"A key point is judged one of {', '.join(REVIEW_LABELS)}.")
    now = utcnow()
    for index, label in labels.items():
        existing = db.scalars(
            select(PointReview).where(PointReview.attempt_id == attempt.id, PointReview.point_index == index)
        ).first()
        if label is None:
            if existing is not None:
                db.delete(existing)
            continue
        auto = str(points[index].get("label", "miss"))
        if existing is None:
            existing = PointReview(attempt_id=attempt.id, learner_id=attempt.learner_id, point_index=index)
            db.add(existing)
        existing.point = str(points[index].get("point", ""))
        existing.auto_label, existing.label = auto, label
        existing.reviewer, existing.reviewed_at = reviewer, now


def set_competencies(db: Session, attempt: Attempt, scores: Mapping[str, int | None], reviewer: str) -> None:
    """1-4 per competency (None withdraws a score)."""
    low, high = COMPETENCY_SCALE
    if not scores:
        raise BadRequest("Name at least one competency to score.")
    for name, score in scores.items():
        if name not in COMPETENCIES:
            raise BadRequest(f"The competencies are {', '.join(COMPETENCIES)}.")
        if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high):
            raise BadRequest(f"A competency is scored {low} to {high}.")
    now = utcnow()
    for name, score in scores.items():
        db.execute(
            delete(CompetencyScore).where(CompetencyScore.attempt_id == attempt.id, CompetencyScore.competency == name)
        )
        if score is not None:
            db.add(
                CompetencyScore(
                    attempt_id=attempt.id,
                    learner_id=attempt.learner_id,
                    competency=name,
                    score=score,
                    reviewer=reviewer,
                    reviewed_at=now,
                )
            )


def add_comment(db: Session, attempt: Attempt, at: float | None, text: str, author: str) -> ReviewComment:
    text = str(text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise BadRequest("A comment needs some text.")
    if len(text) > MAX_COMMENT_CHARS:
        raise BadRequest(f"A comment is at most {MAX_COMMENT_CHARS} characters.")
    if at is not None:
        if isinstance(at, bool) or not isinstance(at, (int, float)) or not 0 <= at <= 24 * 3600:
            raise BadRequest("A comment's time is seconds into the answer's audio.")
        at = round(float(at), 2)
    comment = ReviewComment(
        attempt_id=attempt.id,
        learner_id=attempt.learner_id,
        at_seconds=at,
        text=text,
        author=author,
        created_at=utcnow(),
    )
    db.add(comment)
    db.flush()
    return comment


def delete_comment(db: Session, comment_id: int, attempt_id: str, author: str | None) -> None:
    """Remove a comment on answer `attempt_id`; `author` (a mentor) may remove only their own."""
    comment = db.get(ReviewComment, comment_id) if isinstance(comment_id, int) else None
    if comment is None or comment.attempt_id != attempt_id or (author is not None and comment.author != author):
        raise NotFound("There is no such comment.")
    db.delete(comment)


def point_views(
    points: list[dict[str, Any]], reviews: Mapping[int, PointReview], names: Mapping[str, str]
) -> tuple[PointView, ...]:
    """The checklist: the grader's judgement of each key point beside a person's, if any."""
    out = []
    for index, point in enumerate(points):
        review = reviews.get(index)
        out.append(
            PointView(
                index=index,
                point=str(point.get("point", "")),
                label=str(point.get("label", "miss")),
                confidence=float(point.get("confidence", 1.0)),
                evidence=str(point.get("evidence", "")),
                start=int(point.get("start", -1)),
                end=int(point.get("end", -1)),
                contrast=str(point.get("contrast", "")),
                mentor_label=review.label if review else None,
                reviewer=names.get(review.reviewer, review.reviewer) if review else None,
            )
        )
    return tuple(out)
