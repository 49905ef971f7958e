// The commute view: one large control for a hands-free card review (Start → Pause ⇄ Resume),
// what Viva is doing in large type, and a plain word about the screen and the microphone.
import { registerMediaKeys, showOnLockScreen } from './media-keys.js';

const $ = (id) => document.getElementById(id);
const KEY_VIEW = 'viva.view';

/** True on iPhone/iPad (iPadOS reports itself as a Mac with touch). */
function isAppleMobile() {
  return /iPhone|iPad|iPod/.test(navigator.userAgent) ||
    (navigator.userAgent.includes('Macintosh') && navigator.maxTouchPoints > 1);
}

/** What the browser will do with the microphone when the screen locks, said plainly. */
export function screenNote() {
  if (isAppleMobile()) {
    return 'On iPhone and iPad, Safari stops the microphone when the screen locks. ' +
      'Keep the screen on: Viva asks it to stay awake while the review runs, and a locked screen pauses the review.';
  }
  if (!('wakeLock' in navigator)) {
    return 'This browser cannot keep the screen awake for Viva. If the microphone stops when the screen locks, ' +
      'turn off auto-lock during the review.';
  }
  return 'Viva keeps the screen awake while the review runs. Headset buttons: play/pause starts and pauses, ' +
    'next rates the card good, previous rates it again.';
}

/**
 * app: {running(), paused(), start(mode), pause(), resume(), stop(), sendText(text), control(action), state()}.
 * Returns {render()} for app.js to call whenever the run or the server state changes.
 */
export function setupCommute(app) {
  const view = $('commute');
  const control = $('commute-control');
  const label = $('commute-label');
  const line = $('commute-line');
  const note = $('commute-note');

  const setView = (on) => {
    document.body.classList.toggle('commute', on);
    view.hidden = !on;
    try {
      localStorage.setItem(KEY_VIEW, on ? 'commute' : 'full');
    } catch { /* private mode */ }
    if (on) control.focus();
  };

  const primary = () => {
    if (!app.running()) app.start('flashcards');
    else if (app.paused()) app.resume();
    else app.pause();
  };

  // The buttons a headset or lock screen has. A card's answer: next says the back ("show me"),
  // previous hears the card again; a rating: next is good, previous is again.
  const next = () => {
    const state = app.state();
    if (!app.running() || !state) return;
    if (state.mode === 'rating') app.sendText('good');
    else if (state.card && state.mode === 'answer') app.sendText('show me');
    else app.sendText('next');
  };
  const previous = () => {
    const state = app.state();
    if (!app.running() || !state) return;
    if (state.mode === 'rating') app.sendText('again');
    else app.control('repeat');
  };
  registerMediaKeys({
    play: () => {
      if (!app.running() || app.paused()) primary();
    },
    pause: () => {
      if (app.running() && !app.paused()) app.pause();
    },
    next,
    previous,
  });

  control.addEventListener('click', primary);
  $('commute-open').addEventListener('click', () => setView(true));
  $('commute-close').addEventListener('click', () => setView(false));
  $('commute-stop').addEventListener('click', () => app.stop());
  note.textContent = screenNote();

  let wanted = false;
  try {
    wanted = localStorage.getItem(KEY_VIEW) === 'commute';
  } catch { /* private mode */ }
  if (new URLSearchParams(location.search).get('view') === 'commute' || location.hash === '#commute') wanted = true;
  setView(wanted);

  function render() {
    const running = app.running();
    const paused = running && app.paused();
    const state = running ? app.state() : null;
    label.textContent = !running ? 'Start review' : paused ? 'Resume' : 'Pause';
    control.setAttribute('aria-pressed', String(running && !paused));
    control.dataset.state = !running ? 'idle' : paused ? 'paused' : 'running';
    $('commute-stop').hidden = !running;
    const card = state && state.card;
    const where = card && state.position && state.total ? `Card ${state.position} of ${state.total}` : '';
    let doing = '';
    if (paused) doing = 'Paused — the microphone is off. Press Resume or play.';
    else if (state && state.speaking) doing = 'Viva is speaking';
    else if (state && state.mode === 'rating') doing = 'Rate it: again, hard, good or easy';
    else if (card) doing = 'Answer aloud, or say "show me"';
    else if (running) doing = 'Listening';
    else doing = 'Press to review your due cards by voice.';
    line.textContent = [where, doing].filter(Boolean).join(' · ');
    showOnLockScreen({
      title: where || 'Viva card review',
      detail: doing,
      playing: running ? !paused : null,
    });
  }

  render();
  return { render, setView };
}
