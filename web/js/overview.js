// The overview: jobs finished per minute by outcome and queue depth over the last hour (GET /overview), each robot's
// success rate and median duration, and the busiest capabilities with what waits for them. Fetched every few
// seconds while open (the server keeps an answer a few seconds, so many open dashboards cost one read).

import { api } from './api.js';
import { duration, el, fill, shortId } from './dom.js';
import { legend, lineChart, stackedBars } from './charts.js';

const EVERY_MS = 10_000;
const WINDOWS = ['15m', '1h', '6h', '1d'];
// the depth lines drawn: the states a job waits in before it runs, and what runs (other states are in the API)
const DEPTH = ['QUEUED', 'RUNNING', 'RETRY_WAIT'];

export function overviewView(root, ctx) {
  let window = sessionStorage.getItem('robogridWindow') || '1h';
  const picker = el('select', { testid: 'overview-window', 'aria-label': 'window',
    onchange: () => { window = picker.value; sessionStorage.setItem('robogridWindow', window); load(); } },
    WINDOWS.map(w => el('option', { value: w, selected: w === window }, w)));
  const updated = el('span', { class: 'muted small' });
  const finished = el('div', { class: 'chart-box', testid: 'finished-chart' });
  const depth = el('div', { class: 'chart-box', testid: 'depth-chart' });
  const robots = el('tbody');
  const caps = el('tbody');

  const table = (testid, heads, body, numeric) => el('table', { class: 'grid-table', testid },
    el('thead', null, el('tr', null, heads.map((h, i) => el('th', { class: numeric.includes(i) ? 'num' : null }, h)))), body);

  root.append(
    el('section', { class: 'panel', testid: 'overview-view' },
      el('div', { class: 'toolbar' }, el('h2', null, 'Overview'), el('label', null, 'last ', picker), updated),
      el('div', { class: 'columns even' },
        el('div', null, el('h3', null, 'Jobs finished, by outcome'), finished),
        el('div', null, el('h3', null, 'Queue depth'), depth))),
    el('div', { class: 'columns even' },
      el('section', { class: 'panel' }, el('h3', { testid: 'robots-heading' }, 'Robots'),
        table('overview-robots', ['Robot', 'Finished', 'Succeeded', 'Failed', 'Success rate', 'Median'], robots, [1, 2, 3, 4, 5])),
      el('section', { class: 'panel' }, el('h3', null, 'Busiest capabilities'),
        table('overview-capabilities', ['Capability', 'Queued', 'Running', 'Runners', 'Next in line'], caps, [1, 2, 3]))));

  const pct = r => (r == null ? '–' : `${(100 * r).toFixed(r === 1 ? 0 : 1)} %`);

  function render(o) {
    const bucketMs = o.bucketSeconds * 1000;
    const per = o.bucketSeconds === 60 ? 'per minute' : `per ${duration(bucketMs)}`;
    fill(finished,
      stackedBars(o.finished, o.outcomes, { bucketMs, testid: 'finished-svg', yLabel: `jobs ${per}` }),
      legend(o.outcomes));

    const from = Date.parse(o.from);
    const to = Date.parse(o.now);
    const points = name => o.queue.samples.map(s => [Date.parse(s.at), s.byState[name] || 0]);
    // the live figure ends each line at "now", so a chart of a new grid is never empty
    const lines = DEPTH.map(name => ({ name, points: [...points(name), [to, (o.queue.now.byState || {})[name] || 0]] }));
    fill(depth,
      lineChart(lines, { from, to, gapMs: Math.max(2.5 * 60_000, 2.5 * bucketMs), testid: 'depth-svg', yLabel: 'jobs (sampled each minute)' }),
      legend(DEPTH, n => `l-${n}`),
      o.queue.now.capped ? el('p', { class: 'muted small' }, 'Counts stop at 100,000: a line at the top means at least that.') : null);

    robots.replaceChildren(...o.robots.map(r => el('tr', { testid: 'overview-robot', dataset: { robot: r.robot || '' } },
      el('td', { class: r.robot ? 'strong' : 'muted' }, r.robot || '(inline)'),
      el('td', { class: 'num' }, String(r.finished)),
      el('td', { class: 'num' }, String(r.succeeded)),
      el('td', { class: `num${r.failed ? ' bad-text' : ''}` }, String(r.failed)),
      el('td', { class: 'num', testid: 'success-rate' }, rateBar(r.successRate, pct(r.successRate))),
      el('td', { class: 'num', testid: 'median' }, r.medianMs == null ? '–' : duration(r.medianMs)))));
    if (!o.robots.length) robots.append(el('tr', null, el('td', { colspan: 6, class: 'empty' }, `No job finished in the last ${o.window === 'PT1H' ? 'hour' : window}.`)));

    caps.replaceChildren(...o.capabilities.map(c => el('tr', { testid: 'overview-capability', dataset: { capability: c.name } },
      el('td', { class: 'mono strong' }, c.name),
      el('td', { class: 'num', testid: 'cap-queued' }, `${c.queued}${c.queuedCapped ? '+' : ''}`),
      el('td', { class: 'num' }, c.total != null ? `${c.running} / ${c.total}` : String(c.running)),
      el('td', { class: `num${c.runners ? '' : ' bad-text'}`, title: c.runners ? '' : 'no live runner offers it: what needs it waits' }, String(c.runners)),
      el('td', null, c.next.length ? c.next.map(n => el('div', { class: 'small' },
        el('a', { href: `#/jobs/${n.id}`, class: 'mono' }, shortId(n.id)), ` ${n.robot || '(inline)'}`,
        n.priority ? el('span', { class: 'muted' }, ` p${n.priority}`) : null,
        el('span', { class: 'muted' }, ` waiting ${duration(Math.max(0, to - Date.parse(n.queuedSince)))}`)))
        : el('span', { class: 'muted' }, 'nothing waits')))));
    if (!o.capabilities.length) caps.append(el('tr', null, el('td', { colspan: 5, class: 'empty' }, 'No runner offers a capability and nothing waits for one.')));
    updated.textContent = `updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
  }

  function rateBar(rate, text) {
    const bar = el('span', { class: 'rate' }, el('i', null));
    bar.firstChild.style.width = `${Math.round(100 * (rate || 0))}%`;
    if (rate != null && rate < 0.9) bar.classList.add('low');
    return el('span', { class: 'rate-cell' }, text, rate == null ? null : bar);
  }

  let inFlight = false;
  async function load() {
    if (inFlight) return;
    inFlight = true;
    try {
      render(await api('GET', `/overview?window=${encodeURIComponent(window)}`));
    } catch (e) {
      ctx.showError(e);
    } finally {
      inFlight = false;
    }
  }

  const timer = setInterval(load, EVERY_MS);
  load();
  return {
    onEvent() {}, // a job's end is seen at the next poll: per event would be a fetch per job
    resync: load,
    destroy() { clearInterval(timer); },
  };
}
