"""Errors of the voice bot that callers handle (messages are safe to log and to show)."""

from __future__ import annotations


class RecordingError(Exception):
    """An answer's audio file cannot be written or read (not one of Viva's WAVs, disk failing)."""
