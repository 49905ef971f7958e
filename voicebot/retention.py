"""The retention setting (`review.retention_days`), applied by the page server at start-up and
then once a day: an owned task, cancelled on shutdown; the sweep runs in a worker thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from drills.review import Removal

log = logging.getLogger(__name__)
DAY_S = 24 * 3600.0


class RetentionTask:
    def __init__(self, removal: Removal, every_s: float = DAY_S) -> None:
        self.removal = removal
        self.every_s = every_s
        self.task: asyncio.Task[None] | None = None
        self.swept = asyncio.Event()
        """Set once the start-up sweep has run."""

    async def start(self, app: web.Application) -> None:
        self.task = asyncio.create_task(self._run(), name="retention")

    async def stop(self, app: web.Application) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.removal.sweep)
            except Exception:  # a failed sweep is retried tomorrow; serving goes on
                log.exception("the retention sweep failed")
            self.swept.set()
            await asyncio.sleep(self.every_s)


RETENTION = web.AppKey("retention", RetentionTask)


def add_retention(app: web.Application, removal: Removal) -> None:
    app[RETENTION] = task = RetentionTask(removal)
    app.on_startup.append(task.start)
    app.on_cleanup.append(task.stop)
