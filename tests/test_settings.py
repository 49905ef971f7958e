from pathlib import Path

import pytest

from asr.options import EndpointProfile
from voicebot.config_loader import ConfigError
from voicebot.settings import load_settings


def test_defaults_are_private_and_offline() -> None:
    settings = load_settings(environ={})
    assert settings.server.host == "127.0.0.1"
    assert settings.server.ice_servers == ()
    assert settings.asr.model == "tiny.en" and settings.asr.compute_type == "int8"
    assert settings.vad.aggressiveness == 3
    assert settings.vad.hangover_ms(EndpointProfile.COMMAND) < 300 < settings.vad.hangover_ms(EndpointProfile.ANSWER)


def test_file_then_environment_override(tmp_path: Path) -> None:
    config = tmp_path / "viva.toml"
    config.write_text('data_dir = "/srv/viva"\n[asr]\nmodel = "base"\nbeam_size = 3\n[tts]\nrate = 0.9\n')
    env = {"VIVA_CONFIG": str(config), "VIVA_ASR__BEAM_SIZE": "1", "VIVA_SERVER__ICE_SERVERS": "stun:a:3478,turn:b"}
    settings = load_settings(environ=env)
    assert settings.data_dir == Path("/srv/viva")
    assert settings.asr.model == "base" and settings.asr.beam_size == 1
    assert settings.tts.rate == 0.9
    assert settings.server.ice_servers == ("stun:a:3478", "turn:b")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VIVA_ASR__MODLE": "base"}, "did you mean 'model'"),
        ({"VIVA_ASR__BEAM_SIZE": "five"}, "asr.beam_size: 'five' is not a valid int"),
        ({"VIVA_TTS__DETERMINISTIC": "maybe"}, "tts.deterministic"),
        ({"VIVA_NOPE": "1"}, "unknown setting nope"),
    ],
)
def test_bad_settings_name_the_problem(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=env)


def test_broken_or_missing_config_file(tmp_path: Path) -> None:
    broken = tmp_path / "viva.toml"
    broken.write_text("[asr\nmodel = 1")
    with pytest.raises(ConfigError, match="viva.toml"):
        load_settings(environ={"VIVA_CONFIG": str(broken)})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(environ={"VIVA_CONFIG": str(tmp_path / "missing.toml")})


def test_a_nested_table_keeps_the_fields_own_defaults() -> None:
    # pair_rate's default (5 a minute) differs from RateLimit's: setting only the burst keeps it.
    settings = load_settings(environ={"VIVA_SERVER__PAIR_RATE__BURST": "9", "VIVA_SERVER__PAIRING": "always"})
    assert (settings.server.pair_rate.burst, settings.server.pair_rate.per_minute) == (9, 5.0)
    assert settings.server.offer_rate == load_settings(environ={}).server.offer_rate
    assert settings.server.pairing == "always"
    with pytest.raises(ConfigError, match="server.pairing"):
        load_settings(environ={"VIVA_SERVER__PAIRING": "sometimes"})
