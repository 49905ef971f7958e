"""The dialogue stack every client needs: the study service, its internal API, and Rasa."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dialogue.client import RasaRestClient
from dialogue.runtime import RasaRuntime
from dialogue.study_port import StudyPort
from drills.api import start_api
from drills.app import build_service
from drills.grading import Grader
from drills.keys import ServiceKeys
from drills.service import StudyService

if TYPE_CHECKING:
    from voicebot.settings import Settings


@dataclass
class DialogueStack:
    service: StudyService
    study: StudyPort
    rasa: RasaRestClient
    runtime: RasaRuntime
    api_url: str


@asynccontextmanager
async def running_stack(
    settings: Settings,
    progress: Callable[[str], None] = print,
    observe_grader: Callable[[Grader], Grader] | None = None,
) -> AsyncIterator[DialogueStack]:
    """Start the study service + API, then Rasa and its action server; stop all on exit.

    All three want the install's keys (drills/keys.py): the secret is made on first use; keys
    set in the settings (Rasa run elsewhere) take the place of the derived ones."""
    service = build_service(settings, observe_grader)
    keys = ServiceKeys.load(settings.data_dir).overridden(api=settings.api.key, rasa=settings.rasa.key)
    api = settings.api
    runner = await start_api(service, api, keys.api)
    api_url = f"http://{api.host}:{api.port}"
    runtime = RasaRuntime(settings.rasa, settings.data_dir, api_url, progress, keys)
    client = RasaRestClient(runtime.url, settings.rasa.timeout_s, keys.rasa)
    try:
        await runtime.start()
        yield DialogueStack(service, StudyPort(service), client, runtime, api_url)
    finally:
        await client.close()
        await runtime.stop()
        await runner.cleanup()
        service.close()
