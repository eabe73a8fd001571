// A job's execution on a time axis, the way workflow engines show one: a band of the job's states (queued, waiting
// for approval, retry backoff, running…), then per attempt a row per step with a bar per try of it. A failed try that
// was tried again is red and followed by its backoff (hatched); the try that failed the attempt carries a ✕.
// Everything comes from the job's events (step.started per try, the runner's "try n failed" log, step.finished,
// job.state), so the picture is the same from history and live.

import { duration } from './dom.js';
import { svg, tip } from './charts.js';

const ROW = 20;
const LABEL = 170;
const WIDTH = 960;
const TOP = 22;
const TRY_FAILED = /^try (\d+) failed/;

/** The bars from the events (sorted by seq) and the job: {band, attempts: [{attempt, node, steps: [{id, tries: […]}]}]}. */
export function model(job, events, now) {
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  const band = [];
  const attempts = new Map();
  const at = e => Date.parse(e.at);
  const attemptOf = n => {
    if (!attempts.has(n)) attempts.set(n, { attempt: n, node: null, start: null, end: null, steps: new Map() });
    return attempts.get(n);
  };
  const stepOf = (a, id) => {
    if (!a.steps.has(id)) a.steps.set(id, { id, tries: [] });
    return a.steps.get(id);
  };
  for (const e of events) {
    const d = e.data || {};
    if (e.type === 'job.state') {
      if (band.length) band[band.length - 1].end = at(e);
      band.push({ state: d.to, start: at(e), end: null, why: d.error ? `${d.error.code}: ${d.error.message}` : d.reason });
      if (e.attempt && (d.to === 'CLAIMED' || d.to === 'RUNNING')) {
        const a = attemptOf(e.attempt);
        if (a.start == null) a.start = at(e);
        a.node = d.node || a.node;
      } else if (e.attempt && attempts.has(e.attempt) && attempts.get(e.attempt).end == null) {
        attempts.get(e.attempt).end = at(e);
      }
      continue;
    }
    if (!e.attempt || !d.step) continue;
    const a = attemptOf(e.attempt);
    const s = stepOf(a, d.step);
    const open = s.tries.find(t => t.end == null);
    if (e.type === 'step.started') {
      if (open) open.end = at(e); // a try never reported as ended: it ended when the next began
      s.tries.push({ n: d.tries || s.tries.length + 1, start: at(e), end: null, state: 'RUNNING' });
    } else if (e.type === 'step.log' && d.level === 'warn' && TRY_FAILED.test(d.message || '') && open) {
      Object.assign(open, { end: at(e), state: 'RETRIED', why: d.message });
    } else if (e.type === 'step.finished') {
      const t = open || s.tries[s.tries.length - 1] || s.tries[s.tries.push({ n: d.tries || 1, start: at(e) }) - 1];
      Object.assign(t, { end: at(e), state: d.state, why: d.error ? `${d.error.code}: ${d.error.message}` : null });
    }
  }
  if (band.length) band[band.length - 1].end = end;
  for (const a of attempts.values()) {
    const last = a.end ?? end;
    for (const s of a.steps.values()) for (const t of s.tries) if (t.end == null) t.end = last; // still running, or cut off
    a.steps = [...a.steps.values()];
  }
  const failing = job.state === 'FAILED' && job.error ? job.error.step : null;
  const list = [...attempts.values()].sort((x, y) => x.attempt - y.attempt);
  const finalAttempt = list.length ? list[list.length - 1].attempt : null;
  for (const a of list) {
    for (const s of a.steps) {
      const t = s.tries[s.tries.length - 1];
      // the try that ended the attempt: the job's failing step in its last attempt, or any step that ended FAILED
      if (t && t.state === 'FAILED' && (a.attempt !== finalAttempt || !failing || s.id === failing)) t.failing = true;
    }
  }
  const start = Math.min(job.createdAt ? Date.parse(job.createdAt) : end, ...band.map(b => b.start));
  return { start, end: Math.max(end, start + 1), band, attempts: list };
}

/** The timeline as an SVG element (data-testid=timeline-svg). */
export function timeline(job, events, now = Date.now()) {
  const m = model(job, events, now);
  const rows = 1 + m.attempts.reduce((n, a) => n + 1 + a.steps.length, 0);
  const height = TOP + rows * ROW + 8;
  const root = svg('svg', { class: 'timeline', viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', testid: 'timeline-svg' });
  const x = t => LABEL + ((WIDTH - LABEL - 10) * (t - m.start)) / (m.end - m.start);
  const span = m.end - m.start;
  for (let i = 0; i <= 5; i++) {
    const t = m.start + (span * i) / 5;
    root.append(svg('line', { class: 'grid-line', x1: x(t), x2: x(t), y1: TOP - 4, y2: height - 6 }),
      svg('text', { class: 'axis-label', x: x(t), y: 12, 'text-anchor': i === 0 ? 'start' : i === 5 ? 'end' : 'middle' }, `+${duration(Math.round(t - m.start))}`));
  }
  let row = 0;
  const y = () => TOP + row * ROW;
  const label = (text, cls) => root.append(svg('text', { class: `tl-label ${cls || ''}`, x: 4, y: y() + 14 }, text));
  const bar = (a, b, cls, attrs, title, h = ROW - 6) => svg('rect', { class: cls, x: x(a), width: Math.max(2, x(b) - x(a)), y: y() + (ROW - h) / 2, height: h, rx: 2, ...attrs }, tip(title));

  label('job', 'strong');
  for (const b of m.band) {
    root.append(bar(b.start, b.end, `band s-${b.state}`, { testid: 'state-band', dataset: { state: b.state } },
      `${b.state} ${duration(Math.round(b.end - b.start))}${b.why ? ` — ${b.why}` : ''}`, ROW - 10));
  }
  row++;
  for (const a of m.attempts) {
    label(`attempt ${a.attempt}${a.node ? ` · ${a.node}` : ''}`, 'strong');
    if (a.start != null) root.append(bar(a.start, a.end ?? m.end, 'attempt-span', { testid: 'attempt', dataset: { attempt: a.attempt } }, `attempt ${a.attempt}`, 4));
    row++;
    for (const s of a.steps) {
      label(`  ${s.id}`, 'mono');
      s.tries.forEach((t, i) => {
        const next = s.tries[i + 1];
        if (next && t.end < next.start) {
          root.append(bar(t.end, next.start, 'retry-wait', { testid: 'retry-wait', dataset: { step: s.id, attempt: a.attempt } },
            `waited ${duration(Math.round(next.start - t.end))} before try ${next.n}`, ROW - 12));
        }
        const g = svg('g', { testid: 'try', dataset: { step: s.id, attempt: a.attempt, try: t.n, state: t.state, failing: t.failing ? 'true' : null } },
          bar(t.start, t.end, `try s-${t.state}${t.failing ? ' failing' : ''}`, null,
            `${s.id}, attempt ${a.attempt}, try ${t.n}: ${t.state} in ${duration(Math.round(t.end - t.start))}${t.why ? ` — ${t.why}` : ''}`));
        if (t.failing) g.append(svg('text', { class: 'fail-mark', x: x(t.end) + 3, y: y() + 14 }, '✕'));
        root.append(g);
      });
      row++;
    }
  }
  return root;
}
