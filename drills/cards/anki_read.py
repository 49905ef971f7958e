"""Reading Anki packages (.apkg): `collection.anki2` (schema 11, Anki < 2.1.28 and legacy
exports), `collection.anki21` (schema 11, newer legacy exports) and `collection.anki21b`
(zstd-compressed, schema 18, Anki ≥ 2.1.50). The newest collection in the zip wins (newer
exports also carry a dummy `collection.anki2` asking old clients to update).

Cards come from the collection's `cards` table, so each card Anki made is one Viva card: the
note's template `ord` renders it (two templates give two cards), and a cloze card renders
deletion `ord + 1`. Review history (`revlog`) comes along for FSRS."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from drills.cards import anki_proto
from drills.cards.scheduler import Rating, from_sm2
from drills.cards.source import DeckFileError, ReadReport, SourceCard
from drills.cards.templates import CardContext, answer_part, render, spoken_blank

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_REQUIRED = {"col", "notes", "cards", "revlog"}
_MAX_COLLECTION_BYTES = 4 * 1024**3
# Anki v1 scheduler: learning/relearning answers had three buttons (again, good, easy).
_V1_LEARNING = {1: Rating.AGAIN, 2: Rating.GOOD, 3: Rating.EASY}
_BUTTONS = {int(r): r for r in Rating}
_MANUAL = 4


@dataclass(frozen=True)
class _Template:
    name: str
    question: str
    answer: str


@dataclass(frozen=True)
class _Notetype:
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: dict[int, _Template]


class ApkgSource:
    """An opened .apkg: `cards()` yields its cards; `close()` removes the temporary copy."""

    def __init__(self, path: Path) -> None:
        self.report = ReadReport()
        self._dir = Path(tempfile.mkdtemp(prefix="viva-apkg-"))
        try:
            self._db_path = self._extract(path)
            self._db = _open(self._db_path)
            self._load()
        except Exception:
            self.close()
            raise

    # -- opening ----------------------------------------------------------------------------

    def _extract(self, path: Path) -> Path:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise DeckFileError(f"{path.name} is not a readable .apkg file (a zip archive): {exc}") from exc
        with archive:
            names = set(archive.namelist())
            member = next((n for n in COLLECTIONS if n in names), None)
            if member is None:
                raise DeckFileError(f"{path.name} holds no Anki collection (none of {', '.join(COLLECTIONS)})")
            self.report.format = member.removeprefix("collection.")
            self.report.media_files = self._media_count(archive, names)
            target = self._dir / "collection.sqlite"
            try:
                with archive.open(member) as source, target.open("wb") as sink:
                    if member.endswith("anki21b"):
                        _unzstd(source, sink)
                    else:
                        shutil.copyfileobj(source, sink)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                raise DeckFileError(f"{path.name} is damaged: {member} cannot be read ({exc})") from exc
        return target

    def _media_count(self, archive: zipfile.ZipFile, names: set[str]) -> int:
        """How many media files the package lists (its `media` map), else holds."""
        try:
            return len(_media_names(archive.read("media"))) if "media" in names else 0
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            self.report.skipped.append(f"the package's media list is unreadable ({exc}); media not counted")
            return sum(1 for n in names if n.isdigit())

    def _load(self) -> None:
        db = self._db
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables >= _REQUIRED:
                missing = ", ".join(sorted(_REQUIRED - tables))
                raise DeckFileError(f"not an Anki collection Viva knows: tables missing ({missing})")
            (self._version, self._created) = db.execute("SELECT ver, crt FROM col").fetchone()
            if "notetypes" in tables:
                self._notetypes = _notetypes_v18(db)
                self._decks = {i: n.replace("\x1f", "::") for i, n in db.execute("SELECT id, name FROM decks")}
                conf = dict(db.execute("SELECT key, val FROM config").fetchall())
                sched = json.loads(conf.get("schedVer", b"2") or b"2")
            else:
                models, decks, conf_text = db.execute("SELECT models, decks, conf FROM col").fetchone()
                self._notetypes = _notetypes_v11(json.loads(models))
                self._decks = {int(i): d["name"] for i, d in json.loads(decks).items()}
                sched = json.loads(conf_text or "{}").get("schedVer", 1)
            self._v1 = int(sched) == 1
            self.report.notes = db.execute("SELECT count(*) FROM notes").fetchone()[0]
            self._total = db.execute("SELECT count(*) FROM cards").fetchone()[0]
        except DeckFileError:
            raise
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise DeckFileError(f"the collection's schema is not one Viva can read ({exc})") from exc

    @property
    def total(self) -> int:
        return self._total

    def close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    # -- cards --------------------------------------------------------------------------------

    def cards(self) -> Iterator[SourceCard]:
        try:
            history = self._history()
            query = (
                "SELECT c.id, c.ord, c.did, c.odid, c.type, c.queue, c.due, c.odue, c.ivl, c.factor,"
                " n.guid, n.mid, n.flds, n.tags FROM cards c JOIN notes n ON n.id = c.nid ORDER BY n.id, c.ord"
            )
            for row in self._db.execute(query):
                try:
                    card = self._card(row, history.get(row[0], []))
                except _DAMAGED_ROW as exc:  # SQLite holds any type in any column: skip this card only
                    self.report.skipped.append(f"card {row[0]!r}: damaged in the collection ({exc})")
                    continue
                if card is not None:
                    yield card
        except sqlite3.DatabaseError as exc:
            raise DeckFileError(f"the collection is damaged ({exc})") from exc

    def _card(self, row: tuple, reviews: list[tuple[datetime, Rating]]) -> SourceCard | None:
        cid, ord_, did, odid, ctype, queue, due, odue, ivl, factor, guid, mid, flds, tags = row
        notetype = self._notetypes.get(mid)
        if notetype is None:
            self.report.skipped.append(f"card {cid}: its note type {mid} is missing from the collection")
            return None
        values = flds.split("\x1f")
        fields = {name: values[i] if i < len(values) else "" for i, name in enumerate(notetype.fields)}
        template = notetype.templates.get(0 if notetype.cloze else ord_)
        if template is None:
            self.report.skipped.append(f"card {cid}: template {ord_ + 1} of '{notetype.name}' is missing")
            return None
        deck = self._decks.get(odid or did) or self._decks.get(did) or "Default"
        ctx = CardContext(
            fields, tags.strip(), deck, notetype.name, template.name, ord_ + 1 if notetype.cloze else None
        )
        question = render(template.question, ctx, answer=False)
        answer = answer_part(render(template.answer, ctx, answer=True), question)
        # A cloze front is said with "blank" where the written one shows "[...]".
        spoken_front = render(template.question, ctx, answer=False, blank=spoken_blank) if notetype.cloze else ""
        fallback = None
        if not reviews and ctype == 2 and ivl > 0:
            days = (odue or due) if odid else due
            fallback = from_sm2(ivl, factor, datetime.fromtimestamp(self._created, UTC) + timedelta(days=days))
        return SourceCard(
            note_guid=guid,
            ord=ord_,
            deck=deck,
            front=question,
            back=answer,
            spoken_front=spoken_front,
            suspended=queue == -1,
            position=due if ctype == 0 else 0,
            reviews=tuple(reviews),
            fallback_state=fallback,
        )

    def _history(self) -> dict[int, list[tuple[datetime, Rating]]]:
        """Each card's ratings, oldest first. Manual entries (ease 0) are not reviews; a
        "forget" (manual, interval 0) clears what came before it."""
        history: dict[int, list[tuple[datetime, Rating]]] = defaultdict(list)
        for rid, cid, ease, ivl, kind in self._db.execute(
            "SELECT id, cid, ease, ivl, type FROM revlog ORDER BY cid, id"
        ):
            if ease == 0:
                if kind == _MANUAL and ivl == 0:
                    history.pop(cid, None)
                continue
            buttons = _V1_LEARNING if self._v1 and kind in (0, 2) else _BUTTONS
            rating = buttons.get(ease)
            if rating is None:
                self.report.history_notes.append(f"review {rid}: unknown answer button {ease}, left out")
                continue
            try:
                history[cid].append((datetime.fromtimestamp(rid / 1000, UTC), rating))
            except _DAMAGED_ROW as exc:
                self.report.history_notes.append(f"review {rid!r}: damaged ({exc}), left out")
        return history


_DAMAGED_ROW = (TypeError, ValueError, AttributeError, OverflowError, KeyError, IndexError, OSError)
"""What a row of the wrong types raises while it is read (`OSError`: a timestamp out of range)."""


def _open(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.DatabaseError as exc:
        raise DeckFileError(f"the collection is not an SQLite database ({exc})") from exc


def _unzstd(source, sink) -> None:  # noqa: ANN001 - binary file objects
    import zstandard

    try:
        reader = zstandard.ZstdDecompressor().stream_reader(source)
        written = 0
        while chunk := reader.read(1 << 20):
            written += len(chunk)
            if written > _MAX_COLLECTION_BYTES:
                raise ValueError("the collection is larger than 4 GB")
            sink.write(chunk)
    except zstandard.ZstdError as exc:
        raise ValueError(f"zstd: {exc}") from exc


def _notetypes_v11(models: dict) -> dict[int, _Notetype]:
    result = {}
    for mid, model in models.items():
        fields = tuple(f["name"] for f in sorted(model["flds"], key=lambda f: f["ord"]))
        templates = {t["ord"]: _Template(t["name"], t["qfmt"], t["afmt"]) for t in model["tmpls"]}
        result[int(mid)] = _Notetype(model["name"], model.get("type") == 1, fields, templates)
    return result


def _notetypes_v18(db: sqlite3.Connection) -> dict[int, _Notetype]:
    fields: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for ntid, ord_, name in db.execute("SELECT ntid, ord, name FROM fields"):
        fields[ntid].append((ord_, name))
    templates: dict[int, dict[int, _Template]] = defaultdict(dict)
    for ntid, ord_, name, config in db.execute("SELECT ntid, ord, name, config FROM templates"):
        question, answer = anki_proto.template_formats(config)
        templates[ntid][ord_] = _Template(name, question, answer)
    result = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        names = tuple(n for _, n in sorted(fields[ntid]))
        result[ntid] = _Notetype(name, anki_proto.notetype_is_cloze(config), names, templates[ntid])
    return result


def _media_names(data: bytes) -> list[str]:
    """A package's media file names: a JSON map in older exports, zstd-compressed protobuf
    (MediaEntries) in newer ones. ValueError when it is neither."""
    if data[:4] == b"\x28\xb5\x2f\xfd":
        import zstandard

        try:
            raw = zstandard.ZstdDecompressor().decompress(data, max_output_size=64 << 20)
        except zstandard.ZstdError as exc:
            raise ValueError(f"zstd: {exc}") from exc
        return anki_proto.media_names(raw)
    try:
        mapping = json.loads(data or b"{}")
        return [str(mapping[k]) for k in sorted(mapping, key=int)]
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError, AttributeError, RecursionError) as exc:
        raise ValueError(f"not a media map: {exc}") from exc
