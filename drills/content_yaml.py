"""YAML read as nodes, so every problem can name its line; getters collect issues, never raise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from drills.exceptions import ContentIssue

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~20x faster


class Issues:
    """The problems found in one file."""

    def __init__(self, file: str, sink: list[ContentIssue]) -> None:
        self.file = file
        self._sink = sink

    def add(self, where: Node | int | None, message: str) -> None:
        line = where.start_mark.line + 1 if isinstance(where, Node) else (where or 0)
        self._sink.append(ContentIssue(self.file, line, message))


def compose_file(path: Path, issues: Issues) -> Node | None:
    """The file's root node, or None (with an issue) when it is missing or not valid YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        issues.add(0, f"cannot read the file: {exc}")
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        issues.add((mark.line + 1) if mark else 0, f"invalid YAML: {exc.problem or exc}")
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids (NUL, other control characters)
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        issues.add(line, f"invalid YAML: character {exc.character!r} is not allowed ({exc.reason})")
        return None
    if node is None:
        issues.add(1, "the file is empty")
    return node


def scalar_value(node: ScalarNode) -> Any:
    """The scalar's Python value with YAML's own typing (int, bool, null, date, str)."""
    value = SafeConstructor().construct_object(node)
    return value.strip() if isinstance(value, str) else value


class Fields:
    """A YAML mapping checked against its required and optional keys."""

    def __init__(
        self,
        node: Node | None,
        issues: Issues,
        what: str,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> None:
        self.node = node
        self.issues = issues
        self.what = what
        self.values: dict[str, Node] = {}
        if not isinstance(node, MappingNode):
            issues.add(node, f"{what} must be a mapping")
            return
        allowed = set(required) | set(optional)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                issues.add(key_node, f"{what}: keys must be plain words")
            elif key in self.values:
                issues.add(key_node, f"{what}: duplicate key '{key}'")
            elif key not in allowed:
                expected = ", ".join(sorted(allowed))
                issues.add(key_node, f"{what}: unknown key '{key}' (expected: {expected})")
            else:
                self.values[key] = value_node
        for key in required:
            if key not in self.values:
                issues.add(node, f"{what}: missing '{key}'")

    def has(self, key: str) -> bool:
        return key in self.values

    def at(self, key: str) -> Node | None:
        """The value node of `key`, or the mapping itself (for line numbers)."""
        return self.values.get(key, self.node)

    def _scalar(self, key: str) -> tuple[bool, Any]:
        node = self.values.get(key)
        if node is None:
            return False, None
        if not isinstance(node, ScalarNode):
            self.issues.add(node, f"{self.what}: '{key}' must be a single value")
            return False, None
        return True, scalar_value(node)

    def text(self, key: str) -> str:
        found, value = self._scalar(key)
        if not found:
            return ""
        if not isinstance(value, str) or not value:
            self.issues.add(self.values[key], f"{self.what}: '{key}' must be non-empty text")
            return ""
        return value

    def optional_text(self, key: str) -> str | None:
        if key not in self.values:
            return None
        return self.text(key) or None

    def integer(self, key: str, low: int, high: int) -> int | None:
        found, value = self._scalar(key)
        if not found:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.issues.add(self.values[key], f"{self.what}: '{key}' must be a whole number {low}..{high}")
            return None
        return value

    def boolean(self, key: str) -> bool:
        found, value = self._scalar(key)
        if found and not isinstance(value, bool):
            self.issues.add(self.values[key], f"{self.what}: '{key}' must be true or false")
            return False
        return bool(value)

    def date_text(self, key: str) -> str:
        found, value = self._scalar(key)
        if not found:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str) and value:
            return value
        self.issues.add(self.values[key], f"{self.what}: '{key}' must be a date (YYYY-MM-DD)")
        return ""

    def nodes(self, key: str, low: int = 0, high: int | None = None, noun: str = "items") -> list[Node]:
        """The items of a sequence, with a count check."""
        node = self.values.get(key)
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.issues.add(node, f"{self.what}: '{key}' must be a list")
            return []
        count = len(node.value)
        if count < low or (high is not None and count > high):
            wanted = f"{low}..{high}" if high is not None else f"at least {low}"
            self.issues.add(node, f"{self.what}: '{key}' has {count} {noun}, expected {wanted}")
        return list(node.value)

    def texts(self, key: str, low: int = 0, high: int | None = None) -> tuple[str, ...]:
        values = []
        for item in self.nodes(key, low, high):
            value = scalar_value(item) if isinstance(item, ScalarNode) else None
            if not isinstance(value, str) or not value:
                self.issues.add(item, f"{self.what}: every entry of '{key}' must be non-empty text")
                continue
            values.append(value)
        return tuple(values)
