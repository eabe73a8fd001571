// Small DOM helpers. Everything the API sends is inserted as text (textContent, attributes), never as HTML:
// job inputs, outputs and error messages come from robots and the sites they visit.

/**
 * el('td', {class: 'id', title: job.id, testid: 'job-state', onclick: fn}, 'text', childNode, …)
 * Strings become text nodes; null, undefined and false children are skipped; arrays are flattened.
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'testid') node.dataset.testid = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value; // properties such as disabled, value, open
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Replaces node's children, with el's rules for them (replaceChildren would insert null as the text "null"). */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const JOB_STATES = ['WAITING_APPROVAL', 'PENDING', 'QUEUED', 'CLAIMED', 'RUNNING', 'RETRY_WAIT', 'PAUSED',
  'SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED'];
export const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'REJECTED']);

/** A state as a coloured badge; the colour comes from the stylesheet (s-<STATE>). */
export function badge(state, testid) {
  return el('span', { class: `badge s-${state || 'UNKNOWN'}`, testid }, state || '?');
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '';
}

/** An ISO instant as local time: only the time for today, date and time otherwise. Null: a dash. */
export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date().toDateString() === d.toDateString();
  const t = d.toLocaleTimeString([], { hour12: false });
  return today ? t : `${d.toLocaleDateString()} ${t}`;
}

/** A <time> element: local time shown, the exact instant on hover. */
export function timeEl(iso) {
  return el('time', { datetime: iso || undefined, title: iso || undefined }, time(iso));
}

export function duration(ms) {
  if (ms == null) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return m < 60 ? `${m} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function bytes(n) {
  if (n == null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Pretty JSON in a collapsible block (closed unless open is set). */
export function jsonBlock(label, value, open = false, testid) {
  return el('details', { class: 'json', open, testid },
    el('summary', null, label),
    el('pre', null, JSON.stringify(value, null, 2)));
}

/** A key/value list (<dl>) from [label, value] pairs; pairs with a null value are left out. */
export function facts(pairs) {
  const dl = el('dl', { class: 'facts' });
  for (const [label, value] of pairs) {
    if (value == null || value === '') continue;
    dl.append(el('dt', null, label), el('dd', null, value));
  }
  return dl;
}
