"""Share links: a mentor reads, scores and comments on one learner's answers, nothing else.

A link's token is `<payload>.<signature>`, both base64url: the payload names the link, the
learner and the expiry; the signature is HMAC-SHA256 under a key derived from the install's
secret (drills/keys.py). Checking a token needs the signature (a tampered token fails before
any lookup), the expiry, and the link's row: the store keeps only the token's SHA-256, so the
learner can list and revoke links and a revoked one stops at its next request. The token is
shown once, when the link is made; it travels in the link's fragment and then in a cookie,
never in a request line, so no server or proxy log can hold it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from drills import ids
from drills.exceptions import BadRequest, NotFound
from drills.review.options import ReviewOptions
from drills.review.views import iso
from drills.store.models import Learner, utcnow
from drills.store.review_models import ShareLink

MAX_TOKEN_CHARS = 300
MAX_NOTE_CHARS = 200
USED_EVERY = timedelta(minutes=1)
"""`last_used_at` is written at most this often per link."""


@dataclass(frozen=True)
class ShareView:
    id: str
    learner_id: str
    learner_name: str
    note: str
    created_at: str | None
    expires_at: str | None
    last_used_at: str | None
    status: str
    """active | expired | revoked."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NewShare:
    token: str
    """Shown once (the link is `<Viva's address>/share#<token>`), never stored."""
    link: ShareView


@dataclass(frozen=True)
class ShareGrant:
    """A valid token: the link and the one learner it opens."""

    link_id: str
    learner_id: str
    expires_at: datetime


@dataclass(frozen=True)
class ShareRefusal:
    reason: str
    """malformed | tampered | expired | revoked | unknown."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ShareLinks:
    """Blocking store calls (the server runs them in a worker thread)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        key: bytes,
        options: ReviewOptions | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        if len(key) < 32:
            raise ValueError("a share-link key needs at least 32 bytes")
        self._sessions = session_factory
        self._key = key
        self.options = options or ReviewOptions()
        self._now = now

    @contextmanager
    def _db(self) -> Iterator[Session]:
        with self._sessions.begin() as db:
            yield db

    def create(self, learner_id: str, days: int | None = None, note: str = "") -> NewShare:
        days = self.options.share_days if days is None else days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= self.options.max_share_days:
            raise BadRequest(f"A share link works for 1 to {self.options.max_share_days} days.")
        note = " ".join(str(note or "").split())[:MAX_NOTE_CHARS]
        now = self._now()
        expires = (now + timedelta(days=days)).replace(microsecond=0)
        with self._db() as db:
            learner = db.get(Learner, ids.learner_id(learner_id))
            if learner is None:
                raise NotFound("There is no such learner.")
            link_id = secrets.token_hex(4)
            token = self._sign(f"{link_id}.{learner.id}.{int(expires.timestamp())}.{secrets.token_urlsafe(16)}")
            row = ShareLink(
                id=link_id,
                learner_id=learner.id,
                token_hash=_digest(token),
                note=note,
                created_at=now,
                expires_at=expires,
            )
            db.add(row)
            db.flush()
            return NewShare(token, self._view(row, learner.name))

    def check(self, token: str) -> ShareGrant | ShareRefusal:
        """What `token` opens, or why it opens nothing."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
            return ShareRefusal("malformed")
        payload_text, signature = token.split(".")
        try:
            payload = _unb64(payload_text)
            given = _unb64(signature)
        except ValueError:
            return ShareRefusal("malformed")
        if not hmac.compare_digest(given, hmac.new(self._key, payload, hashlib.sha256).digest()):
            return ShareRefusal("tampered")
        try:
            link_id, learner_id, expires_text, _ = payload.decode().split(".", 3)
            expires = datetime.fromtimestamp(int(expires_text), UTC)
        except ValueError:
            return ShareRefusal("malformed")
        now = self._now()
        if _aware(now) >= expires:
            return ShareRefusal("expired")
        with self._db() as db:
            row = db.get(ShareLink, link_id)
            if row is None or row.learner_id != learner_id or not hmac.compare_digest(row.token_hash, _digest(token)):
                return ShareRefusal("unknown")
            if row.revoked_at is not None:
                return ShareRefusal("revoked")
            if _aware(now) >= _aware(row.expires_at):
                return ShareRefusal("expired")
            seen = row.last_used_at
            if seen is None or _aware(seen) < _aware(now) - USED_EVERY:
                row.last_used_at = now
            return ShareGrant(row.id, row.learner_id, _aware(row.expires_at))

    def list(self, learner_id: str | None = None) -> list[ShareView]:
        """The links (of one learner, or all), newest first."""
        with self._db() as db:
            query = select(ShareLink, Learner.name).join(Learner).order_by(ShareLink.created_at.desc())
            if learner_id is not None:
                query = query.where(ShareLink.learner_id == learner_id)
            return [self._view(row, name) for row, name in db.execute(query)]

    def revoke(self, link_id: str, learner_id: str | None = None) -> ShareView:
        """Revoke a link (of `learner_id`, when given): its next request is refused."""
        with self._db() as db:
            row = db.get(ShareLink, link_id) if isinstance(link_id, str) and len(link_id) <= 16 else None
            if row is None or (learner_id is not None and row.learner_id != learner_id):
                raise NotFound("There is no such share link.")
            if row.revoked_at is None:
                row.revoked_at = self._now()
            learner = db.get(Learner, row.learner_id)
            return self._view(row, learner.name if learner else row.learner_id)

    # -- helpers ------------------------------------------------------------------------------

    def _sign(self, payload: str) -> str:
        data = payload.encode()
        return f"{_b64(data)}.{_b64(hmac.new(self._key, data, hashlib.sha256).digest())}"

    def _view(self, row: ShareLink, learner_name: str) -> ShareView:
        if row.revoked_at is not None:
            status = "revoked"
        elif _aware(self._now()) >= _aware(row.expires_at):
            status = "expired"
        else:
            status = "active"
        return ShareView(
            row.id,
            row.learner_id,
            learner_name,
            row.note,
            iso(row.created_at),
            iso(row.expires_at),
            iso(row.last_used_at),
            status,
        )
