"""HTTP client of the app's internal API (docs/internal-api.md)."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "http://127.0.0.1:5056"
KEY_HEADER = "X-Viva-Key"


class ApiError(Exception):
    """The API answered with an error, or could not be reached in time.

    `status` is the HTTP status (None for a timeout or connection error) and `message` the
    API's `error` text, which for some 409s (e.g. flashcards) is written to be spoken.
    """

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ApiOptions:
    base_url: str = DEFAULT_API_URL
    """Where the app serves the API; from `VIVA_API_URL`."""
    timeout_s: float = 2.0
    """Per-request timeout; a slow app turns into a spoken apology, not a hung turn."""
    key: str = field(default="", repr=False)
    """The API's key (`VIVA_API_KEY`, set by the runtime); the API refuses calls without it."""

    @classmethod
    def from_env(cls) -> ApiOptions:
        return cls(
            base_url=os.environ.get("VIVA_API_URL", DEFAULT_API_URL).rstrip("/"),
            key=os.environ.get("VIVA_API_KEY", ""),
        )


class VivaApi:
    """The routes the actions use. Every method returns the decoded JSON body or raises ApiError."""

    def __init__(self, options: ApiOptions) -> None:
        self._options = options
        self._root = f"{options.base_url}/api/v1"

    # -- learners -------------------------------------------------------------------------------

    async def plan(self, learner_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/learners/{_seg(learner_id)}/plan")

    async def double_up(self, learner_id: str, enabled: bool) -> dict[str, Any]:
        return await self._call(
            "POST", f"/learners/{_seg(learner_id)}/double-up", {"enabled": enabled}
        )

    async def start_session(self, learner_id: str, mode: str) -> dict[str, Any]:
        return await self._call("POST", f"/learners/{_seg(learner_id)}/sessions", {"mode": mode})

    async def next_question(self, learner_id: str) -> dict[str, Any]:
        return await self._call("POST", f"/learners/{_seg(learner_id)}/next-question", {})

    async def current(self, learner_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/learners/{_seg(learner_id)}/current")

    async def progress(self, learner_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/learners/{_seg(learner_id)}/progress")

    async def stop(self, learner_id: str) -> dict[str, Any]:
        return await self._call("POST", f"/learners/{_seg(learner_id)}/stop", {})

    # -- attempts -------------------------------------------------------------------------------

    async def confirm(self, attempt_id: str, candidate: str) -> dict[str, Any]:
        """The stored candidate (graded by the app when the client stored it) is the answer."""
        return await self._call(
            "POST", f"/attempts/{_seg(attempt_id)}/answer", {"candidate": candidate}
        )

    async def answer(self, attempt_id: str, text: str) -> dict[str, Any]:
        """For a message no client stored first: the app stores, grades and confirms the text."""
        return await self._call("POST", f"/attempts/{_seg(attempt_id)}/answer", {"text": text})

    async def hint(self, attempt_id: str) -> dict[str, Any]:
        return await self._call("POST", f"/attempts/{_seg(attempt_id)}/hint", {})

    async def reveal(self, attempt_id: str) -> dict[str, Any]:
        return await self._call("POST", f"/attempts/{_seg(attempt_id)}/reveal", {})

    async def skip(self, attempt_id: str) -> dict[str, Any]:
        return await self._call("POST", f"/attempts/{_seg(attempt_id)}/skip", {})

    async def retry(self, attempt_id: str) -> dict[str, Any]:
        return await self._call("POST", f"/attempts/{_seg(attempt_id)}/retry", {})

    # -- cards -----------------------------------------------------------------------------------

    async def next_card(self, learner_id: str) -> dict[str, Any]:
        return await self._call("POST", f"/learners/{_seg(learner_id)}/next-card", {})

    async def review_status(self, learner_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/learners/{_seg(learner_id)}/review-status")

    async def card_answer(self, card_id: int, text: str) -> dict[str, Any]:
        return await self._call("POST", f"/cards/{_seg(str(card_id))}/answer", {"text": text})

    async def card_reveal(self, card_id: int) -> dict[str, Any]:
        return await self._call("POST", f"/cards/{_seg(str(card_id))}/reveal", {})

    async def card_rate(self, card_id: int, rating: str) -> dict[str, Any]:
        return await self._call("POST", f"/cards/{_seg(str(card_id))}/rate", {"rating": rating})

    async def card_skip(self, card_id: int) -> dict[str, Any]:
        return await self._call("POST", f"/cards/{_seg(str(card_id))}/skip", {})

    # -- transport ------------------------------------------------------------------------------

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        # `requests` blocks; run it in a worker thread so the action server keeps serving.
        return await asyncio.to_thread(self._request, method, path, body)

    def _request(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        url = self._root + path
        try:
            response = requests.request(
                method, url, json=body, headers={KEY_HEADER: self._options.key}, timeout=self._options.timeout_s
            )
        except requests.RequestException as e:
            logger.warning("API %s %s failed: %s", method, url, e)
            raise ApiError(None, str(e)) from e
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            message = data.get("error", "") if isinstance(data, dict) else ""
            logger.warning("API %s %s -> %s %s", method, url, response.status_code, message)
            raise ApiError(response.status_code, str(message or response.reason))
        if not isinstance(data, dict):
            raise ApiError(response.status_code, "the API did not return a JSON object")
        return data


def _seg(value: str) -> str:
    """One URL path segment (learner ids are names chosen by people)."""
    return quote(str(value), safe="")
