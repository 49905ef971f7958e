"""`build_service(settings)`: migrates the store under data_dir and serves a learner."""

from __future__ import annotations

from pathlib import Path

from drills.app import build_service
from drills.options import StoreOptions
from voicebot.settings import Settings


def test_build_service_from_settings(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    service = build_service(settings)
    try:
        view, created = service.create_learner("Ada")
        assert created and service.plan_status(view.learner_id).day == 1
        assert (tmp_path / "data" / "viva.db").is_file()
    finally:
        service.close()


def test_build_service_with_an_explicit_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'study.db'}"
    service = build_service(Settings(data_dir=tmp_path / "unused", store=StoreOptions(url=url)))
    try:
        assert service.create_learner("Ada")[1]
        assert (tmp_path / "elsewhere" / "study.db").is_file()
        assert not (tmp_path / "unused").exists()
    finally:
        service.close()
