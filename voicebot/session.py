"""One learner's voice session: microphone in, recognition, dialogue, speech out.

Data flow (all on the event loop; blocking work on the shared pools):
  inbound track → 16 kHz float32 → StreamingRecognizer → typed events
  events → captions on the data channel, barge-in, answer recording, learner inputs
  learner inputs (finals, typed text, buttons) → one worker task, in order → Conversation
  bot turns → captions + Mouth (sentence-streamed TTS) → SpeechTrack
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiortc import RTCDataChannel, RTCPeerConnection
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from asr.audio import FrameConverter
from asr.events import AsrEvent, FinalTranscript, PartialTranscript, SpeechDiscarded, SpeechStarted
from asr.options import EndpointProfile
from asr.streaming import StreamingRecognizer
from dialogue.conversation import START_INTENTS, Conversation
from dialogue.payload import BotTurn, TurnState
from voicebot.answers import AnswerTaker, HeardAnswer
from voicebot.bargein import BargeInPolicy
from voicebot.biasing import COMMAND_HOTWORDS, commands_for
from voicebot.deps import VoiceDeps
from voicebot.listening import listening_for
from voicebot.metrics import ErrorKind
from voicebot.mouth import Mouth
from voicebot.playback import PlaybackQueue, SpeechTrack
from voicebot.silence import PAUSE_INTENT, NudgeKind, SilencePolicy

log = logging.getLogger(__name__)

_CONTROL_INTENTS = {
    "repeat": "/repeat",
    "skip": "/skip",
    "stop": "/stop",
    "slower": "/slower",
    "faster": "/faster",
    "pause": PAUSE_INTENT,
}
_BARGE_IN_CHECKS = 4
_BARGE_IN_RECHECK_S = 0.12
TAKEN_OVER = (
    "Viva was opened for you in another tab or on another device, so this one stopped. "
    "Press Start here to carry on here instead."
)
_TAKEOVER_GRACE_S = 1.5  # for the page to read `taken_over` before the connection closes


@dataclass(frozen=True)
class _Input:
    kind: str  # "final" | "text" | "intent" | "begin" (an intent that starts a fresh Rasa session)
    text: str
    heard: HeardAnswer | None = None
    typed: bool = False


class VoiceSession:
    """Owns every task it starts; `close()` cancels them and keeps what was said."""

    def __init__(
        self,
        session_id: str,
        learner_id: str,
        deps: VoiceDeps,
        pc: RTCPeerConnection,
        on_closed: Callable[[VoiceSession], None],
    ) -> None:
        self.id = session_id
        self.learner_id = learner_id
        self.deps = deps
        self.pc = pc
        self._on_closed = on_closed
        self.log = logging.LoggerAdapter(log, {"session": session_id})
        self.queue = PlaybackQueue()
        self.track = SpeechTrack(self.queue, on_first_frame=self._first_audio_frame)
        self.mouth = Mouth(deps.speaker, deps.tts_executor, self.queue)
        self.conversation = Conversation(learner_id, deps.dialogue, deps.study)
        self.recognizer = StreamingRecognizer(
            deps.pool,
            self._on_asr,
            asr=deps.settings.asr,
            vad=deps.settings.vad,
            profile=EndpointProfile.COMMAND,
            hotwords=COMMAND_HOTWORDS,
            commands=commands_for("command"),
        )
        self.answers = AnswerTaker(deps, learner_id, self._spawn, self._tell_error)
        self.barge_in = BargeInPolicy()
        self.channel: RTCDataChannel | None = None
        self._inputs: asyncio.Queue[_Input] = asyncio.Queue(maxsize=16)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reprompt: asyncio.TimerHandle | None = None
        self.silence = SilencePolicy(deps.settings.server.reprompt_after_s)
        self._speech_end_wall: float | None = None
        self._closing: asyncio.Task[None] | None = None
        self.closed = False
        self.turn_latencies: list[float] = []
        """Seconds from the end of the learner's speech to the first frame of Viva's reply."""

    # -- wiring ----------------------------------------------------------------------------

    def start(self) -> None:
        self._spawn(self._input_worker(), "inputs")

    def attach_inbound(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            self._spawn(self._consume(track), "inbound")

    def attach_channel(self, channel: RTCDataChannel) -> None:
        self.channel = channel
        channel.on("message", self._on_channel_message)

    def _spawn(self, coro, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=f"{self.id}:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.log.error("task %s failed", task.get_name(), exc_info=task.exception())

    # -- inbound audio ---------------------------------------------------------------------

    async def _consume(self, track: MediaStreamTrack) -> None:
        converter = FrameConverter()
        try:
            while True:
                frame = await track.recv()
                samples = converter.convert(frame)
                if samples.size:
                    self.answers.hear(samples)
                    await self.recognizer.feed(samples)
        except MediaStreamError:
            self.log.info("inbound audio ended")
            await self.close()

    def _on_asr(self, event: AsrEvent) -> None:
        if isinstance(event, SpeechStarted):
            self._cancel_reprompt()
            self.send({"type": "speech_started"})
            self.answers.utterance_started(event, self.conversation.state)
            if self.mouth.busy:
                self._spawn(self._maybe_barge_in(), "barge-in")
        elif isinstance(event, PartialTranscript):
            self.send({"type": "partial", "text": event.text})
            self.answers.partial(event.text, self.conversation.state)
        elif isinstance(event, FinalTranscript):
            self._speech_end_wall = time.monotonic() - event.ready_delay - (event.endpoint_at - event.speech_end)
            self.deps.metrics.final_transcript(event)
            self.send({"type": "final", "text": event.text, "confidence": event.confidence})
            heard = self.answers.utterance_finished(event, self.conversation.state)
            self._offer(_Input("final", event.text, heard=heard))
        elif isinstance(event, SpeechDiscarded):
            self.answers.utterance_discarded()

    async def _maybe_barge_in(self) -> None:
        """Confirm the onset is speech (Silero) while it goes on; then stop Viva talking.

        The first 100-200 ms of a word can score low, so the check repeats a few times as more
        of the utterance arrives; noise and echo never pass it.
        """
        for attempt in range(_BARGE_IN_CHECKS):
            if attempt:
                await asyncio.sleep(_BARGE_IN_RECHECK_S)
            if not self.mouth.busy or not self.recognizer.in_utterance:
                return
            probability = await self.deps.speech_probability(self.answers.recent_audio(0.8))
            if self.barge_in.should_stop(self.mouth.busy, probability):
                self.mouth.interrupt()
                self.send({"type": "barge_in"})
                self.log.info("barge-in (speech probability %.2f, check %d)", probability, attempt + 1)
                return

    # -- learner inputs, in order ----------------------------------------------------------

    def _offer(self, item: _Input) -> None:
        if self.closed:
            return
        self.silence.learner_acted(item.text)
        try:
            self._inputs.put_nowait(item)
        except asyncio.QueueFull:
            self.log.warning("input queue full; dropping %s", item.kind)

    async def _input_worker(self) -> None:
        while True:
            item = await self._inputs.get()
            self._publish_state(thinking=True)
            try:
                if item.kind == "begin":
                    turns = await self.conversation.begin(item.text)
                elif item.kind == "intent":
                    turns = await self.conversation.send(item.text)
                else:
                    audio = await self.answers.answer_audio(item.heard) if item.heard is not None else None
                    carried = self.answers.carried_for(self.conversation.state.attempt_id)
                    turns = await self.conversation.learner_said(
                        item.text, typed=item.typed, audio=audio, carried=carried
                    )
                await self._reply(turns)
            except Exception:  # one failed turn must not leave the session deaf
                self.log.exception("handling a %s failed", item.kind)
                self.deps.metrics.error(ErrorKind.TURN_FAILED)
                self.send({"type": "error", "message": "Sorry, something went wrong with that turn. Please try again."})
                self._publish_state()

    async def _reply(self, turns: list[BotTurn]) -> None:
        state = self.conversation.state
        self._apply(state)
        for turn in turns:
            self.send({"type": "bot", "text": turn.text})
            if not await self.mouth.say(turn.text):
                break  # barge-in: the learner is talking; stop this reply
        self._publish_state()
        await self.mouth.drained()
        self._publish_state()
        if not self.recognizer.in_utterance:
            self._schedule_reprompt()

    def _apply(self, state: TurnState) -> None:
        """The bot's payload sets endpointing, biasing, the mode's commands and the speaking rate."""
        listening = listening_for(state)
        self.recognizer.set_context(profile=listening.profile, hotwords=listening.hotwords, commands=listening.commands)
        if state.rate:
            self.mouth.rate = state.rate
        self.answers.state_changed(state)

    def _first_audio_frame(self, at: float) -> None:
        if self._speech_end_wall is not None:
            self.turn_latencies.append(at - self._speech_end_wall)
            self.deps.metrics.voice_to_voice(self.id, at - self._speech_end_wall, self.conversation.state.mode)
            self._speech_end_wall = None

    # -- re-prompt after a long silence --------------------------------------------------------

    def _schedule_reprompt(self) -> None:
        self._cancel_reprompt()
        delay = self.silence.wait_for(self.conversation.state)
        if delay is not None:
            self._reprompt = asyncio.get_running_loop().call_later(delay, self._fire_reprompt)

    def _cancel_reprompt(self) -> None:
        if self._reprompt is not None:
            self._reprompt.cancel()
            self._reprompt = None

    def _fire_reprompt(self) -> None:
        self._reprompt = None
        if self.closed or self.recognizer.in_utterance or self.mouth.busy:
            return
        nudge = self.silence.nudge(self.conversation.state)
        if nudge is None:
            return
        if nudge.kind is NudgeKind.PAUSE:  # not `_offer`: a silence is not the learner acting
            with contextlib.suppress(asyncio.QueueFull):
                self._inputs.put_nowait(_Input("intent", PAUSE_INTENT))
        else:
            self.send({"type": "bot", "text": nudge.text})
            self._spawn(self._say_nudge(nudge.text), "reprompt")

    async def _say_nudge(self, text: str) -> None:
        await self.mouth.say(text)
        await self.mouth.drained()
        if not self.recognizer.in_utterance:
            self._schedule_reprompt()  # a card review's second silence pauses it

    # -- data channel ------------------------------------------------------------------------

    def _on_channel_message(self, message: object) -> None:
        if self.closed:
            return  # closing (e.g. taken over): nothing the old page says may act any more
        try:
            data = json.loads(message) if isinstance(message, str) else None
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            self.send({"type": "error", "message": "unreadable message"})
            return
        kind = data.get("type")
        if kind == "hello":
            self._publish_state()
            if data.get("resume"):
                self._spawn(self._resume_or(None), "hello")
        elif kind == "start" and data.get("mode") in START_INTENTS:
            self._spawn(self._resume_or(START_INTENTS[data["mode"]]), "start")
        elif kind == "text" and isinstance(data.get("text"), str):
            self._offer(_Input("text", data["text"][:10_000], typed=True))
        elif kind == "control":
            self._control(str(data.get("action")))
        elif kind == "ping":
            self.send({"type": "pong", "t": data.get("t")})

    def _control(self, action: str) -> None:
        if action == "done":
            self._spawn(self.recognizer.end_utterance(), "done")
        elif action in _CONTROL_INTENTS:
            self.mouth.interrupt()
            self._offer(_Input("intent", _CONTROL_INTENTS[action]))

    async def _resume_or(self, intent: str | None) -> None:
        """An open question (a reconnect, or a drill left half-done) is asked again first;
        otherwise start `intent` (or greet when resuming with nothing open)."""
        state = await self.answers.open_question()
        if state is not None:
            self.conversation.state = state
            self._offer(_Input("intent", "/repeat"))
        elif intent is not None:
            self._offer(_Input("begin", intent))
        else:
            self._offer(_Input("intent", "/greet"))

    def send(self, message: dict[str, Any]) -> None:
        channel = self.channel
        if channel is not None and channel.readyState == "open":
            channel.send(json.dumps(message))

    def _tell_error(self, message: str) -> None:
        self.send({"type": "error", "message": message})

    def _publish_state(self, thinking: bool = False) -> None:
        state = self.conversation.state
        self.send(
            {
                "type": "state",
                "listening": not self.mouth.busy and not thinking,
                "speaking": self.mouth.busy,
                "thinking": thinking,
                **state.as_json(),
                "learner": {"id": self.learner_id},
            }
        )

    # -- shutdown ------------------------------------------------------------------------------

    async def take_over(self) -> None:
        """A new session for this learner replaces this one: tell the page (it shows why and does
        not reconnect), give it a moment to read that, then close (the recording is flushed and
        closed before this returns)."""
        if not self.closed:
            self.closed = True  # from here on, nothing this session hears becomes a turn
            self.send({"type": "taken_over", "message": TAKEN_OVER})
            await self._close_channel()
        await self.close()

    async def _close_channel(self) -> None:
        """Close the data channel after what was sent, waiting (briefly) for the page to confirm:
        the stream reset follows the queued messages, so its echo means they arrived."""
        channel = self.channel
        if channel is None or channel.readyState != "open" or self.pc.connectionState != "connected":
            return  # the page is gone already (a dropped network): nobody to tell
        closed = asyncio.get_running_loop().create_future()
        channel.once("close", lambda: closed.done() or closed.set_result(None))
        channel.close()
        try:
            await asyncio.wait_for(closed, _TAKEOVER_GRACE_S)
        except TimeoutError:
            self.log.info("the taken-over page did not confirm in %.1f s", _TAKEOVER_GRACE_S)

    async def close(self) -> None:
        """Idempotent; every caller returns once everything is closed (a takeover relies on it)."""
        if self._closing is None:
            self.closed = True
            self._closing = asyncio.get_running_loop().create_task(self._shut_down(), name=f"{self.id}:close")
        await asyncio.shield(self._closing)

    async def _shut_down(self) -> None:
        """Keeps the audio and partial transcript so far, stops every task, closes the connection."""
        self._cancel_reprompt()
        for task in list(self._tasks):
            task.cancel()
        try:
            await self.recognizer.close()
            await self.answers.close()
        finally:
            self.track.stop()
            await self.pc.close()
            self._on_closed(self)
            self.log.info("session closed")
