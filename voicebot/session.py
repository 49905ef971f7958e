"""One learner's voice session: microphone in, recognition, dialogue, speech out.

Data flow (all on the event loop; blocking work on the shared pools):
  inbound track → 16 kHz float32 → StreamingRecognizer → typed events
  events → captions on the data channel, barge-in, answer recording, learner inputs
  learner inputs (finals, typed text, buttons) → TurnWorker, in order → Conversation
  bot turns → captions + Mouth (sentence-streamed TTS) → SpeechTrack

This class wires the jobs together; each job is its own module, testable without aiortc:
the data channel's messages (`protocol`), the turn worker (`turns`), barge-in (`bargein`),
the re-prompt (`reprompt`), the latency measure (`latency`), spoken answers (`answers`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiortc import RTCDataChannel, RTCPeerConnection
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from asr.audio import FrameConverter
from asr.events import AsrEvent, FinalTranscript, PartialTranscript, SpeechDiscarded, SpeechStarted
from asr.exceptions import AudioDecodeError
from asr.options import EndpointProfile
from asr.streaming import StreamingRecognizer
from dialogue.conversation import Conversation
from dialogue.payload import BotTurn
from voicebot import protocol
from voicebot.answers import AnswerTaker
from voicebot.bargein import BargeInConfirmer
from voicebot.biasing import COMMAND_HOTWORDS, commands_for
from voicebot.deps import VoiceDeps
from voicebot.foresight import Foresight
from voicebot.latency import VoiceToVoice
from voicebot.listening import listening_for
from voicebot.metrics import ErrorKind
from voicebot.mouth import Mouth
from voicebot.playback import PlaybackQueue, SpeechTrack
from voicebot.reprompt import Reprompter
from voicebot.silence import PAUSE_INTENT, NudgeKind, SilencePolicy
from voicebot.turns import TurnInput, TurnWorker

log = logging.getLogger(__name__)

__all__ = ["TAKEN_OVER", "VoiceSession"]

TAKEN_OVER = (
    "Viva was opened for you in another tab or on another device, so this one stopped. "
    "Press Start here to carry on here instead."
)
_TAKEOVER_GRACE_S = 1.5  # for the page to read `taken_over` before the connection closes


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
        self.mouth = Mouth(deps.speaker, deps.tts_executor, self.queue, on_chunk=deps.metrics.spoken_chunk)
        self.conversation = Conversation(learner_id, deps.dialogue, deps.study, foresee=self._foresee)
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
        self.barge_in = BargeInConfirmer()
        self.turns = TurnWorker(self.conversation, self.answers, self, logger=self.log)
        self.foresight = Foresight(self.mouth.rehearse, self._card_back, self._spawn)
        self.reprompt = Reprompter(self._quiet, self._say_reprompt)
        self.latency = VoiceToVoice()
        self.channel: RTCDataChannel | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.silence = SilencePolicy(deps.settings.server.reprompt_after_s)
        self._closing: asyncio.Task[None] | None = None
        self.closed = False

    @property
    def turn_latencies(self) -> list[float]:
        """Seconds from the end of the learner's speech to the first frame of Viva's reply."""
        return self.latency.latencies

    # -- wiring ----------------------------------------------------------------------------

    def start(self) -> None:
        self._spawn(self.turns.run(), "inputs")

    def attach_inbound(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            self._spawn(self._consume(track), "inbound")

    def attach_channel(self, channel: RTCDataChannel) -> None:
        self.channel = channel
        channel.on("message", self._on_channel_message)

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
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
        refused = 0
        try:
            while True:
                frame = await track.recv()
                try:
                    samples = converter.convert(frame)
                except AudioDecodeError as exc:  # one bad frame must not leave the session deaf
                    refused += 1
                    if refused == 1:
                        self.log.warning("inbound audio frame dropped: %s", exc)
                    continue
                if samples.size:
                    self.answers.hear(samples)
                    await self.recognizer.feed(samples)
        except MediaStreamError:
            self.log.info("inbound audio ended")
            await self.close()

    def _on_asr(self, event: AsrEvent) -> None:
        if isinstance(event, SpeechStarted):
            self.reprompt.cancel()
            self.send(protocol.speech_started())
            self.answers.utterance_started(event, self.conversation.state)
            if self.mouth.busy:
                self._spawn(self._maybe_barge_in(), "barge-in")
        elif isinstance(event, PartialTranscript):
            self.send(protocol.partial(event.text))
            self.answers.partial(event.text, self.conversation.state)
        elif isinstance(event, FinalTranscript):
            self.latency.final(event, time.monotonic())
            self.deps.metrics.final_transcript(event)
            self.send(protocol.final(event.text, event.confidence))
            heard = self.answers.utterance_finished(event, self.conversation.state)
            self._offer(TurnInput("final", event.text, heard=heard))
        elif isinstance(event, SpeechDiscarded):
            self.answers.utterance_discarded()

    async def _maybe_barge_in(self) -> None:
        """Confirm the onset is speech (Silero) while it goes on; then stop Viva talking."""
        confirmed = await self.barge_in.confirm(
            lambda: self.mouth.busy,
            lambda: self.recognizer.in_utterance,
            lambda: self.deps.speech_probability(self.answers.recent_audio(0.8)),
        )
        if confirmed is not None:
            self.mouth.interrupt()
            self.send(protocol.barge_in())
            self.log.info("barge-in (speech probability %.2f, check %d)", confirmed.probability, confirmed.check)

    # -- learner inputs, in order (voicebot/turns.py) ------------------------------------------

    def _offer(self, item: TurnInput) -> None:
        if not self.closed:
            self.silence.learner_acted(item.text)
            self.turns.offer(item)

    def thinking(self, item: TurnInput) -> None:
        self._publish_state(thinking=True)
        self.foresight.input_taken(item, self.conversation.state)

    def failed(self, item: TurnInput) -> None:
        self.deps.metrics.error(ErrorKind.TURN_FAILED)
        self.send(protocol.error(protocol.TURN_FAILED))
        self._publish_state()

    async def reply(self, turns: list[BotTurn]) -> None:
        self._listen_for_state()
        for turn in turns:
            self.send(protocol.bot(turn.text))
            if not await self.mouth.say(turn.text):
                break  # barge-in: the learner is talking; stop this reply
        self._publish_state()
        await self.mouth.drained()
        self._publish_state()
        if not self.recognizer.in_utterance:
            self._schedule_reprompt()

    def _listen_for_state(self) -> None:
        """The bot's payload sets endpointing, biasing, the mode's commands and the speaking rate."""
        state = self.conversation.state
        listening = listening_for(state)
        self.recognizer.set_context(profile=listening.profile, hotwords=listening.hotwords, commands=listening.commands)
        if state.rate:
            self.mouth.rate = state.rate
        self.answers.state_changed(state)

    # -- replies known before the dialogue gives them (voicebot/foresight.py) ---------------------

    def _foresee(self, said: str, reply: str | None) -> None:
        """The answer is stored (the conversation's state is still the question's)."""
        self.foresight.answer_stored(said, reply, self.conversation.state)

    async def _card_back(self, card_id: int) -> str | None:
        try:
            return await asyncio.to_thread(self.deps.study.card_back, card_id)
        except Exception:  # only a head start is lost: the dialogue still says the back
            self.log.warning("could not read card %s's back ahead of the dialogue", card_id, exc_info=True)
            return None

    def _first_audio_frame(self, at: float) -> None:
        latency = self.latency.first_frame(at)
        if latency is not None:
            self.deps.metrics.voice_to_voice(self.id, latency, self.conversation.state.mode)

    # -- re-prompt after a long silence (voicebot/reprompt.py) -----------------------------------

    def _schedule_reprompt(self) -> None:
        self.reprompt.schedule(self.silence.wait_for(self.conversation.state))

    def _quiet(self) -> bool:
        return not self.closed and not self.recognizer.in_utterance and not self.mouth.busy

    def _say_reprompt(self) -> None:
        nudge = self.silence.nudge(self.conversation.state)
        if nudge is None:
            return
        if nudge.kind is NudgeKind.PAUSE:  # not `_offer`: a silence is not the learner acting
            self.turns.offer(TurnInput("intent", PAUSE_INTENT))
        else:
            self.send(protocol.bot(nudge.text))
            self._spawn(self._say_nudge(nudge.text), "reprompt")

    async def _say_nudge(self, text: str) -> None:
        await self.mouth.say(text)
        await self.mouth.drained()
        if not self.recognizer.in_utterance:
            self._schedule_reprompt()  # a card review's second silence pauses it

    # -- data channel (voicebot/protocol.py) -----------------------------------------------------

    def _on_channel_message(self, message: object) -> None:
        if self.closed:
            return  # closing (e.g. taken over): nothing the old page says may act any more
        parsed = protocol.parse(message)
        if isinstance(parsed, protocol.Unreadable):
            self.send(protocol.error(protocol.UNREADABLE))
        elif isinstance(parsed, protocol.Hello):
            self._publish_state()
            if parsed.resume:
                self._spawn(self._resume_or(None), "hello")
        elif isinstance(parsed, protocol.Start):
            self._spawn(self._resume_or(parsed.intent), "start")
        elif isinstance(parsed, protocol.TypedText):
            self._offer(TurnInput("text", parsed.text, typed=True))
        elif isinstance(parsed, protocol.Control):
            self._control(parsed)
        elif isinstance(parsed, protocol.Ping):
            self.send(protocol.pong(parsed.t))

    def _control(self, control: protocol.Control) -> None:
        if control.action == protocol.DONE:
            self._spawn(self.recognizer.end_utterance(), "done")
        elif control.intent is not None:
            self.mouth.interrupt()
            self._offer(TurnInput("intent", control.intent))

    async def _resume_or(self, intent: str | None) -> None:
        """An open question (a reconnect, or a drill left half-done) is asked again first;
        otherwise start `intent` (or greet when resuming with nothing open)."""
        state = await self.answers.open_question()
        if state is not None:
            self.conversation.state = state
            self._offer(TurnInput("intent", "/repeat"))
        elif intent is not None:
            self._offer(TurnInput("begin", intent))
        else:
            self._offer(TurnInput("intent", "/greet"))

    def send(self, message: dict[str, Any]) -> None:
        channel = self.channel
        if channel is not None and channel.readyState == "open":
            channel.send(protocol.encode(message))

    def _tell_error(self, message: str) -> None:
        self.send(protocol.error(message))

    def _publish_state(self, thinking: bool = False) -> None:
        speaking = self.mouth.busy
        self.send(protocol.state(self.conversation.state, self.learner_id, speaking=speaking, thinking=thinking))

    # -- shutdown ------------------------------------------------------------------------------

    async def take_over(self) -> None:
        """A new session for this learner replaces this one: tell the page (it shows why and does
        not reconnect), give it a moment to read that, then close (the recording is flushed and
        closed before this returns)."""
        if not self.closed:
            self.closed = True  # from here on, nothing this session hears becomes a turn
            self.send(protocol.taken_over(TAKEN_OVER))
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
        self.reprompt.cancel()
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
