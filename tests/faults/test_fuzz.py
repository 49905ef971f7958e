"""Malformed and hostile input gets a clear error and the server keeps serving.

The bounded run: a few hundred seeded cases over every target (tests/fuzz) against a real
`viva serve`; `python -m tests.fuzz --cases 5000` is the long one. The unit tests below pin
each bug an earlier run found, so each stays fixed without the fuzzer.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, FrameConverter
from asr.exceptions import AudioDecodeError
from drills.cards.importer import open_source
from drills.cards.source import DeckFileError
from drills.content_loader import CONTENT_DIR, check_content
from tests.fuzz.__main__ import fuzz_env, report, run
from tests.support import VivaServer

CASES = 600


@pytest.mark.slow
@pytest.mark.rasa
def test_a_bounded_fuzz_run_finds_nothing(tmp_path: Path) -> None:
    server = VivaServer(tmp_path / "data", fuzz_env(tmp_path / "data")).start()
    try:
        tallies = run(CASES, seed=7, data_dir=tmp_path / "data", server=server)
        assert server.process is not None and server.process.poll() is None  # still serving
    finally:
        server.stop()
    failures = [f"[{t.target}] {f}" for t in tallies for f in t.failures]
    assert not failures, report(tallies) + "\n" + "\n\n".join(failures[:10])
    assert sum(t.cases for t in tallies) >= CASES
    assert all(t.refused > 0 for t in tallies), report(tallies)  # every target met input it had to refuse


def _frame(rate: int, samples: int, layout: str = "mono") -> av.AudioFrame:
    channels = 2 if layout == "stereo" else 1
    tone = (np.sin(np.arange(samples * channels) / 5.0) * 8000).astype(np.int16)
    frame = av.AudioFrame.from_ndarray(tone.reshape(1, -1), format="s16", layout=layout)
    frame.sample_rate = rate
    return frame


def test_a_codec_switch_mid_stream_keeps_the_audio_coming() -> None:
    """Opus (48 kHz stereo) then PCMU (8 kHz mono) on one stream: once an error that ended the
    session's inbound audio task."""
    converter = FrameConverter()
    opus = sum(converter.convert(_frame(48_000, 960, "stereo")).size for _ in range(50))
    pcmu = sum(converter.convert(_frame(8_000, 160)).size for _ in range(50))
    assert abs(opus - SAMPLE_RATE) <= 960 and abs(pcmu - SAMPLE_RATE) <= 960


def test_empty_and_absurd_frames_are_refused_or_skipped() -> None:
    converter = FrameConverter()
    assert converter.convert(_frame(48_000, 0)).size == 0  # once ENOMEM from libswresample
    with pytest.raises(AudioDecodeError, match="sample rate 1 Hz"):
        converter.convert(_frame(1, 960))
    assert converter.convert(_frame(48_000, 960)).dtype == np.float32  # the stream goes on


def test_a_csv_separator_header_that_is_no_separator(tmp_path: Path) -> None:
    deck = tmp_path / "deck.csv"
    deck.write_text("#separator:commas\nfront,back\n", encoding="utf-8")
    with pytest.raises(DeckFileError, match="is not a separator"):
        open_source(deck)


def test_a_collection_with_fields_of_the_wrong_type_skips_those_cards(tmp_path: Path) -> None:
    from tests.drills.cards.decks import genanki_deck

    built = genanki_deck(tmp_path / "deck.apkg")
    with zipfile.ZipFile(built.path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    collection = tmp_path / "collection.anki2"
    collection.write_bytes(members["collection.anki2"])
    with sqlite3.connect(collection) as db:
        db.execute("UPDATE notes SET flds = ? WHERE id = (SELECT min(id) FROM notes)", (b"\x00\x01",))
    members["collection.anki2"] = collection.read_bytes()
    damaged = tmp_path / "damaged.apkg"
    with zipfile.ZipFile(damaged, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    source = open_source(damaged)
    try:
        cards = list(source.cards())
    finally:
        source.close()
    assert 0 < len(cards) < built.cards
    assert any("damaged in the collection" in s for s in source.report.skipped)


def test_deeply_nested_json_in_a_collection_is_a_deck_error(tmp_path: Path) -> None:
    from tests.drills.cards.decks import genanki_deck

    built = genanki_deck(tmp_path / "deck.apkg")
    with zipfile.ZipFile(built.path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    collection = tmp_path / "collection.anki2"
    collection.write_bytes(members["collection.anki2"])
    with sqlite3.connect(collection) as db:
        db.execute("UPDATE col SET models = ?", ("[" * 100_000,))
    members["collection.anki2"] = collection.read_bytes()
    with zipfile.ZipFile(tmp_path / "deep.apkg", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(DeckFileError, match="schema"):
        open_source(tmp_path / "deep.apkg")


def test_a_control_character_in_a_content_file_is_an_issue_on_its_line(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    pods = root / "special" / "pods.yaml"
    lines = pods.read_text(encoding="utf-8").split("\n")
    lines[2] += "\x00"
    pods.write_text("\n".join(lines), encoding="utf-8")
    _, issues = check_content(root)
    assert [(i.file, i.line) for i in issues if "not allowed" in i.message] == [("special/pods.yaml", 3)]


def _post_raw(app, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    async def post() -> tuple[int, dict]:
        async with TestClient(TestServer(app)) as client:
            response = await client.post(path, data=raw, headers={"Content-Type": "application/json", **headers})
            return response.status, json.loads(await response.text())

    return asyncio.run(post())


UNREADABLE_BODIES = (b'{"name": "\xd5x"}', b"[" * 100_000)
"""Invalid UTF-8 (a 500 on the page server) and JSON nested too deep (a 500 on both)."""


def test_unreadable_json_bodies_are_400s_on_the_internal_api() -> None:
    from drills.api import create_api_app
    from drills.options import ApiOptions

    for raw in UNREADABLE_BODIES:
        app = create_api_app(None, ApiOptions(), "k" * 40)  # type: ignore[arg-type]  # refused before the service
        status, body = _post_raw(app, "/api/v1/learners", raw, {"X-Viva-Key": "k" * 40})
        assert status == 400 and body["error"] == "The request body must be JSON.", (status, body)


def test_unreadable_json_bodies_are_400s_on_the_page_server() -> None:
    from aiohttp import web

    from voicebot.server import _json, security_headers

    async def echo(request: web.Request) -> web.Response:
        return web.json_response(await _json(request))

    for raw in UNREADABLE_BODIES:
        app = web.Application(middlewares=[security_headers])
        app.router.add_post("/", echo)
        status, body = _post_raw(app, "/", raw, {})
        assert status == 400 and body["error"] == "the body is not valid JSON", (status, body)
