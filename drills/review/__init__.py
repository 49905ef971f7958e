"""Rubric review of logged answers: the desk (sessions, one answer, a person's rubric), removal
and retention, share links for mentors, exports, and the progress view. Store logic only: the
page and its routes are voicebot/review_routes.py."""

from drills.review.desk import ReviewDesk
from drills.review.options import ReviewOptions
from drills.review.progress import Progress, ProgressView
from drills.review.removal import Removal, Removed, Storage
from drills.review.shares import NewShare, ShareGrant, ShareLinks, ShareRefusal, ShareView
from drills.review.views import COMPETENCIES, AnswerDetail, Filters, ReviewView, SessionSummary

__all__ = [
    "COMPETENCIES",
    "AnswerDetail",
    "Filters",
    "NewShare",
    "Progress",
    "ProgressView",
    "Removal",
    "Removed",
    "ReviewDesk",
    "ReviewOptions",
    "ReviewView",
    "SessionSummary",
    "ShareGrant",
    "ShareLinks",
    "ShareRefusal",
    "ShareView",
    "Storage",
]
