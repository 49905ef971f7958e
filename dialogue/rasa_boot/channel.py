"""Rasa's REST channel, but only for requests carrying Viva's key (`X-Viva-Key`).

Rasa's `--auth-token` guards its HTTP API, not the channel webhooks; this channel closes the
webhook too. It keeps the name `rest`, so the URL stays `/webhooks/rest/webhook`.
Registered in credentials.yml with the key from the environment (`VIVA_RASA_KEY`).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

KEY_HEADER = "X-Viva-Key"
MIN_KEY_CHARS = 32


class VivaRestInput(RestInput):
    def __init__(self, key: str) -> None:
        if not key or len(key) < MIN_KEY_CHARS:
            raise ValueError("the Viva REST channel needs VIVA_RASA_KEY (start Rasa through `viva serve`)")
        self._key = key.encode()

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> VivaRestInput:
        return cls(str((credentials or {}).get("key") or ""))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def only_viva(request: Request) -> response.HTTPResponse | None:
            given = request.headers.get(KEY_HEADER, "").encode()
            if not hmac.compare_digest(given, self._key):
                return response.json({"error": "this channel only answers Viva"}, status=401)
            return None

        return blueprint
