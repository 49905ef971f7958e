"""Errors raised by the tts package."""


class TtsError(Exception):
    """Base class for speech-synthesis errors."""


class EngineUnavailableError(TtsError):
    """The selected engine or its model is not installed; the message names the fix."""
