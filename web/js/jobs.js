// The jobs view: the latest jobs, filtered by state and robot, kept current from job.state events.

import { api } from './api.js';
import { badge, el, JOB_STATES, shortId, TERMINAL, timeEl } from './dom.js';

const PAGE = 100;
const SHOWN = 300;

export function jobsView(root, ctx) {
  const jobs = new Map(); // id → job, as loaded and then moved along by events
  const fetching = new Set(); // ids of jobs being fetched because an event named them first
  const fresh = new Set(); // ids that arrived live: their row flashes once
  let cursor = null;
  let filter = { state: '', robot: '' };

  const stateSelect = el('select', { testid: 'filter-state', 'aria-label': 'state', onchange: () => changeFilter() },
    el('option', { value: '' }, 'all states'), JOB_STATES.map(s => el('option', { value: s }, s)));
  const robotSelect = el('select', { testid: 'filter-robot', 'aria-label': 'robot', onchange: () => changeFilter() },
    el('option', { value: '' }, 'all robots'), el('option', { value: '(inline)' }, '(inline)'));
  const tbody = el('tbody');
  const count = el('span', { class: 'muted' });
  const more = el('button', { class: 'secondary', hidden: true, onclick: () => load(true) }, 'Load older');

  root.append(el('section', { class: 'panel', testid: 'jobs-view' },
    el('div', { class: 'toolbar' },
      el('h2', null, 'Jobs'),
      el('label', null, 'State ', stateSelect),
      el('label', null, 'Robot ', robotSelect),
      count),
    el('table', { class: 'grid-table', testid: 'jobs-table' },
      el('thead', null, el('tr', null, ['Job', 'Robot', 'State', 'Attempt', 'Created', 'Node'].map(h => el('th', { class: h === 'Attempt' ? 'num' : null }, h)))),
      tbody),
    el('div', { class: 'more' }, more)));

  // The robot choices: the configured robots, plus any other name met in the jobs (a robot since removed).
  const robotNames = new Set();
  function addRobot(name) {
    if (!name || robotNames.has(name)) return;
    robotNames.add(name);
    const options = [...robotSelect.options].slice(2);
    const before = options.find(o => o.value.localeCompare(name) > 0) || null;
    robotSelect.insertBefore(el('option', { value: name }, name), before);
  }
  api('GET', '/robots').then(r => r.robots.forEach(robot => addRobot(robot.name))).catch(ctx.showError);

  function matches(job) {
    if (filter.state && job.state !== filter.state) return false;
    if (filter.robot === '(inline)') return !job.robot;
    return !filter.robot || job.robot === filter.robot;
  }

  function row(job) {
    const open = () => { location.hash = `#/jobs/${job.id}`; };
    return el('tr', { testid: 'job-row', dataset: { jobId: job.id }, class: fresh.has(job.id) ? 'clickable flash' : 'clickable', onclick: open,
      onanimationend: e => e.currentTarget.classList.remove('flash') },
      el('td', { class: 'mono', title: job.id }, el('a', { href: `#/jobs/${job.id}`, onclick: e => e.stopPropagation() }, shortId(job.id))),
      el('td', { class: job.robot ? null : 'muted' }, job.robot || (job.partial ? '…' : '(inline)')),
      el('td', { testid: 'job-state' }, badge(job.state), job.blocked ? ' ' : null, job.blocked ? badge('BLOCKED', 'job-blocked') : null),
      el('td', { class: 'num' }, job.maxAttempts ? `${job.attempt}/${job.maxAttempts}` : String(job.attempt ?? '')),
      el('td', null, timeEl(job.createdAt)),
      el('td', { class: 'mono' }, job.node || ''));
  }

  // Rows are kept per job and updated in place, so that a state change does not rebuild the table (and a new
  // row's highlight is not restarted by the next event).
  const rows = new Map(); // id → {tr, sig}
  function rowFor(job) {
    const sig = [job.partial, job.state, !!job.blocked, job.attempt, job.maxAttempts, job.robot, job.node, job.createdAt].join('|');
    const known = rows.get(job.id);
    if (known && known.sig === sig) return known.tr;
    const tr = row(job);
    if (!known) {
      rows.set(job.id, { tr, sig });
      return tr;
    }
    known.tr.replaceChildren(...tr.children);
    known.sig = sig;
    return known.tr;
  }

  function render() {
    const shown = [...jobs.values()].filter(matches)
      .sort((a, b) => (b.createdAt || '').localeCompare(a.createdAt || '') || b.id.localeCompare(a.id))
      .slice(0, SHOWN);
    const trs = shown.map(rowFor);
    const current = [...tbody.children];
    if (trs.length !== current.length || trs.some((tr, i) => tr !== current[i])) tbody.replaceChildren(...trs);
    if (shown.length === 0) tbody.replaceChildren(el('tr', null, el('td', { colspan: 6, class: 'empty' }, 'No jobs.')));
    count.textContent = `${shown.length} shown`;
    fresh.clear();
  }

  /** Loads the newest page for the filter (or, with older, the next page), merged into what is known. */
  async function load(older) {
    const query = new URLSearchParams({ limit: PAGE });
    if (filter.state) query.set('state', filter.state);
    if (filter.robot && filter.robot !== '(inline)') query.set('robot', filter.robot);
    if (older && cursor) query.set('cursor', cursor);
    const since = ctx.lastSeq();
    try {
      const page = await api('GET', `/jobs?${query}`);
      page.jobs.forEach(job => { merge(job, since); addRobot(job.robot); });
      cursor = page.nextCursor || null;
      more.hidden = !cursor;
      render();
    } catch (e) {
      ctx.showError(e);
    }
  }

  function changeFilter() {
    filter = { state: stateSelect.value, robot: robotSelect.value };
    cursor = null;
    render(); // what is known already, at once; the server's answer follows
    load(false);
  }

  /** A job an event named before the list had it: fetched once, then kept current by events. */
  async function fetchJob(id) {
    if (fetching.has(id)) return;
    fetching.add(id);
    const since = ctx.lastSeq();
    try {
      const job = await api('GET', `/jobs/${encodeURIComponent(id)}`);
      delete job.steps; // the table needs none of the detail
      delete job.artifacts;
      merge(job, since);
      addRobot(job.robot);
      scheduleRender();
    } catch (e) {
      if (e.status !== 404) ctx.showError(e);
    } finally {
      fetching.delete(id);
    }
  }

  /**
   * Puts a job as the API answered into the table. An event that arrived after the request went out is at least as
   * new as the answer, so the state it set is kept.
   */
  function merge(job, since) {
    const known = jobs.get(job.id);
    if (known && known.seq != null && known.seq > since) {
      job.state = known.state;
      job.attempt = known.attempt;
    }
    job.seq = known ? known.seq : undefined;
    jobs.set(job.id, job);
  }

  function onEvent(e) {
    if (e.type !== 'job.state' || !e.jobId) return;
    const job = jobs.get(e.jobId);
    if (!job) {
      // shown at once with what the event says; the rest of the row comes with the fetch
      jobs.set(e.jobId, { id: e.jobId, state: e.data.to, attempt: e.attempt, createdAt: e.at, seq: e.seq, partial: true });
      fresh.add(e.jobId);
      fetchJob(e.jobId);
      scheduleRender();
      return;
    }
    if (job.seq != null && e.seq < job.seq) return; // an older move of this job that arrived late
    job.state = e.data.to;
    job.attempt = e.attempt;
    job.seq = e.seq;
    if (e.data.node) job.node = e.data.node;
    if (e.data.to === 'RUNNING' && !job.startedAt) job.startedAt = e.at;
    if (TERMINAL.has(e.data.to)) job.finishedAt = e.at;
    scheduleRender();
  }

  // Many events can come at once (a burst of jobs): one render per animation frame is enough.
  let pending = false;
  function scheduleRender() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  }

  load(false);
  return { onEvent, resync: () => load(false), destroy() {} };
}
