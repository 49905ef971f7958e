"""Settings of the review page ([review] in viva.toml)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewOptions:
    retention_days: int = 0
    """Answers (audio, transcript, grading, what was said about them) older than this many days
    are deleted at start-up and daily; 0 keeps everything (the default)."""
    share_days: int = 7
    """How long a new share link works unless another length is asked for."""
    max_share_days: int = 90
    """The longest a share link may work."""
