"""docker-compose.yml without a Docker engine: it follows the Compose Specification (the JSON
schema read in place from the shared folder), names the official images, and every path,
port, build context, Dockerfile, mounted file and environment variable in it exists in the
project or is read by the code that runs in that container."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.compose import (
    NOT_VIVAS,
    RASA_SIDE_CODE,
    SECRET_NAMES,
    VARIABLE,
    compose_text,
    env_example,
    interpolate,
    port,
    raw,
    resolved,
    sample_env,
    service_env,
)
from tests.conftest import REPO, shared_dir


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    path = shared_dir() / "schemas" / "compose-spec.json"
    if not path.is_file():
        pytest.skip(f"the Compose Specification schema is not at {path} (set VIVA_SHARED_DIR)")
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_file_follows_the_compose_specification(schema: dict[str, Any]) -> None:
    from jsonschema import Draft7Validator

    validator = Draft7Validator(schema)
    for document in (raw(), resolved()):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == []
    broken = resolved()
    broken["services"]["rasa"]["depends_on"] = "postgres"
    broken["services"]["voicebot"]["restart_policy"] = "always"
    assert len(list(validator.iter_errors(broken))) == 2  # the schema does catch mistakes


def test_it_names_the_official_images() -> None:
    services = raw()["services"]
    assert set(services) == {"postgres", "action-server", "rasa", "voicebot", "turn"}
    assert services["rasa"]["image"] == "rasa/rasa:3.6.21"
    build = services["action-server"]["build"]
    dockerfile = (REPO / build["context"] / build["dockerfile"]).read_text(encoding="utf-8")
    assert re.findall(r"^FROM (\S+)", dockerfile, re.M) == ["rasa/rasa-sdk:3.6.2"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["turn"]["image"].startswith("coturn/coturn:")
    assert services["turn"]["profiles"] == ["turn"]
    assert all("profiles" not in s for name, s in services.items() if name != "turn")
    assert services["voicebot"]["build"] == {"context": ".", "dockerfile": "Dockerfile"}


def test_build_contexts_dockerfiles_and_copied_sources_exist() -> None:
    for name, service in raw()["services"].items():
        if "build" not in service:
            continue
        context = REPO / service["build"]["context"]
        dockerfile = context / service["build"].get("dockerfile", "Dockerfile")
        assert context.is_dir() and dockerfile.is_file(), name
        for line in dockerfile.read_text(encoding="utf-8").splitlines():
            if line.startswith("COPY ") and "--from" not in line:
                *sources, _target = line.split()[1:]
                for source in sources:
                    assert (context / source).exists(), f"{dockerfile.name}: COPY {source}"
    app = (REPO / "Dockerfile").read_text(encoding="utf-8")
    (torch,) = re.findall(r"ARG TORCH_VERSION=(\S+)", app)
    assert f'TORCH_VERSION="{torch}"' in (REPO / "scripts" / "lib.sh").read_text(encoding="utf-8")
    assert f'"torch=={torch}"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert "download.pytorch.org/whl/cpu" in app  # the CPU wheel, before the app's dependencies
    assert app.index("torch==") < app.index('pip install ".[')


def test_mounted_files_exist() -> None:
    services = resolved()["services"]
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (REPO / source).exists(), f"{name}: {source}"
    # What the Rasa containers run from the mounted dialogue/ folder.
    dialogue = REPO / "dialogue"
    rasa_command = " ".join(services["rasa"]["command"])
    for needed in ("config.yml", "domain.yml", "data", "endpoints.yml", "credentials.yml"):
        assert needed in rasa_command and (dialogue / needed).exists(), needed
    assert services["rasa"]["working_dir"] == services["action-server"]["working_dir"] == "/app/dialogue"
    assert (dialogue / "rasa_boot" / "launch.py").is_file() and (dialogue / "actions" / "__init__.py").is_file()
    assert services["action-server"]["entrypoint"] == ["python", "-m", "rasa_boot.launch"]
    assert "python -m rasa_boot.launch rasa run" in rasa_command  # the keyed launcher, not bare `rasa run`


def test_every_variable_is_documented_and_no_secret_is_in_the_file() -> None:
    used = {match["name"] for match in VARIABLE.finditer(compose_text())}
    documented = env_example()
    assert used <= set(documented), sorted(used - set(documented))
    for name, value in documented.items():
        if name.endswith(SECRET_NAMES):
            assert value == "", f".env.example must not carry a value for {name}"
    assert not re.search(r"[0-9a-f]{32,}", compose_text())
    assert ".env" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    with pytest.raises(ValueError, match="VIVA_RASA_KEY"):
        interpolate(raw(), {**sample_env(), "VIVA_RASA_KEY": ""})  # a missing key stops compose


def test_the_voice_bot_is_configured_with_real_settings_and_arguments() -> None:
    from voicebot.cli import _parser
    from voicebot.settings import load_settings

    voicebot = resolved()["services"]["voicebot"]
    environment = service_env(voicebot)
    assert all(name.startswith("VIVA_") for name in environment)
    settings = load_settings(environ=environment)  # an unknown setting would raise here
    assert settings.rasa.url and settings.rasa.key == sample_env()["VIVA_RASA_KEY"]
    assert settings.api.key == sample_env()["VIVA_API_KEY"]
    assert settings.store.url.startswith("postgresql+psycopg://")
    assert str(settings.data_dir) == "/data" and settings.log_format == "json"
    args = _parser().parse_args(voicebot["command"])
    assert args.command == "serve" and args.self_signed and args.host == "0.0.0.0"
    mounts = {volume.split(":")[1] for volume in voicebot["volumes"]}
    assert {str(settings.data_dir), str(settings.recordings_dir)} <= mounts


def test_the_rasa_side_environment_is_read_by_the_code() -> None:
    services = resolved()["services"]
    code = "\n".join(path.read_text(encoding="utf-8") for path in RASA_SIDE_CODE)
    for name in ("rasa", "action-server", "postgres"):
        for variable in service_env(services[name]):
            assert variable in NOT_VIVAS or variable in code, f"{name}: nothing reads {variable}"
    # And the other way round: every ${VAR} Rasa substitutes in its files is set for it.
    rasa = service_env(services["rasa"])
    for path in (REPO / "dialogue" / "endpoints.yml", REPO / "dialogue" / "credentials.yml"):
        settings = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
        for match in VARIABLE.finditer(settings):
            assert match["name"] in rasa, f"{path.name} needs {match['name']}"
    actions = service_env(services["action-server"])
    assert {"VIVA_ACTIONS_KEY", "VIVA_API_KEY", "VIVA_API_URL", "SANIC_HOST"} <= set(actions)
    assert "VIVA_RASA_KEY" not in actions and "VIVA_API_KEY" not in rasa  # each holds only its keys


def test_ports_agree() -> None:
    services = resolved()["services"]
    rasa_command = " ".join(services["rasa"]["command"]).split()
    actions_command = services["action-server"]["command"]
    listening = {
        "postgres": int(next(a for a in services["postgres"]["command"] if a.startswith("port=")).split("=")[1]),
        "rasa": int(rasa_command[rasa_command.index("-p") + 1]),
        "action-server": int(actions_command[actions_command.index("--port") + 1]),
        "api": int(service_env(services["voicebot"])["VIVA_API__PORT"]),
        "voicebot": int(services["voicebot"]["command"][services["voicebot"]["command"].index("--port") + 1]),
    }
    assert len(set(listening.values())) == len(listening)
    voicebot, rasa, actions = (service_env(services[n]) for n in ("voicebot", "rasa", "action-server"))
    assert port(voicebot["VIVA_RASA__URL"]) == listening["rasa"]
    assert port(voicebot["VIVA_STORE__URL"]) == listening["postgres"]
    assert port(rasa["VIVA_RASA_TRACKER_URL"]) == listening["postgres"]
    assert port(rasa["VIVA_ACTIONS_URL"]) == listening["action-server"]
    assert port(actions["VIVA_API_URL"]) == listening["api"]
    assert str(listening["postgres"]) in services["postgres"]["healthcheck"]["test"]
    for name in ("rasa", "action-server", "voicebot"):
        (check,) = [part for part in services[name]["healthcheck"]["test"] if "://" in part]
        (url,) = re.findall(r"https?://[^'\"]+", check)
        assert port(url) == listening[name], name
    # Every address:port the file names is one of these (or the TURN relay's own).
    turn = services["turn"]["command"]
    known = {*listening.values(), int(next(a for a in turn if a.startswith("--listening-port=")).split("=")[1])}
    for found in re.findall(r"(?:127\.0\.0\.1|localhost|@[^:/\s]+):(\d+)", compose_text()):
        assert int(found) in known, found
    # The app's own defaults are what the file assumes when it does not say.
    from voicebot.settings import Settings

    defaults = Settings()
    assert (defaults.rasa.port, defaults.rasa.actions_port, defaults.api.port, defaults.server.port) == (
        listening["rasa"],
        listening["action-server"],
        listening["api"],
        listening["voicebot"],
    )


def test_the_rasa_side_files_run_in_the_images_python() -> None:
    """Rasa 3.6 runs on Python 3.10 at most: what the Rasa containers import from dialogue/
    must compile there (checked with the Rasa venv's own 3.10 when present)."""
    import subprocess

    python = REPO / ".venv-rasa" / "bin" / "python"
    if not python.is_file():
        pytest.skip("no Rasa venv (.venv-rasa) to check with; `make setup` makes it")
    sources = [str(p) for p in RASA_SIDE_CODE if p.suffix == ".py"]
    done = subprocess.run([str(python), "-m", "py_compile", *sources], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    version = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    )
    assert version.stdout.strip() == "(3, 10)"


def test_the_dockerignore_keeps_secrets_and_venvs_out_of_the_build() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    for entry in (".env", ".venv", ".venv-rasa", ".git"):
        assert entry in ignored, entry


def test_the_postgres_init_makes_rasas_database() -> None:
    services = raw()["services"]
    (mount,) = [v for v in services["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    sql = (REPO / mount.split(":")[0]).read_text(encoding="utf-8")
    tracker = service_env(resolved()["services"]["rasa"])["VIVA_RASA_TRACKER_URL"]
    database = urlsplit(tracker).path.lstrip("/")
    assert f"CREATE DATABASE {database} OWNER {services['postgres']['environment']['POSTGRES_USER']}" in sql
