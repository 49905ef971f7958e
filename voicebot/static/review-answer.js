// One answer: the recording with its transcript (the word being said is highlighted as the
// audio plays; a click on a word seeks there), the key-point checklist with the grader's
// judgements and their evidence, a person's rubric (per point, per competency, comments
// pinned to a time), ELI5 and delivery figures, and the model answer.
import { requestJSON } from './api.js';
import { KINDS, clear, clock, competencyName, h, label, score5 } from './review-dom.js';

let current = null; // {detail, audio, words: [{node, s, e}], frame}

/** Render answer `id` into `root`. */
export async function showAnswer(root, id, ctx) {
  stopPlayer();
  const detail = await requestJSON(`/api/review/answers/${id}`);
  clear(root);
  const audio = detail.has_audio
    ? h('audio', { id: 'player', controls: true, preload: 'auto', src: `/api/review/answers/${id}/audio` })
    : null;
  current = { detail, audio, words: [], frame: 0 };
  const question = detail.question;
  root.append(
    h('p', {}, h('a', { href: '#answers' }, '← All answers')),
    h('section', { class: 'card' },
      h('p', { class: 'q-meta' },
        detail.day ? h('span', {}, `Day ${detail.day}`) : null,
        question.unit ? h('span', {}, `Unit ${question.unit}: ${question.unit_title}`) : null,
        h('span', { class: 'badge' }, KINDS[question.kind] || question.kind),
        h('span', {}, detail.status)),
      h('p', { id: 'a-prompt', class: 'prompt' }, question.prompt)),
    h('section', { class: 'replay', 'aria-label': 'Recording and transcript' },
      h('h2', {}, detail.typed ? 'Typed answer' : 'Recording'),
      audio || h('p', { class: 'muted' }, detail.typed ? 'This answer was typed.' : 'No recording is kept for this answer.'),
      transcript(detail)),
    h('section', { id: 'rubric', 'aria-label': 'Rubric' }),
    figures(detail),
    h('section', { class: 'model' }, h('h2', {}, question.kind === 'eli5' ? 'Reference explanation' : 'Model answer'),
      h('p', {}, question.model_answer || '–')),
  );
  if (ctx.can('manage')) {
    root.append(h('p', {}, h('button', { type: 'button', class: 'secondary danger', onclick: () => remove(id, ctx) },
      'Delete this answer and its audio')));
  }
  renderRubric(ctx);
  if (audio) wirePlayer(audio);
}

function transcript(detail) {
  const box = h('p', { id: 'transcript', class: 'transcript-text' });
  if (!detail.tokens.length) {
    box.append(h('span', { class: 'muted' }, '(nothing was said)'));
    return box;
  }
  detail.tokens.forEach((token, index) => {
    const timed = token.s !== null;
    const node = h(timed ? 'button' : 'span', {
      type: timed ? 'button' : undefined,
      class: timed ? 'word timed' : 'word',
      dataset: { index: String(index), c0: String(token.c0), c1: String(token.c1), ...(timed ? { s: String(token.s) } : {}) },
      title: timed ? `${clock(token.s)} — play from here` : undefined,
    }, token.t);
    if (timed) {
      node.addEventListener('click', () => seek(token.s, true));
      current.words.push({ node, s: token.s, e: token.e });
    }
    box.append(node, ' ');
  });
  return box;
}

function seek(seconds, play) {
  const { audio } = current || {};
  if (!audio) return;
  audio.currentTime = seconds;
  highlight();
  if (play && audio.paused) audio.play().catch(() => {});
}

/** Mark the word being said at the player's time (the last word started at or before it). */
function highlight() {
  const { audio, words } = current || {};
  if (!audio || !words.length) return;
  const t = audio.currentTime;
  let low = 0;
  let high = words.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (words[mid].s <= t + 0.02) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  for (const [index, word] of words.entries()) word.node.classList.toggle('now', index === found);
}

function wirePlayer(audio) {
  const tick = () => {
    highlight();
    if (current && current.audio === audio && !audio.paused) current.frame = requestAnimationFrame(tick);
  };
  audio.addEventListener('play', () => { current.frame = requestAnimationFrame(tick); });
  for (const name of ['seeked', 'timeupdate', 'pause', 'ended']) audio.addEventListener(name, highlight);
}

function stopPlayer() {
  if (current && current.audio) {
    current.audio.pause();
    cancelAnimationFrame(current.frame);
  }
  current = null;
}

function markEvidence(points) {
  const nodes = document.querySelectorAll('#transcript .word');
  for (const node of nodes) {
    const c0 = Number(node.dataset.c0);
    const c1 = Number(node.dataset.c1);
    node.classList.remove('ev', 'ev-hit', 'ev-partial', 'ev-wrong');
    delete node.dataset.points;
    const hits = points.filter((p) => p.start >= 0 && p.end > c0 && p.start < c1);
    if (!hits.length) continue;
    const shown = hits.map((p) => p.mentor_label || p.label);
    const worst = ['wrong', 'partial', 'hit'].find((l) => shown.includes(l)) || 'hit';
    node.classList.add('ev', `ev-${worst}`);
    node.dataset.points = hits.map((p) => p.index).join(' ');
  }
}

function focusEvidence(index, on) {
  for (const node of document.querySelectorAll('#transcript .word.ev')) {
    node.classList.toggle('ev-focus', on && (node.dataset.points || '').split(' ').includes(String(index)));
  }
}

function renderRubric(ctx) {
  const root = document.getElementById('rubric');
  const review = current.detail.review;
  const canScore = ctx.can('score');
  const typing = document.getElementById('comment-text'); // a comment being written survives a re-render
  const draft = typing ? typing.value : '';
  clear(root).append(
    h('h2', {}, 'Key points'),
    h('p', { id: 'scores', class: 'scores' },
      h('span', {}, 'Content score: automatic ', h('strong', { id: 'auto-score' }, score5(review.auto_score))),
      h('span', {}, 'mentor ', h('strong', { id: 'mentor-score' }, score5(review.mentor_score))),
      h('span', {}, 'competencies ', h('strong', {}, review.competency_mean === null ? '–' : `${review.competency_mean}/4`))),
    h('ol', { class: 'checklist' }, review.points.map((point) => pointItem(point, ctx, canScore))),
    competencies(review, ctx, canScore),
    comments(review, ctx, canScore),
  );
  const box = document.getElementById('comment-text');
  if (box) box.value = draft;
  markEvidence(review.points);
}

function pointItem(point, ctx, canScore) {
  const overridden = point.mentor_label && point.mentor_label !== point.label;
  const item = h('li', { class: `point${overridden ? ' overridden' : ''}`, dataset: { index: String(point.index) }, tabindex: '0' },
    h('p', { class: 'point-head' }, label(point.label), ' ', point.point),
    point.evidence ? h('blockquote', { class: 'evidence' }, `“${point.evidence}”`) : null,
    point.contrast ? h('p', { class: 'muted contrast' }, `Closer to the false version: “${point.contrast}”`) : null);
  if (point.mentor_label) {
    item.append(h('p', { class: 'mentor-line' }, overridden ? 'Overridden by ' : 'Agreed by ', point.reviewer || 'a person',
      ': ', label(point.mentor_label)));
  }
  if (canScore) {
    const select = h('select', { class: 'judge', 'aria-label': `Your judgement of key point ${point.index + 1}` },
      h('option', { value: '' }, '— your judgement —'),
      h('option', { value: point.label }, `Agree (${point.label})`),
      ctx.labels.filter((l) => l !== point.label).map((l) => h('option', { value: `override:${l}` }, `Override: ${l}`)));
    if (point.mentor_label) select.value = point.mentor_label === point.label ? point.label : `override:${point.mentor_label}`;
    select.addEventListener('change', () => {
      const value = select.value.replace('override:', '') || null;
      save('points', { points: [{ index: point.index, label: value }] }, ctx);
    });
    item.append(select);
  }
  item.addEventListener('mouseenter', () => focusEvidence(point.index, true));
  item.addEventListener('mouseleave', () => focusEvidence(point.index, false));
  item.addEventListener('focusin', () => focusEvidence(point.index, true));
  item.addEventListener('focusout', () => focusEvidence(point.index, false));
  return item;
}

function competencies(review, ctx, canScore) {
  const rows = ctx.competencies.map((name) => {
    const value = review.competencies[name];
    const cell = canScore
      ? h('select', { class: 'competency', name, 'aria-label': competencyName(name) },
        h('option', { value: '' }, '–'), [1, 2, 3, 4].map((n) => h('option', { value: String(n) }, String(n))))
      : h('span', {}, value ? `${value}/4` : '–');
    if (canScore && value) cell.value = String(value);
    if (canScore) {
      cell.addEventListener('change', () => save('competencies', { scores: { [name]: cell.value ? Number(cell.value) : null } }, ctx));
    }
    return h('tr', {}, h('th', { scope: 'row' }, competencyName(name)), h('td', {}, cell));
  });
  return h('section', { class: 'competencies' }, h('h2', {}, 'Competencies (1–4)'),
    h('table', {}, h('tbody', {}, rows)));
}

function comments(review, ctx, canScore) {
  const list = h('ul', { id: 'comments', class: 'comments' }, review.comments.map((c) => h('li', { dataset: { id: String(c.id) } },
    c.at !== null ? h('button', { type: 'button', class: 'link at', onclick: () => seek(c.at, true) }, clock(c.at)) : h('span', { class: 'at muted' }, 'answer'),
    ' ', h('strong', {}, c.author), ': ', h('span', { class: 'comment-text' }, c.text),
    canScore ? h('button', { type: 'button', class: 'link', 'aria-label': 'Delete comment', onclick: () => dropComment(c.id, ctx) }, '✕') : null)));
  const section = h('section', { class: 'comments-box' }, h('h2', {}, 'Comments'), list);
  if (canScore) {
    const text = h('textarea', { id: 'comment-text', rows: '2', maxlength: '2000', 'aria-label': 'Comment' });
    const pin = h('input', { id: 'comment-pin', type: 'checkbox', checked: !!current.audio });
    const form = h('form', { id: 'comment-form', class: 'stack' }, text,
      current.audio ? h('label', { class: 'inline' }, pin, ' Pin to the current time in the audio') : null,
      h('button', { type: 'submit' }, 'Add comment'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const at = current.audio && pin.checked ? Math.round(current.audio.currentTime * 100) / 100 : null;
      save('comments', { text: text.value, at }, ctx, 'POST');
    });
    section.append(form);
  }
  return section;
}

async function save(what, body, ctx, method = 'PUT') {
  try {
    const review = await requestJSON(`/api/review/answers/${current.detail.id}/${what}`, { method, body });
    current.detail.review = review;
    if (what === 'comments') document.getElementById('comment-text').value = '';
    ctx.showError(null);
    renderRubric(ctx);
  } catch (err) {
    ctx.showError(err);
  }
}

async function dropComment(id, ctx) {
  try {
    current.detail.review = await requestJSON(`/api/review/answers/${current.detail.id}/comments/${id}`, { method: 'DELETE', body: {} });
    renderRubric(ctx);
  } catch (err) {
    ctx.showError(err);
  }
}

function figures(detail) {
  const grading = detail.grading || {};
  const box = h('section', { class: 'figures' }, h('h2', {}, 'Figures'));
  const list = h('dl', { class: 'figure-list' });
  const add = (term, value) => list.append(h('dt', {}, term), h('dd', {}, value));
  if (grading.rating) add('Suggested card rating', grading.rating);
  if (grading.method) add('Graded by', grading.method);
  const d = grading.delivery;
  if (d) {
    add('Words', String(d.words));
    if (d.words_per_minute) add('Pace', `${Math.round(d.words_per_minute)} words per minute`);
    add('Long pauses', `${d.long_pauses} (longest ${d.longest_pause.toFixed(1)} s)`);
    add('Fillers', String(d.fillers));
    if (d.length_ratio) add('Length', `${d.length_ratio.toFixed(1)}× the model answer`);
    if (d.note) add('Delivery note', d.note);
  }
  const e = grading.eli5;
  if (e) {
    add('ELI5 verdict', `${e.verdict} — ${e.reason}`);
    add('Reading grade', e.grade_level.toFixed(1));
    add('Familiar words', `${Math.round(e.familiar_share * 100)}%`);
    add('Words per sentence', e.mean_sentence_words.toFixed(1));
    add('Unexplained jargon', e.unexplained_jargon.join(', ') || 'none');
    add('Everyday analogy', e.analogy ? 'yes' : 'no');
  }
  if (detail.duration) add('Recorded', clock(detail.duration));
  if (!list.children.length) list.append(h('dd', { class: 'muted' }, 'No figures for this answer.'));
  box.append(list);
  return box;
}

async function remove(id, ctx) {
  if (!window.confirm('Delete this answer and its audio? This cannot be undone.')) return;
  try {
    await requestJSON(`/api/review/answers/${id}`, { method: 'DELETE', body: {} });
    stopPlayer();
    window.location.hash = '#answers';
  } catch (err) {
    ctx.showError(err);
  }
}

// For automated tests: the word being highlighted and the player.
window.vivaReplay = {
  get now() {
    const node = document.querySelector('#transcript .word.now');
    return node ? Number(node.dataset.index) : -1;
  },
  get audio() {
    return current ? current.audio : null;
  },
};
