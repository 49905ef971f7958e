"""Build nested frozen dataclasses from a TOML mapping plus `VIVA_…` environment overrides.

Unknown keys are errors (with a suggestion), never silently ignored: a typo in a config file
should not quietly run with defaults.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A configuration file or environment variable is invalid; the message says where."""


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(known))})"


def _convert(value: Any, kind: Any, where: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if value is None or (isinstance(value, str) and value.lower() in ("", "none", "null")):
            return None
        return _convert(value, args[0], where)
    if origin is tuple:
        items = value.split(",") if isinstance(value, str) else list(value)
        inner = typing.get_args(kind)[0]
        return tuple(
            _convert(item.strip() if isinstance(item, str) else item, inner, where) for item in items if item != ""
        )
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if kind is Path:
            return Path(str(value)).expanduser()
        if kind in (int, float, str):
            return kind(value)
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {value!r} is not a valid {getattr(kind, '__name__', kind)}") from exc
    return value


def build(cls: type[T], values: Mapping[str, Any], where: str = "") -> T:
    """Instantiate dataclass `cls` from `values`, recursing into nested dataclass fields."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(values) - set(fields)
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"unknown setting {where}{key}{_suggest(key, list(fields))}")
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        kind = hints[name]
        if dataclasses.is_dataclass(kind):
            if isinstance(value, kind):  # a default instance carried over (see _field_default)
                kwargs[name] = value
                continue
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}{name} must be a table of settings")
            # Keys not given keep the field's own default (which may differ from the class's).
            defaults = _field_default(fields[name])
            kwargs[name] = build(kind, {**defaults, **value}, f"{where}{name}.")  # type: ignore[arg-type]
        else:
            kwargs[name] = _convert(value, kind, f"{where}{name}")
    return cls(**kwargs)


def _field_default(spec: dataclasses.Field) -> dict[str, Any]:
    """The field's default instance as a shallow mapping (empty when it has none)."""
    if spec.default_factory is not dataclasses.MISSING:
        default = spec.default_factory()
    elif spec.default is not dataclasses.MISSING:
        default = spec.default
    else:
        return {}
    return {f.name: getattr(default, f.name) for f in dataclasses.fields(default)}


def env_overrides(environ: Mapping[str, str], prefix: str = "VIVA_") -> dict[str, Any]:
    """`VIVA_ASR__MODEL=base` → {"asr": {"model": "base"}}; `VIVA_DATA_DIR` → {"data_dir": …}."""
    tree: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(prefix) or key in ("VIVA_CONFIG",):
            continue
        path = key[len(prefix) :].lower().split("__")
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return tree


def merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(dict(out[key]), value)
        else:
            out[key] = value
    return out
