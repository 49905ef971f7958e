// The pairing screen (phone mode): code → (choose or create a profile) → the app. See voicebot/pairing.py.
import { VivaError, requestJSON } from './api.js';

const $ = (id) => document.getElementById(id);
const el = {
  notice: $('pair-notice'),
  codeForm: $('code-form'),
  code: $('pair-code'),
  submit: $('pair-submit'),
  learnerForm: $('learner-form'),
  existing: $('existing-field'),
  learner: $('pair-learner'),
  choose: $('pair-choose'),
  name: $('pair-name'),
  create: $('pair-create'),
  error: $('pair-error'),
};

const DIGITS = 8;
let code = '';

function showError(message) {
  el.error.textContent = message;
  el.error.dataset.kind = message ? 'error' : '';
}

function notice(text) {
  el.notice.textContent = text;
  el.notice.hidden = !text;
}

function digits(value) {
  return value.replace(/\D/g, '').slice(0, DIGITS);
}

function busy(on) {
  for (const button of [el.submit, el.choose, el.create]) button.disabled = on;
}

async function pair(body) {
  busy(true);
  showError('');
  try {
    const reply = await requestJSON('/api/pair', { method: 'POST', body });
    if (reply.status === 'paired') {
      notice(`Paired as ${reply.learner.name}. Opening Viva…`);
      window.location.replace('/');
      return;
    }
    if (reply.status === 'choose') showLearners(reply.learners || []);
  } catch (err) {
    const detail = err instanceof VivaError ? (err.detail || err.title) : String(err);
    showError(detail);
    if (err instanceof VivaError && err.status === 403) {
      el.learnerForm.hidden = true;
      el.codeForm.hidden = false;
      el.code.select();
    }
  } finally {
    busy(false);
  }
}

function showLearners(learners) {
  el.learner.replaceChildren(...learners.map((l) => new Option(l.name, l.id)));
  el.existing.hidden = learners.length === 0;
  el.choose.hidden = learners.length === 0;
  el.codeForm.hidden = true;
  el.learnerForm.hidden = false;
  (learners.length ? el.learner : el.name).focus();
}

function submitCode(event) {
  event.preventDefault();
  code = digits(el.code.value);
  if (code.length !== DIGITS) {
    showError(`The code has ${DIGITS} digits; you typed ${code.length}.`);
    el.code.focus();
    return;
  }
  pair({ code });
}

function wire() {
  el.code.addEventListener('input', () => {
    const d = digits(el.code.value);
    el.code.value = d.length > 4 ? `${d.slice(0, 4)} ${d.slice(4)}` : d;
    if (el.error.textContent) showError('');
  });
  el.codeForm.addEventListener('submit', submitCode);
  el.learnerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (el.learner.value) pair({ code, learner_id: el.learner.value });
  });
  el.create.addEventListener('click', () => {
    const name = el.name.value.trim();
    if (!name) {
      showError('Type your name first: it names your profile.');
      el.name.focus();
      return;
    }
    pair({ code, name });
  });
}

/** The code a QR link carries in the fragment (never sent to the server), taken out of the address bar. */
function codeFromLink() {
  const fromLink = digits(decodeURIComponent(window.location.hash.slice(1)));
  if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
  return fromLink;
}

function pairFromLink(fromLink) {
  el.code.value = `${fromLink.slice(0, 4)} ${fromLink.slice(4)}`;
  code = fromLink;
  el.learnerForm.hidden = true;
  el.codeForm.hidden = false;
  pair({ code });
}

async function init() {
  wire();
  window.addEventListener('hashchange', () => {
    const fromLink = codeFromLink();
    if (fromLink.length === DIGITS) pairFromLink(fromLink);
  });
  const fromLink = codeFromLink();
  let me = null;
  try {
    me = await requestJSON('/api/me', { redirectOn401: false });
  } catch (err) {
    if (err instanceof VivaError && err.reason === 'revoked') {
      notice("This device's access was revoked on the computer running Viva. Enter a new code to pair it again.");
    }
  }
  if (me && me.kind === 'device' && !fromLink) {
    notice('This device is already paired. Enter a new code to pair it with another profile, or go back to Viva.');
  }
  if (fromLink.length === DIGITS) {
    pairFromLink(fromLink);
  } else {
    el.code.focus();
  }
}

init();
