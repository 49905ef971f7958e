"""Serving an answer's recording to the review page's player, with HTTP range requests.

A crash can leave a recording's header older than its audio (voicebot/wavfile.py: the file
size is the truth); a player trusts the header. So:

- a recording no writer holds is repaired first (`wavfile.repair`: the header made to match
  the size) and sent by aiohttp's FileResponse, which answers `Range` itself;
- a recording the recorder is still writing (`Recorders.is_writing`: a live answer, or a
  session that just stopped draining its writer) is never modified: the reply is a snapshot,
  a header made for the audio there now followed by that audio, read from the file as it is.

Either way the path comes from the store (by answer id), never from the request.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from aiohttp import web

from voicebot import wavfile
from voicebot.exceptions import RecordingError

CHUNK_BYTES = 256 * 1024
"""Read from disk in a worker thread this much at a time (the loop never waits on the disk)."""
HEADERS = {"Content-Type": "audio/wav", "Cache-Control": "no-store"}


async def send_recording(request: web.Request, path: Path, writing: bool) -> web.StreamResponse:
    """The recording at `path` (found through the store) as `audio/wav`, honouring `Range`."""
    try:
        if not writing:
            await asyncio.to_thread(wavfile.repair, path)
            return web.FileResponse(path, headers=HEADERS)
        audio = await asyncio.to_thread(wavfile.audio_bytes, path)
    except FileNotFoundError as exc:
        raise web.HTTPNotFound(reason="This answer's recording is gone (deleted).") from exc
    except RecordingError as exc:
        raise web.HTTPInternalServerError(reason=f"The recording cannot be played: {exc}") from exc
    return await _send_snapshot(request, path, audio)


def byte_range(request: web.Request, size: int) -> tuple[int, int] | None:
    """(first, end) of the bytes asked for, end exclusive; None for the whole file. One range
    only, as aiohttp's FileResponse does; past the end is 416."""
    try:
        asked = request.http_range
    except ValueError as exc:
        raise _unsatisfiable(size) from exc
    start, stop = asked.start, asked.stop
    if start is None and stop is None:
        return None
    if start is None:
        start = 0
    if start < 0 and stop is None:  # "bytes=-N": the last N bytes
        start = max(0, size + start)
    end = size if stop is None else min(stop, size)
    if start >= size or end <= start:
        raise _unsatisfiable(size)
    return start, end


def _unsatisfiable(size: int) -> web.HTTPException:
    return web.HTTPRequestRangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})


async def _send_snapshot(request: web.Request, path: Path, audio: int) -> web.StreamResponse:
    """Header for `audio` bytes + the first `audio` bytes of audio in the file, or a range of that."""
    head = wavfile.header(audio)
    size = len(head) + audio
    asked = byte_range(request, size)
    first, end = asked or (0, size)
    response = web.StreamResponse(status=206 if asked else 200, headers={**HEADERS, "Accept-Ranges": "bytes"})
    if asked:
        response.headers["Content-Range"] = f"bytes {first}-{end - 1}/{size}"
    response.content_length = end - first
    await response.prepare(request)
    if request.method == "HEAD":
        return response
    if first < len(head):
        await response.write(head[first:end])
        first = len(head)
    fd = await asyncio.to_thread(os.open, path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        while first < end:
            chunk = await asyncio.to_thread(os.pread, fd, min(CHUNK_BYTES, end - first), first)
            if not chunk:  # shorter than measured: cannot happen to an append-only file
                break
            await response.write(chunk)
            first += len(chunk)
    finally:
        os.close(fd)
    await response.write_eof()
    return response
