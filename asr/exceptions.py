"""Errors raised by the asr package."""


class AsrError(Exception):
    """Base class for speech-recognition errors."""


class AudioDecodeError(AsrError):
    """The input could not be decoded as audio (missing, empty, not audio, corrupt)."""


class ModelNotFoundError(AsrError):
    """The requested Whisper model is not available locally (Viva never downloads one)."""
