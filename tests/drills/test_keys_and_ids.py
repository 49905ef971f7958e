"""The per-install secret and its keys; the shapes of ids that cross a boundary."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from drills import ids
from drills.keys import SecretError, ServiceKeys, install_secret, key_matches
from drills.service import learner_slug


def test_the_secret_is_made_once_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = install_secret(data)
    assert stat.S_IMODE((data / "secret").stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert install_secret(data) == first and len(first) == 64
    assert list(data.iterdir()) == [data / "secret"]  # no temporary file left behind


def test_processes_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    seen: list[bytes] = []
    start = threading.Barrier(8)

    def load() -> None:
        start.wait()
        seen.append(install_secret(tmp_path))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1 and len(seen) == 8


def test_a_secret_others_can_read_is_refused(tmp_path: Path) -> None:
    install_secret(tmp_path)
    os.chmod(tmp_path / "secret", 0o644)
    with pytest.raises(SecretError, match="readable by others"):
        install_secret(tmp_path)


def test_each_service_has_its_own_key(tmp_path: Path) -> None:
    keys = ServiceKeys.load(tmp_path)
    assert len({keys.api, keys.actions, keys.rasa}) == 3
    assert ServiceKeys.load(tmp_path) == keys and ServiceKeys.load(tmp_path / "other") != keys
    assert keys.api not in repr(keys)
    assert key_matches(keys.api, keys.api) and not key_matches(keys.rasa, keys.api)
    assert not key_matches(None, keys.api) and not key_matches("", "")


@pytest.mark.parametrize("name", ["Ada Lovelace", "José Ñúñez", "图书馆", "...", "x" * 300, "O'Brien-Smith"])
def test_every_slug_is_a_learner_id(name: str) -> None:
    slug = learner_slug(name)
    assert ids.is_learner_id(slug) and ids.is_learner_id(f"{slug}-12")


@pytest.mark.parametrize(
    "value", ["", "../etc", "a/b", "a\\b", ".hidden", "-lead", "a.b", "a\x00b", "x" * 65, None, 3, "a b"]
)
def test_learner_ids_of_the_wrong_shape(value: object) -> None:
    assert not ids.is_learner_id(value)
    with pytest.raises(ids.BadId):
        ids.learner_id(value)


@pytest.mark.parametrize("value", ["", "0" * 31, "0" * 33, "../" + "0" * 29, "A" * 32, "g" * 32, None])
def test_attempt_ids_of_the_wrong_shape(value: object) -> None:
    assert not ids.is_attempt_id(value)
    with pytest.raises(ids.BadId):
        ids.attempt_id(value)
    assert ids.attempt_id("0123456789abcdef" * 2)


def test_paths_stay_under_their_folder(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    root.mkdir()
    assert ids.path_under(root, "ada", "f.wav") == (root / "ada" / "f.wav").resolve()
    for parts in (("..", "x.wav"), ("ada", "..", "..", "x"), ("/etc", "passwd"), (".",)):
        with pytest.raises(ids.BadId):
            ids.path_under(root, *parts)
    (root / "link").symlink_to(tmp_path)  # a link planted inside pointing out
    with pytest.raises(ids.BadId):
        ids.path_under(root, "link", "x.wav")
