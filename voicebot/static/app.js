// Viva's page: wires the UI to a voice session (docs/voice-protocol.md, page side).
import { VivaError, createLearner, listLearners, whoAmI } from './api.js';
import { LevelMeter, audioContext, cue, setCuesEnabled } from './audio-cues.js';
import { openMicrophone, stopStream } from './rtc.js';
import { setupCommute } from './commute.js';
import { Session } from './session.js';
import * as ui from './ui.js';
import { keepScreenOn, release as releaseWakeLock } from './wakelock.js';

const KEY_LEARNER = 'viva.learner';
const KEY_MODE = 'viva.mode';
const KEY_CUES = 'viva.cues';
const MAX_MESSAGES = 200;
const STATS_EVERY_MS = 250;
const MODES = new Set(['drill', 'eli5', 'baseline', 'flashcards', 'cram']);

const { el } = ui;
const messages = []; // last MAX_MESSAGES data-channel messages received (parsed)
let serverState = null; // last `state` message
let connection = 'idle'; // idle | mic | connecting | connected | reconnecting | stopped | failed
let run = null; // the running session: {mic, micMeter, session, cancelled}
let lastSession = null;
let inboundMeter = null;
let statsLevel = 0;
let statsTimer = 0;
let statsBusy = false;
let meterFrame = 0;
let wasListening = false;
let learnersLoaded = false;
let creatingLearner = null; // a profile being created: Start waits until it is selected
let paused = false; // paused from the page (commute control, headset): the mic is muted
let commute = null; // the commute view (commute.js)

const storage = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch { /* private mode: not remembered */ }
  },
};

// For automated tests (Playwright) and for poking around in the console.
window.vivaDebug = {
  get pc() {
    const session = (run && run.session) || lastSession;
    return session ? session.pc : null;
  },
  get dc() {
    return run && run.session ? run.session.dc : null;
  },
  /** The last server `state` message (null until one arrives). */
  get state() {
    return serverState;
  },
  /** The page's connection state: idle | mic | connecting | connected | reconnecting | stopped | failed. */
  get connection() {
    return connection;
  },
  /** Paused from the page (the commute control or a headset's pause button). */
  get paused() {
    return paused;
  },
  get sessionId() {
    const session = (run && run.session) || lastSession;
    return session ? session.sessionId : null;
  },
  messages,
  /** Viva's voice level now, linear 0..1 (AnalyserNode peak, or getStats inbound-rtp audioLevel). */
  inboundLevel() {
    const analysed = inboundMeter ? inboundMeter.read().peak : 0;
    return Math.max(analysed, statsLevel);
  },
  send(message) {
    return !!(run && run.session && run.session.send(message));
  },
};

function setConnection(state, text) {
  connection = state;
  ui.setStatus(state, text);
}

// ---- learners -------------------------------------------------------------------------------

async function refreshLearners(selectId) {
  const learners = await listLearners();
  learnersLoaded = true;
  let wanted = selectId || storage.get(KEY_LEARNER);
  if (!learners.some((l) => l.id === wanted)) wanted = learners.length ? learners[0].id : '';
  ui.renderLearners(learners, wanted);
  if (wanted) storage.set(KEY_LEARNER, wanted);
  if (learners.length === 0) el.newLearner.open = true;
}

async function onCreateLearner(event) {
  event.preventDefault();
  const name = el.newLearnerName.value.trim();
  if (!name) {
    ui.showError(new VivaError('form', 'Type your name first.', 'It names your profile, e.g. "Ada".'));
    el.newLearnerName.focus();
    return;
  }
  el.createLearner.disabled = true;
  let created;
  creatingLearner = new Promise((resolve) => { created = resolve; });
  try {
    const learner = await createLearner(name, el.interviewDate.value || null);
    storage.set(KEY_LEARNER, learner.id);
    await refreshLearners(learner.id);
    ui.clearError();
    el.learnerNote.textContent = `Profile ready: ${learner.name || name}${learner.day ? `, day ${learner.day}` : ''}.`;
    el.newLearnerName.value = '';
    el.newLearner.open = false;
    el.learner.focus();
  } catch (err) {
    ui.showError(err);
  } finally {
    el.createLearner.disabled = !!run;
    creatingLearner = null;
    created();
  }
}

// ---- the session ----------------------------------------------------------------------------

async function startRun() {
  if (run) return;
  const myRun = { mic: null, micMeter: null, session: null, cancelled: false };
  run = myRun;
  ui.clearError();
  ui.setRunning(true);
  if (commute) commute.render();
  audioContext(); // created inside the click/keypress so the browser lets it play cues
  setConnection('mic', 'Asking for the microphone…');
  try {
    if (!learnersLoaded) await refreshLearners();
    if (creatingLearner) await creatingLearner;
    if (myRun.cancelled) return;
    const learnerId = el.learner.value;
    if (!learnerId) {
      throw new VivaError('no-learner', 'Choose or create a profile first.', 'Type your name under "New profile", press "Create profile", then Start.');
    }
    const mic = await openMicrophone();
    if (myRun.cancelled) {
      stopStream(mic);
      return;
    }
    myRun.mic = mic;
    const [track] = mic.getAudioTracks();
    track.addEventListener('mute', () => {
      // iOS Safari mutes the microphone when the screen locks (and on calls); Viva hears nothing.
      if (run !== myRun) return;
      ui.showError(new VivaError('mic-muted', 'The browser paused the microphone.', 'This happens when the screen locks on iPhone and iPad. Unlock the screen to carry on.'));
    });
    track.addEventListener('unmute', () => {
      if (run === myRun && el.error.dataset.kind === 'mic-muted') ui.clearError();
    });
    track.addEventListener('ended', () => {
      if (run !== myRun) return;
      ui.showError(new VivaError('mic-lost', 'The microphone stopped.', 'It was unplugged or switched off. Press Start to try again.'));
      endRun(myRun, 'failed', 'Disconnected');
    });
    myRun.micMeter = new LevelMeter(mic);
    ui.setRecording(true);
    meterLoop();
    keepScreenOn();
    setConnection('connecting', 'Connecting to Viva…');
    const mode = MODES.has(el.mode.value) ? el.mode.value : 'drill';
    myRun.session = new Session({ learnerId, mode, micStream: mic, hooks: sessionHooks(myRun) });
    lastSession = myRun.session;
    await myRun.session.start();
  } catch (err) {
    if (run !== myRun) return;
    ui.showError(err);
    if (err instanceof VivaError && err.kind === 'no-learner') {
      if (commute) commute.setView(false); // the profile form is in the full view
      ui.openNewLearner();
    }
    endRun(myRun, 'idle', 'Not connected');
  }
}

function sessionHooks(myRun) {
  return {
    onState(state, info) {
      if (run !== myRun) return;
      if (state === 'connecting') {
        setConnection('connecting', 'Connecting to Viva…');
      } else if (state === 'connected') {
        if (connection === 'reconnecting') ui.clearError();
        setConnection('connected', info.resumed ? 'Connected again — resuming' : 'Connected');
        wasListening = false;
        ui.setConnected(true);
        clearInterval(statsTimer);
        statsTimer = setInterval(pollStats, STATS_EVERY_MS);
      } else if (state === 'reconnecting') {
        setConnection('reconnecting', `Reconnecting… (try ${info.attempt} of ${info.of})`);
        ui.setConnected(false);
        ui.setHearing(false);
        clearInterval(statsTimer);
        statsLevel = 0;
      }
    },
    onMessage(message) {
      if (run === myRun) onMessage(message);
    },
    onTrack(stream) {
      if (run === myRun) playVoice(stream);
    },
    onFailed(err) {
      if (run !== myRun) return;
      ui.showError(err);
      if (err instanceof VivaError && err.kind === 'taken-over') endRun(myRun, 'stopped', 'Taken over by another tab or device');
      else endRun(myRun, 'failed', 'Disconnected');
    },
  };
}

/** Stop pressed: tell the server, close the connection, release the mic. */
async function stopRun() {
  const myRun = run;
  if (!myRun) return;
  myRun.cancelled = true;
  if (myRun.session) await myRun.session.stop();
  endRun(myRun, 'stopped', 'Stopped');
}

/** Tear everything down synchronously (also used on page unload). */
function endRun(myRun, state, text) {
  if (!myRun || run !== myRun) return;
  run = null;
  myRun.cancelled = true;
  if (myRun.session) myRun.session.stop({ flush: false }).catch(() => {});
  if (myRun.micMeter) myRun.micMeter.close();
  stopStream(myRun.mic);
  cancelAnimationFrame(meterFrame);
  clearInterval(statsTimer);
  statsLevel = 0;
  if (inboundMeter) inboundMeter.close();
  inboundMeter = null;
  el.audio.srcObject = null;
  releaseWakeLock();
  wasListening = false;
  paused = false;
  ui.setActivity('');
  ui.setRunning(false);
  ui.setConnected(false);
  ui.setRecording(false);
  ui.setMicLevel(0);
  setConnection(state, text);
  if (commute) commute.render();
}

/** Pause from the page: Viva stops talking and announces the pause, and the mic is muted so
 * nothing said meanwhile (a conversation on the train) counts as an answer. */
function pauseRun() {
  if (!run || paused) return;
  if (!sendOrComplain({ type: 'control', action: 'pause' })) return;
  paused = true;
  setMicEnabled(false);
  if (commute) commute.render();
}

/** Resume: the mic on again, and the card (or its answer) is said again. */
function resumeRun() {
  if (!run || !paused) return;
  paused = false;
  setMicEnabled(true);
  sendOrComplain({ type: 'control', action: 'repeat' });
  if (commute) commute.render();
}

function setMicEnabled(on) {
  if (run && run.mic) for (const track of run.mic.getAudioTracks()) track.enabled = on;
}

function toggle() {
  const action = run ? stopRun() : startRun();
  action.catch(reportError);
}

function sendOrComplain(message) {
  if (run && run.session && run.session.send(message)) return true;
  ui.showError(new VivaError('not-connected', 'Not connected to Viva.', run ? 'Wait for the connection, then try again.' : 'Press Start first.'));
  return false;
}

// ---- data channel messages ------------------------------------------------------------------

function onMessage(message) {
  messages.push(message);
  if (messages.length > MAX_MESSAGES) messages.splice(0, messages.length - MAX_MESSAGES);
  switch (message.type) {
    case 'state': {
      serverState = message;
      ui.renderState(message);
      if (commute) commute.render();
      const listening = (message.mode === 'answer' || message.mode === 'rating') && !message.speaking;
      if (listening && !wasListening) cue('listen');
      wasListening = listening;
      break;
    }
    case 'speech_started':
      ui.setHearing(true);
      ui.setPartial('', 'empty');
      break;
    case 'partial':
      ui.setHearing(true);
      ui.setPartial(String(message.text || ''), 'partial');
      break;
    case 'final':
      ui.setHearing(false);
      ui.setPartial(String(message.text || ''), 'final');
      cue('heard');
      break;
    case 'bot':
      if (message.text) ui.addCaption(String(message.text));
      break;
    case 'barge_in':
      ui.setActivity('Viva stopped to listen — go ahead.', 'answer');
      break;
    case 'error':
      ui.showError(new VivaError('server', 'Viva hit a problem.', String(message.message || '')));
      break;
    default:
      break; // pong, and anything newer than this page
  }
}

// ---- audio ----------------------------------------------------------------------------------

function playVoice(stream) {
  if (el.audio.srcObject !== stream) el.audio.srcObject = stream;
  if (inboundMeter) inboundMeter.close();
  inboundMeter = new LevelMeter(stream);
  const playing = el.audio.play();
  if (!playing) return;
  playing.catch((err) => {
    if (err && err.name === 'NotAllowedError') {
      ui.showError(new VivaError('autoplay', "The browser blocked Viva's voice.", 'Tap or click anywhere on the page to hear it.'));
      document.addEventListener('pointerdown', () => {
        el.audio.play().then(() => {
          if (el.error.dataset.kind === 'autoplay') ui.clearError();
        }).catch(() => {});
      }, { once: true });
    } else if (!err || err.name !== 'AbortError') {
      console.warn('viva: audio playback', err);
    }
  });
}

function meterLoop() {
  cancelAnimationFrame(meterFrame);
  const tick = () => {
    if (!run || !run.micMeter) return;
    ui.setMicLevel(run.micMeter.meterValue());
    meterFrame = requestAnimationFrame(tick);
  };
  meterFrame = requestAnimationFrame(tick);
}

function pollStats() {
  const pc = run && run.session ? run.session.pc : null;
  if (!pc || pc.connectionState === 'closed' || statsBusy) return;
  statsBusy = true;
  pc.getStats()
    .then((report) => {
      let level = 0;
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && (s.kind || s.mediaType) === 'audio' && typeof s.audioLevel === 'number') {
          level = Math.max(level, s.audioLevel);
        }
      });
      statsLevel = run ? level : 0;
    })
    .catch(() => {
      statsLevel = 0;
    })
    .finally(() => {
      statsBusy = false;
    });
}

// ---- wiring ---------------------------------------------------------------------------------

function reportError(err) {
  console.error('viva:', err);
  ui.showError(err instanceof Error || (err && err.title) ? err : new VivaError('error', 'Something went wrong.', String(err)));
}

function isTypingTarget(target) {
  return target instanceof Element &&
    !!target.closest('input, textarea, select, button, a[href], summary, [contenteditable]:not([contenteditable="false"])');
}

function wire() {
  el.start.addEventListener('click', toggle);
  document.addEventListener('keydown', (event) => {
    if (event.key !== ' ' || event.repeat || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (isTypingTarget(event.target)) return; // text fields type; focused buttons press themselves
    event.preventDefault();
    toggle();
  });

  for (const action of ['done', 'repeat', 'skip', 'slower', 'faster']) {
    el[action].addEventListener('click', () => sendOrComplain({ type: 'control', action }));
  }

  el.answerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = el.answerText.value.trim();
    if (!text) return;
    if (sendOrComplain({ type: 'text', text })) {
      el.answerText.value = '';
      ui.setPartial(text, 'typed');
    }
  });

  el.learnerForm.addEventListener('submit', (event) => {
    onCreateLearner(event).catch(reportError);
  });
  el.learner.addEventListener('change', () => {
    if (el.learner.value) storage.set(KEY_LEARNER, el.learner.value);
  });
  el.mode.addEventListener('change', () => storage.set(KEY_MODE, el.mode.value));
  el.startMode.addEventListener('click', () => {
    const mode = MODES.has(el.mode.value) ? el.mode.value : 'drill';
    sendOrComplain({ type: 'start', mode });
  });
  el.cues.addEventListener('change', () => {
    setCuesEnabled(el.cues.checked);
    storage.set(KEY_CUES, el.cues.checked ? '1' : '0');
  });

  // Leaving the page: close the peer connection and stop the microphone.
  window.addEventListener('pagehide', () => endRun(run, 'stopped', 'Stopped'));
  window.addEventListener('unhandledrejection', (event) => reportError(event.reason));

  commute = setupCommute({
    running: () => !!run,
    paused: () => paused,
    state: () => serverState,
    start(mode) {
      if (run) return;
      el.mode.value = mode;
      storage.set(KEY_MODE, mode);
      startRun().catch(reportError);
    },
    pause: pauseRun,
    resume: resumeRun,
    stop: () => stopRun().catch(reportError),
    sendText(text) {
      if (sendOrComplain({ type: 'text', text })) ui.setPartial(text, 'typed');
    },
    control: (action) => sendOrComplain({ type: 'control', action }),
  });
}

function init() {
  const mode = storage.get(KEY_MODE);
  if (mode && MODES.has(mode)) el.mode.value = mode;
  el.cues.checked = storage.get(KEY_CUES) !== '0';
  setCuesEnabled(el.cues.checked);
  setConnection('idle', 'Not connected');
  ui.setConnected(false);
  ui.clearQuestion();
  wire();
  // A paired phone may use its one profile only: no "New profile" there.
  whoAmI().then((me) => {
    el.newLearner.hidden = !(me.scopes || []).includes('profiles');
  }).catch(() => { /* a 401 already went to the pairing screen */ });
  refreshLearners().catch((err) => {
    ui.renderLearners([], null);
    el.learner.options[0].textContent = "Couldn't load profiles";
    ui.showError(err);
  });
}

init();
