"""Logging: every line carries a session id ("-" outside sessions); never transcripts, audio,
keys or tokens.

The session id comes from the record's `session` extra (a session's LoggerAdapter) or else from
the `SESSION` context variable, which the offer handler sets before it starts the session's
tasks, so lines from the dialogue client or aiortc inside a session carry it too.

Two formats: `text` (one readable line) and `json` (one JSON object per line, for a log
shipper): `{"time", "level", "logger", "session", "message"}` plus `"error"` with the
traceback when there is one.
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime
from enum import StrEnum

SESSION: contextvars.ContextVar[str] = contextvars.ContextVar("viva_session", default="-")


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class _SessionField(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "session"):
            record.session = SESSION.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "session": getattr(record, "session", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(verbose: bool, fmt: LogFormat | str = LogFormat.TEXT) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_SessionField())
    if LogFormat(fmt) is LogFormat.JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(session)s] %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("aioice", "aiortc", "aiohttp.access", "faster_whisper", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
