// Small DOM helpers for the review page. Learner and mentor text only ever goes in as text
// (textContent), never as markup.

/** h('p', {class: 'x', onclick: fn}, 'text', child…) */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** 75.4 → "1:15". */
export function clock(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export function day(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
}

export function time(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const KINDS = {
  theory: 'Theory',
  design: 'System design',
  eli5: "Explain like I'm five",
  behavioural: 'Behavioural',
};

export function score5(value) {
  return value === null || value === undefined ? '–' : `${Number.isInteger(value) ? value : value.toFixed(1)}/5`;
}

export function percent(share) {
  return share === null || share === undefined ? '–' : `${Math.round(share * 100)}%`;
}

export function label(name) {
  return h('span', { class: `label label-${name}` }, name);
}

export function competencyName(name) {
  return name.replace('_', ' ');
}
