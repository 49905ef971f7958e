"""Who is asking: every request to the page server resolves to one `Principal` (or none).

- Served on loopback only (the default), the person at the machine is `LOCAL`: every learner,
  profile creation, no login.
- In phone mode (bound beyond loopback, or `server.pairing = "always"`), only a paired device
  gets in: its cookie names a device bound to one learner, and it may list and act as that
  learner only (study, and review its own answers).
- A mentor who opened a share link (drills/review/shares.py) may read, score and comment on one
  learner's answers, nothing else: no study, no deleting, no links, no profiles.
- A metrics scraper presenting `server.metrics_token` as a bearer token reads the metrics
  routes and nothing else.

The routes ask `allows(scope, learner_id)` and never look at the kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    LOCAL = "local"
    DEVICE = "device"
    SCRAPER = "scraper"
    MENTOR = "mentor"


class Scope(StrEnum):
    STUDY = "study"
    """Start voice sessions and answer questions."""
    PROFILES = "profiles"
    """Create learner profiles."""
    METRICS = "metrics"
    """Read the server's timing metrics."""
    REVIEW = "review"
    """Read logged answers (transcripts, audio, grading, progress) and export them."""
    SCORE = "score"
    """Judge key points, score competencies, comment."""
    MANAGE = "manage"
    """Delete answers, see storage, make and revoke share links."""


@dataclass(frozen=True)
class Principal:
    kind: Kind
    scopes: frozenset[Scope]
    learner_id: str | None = None
    """The one learner this principal may see; None = every learner on this machine."""
    device_id: str | None = field(default=None, compare=False)
    link_id: str | None = field(default=None, compare=False)
    """A mentor's share link."""

    def sees(self, learner_id: str) -> bool:
        return self.learner_id is None or self.learner_id == learner_id

    def allows(self, scope: Scope, learner_id: str | None = None) -> bool:
        """`scope` is granted, for `learner_id` when one is named."""
        return scope in self.scopes and (learner_id is None or self.sees(learner_id))

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "learner_id": self.learner_id,
            "device_id": self.device_id,
            "link_id": self.link_id,
            "scopes": sorted(scope.value for scope in self.scopes),
        }


LOCAL = Principal(Kind.LOCAL, frozenset(Scope))


def device(device_id: str, learner_id: str) -> Principal:
    scopes = frozenset({Scope.STUDY, Scope.REVIEW, Scope.SCORE, Scope.MANAGE})
    return Principal(Kind.DEVICE, scopes, learner_id, device_id)


def mentor(link_id: str, learner_id: str) -> Principal:
    return Principal(Kind.MENTOR, frozenset({Scope.REVIEW, Scope.SCORE}), learner_id, link_id=link_id)


SCRAPER = Principal(Kind.SCRAPER, frozenset({Scope.METRICS}), learner_id="")
"""A metrics scraper (Prometheus) with `server.metrics_token`: the metrics routes only, no
learner (the doors grant it on those paths alone; `learner_id=""` matches no learner)."""


@dataclass(frozen=True)
class Refusal:
    """Why a request has no principal; `reason` is machine-readable for the page."""

    reason: str
    """`unpaired` (no or unknown cookie), `revoked` (the device was revoked) or `share-ended`
    (a mentor's link that is tampered with, expired or revoked)."""
    message: str
    status: int = 401
    """401: pair this device; 403: this share link opens nothing any more."""
