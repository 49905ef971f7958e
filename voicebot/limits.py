"""Limits that hold under concurrency: per-client rate limits and the session limit.

Both are plain synchronous objects used from the event loop: a check and its update happen
with no `await` between them, so two requests can never both take the last token or slot.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    burst: int = 10
    """Requests a client may make at once."""
    per_minute: float = 20.0
    """Sustained rate after the burst (tokens refilled per minute); 0 turns the limit off."""


def client_key(remote: str | None) -> str:
    """Whom a request is counted against: its address (an IPv6 client by its /64, which one
    machine can fill with addresses of its own)."""
    try:
        address = ipaddress.ip_address(remote or "")
    except ValueError:
        return remote or "?"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class RateLimiter:
    """A token bucket per client, for at most `max_clients` clients (least recently seen
    dropped first), so a flood of addresses cannot grow memory without bound."""

    def __init__(self, limit: RateLimit, max_clients: int = 1024, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._rate = limit.per_minute / 60.0
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> float:
        """0 when `client` may go ahead (a token is spent), else the seconds until it may."""
        if self._rate <= 0:
            return 0.0
        now = self._clock()
        tokens, at = self._buckets.pop(client, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + (now - at) * self._rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self._rate
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self._max_clients:
            self._buckets.popitem(last=False)
        return wait


def retry_after(seconds: float) -> str:
    """A `Retry-After` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


class SessionSlots:
    """The session limit, reserved atomically: a slot is taken before the offer's first
    `await` and either turned into a live session or released, so concurrent offers can never
    start more than `limit` sessions."""

    def __init__(self, limit: int, live: Callable[[], int]) -> None:
        self.limit = limit
        self._live = live
        self._pending = 0

    def reserve(self, replacing: bool = False) -> Slot | None:
        """A slot, or None at the limit. `replacing`: the offer takes over a live session (the
        same learner's), which closes before the new one starts, so it may use that one's place."""
        if self._live() - int(replacing) + self._pending >= self.limit:
            return None
        self._pending += 1
        return Slot(self)


class Slot:
    """One reserved place; `release()` once the session is live (it now counts there) or when
    the offer fails. Releasing twice is harmless."""

    def __init__(self, slots: SessionSlots) -> None:
        self._slots: SessionSlots | None = slots

    def release(self) -> None:
        if self._slots is not None:
            self._slots._pending -= 1
            self._slots = None
