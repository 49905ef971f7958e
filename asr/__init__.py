"""Speech recognition for Viva: audio at the edge, VAD windowing, streaming Whisper."""

from pathlib import Path

from asr.audio import SAMPLE_RATE, FrameConverter, load_file
from asr.events import AsrEvent, FinalTranscript, PartialTranscript, SpeechDiscarded, SpeechStarted
from asr.exceptions import AsrError, AudioDecodeError, ModelNotFoundError
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.pool import DecodePool
from asr.streaming import StreamingRecognizer
from asr.transcript import Transcript, Word
from asr.whisper import DecodeRequest, Transcriber, WhisperTranscriber


def create_pool(options: AsrOptions, cache_dir: Path) -> DecodePool:
    """Load the Whisper model once and wrap it in a decode pool shared by all streams."""
    return DecodePool(WhisperTranscriber(options, cache_dir), options.decode_workers)


__all__ = [
    "SAMPLE_RATE",
    "AsrError",
    "AsrEvent",
    "AsrOptions",
    "AudioDecodeError",
    "DecodePool",
    "DecodeRequest",
    "EndpointProfile",
    "FinalTranscript",
    "FrameConverter",
    "ModelNotFoundError",
    "PartialTranscript",
    "SpeechDiscarded",
    "SpeechStarted",
    "StreamingRecognizer",
    "Transcriber",
    "Transcript",
    "VadOptions",
    "WhisperTranscriber",
    "Word",
    "create_pool",
    "load_file",
]
