"""Just enough of the protocol-buffer wire format to read Anki's newer files: the notetype,
template and deck configs of collection.anki21b, and the zstd-compressed `media` map.

Anki's own .proto files define the messages; only the fields Viva needs are named here. A
malformed buffer raises ValueError (the importer reports it as a corrupt file)."""

from __future__ import annotations

from collections.abc import Iterator

Field = tuple[int, int, int | bytes]
"""(field number, wire type, value): varints as ints, length-delimited as bytes."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated protobuf varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("protobuf varint too long")


def fields(data: bytes) -> Iterator[Field]:
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            yield number, wire, value
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated protobuf field")
            yield number, wire, data[pos : pos + length]
            pos += length
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


def first(data: bytes, number: int, default: int | bytes | None = None) -> int | bytes | None:
    for field_number, _, value in fields(data):
        if field_number == number:
            return value
    return default


def text(data: bytes, number: int) -> str:
    value = first(data, number, b"")
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def notetype_is_cloze(config: bytes) -> bool:
    """Notetype.Config: `kind = 1` (0 normal, 1 cloze)."""
    return first(config, 1, 0) == 1


def template_formats(config: bytes) -> tuple[str, str]:
    """Notetype.Template.Config: `q_format = 1`, `a_format = 2`."""
    return text(config, 1), text(config, 2)


def media_names(data: bytes) -> list[str]:
    """MediaEntries { repeated MediaEntry entries = 1 }, MediaEntry { string name = 1 }: the
    n-th entry is the zip member named str(n)."""
    names = []
    for number, _, entry in fields(data):
        if number == 1 and isinstance(entry, bytes):
            names.append(text(entry, 1))
    return names
