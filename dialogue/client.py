"""The typed REST client the app uses to talk to Rasa (the only way it does)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp

from dialogue.exceptions import DialogueUnavailable
from dialogue.payload import BotTurn, parse_turns
from drills.keys import KEY_HEADER

MAX_MESSAGE_CHARS = 4000
"""Longer messages are cut before they reach Rasa (the full text is stored by the app)."""


class DialogueClient(Protocol):
    async def send(self, sender: str, text: str, metadata: Mapping[str, Any] | None = None) -> list[BotTurn]: ...

    async def close(self) -> None: ...


class RasaRestClient:
    """Rasa's REST channel (`/webhooks/rest/webhook`) with timeouts and clear errors.

    `key` is Rasa's service key (`ServiceKeys.rasa`): the channel refuses requests without it
    (dialogue/rasa_boot/channel.py) and Rasa's HTTP API takes it as its auth token."""

    def __init__(self, base_url: str, timeout_s: float = 10.0, key: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._key = key
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {KEY_HEADER: self._key} if self._key else None
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=headers)
        return self._session

    async def send(self, sender: str, text: str, metadata: Mapping[str, Any] | None = None) -> list[BotTurn]:
        body = {"sender": sender, "message": text[:MAX_MESSAGE_CHARS], "metadata": dict(metadata or {})}
        url = f"{self.base_url}/webhooks/rest/webhook"
        try:
            async with self._http().post(url, json=body) as response:
                if response.status != 200:
                    detail = (await response.text())[:200]
                    raise DialogueUnavailable(f"Rasa answered HTTP {response.status} at {url}: {detail}")
                messages = await response.json(content_type=None)
        except TimeoutError as exc:
            raise DialogueUnavailable(f"Rasa did not answer within {self._timeout.total:.0f} s ({url})") from exc
        except aiohttp.ClientError as exc:
            raise DialogueUnavailable(
                f"Rasa is not reachable at {self.base_url} ({exc}); `viva serve` starts it"
            ) from exc
        if not isinstance(messages, list):
            raise DialogueUnavailable(f"Rasa sent an unexpected reply: {str(messages)[:200]}")
        return parse_turns(messages)

    async def status(self) -> dict[str, Any]:
        try:
            async with self._http().get(f"{self.base_url}/status", params={"token": self._key}) as response:
                response.raise_for_status()
                return dict(await response.json(content_type=None))
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DialogueUnavailable(f"Rasa status unavailable at {self.base_url}: {exc}") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
