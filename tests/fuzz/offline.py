"""Targets run in-process: corrupt audio frames, decks and content files.

Each drives the code the server runs on such input: the inbound audio path (aiortc's Opus
decoder, as its receiver calls it, then `FrameConverter`), the deck importer into a real
study store, and the content checker.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import sqlite3
import tempfile
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from asr.audio import FrameConverter, load_file, write_wav
from asr.exceptions import AudioDecodeError
from drills.cards.importer import import_deck
from drills.cards.source import DeckFileError
from drills.content_loader import CONTENT_DIR, check_content
from drills.exceptions import StudyError
from tests.fuzz.mutate import HOSTILE_STRINGS, mutate_bytes, mutate_text
from tests.fuzz.tally import CaseTimeout, Tally, time_limit


def _failure(case: str, exc: BaseException) -> str:
    return f"{case}: {type(exc).__name__}: {exc}\n{''.join(traceback.format_exception(exc)[-3:])}"


# -- audio ---------------------------------------------------------------------------------

_FORMATS = ("s16", "s32", "flt", "fltp", "s16p", "u8", "dbl")
_LAYOUTS = ("mono", "stereo", "5.1")
_RATES = (8000, 16000, 44100, 48000, 1, 7, 11025, 96000, 192000)


def _random_frame(rng: random.Random) -> av.AudioFrame:
    fmt, layout = rng.choice(_FORMATS), rng.choice(_LAYOUTS)
    channels = {"mono": 1, "stereo": 2, "5.1": 6}[layout]
    samples = rng.choice((0, 1, 3, 160, 480, 960, 4800))
    dtype = {"s16": np.int16, "s16p": np.int16, "s32": np.int32, "flt": np.float32, "fltp": np.float32}
    dtype |= {"u8": np.uint8, "dbl": np.float64}
    kind = dtype[fmt]
    planar = fmt.endswith("p")
    shape = (channels, samples) if planar else (1, samples * channels)
    noise = np.random.default_rng(rng.randrange(2**32))
    if np.issubdtype(kind, np.floating):
        data = noise.standard_normal(shape).astype(kind) * rng.choice((0.0, 0.1, 1.0, 1e6))
        if rng.random() < 0.2 and data.size:
            data.flat[noise.integers(data.size)] = rng.choice((np.nan, np.inf, -np.inf))
    else:
        info = np.iinfo(kind)
        data = noise.integers(info.min, info.max, shape, endpoint=True).astype(kind)
    frame = av.AudioFrame.from_ndarray(data, format=fmt, layout=layout)
    frame.sample_rate = rng.choice(_RATES)
    if rng.random() < 0.5:
        frame.pts = rng.choice((None, 0, -1, 2**40))
        frame.time_base = Fraction(1, frame.sample_rate)
    return frame


def audio_frames(rng: random.Random, cases: int, tally: Tally) -> None:
    """Frames of any shape (rate, layout, format, NaN, empty) in one stream, as a peer
    switching codecs would send, and garbage Opus packets through aiortc's decoder."""
    from aiortc.codecs import get_decoder
    from aiortc.jitterbuffer import JitterFrame
    from aiortc.rtcrtpparameters import RTCRtpCodecParameters

    opus = get_decoder(RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2))
    converter = FrameConverter()  # one stream for the whole run: state carries from case to case
    for index in range(cases):
        case = f"audio #{index}"
        try:
            with time_limit():
                if rng.random() < 0.4:
                    packet = rng.randbytes(rng.choice((0, 1, 3, 20, 120, 400, 1500)))
                    try:
                        frames = opus.decode(JitterFrame(data=packet, timestamp=index * 960))
                    except av.FFmpegError:
                        tally.refuse()  # aiortc's receiver logs this and keeps the stream
                        continue
                else:
                    frames = [_random_frame(rng)]
                for frame in frames:
                    try:
                        out = converter.convert(frame)
                    except AudioDecodeError:
                        tally.refuse()  # the session drops the frame and keeps listening
                        break
                    if out.dtype != np.float32 or out.ndim != 1:
                        raise AssertionError(f"converter returned {out.dtype} {out.shape}")
                else:
                    tally.accept()
        except (Exception, CaseTimeout) as exc:
            tally.fail(_failure(case, exc))


def audio_files(rng: random.Random, cases: int, tally: Tally, work: Path) -> None:
    """Corrupt WAV files through `load_file` (answers replayed, files transcribed)."""
    clean = work / "clean.wav"
    tone = np.sin(np.arange(16_000) / 7.0).astype(np.float32) * 0.3
    write_wav(clean, tone)
    seed = clean.read_bytes()
    for index in range(cases):
        path = work / f"corrupt-{index % 4}.wav"
        path.write_bytes(
            mutate_bytes(rng, seed, rng.randint(1, 20)) if rng.random() < 0.9 else seed[: rng.randrange(64)]
        )
        try:
            with time_limit():
                samples = load_file(path)
            if samples.dtype != np.float32:
                raise AssertionError(f"load_file returned {samples.dtype}")
            tally.accept()
        except AudioDecodeError as exc:
            tally.refuse() if str(exc) else tally.fail(f"wav #{index}: AudioDecodeError without a message")
        except (Exception, CaseTimeout) as exc:
            tally.fail(_failure(f"wav #{index}", exc))


# -- decks ---------------------------------------------------------------------------------


def _seed_decks(work: Path) -> list[Path]:
    """A genanki .apkg (and Anki's own anki21b when the test extra's `anki` is installed), a CSV."""
    from tests.drills.cards.decks import anki_package, genanki_deck

    seeds = [genanki_deck(work / "genanki.apkg").path]
    with contextlib.suppress(BaseException):  # pytest's skip (no `anki` package): fewer seeds
        seeds.append(anki_package(work, legacy=False).path)
    csv = work / "seed.csv"
    csv.write_text(
        "#separator:comma\n#deck:ML\nfront,back\nWhat is SGD?,Stochastic gradient descent\n"
        '"Bias, variance","A trade-off, ""quoted"""\n',
        encoding="utf-8",
    )
    return [*seeds, csv]


_SQL_EDITS = (
    "DROP TABLE notes",
    "DELETE FROM col",
    "UPDATE col SET models = '{not json'",
    "UPDATE col SET models = '[]'",
    "UPDATE col SET models = ?",
    "UPDATE col SET decks = 'null'",
    "UPDATE notes SET flds = ?",
    "UPDATE notes SET mid = 12345",
    "UPDATE cards SET did = -1",
    "UPDATE cards SET ord = 99",
    "UPDATE cards SET type = 7, queue = -9, ivl = -5, factor = 0",
    "UPDATE revlog SET ease = 9, id = -1",
    "UPDATE notes SET guid = NULL",
    "UPDATE col SET ver = 'x', crt = 'y'",
    "DROP TABLE notetypes",
    "UPDATE notetypes SET config = ?",
    "UPDATE templates SET config = ?",
    "UPDATE fields SET name = ?",
    "UPDATE decks SET name = ?",
    "DROP TABLE revlog",
)


def _edit_collection(rng: random.Random, seed: Path, out: Path, work: Path) -> None:
    """Rewrite the package with SQL edits to its collection (well-formed SQLite, hostile content)."""
    with zipfile.ZipFile(seed) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    name = next((n for n in ("collection.anki2", "collection.anki21") if n in members), None)
    if name is None:  # anki21b (zstd): corrupt the compressed bytes instead
        name = "collection.anki21b"
        members[name] = mutate_bytes(rng, members[name])
    else:
        db_path = work / "edit.sqlite"
        db_path.write_bytes(members[name])
        db = sqlite3.connect(db_path)
        for _ in range(rng.randint(1, 3)):
            sql = rng.choice(_SQL_EDITS)
            value = rng.choice((*HOSTILE_STRINGS[:12], "\x1f" * 40, "{{c1::" * 50, "[" * 100_000, rng.randbytes(40)))
            # Not every collection has every table; a lone surrogate cannot be stored.
            with contextlib.suppress(sqlite3.Error, UnicodeEncodeError):
                db.execute(sql, (value,) if "?" in sql else ())
        db.commit()
        db.close()
        members[name] = db_path.read_bytes()
    if rng.random() < 0.3:
        members["media"] = rng.choice((b"{bad json", b"[]", b'{"0": 5}', rng.randbytes(30)))
    with zipfile.ZipFile(out, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)


def decks(rng: random.Random, cases: int, tally: Tally, work: Path) -> None:
    """Byte-corrupted and content-corrupted packages and CSV/TSV files through the importer."""
    from drills.content_loader import load_pack
    from drills.grading import KeyPointGrader
    from drills.service import StudyService
    from drills.store import make_engine, make_session_factory, upgrade_database

    url = f"sqlite:///{work / 'decks.db'}"
    upgrade_database(url)
    service = StudyService(load_pack(), make_session_factory(make_engine(url)), KeyPointGrader())
    learner = service.create_learner("Fuzz")[0].learner_id
    seeds = _seed_decks(work)
    try:
        for index in range(cases):
            seed = rng.choice(seeds)
            suffix = seed.suffix if rng.random() < 0.95 else rng.choice((".tsv", ".apkg", ".txt", ".colpkg"))
            path = work / f"case{index % 8}{suffix}"
            if seed.suffix == ".apkg" and rng.random() < 0.5:
                _edit_collection(rng, seed, path, work)
            elif seed.suffix == ".csv":
                path.write_text(
                    mutate_text(rng, seed.read_text(encoding="utf-8")), encoding="utf-8", errors="surrogatepass"
                )
            else:
                path.write_bytes(mutate_bytes(rng, seed.read_bytes(), rng.randint(1, 30)))
            try:
                with time_limit():
                    import_deck(service.sessions, learner, path)
                tally.accept()
            except (DeckFileError, StudyError) as exc:
                tally.refuse() if str(exc).strip() else tally.fail(
                    f"deck #{index}: {type(exc).__name__} without a message"
                )
            except (Exception, CaseTimeout) as exc:
                kept = work / "failures" / f"deck-{index}{suffix}"
                kept.parent.mkdir(exist_ok=True)
                shutil.copy(path, kept)
                tally.fail(_failure(f"deck #{index} ({seed.name} → {kept})", exc))
    finally:
        service.close()


# -- content files -------------------------------------------------------------------------

_YAML_BOMB = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
    for i in range(9)
)


@contextmanager
def _content_copy(work: Path) -> Iterator[Path]:
    root = work / "content"
    if not root.exists():
        shutil.copytree(CONTENT_DIR, root)
    yield root


def content_files(rng: random.Random, cases: int, tally: Tally, work: Path) -> None:
    """One content file at a time mutated (lines, bytes, YAML aliases, wrong types), checked
    with `check_content`: it must return its issues, never raise."""
    with _content_copy(work) as root:
        files = sorted(root.glob("*/*.yaml"))
        originals = {path: path.read_text(encoding="utf-8") for path in files}
        for index in range(cases):
            path = rng.choice(files)
            roll = rng.random()
            if roll < 0.05:
                text = _YAML_BOMB
            elif roll < 0.1:
                text = "[" * rng.choice((100, 1000, 10_000))
            else:
                text = mutate_text(rng, originals[path])
            data = text.encode("utf-8", "surrogatepass")
            if rng.random() < 0.05:
                data = mutate_bytes(rng, data)  # sometimes not UTF-8 at all
            path.write_bytes(data)
            try:
                with time_limit():
                    pack, issues = check_content(root)
                if pack is None and not issues:
                    raise AssertionError("no pack and no issue")
                tally.refuse() if issues else tally.accept()
            except (Exception, CaseTimeout) as exc:
                kept = work / "failures" / f"content-{index}-{path.name}"
                kept.parent.mkdir(exist_ok=True)
                kept.write_bytes(data)
                tally.fail(_failure(f"content #{index} ({path.name} → {kept})", exc))
            finally:
                path.write_text(originals[path], encoding="utf-8")


def run_offline(seed: int, counts: dict[str, int], work: Path | None = None) -> list[Tally]:
    """Run the in-process targets; `counts` by target name (audio, wav, deck, content)."""
    targets: dict[str, Callable[..., None]] = {
        "audio frames": audio_frames,
        "audio files": audio_files,
        "decks": decks,
        "content files": content_files,
    }
    tallies = []
    with tempfile.TemporaryDirectory(prefix="viva-fuzz-") as scratch:
        root = work or Path(scratch)
        for name, target in targets.items():
            tally = Tally(name)
            rng = random.Random(f"{seed}:{name}")
            if name == "audio frames":
                target(rng, counts.get(name, 0), tally)
            else:
                folder = root / name.replace(" ", "-")
                folder.mkdir(parents=True, exist_ok=True)
                target(rng, counts.get(name, 0), tally, folder)
            tallies.append(tally)
    return tallies
