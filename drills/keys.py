"""The per-install secret and the service keys derived from it.

Rasa, its action server and the internal study API listen on loopback, where any process of
any user (and a browser page through DNS rebinding) can reach them. Each accepts only
requests carrying its key. One random secret is made per install at `<data_dir>/secret`
(created with mode 0600 in one step, never widened), and each service gets its own key,
`HMAC-SHA256(secret, service name)`: a process holds the keys it needs and no other (the
action server can call the study API but not Rasa). Keys travel to child processes in the
environment (readable by the same user only, unlike a command line) and are never logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from drills.exceptions import DrillsError

SECRET_FILE = "secret"
MIN_KEY_CHARS = 32
"""What rasa_boot/launch.py accepts; a derived key has 64."""
KEY_HEADER = "X-Viva-Key"
"""The header every internal call carries (Rasa's own API takes it as `?token=` instead)."""


class SecretError(DrillsError):
    """The secret file cannot be made or read; the message names the file and the fix."""


@dataclass(frozen=True)
class ServiceKeys:
    """The keys of the three internal services; `repr` never shows them."""

    api: str = field(repr=False)
    """The internal study API (drills/api.py), sent by the actions."""
    actions: str = field(repr=False)
    """The action server, sent by Rasa."""
    rasa: str = field(repr=False)
    """Rasa: its HTTP API's auth token and the REST channel's header, sent by the app."""

    @classmethod
    def from_secret(cls, secret: bytes) -> ServiceKeys:
        return cls(api=derive(secret, "api"), actions=derive(secret, "actions"), rasa=derive(secret, "rasa"))

    @classmethod
    def load(cls, data_dir: Path) -> ServiceKeys:
        """The install's keys, making the secret first if there is none."""
        return cls.from_secret(install_secret(data_dir))

    def overridden(self, *, api: str = "", rasa: str = "") -> ServiceKeys:
        """These keys with the given ones in place of the derived ones: when Rasa and its action
        server run elsewhere (docker compose, a shared server) they were started with keys from
        the environment, and the app must use the same (settings `api.key`, `rasa.key`)."""
        for name, key in (("api.key", api), ("rasa.key", rasa)):
            if key and len(key) < MIN_KEY_CHARS:
                raise SecretError(f"{name} must be at least {MIN_KEY_CHARS} characters (e.g. `openssl rand -hex 32`)")
        return replace(self, api=api or self.api, rasa=rasa or self.rasa)


def derive(secret: bytes, name: str) -> str:
    """The key for one purpose: `HMAC-SHA256(secret, "viva:<name>")`, hex."""
    return hmac.new(secret, f"viva:{name}".encode(), hashlib.sha256).hexdigest()


def signing_key(data_dir: Path, name: str, configured: str = "") -> bytes:
    """A key that signs tokens for one purpose (e.g. "share": mentor share links), derived
    from the install's secret like the service keys, or from `configured` when given (workers
    with their own data directories behind one load balancer must share it); it never leaves
    this process."""
    if configured:
        if len(configured) < MIN_KEY_CHARS:
            raise SecretError(f"the {name} key must be at least {MIN_KEY_CHARS} characters (`openssl rand -hex 32`)")
        return derive(configured.encode(), name).encode()
    return derive(install_secret(data_dir), name).encode()


def install_secret(data_dir: Path) -> bytes:
    """`<data_dir>/secret` (32 random bytes, hex), created with mode 0600 if missing.

    The file is written under a temporary name and hard-linked into place, so a second
    process starting at the same moment reads either nothing (and links its own) or the
    whole file, never half of it."""
    path = data_dir / SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    temporary = data_dir / f".{SECRET_FILE}-{secrets.token_hex(6)}"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # someone else won: use theirs
            os.link(temporary, path)
    except OSError as exc:
        raise SecretError(f"cannot create {path}: {exc.strerror}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return _read(path)


def _read(path: Path) -> bytes:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SecretError(f"{path} is readable by others (mode {mode:o}); delete it and restart Viva to make a new one")
    text = path.read_text(encoding="ascii").strip()
    if len(text) < 32:
        raise SecretError(f"{path} is not a Viva secret; delete it and restart Viva to make a new one")
    return text.encode()


def key_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an empty expected key never matches."""
    return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())
