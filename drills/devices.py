"""Paired devices and pairing codes: who may use Viva from another machine (phone mode).

A pairing code is eight digits, shown once in the terminal, stored only as its SHA-256, valid
for a few minutes and used at most once (a conditional UPDATE, so two phones racing for one
code cannot both win). Redeeming it makes a device: a random 256-bit token for the phone's
cookie, stored only as its SHA-256, bound to one learner. The CLI (`viva pair`, `viva
devices`) and the server share this store, so a code printed by the CLI works in the
running server and a revocation takes effect on the device's next request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from drills.store.models import Device, Learner, PairingCode, utcnow

CODE_DIGITS = 8
CODE_TTL = timedelta(minutes=10)
SEEN_EVERY = timedelta(minutes=1)
"""`last_seen_at` is written at most this often per device (not on every request)."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_code(code: str) -> str:
    """What the learner typed, without spaces or dashes ("1234 5678" → "12345678")."""
    return "".join(ch for ch in code if ch.isdigit())


@dataclass(frozen=True)
class DeviceView:
    id: str
    learner_id: str
    learner_name: str
    label: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked: bool


@dataclass(frozen=True)
class CodeGrant:
    """A valid, unused pairing code; `learner_name` fixes the profile it pairs with."""

    learner_name: str | None


@dataclass(frozen=True)
class DeviceAuth:
    """What a cookie's token names: a device, its learner, and whether it was revoked."""

    device_id: str
    learner_id: str
    revoked: bool


@dataclass(frozen=True)
class NewDevice:
    token: str
    """The cookie value; shown once, never stored."""
    device: DeviceView


class DeviceRegistry:
    """Blocking store calls (the server runs them in a worker thread)."""

    def __init__(self, session_factory: sessionmaker[Session], clock: Callable[[], datetime] = utcnow) -> None:
        self._sessions = session_factory
        self._clock = clock

    @contextmanager
    def _db(self) -> Iterator[Session]:
        with self._sessions.begin() as db:
            yield db

    # -- codes ------------------------------------------------------------------------------

    def new_code(self, learner_name: str | None = None, ttl: timedelta = CODE_TTL) -> str:
        """A fresh code (digits only); expired and used codes are cleared on the way."""
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        now = self._clock()
        with self._db() as db:
            for old in db.scalars(select(PairingCode).where(PairingCode.expires_at <= now)):
                db.delete(old)
            for old in db.scalars(select(PairingCode).where(PairingCode.used_at.is_not(None))):
                db.delete(old)
            name = " ".join(learner_name.split()) if learner_name else None
            db.add(PairingCode(code_hash=_digest(code), learner_name=name, created_at=now, expires_at=now + ttl))
        return code

    def check_code(self, code: str) -> CodeGrant | None:
        """The grant of a valid code (not consumed), or None."""
        with self._db() as db:
            row = db.scalars(self._usable(code)).first()
            return CodeGrant(row.learner_name) if row is not None else None

    def cancel_codes(self) -> int:
        """Expire every unused code (too many wrong guesses); returns how many."""
        now = self._clock()
        with self._db() as db:
            result = db.execute(
                update(PairingCode)
                .where(PairingCode.used_at.is_(None), PairingCode.expires_at > now)
                .values(expires_at=now)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def _usable(self, code: str) -> Select[tuple[PairingCode]]:
        return select(PairingCode).where(
            PairingCode.code_hash == _digest(normalise_code(code)),
            PairingCode.used_at.is_(None),
            PairingCode.expires_at > self._clock(),
        )

    # -- devices ----------------------------------------------------------------------------

    def pair(self, code: str, learner_id: str, label: str) -> NewDevice | None:
        """Use `code` (once) to pair a new device with `learner_id`; None if the code is not
        valid any more (expired, used, cancelled or unknown)."""
        now = self._clock()
        with self._db() as db:
            used = db.execute(
                update(PairingCode)
                .where(
                    PairingCode.code_hash == _digest(normalise_code(code)),
                    PairingCode.used_at.is_(None),
                    PairingCode.expires_at > now,
                )
                .values(used_at=now)
            )
            if used.rowcount != 1:  # type: ignore[attr-defined]
                return None
            learner = db.get(Learner, learner_id)
            if learner is None:
                raise LookupError(learner_id)
            token = secrets.token_urlsafe(32)
            device = Device(
                id=secrets.token_hex(4),
                learner_id=learner_id,
                token_hash=_digest(token),
                label=label[:200] or "a browser",
                created_at=now,
                last_seen_at=now,
            )
            db.add(device)
            db.flush()
            return NewDevice(token, _view(device, learner.name))

    def authenticate(self, token: str) -> DeviceAuth | None:
        """The device holding `token`, or None for a token no device holds."""
        now = self._clock()
        with self._db() as db:
            device = db.scalars(select(Device).where(Device.token_hash == _digest(token))).first()
            if device is None:
                return None
            seen = device.last_seen_at
            if device.revoked_at is None and (seen is None or _naive(seen) < _naive(now - SEEN_EVERY)):
                device.last_seen_at = now
            return DeviceAuth(device.id, device.learner_id, device.revoked_at is not None)

    def list_devices(self) -> list[DeviceView]:
        with self._db() as db:
            rows = db.execute(select(Device, Learner.name).join(Learner).order_by(Device.created_at))
            return [_view(device, name) for device, name in rows]

    def revoke(self, device_id: str) -> DeviceView | None:
        """Revoke the device (its cookie stops working at once); None if there is no such device."""
        with self._db() as db:
            device = db.get(Device, device_id)
            if device is None:
                return None
            if device.revoked_at is None:
                device.revoked_at = self._clock()
            learner = db.get(Learner, device.learner_id)
            return _view(device, learner.name if learner else device.learner_id)


def _naive(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; compare like with like."""
    return moment.replace(tzinfo=None)


def _view(device: Device, learner_name: str) -> DeviceView:
    return DeviceView(
        device.id,
        device.learner_id,
        learner_name,
        device.label,
        device.created_at,
        device.last_seen_at,
        device.revoked_at is not None,
    )
