"""Reading CSV/TSV decks: Anki's text exports (with `#separator:`, `#html:`, `#columns:`,
`#deck column:`, `#guid column:`, `#tags column:` headers) and plain two-column files.

Without headers the columns are front, back, then optional tags; a first row reading
"front, back" is a header. Rows with no front or no back are skipped and reported with their
line number. A note's guid is its guid column, else a hash of its front and back, so
importing the same file twice adds nothing."""

from __future__ import annotations

import csv
import hashlib
import html
import io
from collections.abc import Iterator
from pathlib import Path

from drills.cards.source import DeckFileError, ReadReport, SourceCard

_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}
_MAX_BYTES = 512 * 1024 * 1024


def stable_guid(*parts: str) -> str:
    return "csv-" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]


class CsvSource:
    def __init__(self, path: Path, deck: str | None = None) -> None:
        self.report = ReadReport(format="tsv" if path.suffix.lower() in (".tsv", ".txt") else "csv")
        try:
            if path.stat().st_size > _MAX_BYTES:
                raise DeckFileError(f"{path.name} is larger than 512 MB")
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DeckFileError(f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
        except OSError as exc:
            raise DeckFileError(f"cannot read {path}: {exc}") from exc
        if "\x00" in text:
            raise DeckFileError(f"{path.name} is a binary file, not CSV or TSV text")
        self._deck = deck or path.stem
        self._headers, self._body, self._first_line = _split_headers(text)
        self._rows = self._parse(path.name)
        self.report.notes = len(self._rows)

    def _parse(self, name: str) -> list[tuple[int, list[str]]]:
        separator = _SEPARATORS.get(self._headers.get("separator", "").lower(), self._headers.get("separator"))
        if not separator:
            sample = self._body[:4096]
            separator = "\t" if "\t" in sample else _sniff(sample)
        if len(separator) != 1 or separator in '\r\n"':
            words = ", ".join(_SEPARATORS)
            raise DeckFileError(f"{name}: '#separator:{separator}' is not a separator ({words} or one character)")
        try:
            rows = list(csv.reader(io.StringIO(self._body), delimiter=separator))
        except csv.Error as exc:
            raise DeckFileError(f"{name} is not valid CSV: {exc}") from exc
        numbered = [(self._first_line + i, row) for i, row in enumerate(rows) if any(c.strip() for c in row)]
        if not self._headers and numbered and [c.strip().lower() for c in numbered[0][1][:2]] == ["front", "back"]:
            numbered = numbered[1:]
        if not numbered:
            raise DeckFileError(f"{name} has no cards (no rows with a front and a back)")
        return numbered

    @property
    def total(self) -> int:
        return len(self._rows)

    def close(self) -> None:
        pass

    def _column(self, key: str) -> int | None:
        value = self._headers.get(key)
        return int(value) - 1 if value and value.isdigit() and int(value) > 0 else None

    def cards(self) -> Iterator[SourceCard]:
        sep = self._headers.get("_sep", ",")
        names = [c.strip().lower() for c in self._headers["columns"].split(sep)] if "columns" in self._headers else []
        guid_col, deck_col, tags_col = (
            self._column("guid column"),
            self._column("deck column"),
            self._column("tags column"),
        )
        notetype_col = self._column("notetype column")
        special = {c for c in (guid_col, deck_col, tags_col, notetype_col) if c is not None}
        named = [names.index(side) if side in names else None for side in ("front", "back")]
        is_html = self._headers.get("html", "false").lower() == "true"
        for position, (line, row) in enumerate(self._rows):
            content = [c for i, c in enumerate(row) if i not in special]
            for slot, index in enumerate(named):
                if index is not None and index < len(row):
                    content = content[:slot] + [row[index]] + content[slot + 1 :]
            front, back = (content + ["", ""])[:2]
            if not front.strip() or not back.strip():
                side = "front" if not front.strip() else "back"
                self.report.skipped.append(f"line {line}: no {side}, row skipped")
                continue
            if not is_html:
                front, back = html.escape(front).replace("\n", "<br>"), html.escape(back).replace("\n", "<br>")
            guid = row[guid_col].strip() if guid_col is not None and guid_col < len(row) else ""
            deck = row[deck_col].strip() if deck_col is not None and deck_col < len(row) else ""
            yield SourceCard(
                note_guid=guid or stable_guid(front, back),
                ord=0,
                deck=deck or self._deck,
                front=front,
                back=back,
                position=position,
            )


def _split_headers(text: str) -> tuple[dict[str, str], str, int]:
    """Anki's `#key:value` header lines, the rest of the text, and its first line number."""
    headers: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines) and lines[index].startswith("#") and ":" in lines[index]:
        key, _, value = lines[index][1:].partition(":")
        headers[key.strip().lower()] = value.strip()
        index += 1
    if "separator" in headers:
        sep = _SEPARATORS.get(headers["separator"].lower(), headers["separator"])
        headers["_sep"] = sep
    return headers, "".join(lines[index:]), index + 1


def _sniff(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;|").delimiter
    except csv.Error:
        return ","
