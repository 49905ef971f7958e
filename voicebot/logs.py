"""Logging: every line carries a session id ("-" outside sessions); never transcripts or audio."""

from __future__ import annotations

import logging


class _SessionField(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "session"):
            record.session = "-"
        return True


def configure(verbose: bool) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_SessionField())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(session)s] %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("aioice", "aiortc", "aiohttp.access", "faster_whisper", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
