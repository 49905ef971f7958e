// Rendering only: the page's elements and how they show state. No networking here.

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`viva: #${id} is missing from index.html`);
  return el;
};

export const el = {
  status: $('status'),
  learner: $('learner'),
  newLearner: $('new-learner'),
  learnerForm: $('learner-form'),
  newLearnerName: $('new-learner-name'),
  interviewDate: $('interview-date'),
  createLearner: $('create-learner'),
  learnerNote: $('learner-note'),
  mode: $('mode'),
  startMode: $('start-mode'),
  start: $('start'),
  startLabel: document.querySelector('#start .start-label'),
  recording: $('recording'),
  hearing: $('hearing'),
  micLevel: $('mic-level'),
  activity: $('activity'),
  error: $('error'),
  question: $('question'),
  qDay: $('q-day'),
  qUnit: $('q-unit'),
  qKind: $('q-kind'),
  qPosition: $('q-position'),
  qPrompt: $('q-prompt'),
  done: $('done'),
  repeat: $('repeat'),
  skip: $('skip'),
  slower: $('slower'),
  faster: $('faster'),
  partial: $('partial'),
  captions: $('captions'),
  answerForm: $('answer-form'),
  answerText: $('answer-text'),
  answerSend: $('answer-send'),
  cues: $('cues'),
  audio: $('viva-audio'),
};

const MAX_CAPTIONS = 60;

const KIND_LABELS = {
  theory: 'Theory',
  design: 'System design',
  eli5: "Explain like I'm five",
  behavioural: 'Behavioural',
  baseline: 'Baseline',
};

export function setStatus(state, text) {
  el.status.dataset.state = state;
  el.status.textContent = text;
}

/** Show an error: a VivaError ({title, detail}), any Error, or a string. */
export function showError(err) {
  const title = (err && err.title) || (typeof err === 'string' ? err : 'Something went wrong.');
  let detail = (err && err.title ? err.detail : err && err.message) || '';
  if (detail === title) detail = '';
  const strong = document.createElement('strong');
  strong.textContent = title;
  const nodes = [strong];
  if (detail) {
    const span = document.createElement('span');
    span.textContent = ` ${detail}`;
    nodes.push(span);
  }
  el.error.dataset.kind = (err && err.kind) || 'error';
  el.error.replaceChildren(...nodes);
}

export function clearError() {
  el.error.replaceChildren();
  delete el.error.dataset.kind;
}

/** The session is running (mic asked for / connecting / connected / reconnecting). */
export function setRunning(running) {
  el.start.setAttribute('aria-pressed', String(running));
  el.startLabel.textContent = running ? 'Stop' : 'Start';
  el.learner.disabled = running;
  el.createLearner.disabled = running;
  document.body.classList.toggle('running', running);
}

/** The data channel is open: the buttons and the typed answer box can talk to Viva. */
export function setConnected(connected) {
  for (const button of [el.done, el.repeat, el.skip, el.slower, el.faster, el.answerText, el.answerSend, el.startMode]) {
    button.disabled = !connected;
  }
  el.startMode.hidden = !connected;
}

export function setRecording(on) {
  el.recording.hidden = !on;
  if (!on) setHearing(false);
}

export function setHearing(on) {
  el.hearing.hidden = !on;
  el.recording.classList.toggle('hearing', on);
}

export function setMicLevel(value) {
  const v = Math.round(value * 100) / 100;
  if (el.micLevel.value !== v) {
    el.micLevel.value = v;
    el.micLevel.textContent = `${Math.round(v * 100)}%`;
  }
}

/** Server `state` → the question card and the activity line. */
export function renderState(state) {
  const card = state && state.card && typeof state.card === 'object' ? state.card : null;
  if (card) {
    renderCard(state, card);
    return;
  }
  const q = state && state.question && typeof state.question === 'object' ? state.question : null;
  const day = (q && q.day) || (state && state.day);
  el.qDay.textContent = day ? `Day ${day}` : '';
  el.qUnit.textContent = q ? [q.unit != null ? `Unit ${q.unit}` : '', q.title || ''].filter(Boolean).join(' · ') : '';
  el.qKind.textContent = q ? KIND_LABELS[q.kind] || q.kind || '' : '';
  el.qKind.hidden = !el.qKind.textContent;
  if (q && q.kind) el.qKind.dataset.kind = q.kind;
  const position = state && Number.isFinite(state.position) ? state.position : null;
  const total = state && Number.isFinite(state.total) ? state.total : null;
  el.qPosition.textContent = q && position && total ? `Question ${position} of ${total}` : '';
  el.qPrompt.textContent = q ? q.prompt || '' : state && state.mode ? 'No open question. Say "start", or choose what to practise and press "Start this now".' : 'No question yet. Press Start and Viva begins.';
  el.question.dataset.empty = String(!q);
  if (q && q.id) el.question.dataset.questionId = q.id;
  else delete el.question.dataset.questionId;

  let activity = '';
  if (state) {
    if (state.speaking) activity = 'Viva is speaking — talk to interrupt.';
    else if (state.thinking) activity = 'Viva is thinking…';
    else if (state.mode === 'answer') activity = state.listening === false ? 'Your turn.' : 'Listening for your answer. Press "Done answering" when you finish.';
    else if (state.mode === 'command') activity = 'Listening — say "repeat", "hint", "skip", "next" or "stop".';
    else if (state.mode === 'idle') activity = 'Ready. Say "start" to begin.';
  }
  setActivity(activity, state && state.speaking ? 'speaking' : state && state.mode ? state.mode : '');
}

/** A card under review: its written front (the spoken one is what Viva says) and what to say next. */
function renderCard(state, card) {
  el.qDay.textContent = '';
  el.qUnit.textContent = card.deck || '';
  el.qKind.textContent = card.cram ? 'Card blitz' : 'Flashcard';
  el.qKind.hidden = false;
  el.qKind.dataset.kind = 'card';
  el.qPosition.textContent = state.position && state.total ? `Card ${state.position} of ${state.total}` : '';
  el.qPrompt.textContent = card.front || card.spoken_front || '';
  el.question.dataset.empty = 'false';
  delete el.question.dataset.questionId;
  let activity = 'Answer aloud, or say "show me", "skip", "repeat", "how many left", "pause" or "stop".';
  if (state.speaking) activity = 'Viva is speaking — talk to interrupt.';
  else if (state.thinking) activity = 'Viva is thinking…';
  else if (state.mode === 'rating') activity = 'How did you do? Say "again", "hard", "good" or "easy".';
  setActivity(activity, state.speaking ? 'speaking' : state.mode);
}

export function setActivity(text, kind = '') {
  el.activity.textContent = text;
  el.activity.dataset.kind = kind;
}

export function clearQuestion() {
  renderState(null);
  setActivity('');
}

export function setPartial(text, kind) {
  el.partial.textContent = text;
  el.partial.dataset.kind = text ? kind : 'empty';
}

export function addCaption(text) {
  const li = document.createElement('li');
  li.textContent = text;
  el.captions.append(li);
  while (el.captions.children.length > MAX_CAPTIONS) el.captions.firstElementChild.remove();
  // The list scrolls inside its own box: newest last and in view, without moving the page.
  el.captions.scrollTop = el.captions.scrollHeight;
}

export function renderLearners(learners, selectedId) {
  const options = [];
  if (learners.length === 0) {
    const o = new Option('No profiles yet — create one below', '');
    options.push(o);
  }
  for (const l of learners) {
    const label = l.day ? `${l.name || l.id} · day ${l.day}` : l.name || l.id;
    options.push(new Option(label, l.id, false, l.id === selectedId));
  }
  el.learner.replaceChildren(...options);
  if (learners.some((l) => l.id === selectedId)) el.learner.value = selectedId;
}

export function openNewLearner() {
  el.newLearner.open = true;
  el.newLearnerName.focus();
}
