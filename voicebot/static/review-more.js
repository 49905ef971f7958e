// The review page's other views: a session report (printable), progress, and — for the
// learner — sharing with a mentor and the storage the answers use.
import { requestJSON } from './api.js';
import { KINDS, bytes, clear, clock, competencyName, day, h, label, percent, score5 } from './review-dom.js';

/** A whole session as one printable page. */
export async function showReport(root, sessionId, ctx) {
  const session = await requestJSON(`/api/review/sessions/${sessionId}`);
  const answers = [];
  for (const brief of session.answers) answers.push(await requestJSON(`/api/review/answers/${brief.id}`));
  const days = session.days.length ? `Day ${session.days.join(' and ')}` : session.mode;
  clear(root).append(
    h('p', { class: 'no-print' }, h('a', { href: '#answers' }, '← All answers'), ' ',
      h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Print'), ' ',
      h('a', { href: `/api/review/sessions/${sessionId}/export.md`, download: '' }, 'Markdown'), ' ',
      h('a', { href: `/api/review/sessions/${sessionId}/export.csv`, download: '' }, 'CSV')),
    h('h2', { class: 'report-title' }, `Session of ${day(session.started_at)} — ${days}`),
    h('p', {}, `Mean content score: automatic ${score5(session.auto_mean)}, mentor ${score5(session.mentor_mean)}.`),
    ...answers.map((answer, n) => reportAnswer(answer, n + 1, ctx)),
  );
}

function reportAnswer(answer, number, ctx) {
  const review = answer.review;
  return h('article', { class: 'report-answer' },
    h('h3', {}, `${number}. ${answer.question.prompt}`),
    h('p', { class: 'q-meta' }, h('span', {}, KINDS[answer.question.kind] || answer.question.kind),
      h('span', {}, `automatic ${score5(review.auto_score)}`), h('span', {}, `mentor ${score5(review.mentor_score)}`)),
    h('blockquote', {}, answer.text || '(nothing was said)'),
    h('table', { class: 'report-points' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Key point'), h('th', {}, 'Grader'), h('th', {}, 'Mentor'), h('th', {}, 'Evidence'))),
      h('tbody', {}, review.points.map((p) => h('tr', {}, h('td', {}, p.point), h('td', {}, label(p.label)),
        h('td', {}, p.mentor_label ? label(p.mentor_label) : ''), h('td', {}, p.evidence))))),
    Object.keys(review.competencies).length
      ? h('p', {}, 'Competencies: ', ctx.competencies.filter((c) => review.competencies[c])
        .map((c) => `${competencyName(c)} ${review.competencies[c]}/4`).join(', '))
      : null,
    review.comments.length
      ? h('ul', {}, review.comments.map((c) => h('li', {}, `[${clock(c.at) || 'answer'}] ${c.author}: ${c.text}`)))
      : null,
    h('p', {}, h('strong', {}, 'Model answer: '), answer.question.model_answer));
}

/** Days done, scores per unit over time, the weakest key points, mock scorecards, due cards. */
export async function showProgress(root, ctx) {
  const p = await requestJSON(`/api/review/progress?learner=${encodeURIComponent(ctx.learner)}`);
  clear(root).append(
    h('section', { class: 'card' }, h('h2', {}, 'Where things stand'),
      h('p', { id: 'progress-summary' }, `Plan day ${p.today > 31 ? 'done' : p.today}; ${p.days_done.length} of 31 days finished; `
        + `${p.cards_due} flashcard review${p.cards_due === 1 ? '' : 's'} due.`)),
    scorecards(p.scorecards),
    units(p.units),
    weakest(p.weakest),
    daysDone(p.days_done),
  );
}

function scorecards(cards) {
  const section = h('section', { id: 'scorecards' }, h('h2', {}, 'Mock interviews'));
  if (!cards.length) {
    section.append(h('p', { class: 'muted' }, 'No mock interview yet (plan days 28 and 30).'));
    return section;
  }
  for (const card of cards) {
    const rows = Object.entries(card.areas).map(([area, score]) => h('tr', { class: score < card.bar ? 'red-zone' : '' },
      h('th', { scope: 'row' }, area.replace('_', ' ')),
      h('td', {}, h('meter', { min: '0', max: '1', low: String(card.bar), optimum: '1', value: String(score) }, percent(score))),
      h('td', {}, percent(score)), h('td', {}, score < card.bar ? 'red zone' : 'passed')));
    section.append(h('article', { class: 'card scorecard', dataset: { day: String(card.day) } },
      h('h3', {}, `${card.title} (day ${card.day}) — ${card.passed ? 'every domain at the bar' : 'red zones'}`),
      h('p', { class: 'muted' }, `The bar: ${percent(card.bar)} in each domain.`),
      h('table', {}, h('tbody', {}, rows)),
      card.buffer_focus.length ? h('p', { class: 'buffer' }, `The buffer day (29) works on: ${card.buffer_focus.join(', ')}.`) : null));
  }
  return section;
}

function units(list) {
  const section = h('section', { id: 'units' }, h('h2', {}, 'Scores per unit over time'));
  if (!list.length) {
    section.append(h('p', { class: 'muted' }, 'No answered questions yet.'));
    return section;
  }
  section.append(h('table', { class: 'units' }, h('thead', {}, h('tr', {}, h('th', {}, 'Unit'), h('th', {}, 'Answers'),
    h('th', {}, 'Mean'), h('th', {}, 'By day answered'))),
  h('tbody', {}, list.map((u) => h('tr', { dataset: { unit: String(u.unit) } }, h('th', { scope: 'row' }, `${u.unit}. ${u.title}`),
    h('td', {}, String(u.answers)), h('td', {}, percent(u.mean)),
    h('td', { class: 'trend' }, u.scores.map((s) => h('meter', { min: '0', max: '1', low: '0.5', high: '0.8', optimum: '1',
      value: String(s.score), title: `${s.date}: ${percent(s.score)} over ${s.answers} answer(s)` }, percent(s.score)))))))));
  return section;
}

function weakest(list) {
  return h('section', { id: 'weakest' }, h('h2', {}, 'Weakest key points'),
    list.length
      ? h('ol', {}, list.map((w) => h('li', {}, h('span', {}, w.point), ' ', label(w.last),
        h('span', { class: 'muted', title: w.prompt }, ` — ${percent(w.credit)} over ${w.answers} answer(s); `
          + `${w.prompt.length > 70 ? `${w.prompt.slice(0, 70)}…` : w.prompt}`))))
      : h('p', { class: 'muted' }, 'Nothing weak yet.'));
}

function daysDone(list) {
  return h('section', { id: 'days' }, h('h2', {}, 'Days done'),
    list.length
      ? h('table', {}, h('tbody', {}, list.map((d) => h('tr', {}, h('th', { scope: 'row' }, `Day ${d.day}`), h('td', {}, d.title),
        h('td', {}, percent(d.score)), h('td', {}, day(d.completed_at))))))
      : h('p', { class: 'muted' }, 'No plan day finished yet.'));
}

/** The learner's own: share links (make, list, revoke), the disagreements export, storage. */
export async function showManage(root, ctx) {
  const query = `learner=${encodeURIComponent(ctx.learner)}`;
  const [links, storage] = await Promise.all([
    requestJSON(`/api/review/shares?${query}`), requestJSON(`/api/review/storage?${query}`)]);
  const note = h('input', { id: 'share-note', type: 'text', maxlength: '200', placeholder: 'Who is it for? (optional)' });
  const days = h('input', { id: 'share-days', type: 'number', min: '1', max: '90', value: '7' });
  const made = h('p', { id: 'share-made', class: 'notice', hidden: true });
  const form = h('form', { id: 'share-form', class: 'setup stack' },
    h('h2', {}, 'Share with a mentor'),
    h('p', { class: 'muted' }, 'The link lets one person listen to these answers, judge them and comment — nothing else. '
      + 'Anyone holding it can use it until it expires or you revoke it.'),
    h('div', { class: 'field' }, h('label', { for: 'share-note' }, 'Note'), note),
    h('div', { class: 'field' }, h('label', { for: 'share-days' }, 'Days it works'), days),
    h('button', { type: 'submit' }, 'Make a link'), made);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const reply = await requestJSON('/api/review/shares', { method: 'POST',
        body: { learner_id: ctx.learner, days: Number(days.value), note: note.value } });
      const url = `${window.location.origin}${reply.path}`;
      await showManage(root, ctx);
      const shown = document.getElementById('share-made');
      shown.hidden = false;
      clear(shown).append('Send this link to your mentor (it is shown only now): ',
        h('input', { id: 'share-url', type: 'text', readonly: true, value: url }));
    } catch (err) {
      ctx.showError(err);
    }
  });
  const retention = storage.retention_days
    ? `Answers older than ${storage.retention_days} days are deleted automatically (setting review.retention_days).`
    : 'Answers are kept until you delete them (setting review.retention_days = 0).';
  clear(root).append(form,
    h('section', { id: 'share-links' }, h('h2', {}, 'Share links'), links.links.length
      ? h('table', {}, h('thead', {}, h('tr', {}, ['Note', 'Made', 'Works until', 'Last used', 'Status', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, links.links.map((link) => h('tr', { dataset: { link: link.id } }, h('td', {}, link.note || '–'),
          h('td', {}, day(link.created_at)), h('td', {}, day(link.expires_at)), h('td', {}, day(link.last_used_at) || 'never'),
          h('td', { class: 'status' }, link.status),
          h('td', {}, link.status === 'active' ? h('button', { type: 'button', class: 'link danger', onclick: () => revoke(link.id, root, ctx) }, 'Revoke') : '')))))
      : h('p', { class: 'muted' }, 'No share links yet.')),
    h('section', { id: 'storage' }, h('h2', {}, 'Storage'),
      h('p', {}, `${storage.answers} answers; ${storage.recordings} recordings using ${bytes(storage.bytes)}.`),
      h('p', { class: 'muted' }, retention)),
    h('section', {}, h('h2', {}, 'Grader disagreements'),
      h('p', {}, 'Every key point judged differently from the grader, as a table in the calibration format: ',
        h('a', { href: `/api/review/disagreements.tsv?${query}`, download: '' }, 'disagreements (TSV)'), ' · ',
        h('a', { href: `/api/review/disagreements.tsv?${query}&all=1`, download: '' }, 'every judgement (TSV)'))));
}

async function revoke(id, root, ctx) {
  try {
    await requestJSON(`/api/review/shares/${id}`, { method: 'DELETE', body: {} });
    await showManage(root, ctx);
  } catch (err) {
    ctx.showError(err);
  }
}
