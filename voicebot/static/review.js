// The review page: logged answers by session (filters), one answer (review-answer.js), the
// progress view, sharing and storage (review-more.js). Routes live in the URL fragment:
// #answers, #answer=<id>, #report=<session>, #progress, #manage.
import { VivaError, requestJSON } from './api.js';
import { showAnswer } from './review-answer.js';
import { showManage, showProgress, showReport } from './review-more.js';
import { KINDS, clear, day, h, score5, time } from './review-dom.js';

const $ = (id) => document.getElementById(id);
const el = {
  who: $('who'),
  mentorNote: $('mentor-note'),
  error: $('error'),
  learner: $('learner'),
  learnerField: $('learner-field'),
  unit: $('f-unit'),
  kind: $('f-kind'),
  score: $('f-score'),
  filters: $('filters'),
  sessions: $('sessions'),
  tabs: { answers: $('tab-answers'), progress: $('tab-progress'), manage: $('tab-manage'), study: $('tab-study') },
  views: {
    answers: $('answers-view'),
    answer: $('answer-view'),
    report: $('report-view'),
    progress: $('progress-view'),
    manage: $('manage-view'),
  },
};
const KEY_LEARNER = 'viva.learner';

/** What every view needs: who is looking, whose answers, what they may do. */
export const ctx = {
  principal: null,
  learners: [],
  learner: '',
  competencies: [],
  labels: [],
  units: [],
  can(scope) {
    return !!this.principal && this.principal.scopes.includes(scope);
  },
  showError,
  route,
};

// For automated tests and the console.
window.vivaReview = { ctx };

export function showError(err) {
  if (!err) {
    el.error.textContent = '';
    return;
  }
  el.error.textContent = err instanceof VivaError ? err.detail || err.title : String(err);
}

function show(name) {
  for (const [key, view] of Object.entries(el.views)) view.hidden = key !== name;
  for (const [key, tab] of Object.entries(el.tabs)) {
    if (key === name || (key === 'answers' && ['answer', 'report'].includes(name))) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
}

async function route() {
  showError(null);
  const hash = window.location.hash.slice(1);
  const [name, value] = hash.split('=');
  try {
    if (name === 'answer' && value) {
      show('answer');
      await showAnswer(el.views.answer, value, ctx);
    } else if (name === 'report' && value) {
      show('report');
      await showReport(el.views.report, value, ctx);
    } else if (name === 'progress') {
      show('progress');
      await showProgress(el.views.progress, ctx);
    } else if (name === 'manage' && ctx.can('manage')) {
      show('manage');
      await showManage(el.views.manage, ctx);
    } else {
      show('answers');
      await loadSessions();
    }
  } catch (err) {
    showError(err);
  }
}

function filterQuery() {
  const params = new URLSearchParams({ learner: ctx.learner });
  if (el.unit.value) params.set('unit', el.unit.value);
  if (el.kind.value) params.set('kind', el.kind.value);
  if (el.score.value) {
    const [low, high] = el.score.value.split('-');
    params.set('min_score', low);
    params.set('max_score', high);
  }
  return params;
}

async function loadSessions() {
  if (!ctx.learner) {
    clear(el.sessions).append(h('p', { class: 'muted' }, 'No learner profiles yet.'));
    return;
  }
  const data = await requestJSON(`/api/review/sessions?${filterQuery()}`);
  clear(el.sessions);
  if (!data.sessions.length) {
    const filtered = el.unit.value || el.kind.value || el.score.value;
    el.sessions.append(h('p', { class: 'muted empty' }, filtered ? 'No answers match these filters.'
      : 'No answers logged yet. Answers appear here after a drill.'));
    return;
  }
  let lastDay = '';
  for (const session of data.sessions) {
    const date = day(session.started_at);
    if (date !== lastDay) {
      el.sessions.append(h('h2', { class: 'date' }, date));
      lastDay = date;
    }
    el.sessions.append(sessionCard(session));
  }
}

function sessionCard(session) {
  const days = session.days.length ? `Day ${session.days.join(' and ')}` : session.mode;
  const units = session.units.length ? `unit ${session.units.join(', ')}` : '';
  const scores = `automatic ${score5(session.auto_mean)}` + (session.mentor_mean !== null ? ` · mentor ${score5(session.mentor_mean)}` : '');
  const actions = h('p', { class: 'session-actions' },
    h('a', { href: `#report=${session.id}` }, 'Report'),
    h('a', { href: `/api/review/sessions/${session.id}/export.md`, download: '' }, 'Markdown'),
    h('a', { href: `/api/review/sessions/${session.id}/export.csv`, download: '' }, 'CSV'));
  if (ctx.can('manage')) {
    actions.append(h('button', { type: 'button', class: 'link danger', onclick: () => deleteSession(session) },
      'Delete session'));
  }
  return h('article', { class: 'card session', dataset: { session: session.id } },
    h('p', { class: 'q-meta' }, h('span', {}, time(session.started_at)), h('span', {}, days), h('span', {}, units),
      h('span', { class: 'badge' }, session.mode), h('span', {}, scores)),
    h('ol', { class: 'answers' }, session.answers.map(answerRow)),
    actions);
}

function answerRow(answer) {
  const mentor = answer.mentor_score !== null ? h('span', { class: 'score mentor' }, `mentor ${score5(answer.mentor_score)}`) : null;
  return h('li', { class: 'answer-row', dataset: { answer: answer.id } },
    h('a', { href: `#answer=${answer.id}`, class: 'answer-link' }, answer.prompt),
    h('span', { class: 'row-meta' },
      h('span', { class: 'badge' }, KINDS[answer.kind] || answer.kind),
      answer.status !== 'answered' ? h('span', { class: 'badge muted' }, answer.status) : null,
      h('span', { class: 'score' }, `automatic ${score5(answer.auto_score)}`), mentor,
      answer.has_audio ? h('span', { class: 'audio-mark', title: 'has audio' }, '♪') : null));
}

async function deleteSession(session) {
  if (!window.confirm('Delete this session, its answers and their audio? This cannot be undone.')) return;
  try {
    await requestJSON(`/api/review/sessions/${session.id}`, { method: 'DELETE', body: {} });
    await loadSessions();
  } catch (err) {
    showError(err);
  }
}

function describePrincipal() {
  const who = ctx.principal;
  const name = (ctx.learners.find((l) => l.id === ctx.learner) || {}).name || '';
  if (who.kind === 'mentor') {
    el.who.textContent = `Mentor · ${name}`;
    el.mentorNote.hidden = false;
    el.mentorNote.textContent = `${name} shared their answers with you: you can listen, judge the key points, `
      + 'score and comment. Nothing else is reachable through this link.';
    el.mentorNote.append(' ', h('button', { type: 'button', class: 'link', onclick: leave }, 'Leave'));
  } else {
    el.who.textContent = name ? `Learner · ${name}` : 'Learner';
  }
}

async function leave() {
  await requestJSON('/api/share/leave', { method: 'POST', body: {} });
  clear(document.querySelector('main')).append(h('p', { class: 'notice' },
    'You left the shared review. The link still works until it expires or the learner revokes it.'));
}

function fillFilters() {
  clear(el.learner);
  for (const learner of ctx.learners) el.learner.append(h('option', { value: learner.id }, learner.name));
  el.learner.value = ctx.learner;
  el.learnerField.hidden = ctx.learners.length < 2;
  for (const unit of ctx.units) el.unit.append(h('option', { value: String(unit.number) }, `${unit.number}. ${unit.title}`));
}

async function main() {
  try {
    const context = await requestJSON('/api/review/context');
    Object.assign(ctx, {
      principal: context.principal,
      learners: context.learners,
      competencies: context.competencies,
      labels: context.labels,
      units: context.units,
    });
    let remembered = '';
    try {
      remembered = localStorage.getItem(KEY_LEARNER) || '';
    } catch { /* private mode */ }
    const ids = ctx.learners.map((l) => l.id);
    ctx.learner = context.principal.learner_id || (ids.includes(remembered) ? remembered : ids[0] || '');
    el.tabs.manage.hidden = !ctx.can('manage');
    el.tabs.study.hidden = !ctx.can('study');
    fillFilters();
    describePrincipal();
  } catch (err) {
    showError(err);
    return;
  }
  el.learner.addEventListener('change', () => {
    ctx.learner = el.learner.value;
    try {
      localStorage.setItem(KEY_LEARNER, ctx.learner);
    } catch { /* private mode */ }
    describePrincipal();
    loadSessions().catch(showError);
  });
  el.filters.addEventListener('change', (event) => {
    if (event.target !== el.learner) loadSessions().catch(showError);
  });
  el.filters.addEventListener('submit', (event) => event.preventDefault());
  window.addEventListener('hashchange', route);
  await route();
  document.body.dataset.ready = 'true';
}

main();
