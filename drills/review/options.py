"""Settings of the review page ([review] in viva.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReviewOptions:
    retention_days: int = 0
    """Answers (audio, transcript, grading, what was said about them) older than this many days
    are deleted at start-up and daily; 0 keeps everything (the default)."""
    share_days: int = 7
    """How long a new share link works unless another length is asked for."""
    max_share_days: int = 90
    """The longest a share link may work."""
    share_key: str = field(default="", repr=False)
    """What share links are signed with (at least 32 characters); empty = derived from the
    install's secret. Workers with their own data directories behind one load balancer set the
    same one (`VIVA_REVIEW__SHARE_KEY`), or a link works only on the worker that made it."""
