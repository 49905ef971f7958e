"""docker-compose.yml as data: read, interpolated the way Compose does it, and mapped onto
this machine (free ports, a test PostgreSQL) to run its commands natively."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import yaml

from tests.support import REPO

COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
SECRET_NAMES = ("KEY", "TOKEN", "PASSWORD")
RASA_SIDE_CODE = (
    *sorted((REPO / "dialogue" / "rasa_boot").glob("*.py")),
    *sorted((REPO / "dialogue" / "actions").glob("*.py")),
    REPO / "dialogue" / "endpoints.yml",
    REPO / "dialogue" / "credentials.yml",
)
NOT_VIVAS = {
    # Read by Rasa, TensorFlow, Sanic or Python themselves, not by Viva's code.
    "RASA_TELEMETRY_ENABLED": "Rasa: no telemetry (the runtime sets it too)",
    "RASA_CACHE_DIRECTORY": "Rasa: the training cache",
    "TF_CPP_MIN_LOG_LEVEL": "TensorFlow: quiet",
    "PYTHONDONTWRITEBYTECODE": "Python: dialogue/ is mounted read-only",
    "POSTGRES_USER": "the postgres image",
    "POSTGRES_DB": "the postgres image",
    "POSTGRES_PASSWORD": "the postgres image",
}


def compose_text() -> str:
    return COMPOSE.read_text(encoding="utf-8")


def raw() -> dict[str, Any]:
    return yaml.safe_load(compose_text())


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def sample_env() -> dict[str, str]:
    """.env.example filled in the way its comments ask (hex keys and passwords)."""
    filled = {}
    for name, value in env_example().items():
        if not value and name.endswith(SECRET_NAMES):
            value = "a1" * 32
        filled[name] = value
    filled["VIVA_TURN_EXTERNAL_IP"] = filled.get("VIVA_TURN_EXTERNAL_IP") or "192.0.2.10"  # documentation range
    return filled


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        given = env.get(name)
        if op in (":-", "-"):
            return given if given or (op == "-" and given is not None) else arg
        if op in (":?", "?") and not given:
            raise ValueError(f"{name}: {arg}")
        return given or ""

    return VARIABLE.sub(one, value).replace("$$", "$")


def resolved() -> dict[str, Any]:
    return interpolate(raw(), sample_env())


def service_env(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    return {key: str(value) for key, value in environment.items()}


def port(url: str) -> int:
    found = urlsplit(url).port
    assert found is not None, url
    return found


def mapped(value: Any, replacements: dict[str, str]) -> Any:
    """The compose data with whole tokens replaced (ports, paths, names): how its services are
    run natively here, on free ports, beside whatever else this machine runs."""
    text = json.dumps(value)
    for old, new in replacements.items():
        text = re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w])", new, text)
    return json.loads(text)
