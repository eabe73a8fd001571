// One job: its header and decisions, the workflow's steps as a tree of needs, progress, artifacts and the event feed.
// The job is fetched again (debounced) whenever one of its events arrives: the API's answer is the whole truth
// (steps, outputs, artifacts) and one job's fetch is cheap.

import { api, blob } from './api.js';
import { badge, bytes, duration, el, facts, fill, jsonBlock, shortId, TERMINAL, time, timeEl } from './dom.js';
import { timeline } from './timeline.js';

const FINISHED_STEP = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const FEED_MAX = 2000;

export function jobView(root, ctx, id) {
  let job = null;
  let destroyed = false;
  const events = new Map(); // seq → event, from the history and the stream
  const blobUrls = new Map(); // artifact name → Promise of an object URL (artifacts never change once kept)
  const artifactItems = new Map(); // artifact name → its list item, kept so images do not reload on each render
  const opened = new Set(); // keys of the <details> the user opened, kept open across renders

  const header = el('div', { class: 'job-header' });
  const decision = el('input', { type: 'text', testid: 'decision-text', class: 'decision',
    placeholder: 'comment (approve) or reason (reject)', 'aria-label': 'comment or reason' });
  const actions = el('div', { class: 'actions' });
  const progress = el('div', { class: 'progress-wrap' });
  const steps = el('ol', { class: 'steps', testid: 'steps' });
  const data = el('div', { class: 'data' });
  const artifacts = el('ul', { class: 'artifacts', testid: 'artifacts' });
  const feed = el('ol', { class: 'feed', testid: 'event-feed' });
  const chart = el('div', { class: 'timeline-box', testid: 'timeline' });

  root.append(
    el('p', { class: 'crumbs' }, el('a', { href: '#/jobs' }, '← Jobs')),
    el('section', { class: 'panel', testid: 'job-view', dataset: { jobId: id } }, header, actions, progress),
    el('section', { class: 'panel' }, el('h3', null, 'Timeline'), chart),
    el('div', { class: 'columns' },
      el('section', { class: 'panel' }, el('h3', null, 'Steps'), steps, data),
      el('div', null,
        el('section', { class: 'panel' }, el('h3', null, 'Artifacts'), artifacts),
        el('section', { class: 'panel' }, el('h3', null, 'Events'), feed))));

  // ---- loading

  let inFlight = false;
  let historyLoaded = false;
  let again = false;
  let timer = null;

  async function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    try {
      job = await api('GET', `/jobs/${encodeURIComponent(id)}`);
      if (!destroyed) render();
    } catch (e) {
      if (destroyed) return; // the user has moved on: not their error any more
      if (e.code === 'JOB_NOT_FOUND' && !job) header.replaceChildren(el('h2', null, `No job ${id}`));
      ctx.showError(e);
    } finally {
      inFlight = false;
      if (again && !destroyed) { again = false; refresh(); }
    }
  }

  function refreshSoon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120); // a burst of events (a step ends, the next starts) costs one fetch
  }

  async function loadHistory() {
    try {
      const answer = await api('GET', `/jobs/${encodeURIComponent(id)}/events?limit=${FEED_MAX}`);
      answer.events.forEach(e => events.set(e.seq, e));
      historyLoaded = true;
      renderFeed(true);
      renderTimeline();
    } catch (e) {
      if (!destroyed && e.code !== 'JOB_NOT_FOUND') ctx.showError(e);
    }
  }

  // ---- rendering

  function render() {
    renderHeader();
    renderActions();
    renderSteps();
    renderData();
    renderArtifacts();
    renderTimeline();
  }

  /** Drawn from the job and its events together: once both are in, then at each change of either. */
  function renderTimeline() {
    if (!job || !historyLoaded) return;
    fill(chart, timeline(job, [...events.values()].sort((a, b) => a.seq - b.seq)));
  }

  function renderHeader() {
    const ran = job.startedAt && job.finishedAt ? Date.parse(job.finishedAt) - Date.parse(job.startedAt) : null;
    const waiting = job.waitingFor && job.waitingFor.message;
    fill(header,
      el('div', { class: 'title' },
        el('h2', null, 'Job ', el('span', { class: 'mono' }, shortId(job.id))),
        el('span', { testid: 'job-state' }, badge(job.state)),
        job.blocked ? badge('BLOCKED', 'job-blocked') : null,
        job.cancelRequested ? el('span', { class: 'muted' }, 'cancel requested') : null,
        job.pause && job.state === 'RUNNING' ? el('span', { class: 'muted', testid: 'pause-requested' }, 'pausing at the next step boundary') : null,
        el('span', { class: 'mono muted small', title: 'job id' }, job.id)),
      facts([
        ['Robot', job.robot || '(inline)'],
        ['Attempt', `${job.attempt} / ${job.maxAttempts}`],
        ['Priority', job.priority],
        ['Node', job.node],
        ['Created', timeEl(job.createdAt)],
        ['Run at', job.state === 'PENDING' ? timeEl(job.runAt) : null],
        ['Started', job.startedAt ? timeEl(job.startedAt) : null],
        ['Finished', job.finishedAt ? timeEl(job.finishedAt) : null],
        ['Took', ran != null ? duration(ran) : null],
        ['Waiting for', waiting || null],
        ['Re-run of', job.rerunOf ? el('a', { href: `#/jobs/${job.rerunOf}`, class: 'mono' }, shortId(job.rerunOf)) : null],
      ]),
      job.error ? errorBox(job.error, 'job-error') : null,
      approvalBox(job),
      pauseBox(job),
      blockedBox(job),
      job.review ? el('div', { class: 'note warn' },
        `Flagged for review (${job.review.reason || 'review'}): ${job.review.message || ''}`,
        job.review.reviewedAt ? ` — reviewed ${time(job.review.reviewedAt)}${job.review.note ? `: ${job.review.note}` : ''}` : '') : null);
  }

  function approvalBox(j) {
    const a = j.approval;
    if (!a && j.state !== 'WAITING_APPROVAL') return null;
    if (!a || !a.decision) {
      return el('div', { class: 'note info', testid: 'approval' }, 'Waiting for approval',
        a && a.deadline ? ` (rejected automatically at ${time(a.deadline)})` : '', '.');
    }
    const words = a.comment || a.reason;
    return el('div', { class: `note ${a.decision === 'approved' ? 'ok' : 'bad'}`, testid: 'approval' },
      `${a.decision[0].toUpperCase()}${a.decision.slice(1)} by ${a.by || '?'} at ${time(a.at)}`, words ? `: “${words}”` : '');
  }

  // a mark on a running job: its step waits on something outside the grid (an agent's report, or no agent asking)
  function blockedBox(j) {
    const b = j.blocked;
    if (!b) return null;
    const who = b.agent ? ` by agent ${b.agent}` : b.capability ? ` (capability ${b.capability})` : '';
    return el('div', { class: 'note warn', testid: 'blocked' }, `Blocked at step ${b.step || '?'}${who}: ${b.reason}`,
      b.message ? ` — ${b.message}` : '', b.since ? `. Since ${time(b.since)}` : '',
      b.until ? `; fails as BLOCKED_TOO_LONG at ${time(b.until)}.` : '.');
  }

  function pauseBox(j) {
    if (j.state !== 'PAUSED') return null;
    const p = j.pause || {};
    const kept = j.carriedSteps && j.carriedSteps.length ? ` Done before the pause, not run again: ${j.carriedSteps.join(', ')}.` : '';
    return el('div', { class: 'note info', testid: 'paused' }, `Paused by ${p.by || '?'}${p.pausedAt ? ` at ${time(p.pausedAt)}` : ''}.`, kept);
  }

  let actionsSig = null;
  function renderActions() {
    renderProgress();
    // rebuilt only when they change, so that a refresh does not take the focus from the comment box
    const sig = `${job.state}|${job.cancelRequested}|${!!job.pause}`;
    if (sig === actionsSig) return;
    actionsSig = sig;
    const waiting = job.state === 'WAITING_APPROVAL';
    const buttons = [];
    if (waiting) {
      buttons.push(decision,
        el('button', { testid: 'approve', class: 'ok', onclick: e => act(e, 'approve', decision.value.trim() ? { comment: decision.value.trim() } : {}) }, 'Approve'),
        el('button', { testid: 'reject', class: 'danger', onclick: e => reject(e) }, 'Reject'));
    }
    if (job.state === 'PAUSED' || job.pause) {
      buttons.push(el('button', { testid: 'resume', class: 'ok', onclick: e => act(e, 'resume') }, job.state === 'PAUSED' ? 'Resume' : 'Keep running'));
    } else if (!TERMINAL.has(job.state) && !waiting && !job.cancelRequested) {
      buttons.push(el('button', { testid: 'pause', class: 'secondary', onclick: e => act(e, 'pause') }, 'Pause'));
    }
    if (!TERMINAL.has(job.state)) {
      buttons.push(el('button', { testid: 'cancel', class: 'danger secondary', disabled: !!job.cancelRequested,
        onclick: e => act(e, 'cancel') }, job.cancelRequested ? 'Cancelling…' : 'Cancel'));
    }
    buttons.push(el('button', { testid: 'rerun', class: 'secondary', onclick: e => act(e, 'rerun') }, 'Re-run'));
    actions.replaceChildren(...buttons);
  }

  function renderProgress() {
    // progress of the current attempt: finished steps over all steps
    const all = Object.values(job.steps || {});
    const done = all.filter(s => FINISHED_STEP.has(s.state)).length;
    const pct = all.length ? Math.round((100 * done) / all.length) : 0;
    const bar = el('div', { class: `bar s-${job.state}` });
    bar.style.width = `${pct}%`;
    progress.replaceChildren(
      el('div', { class: 'progress', testid: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': all.length,
        'aria-valuenow': done }, bar),
      el('span', { class: 'muted small' }, `${done} / ${all.length} steps finished`));
  }

  function reject(e) {
    const reason = decision.value.trim();
    if (!reason) {
      ctx.showError({ code: 'REASON_NEEDED', message: 'A rejection needs a reason: write it in the box next to the buttons.' });
      decision.focus();
      return;
    }
    act(e, 'reject', { reason });
  }

  /** POST /jobs/{id}/<action>; the button stays disabled until the answer. Re-run goes to the new job. */
  async function act(event, action, body) {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const answer = await api('POST', `/jobs/${encodeURIComponent(id)}/${action}`, body);
      ctx.clearError();
      if (action === 'rerun') {
        location.hash = `#/jobs/${answer.id}`;
        return;
      }
      if (action === 'approve' || action === 'reject') decision.value = '';
      refresh();
    } catch (e) {
      ctx.showError(e);
      button.disabled = false;
    }
  }

  /** A <details> that stays open across renders once the user opened it. */
  function keep(details, key) {
    if (opened.has(key)) details.open = true;
    details.addEventListener('toggle', () => (details.open ? opened.add(key) : opened.delete(key)));
    return details;
  }

  /** Steps in the order declared, each indented by its depth in the graph of needs (a step comes after all it needs). */
  function renderSteps() {
    const byId = job.steps || {};
    const depth = {};
    const depthOf = (sid, seen = new Set()) => {
      if (depth[sid] != null) return depth[sid];
      if (seen.has(sid) || !byId[sid]) return 0; // the server refuses cycles; this only guards the page
      seen.add(sid);
      const needs = byId[sid].needs || [];
      depth[sid] = needs.length ? 1 + Math.max(...needs.map(n => depthOf(n, seen))) : 0;
      return depth[sid];
    };
    const ids = Object.keys(byId);
    ids.forEach(sid => depthOf(sid));
    // a stable topological order: by depth, then as declared
    const ordered = ids.map((sid, i) => ({ sid, i })).sort((a, b) => depth[a.sid] - depth[b.sid] || a.i - b.i).map(x => x.sid);
    steps.replaceChildren(...ordered.map(sid => stepItem(sid, byId[sid], depth[sid])));
    if (!ids.length) steps.append(el('li', { class: 'empty' }, 'No steps.'));
  }

  function stepItem(sid, s, level) {
    const item = el('li', { class: `step s-${s.state}`, testid: 'step', dataset: { stepId: sid } },
      el('div', { class: 'step-head' },
        el('span', { class: 'step-id mono' }, sid),
        el('span', { class: 'muted small' }, s.type || ''),
        el('span', { testid: 'step-state' }, badge(s.state)),
        s.attempts > 1 ? el('span', { class: 'small', title: 'tries of this step in this attempt' }, `${s.attempts} tries`) : null,
        s.durationMs != null ? el('span', { class: 'muted small' }, duration(s.durationMs)) : null),
      s.needs && s.needs.length ? el('div', { class: 'needs muted small' }, `needs ${s.needs.join(', ')}`) : null,
      s.error ? errorBox(s.error, 'step-error') : null,
      s.output !== undefined ? keep(jsonBlock('output', s.output), `out:${sid}`) : null);
    item.style.marginLeft = `${level * 1.5}em`;
    return item;
  }

  function renderData() {
    fill(data,
      keep(jsonBlock('Input', job.input ?? {}), 'input'),
      job.result !== undefined ? keep(jsonBlock('Result', job.result), 'result') : null,
      job.metrics ? keep(jsonBlock('Metrics', job.metrics), 'metrics') : null);
  }

  function renderArtifacts() {
    const list = job.artifacts || [];
    const items = list.map(a => artifactItems.get(a.name) || artifactItem(a));
    const current = [...artifacts.children];
    if (items.length !== current.length || items.some((it, i) => it !== current[i])) artifacts.replaceChildren(...items);
    if (!list.length) artifacts.replaceChildren(el('li', { class: 'empty' }, 'None.'));
  }

  function artifactItem(a) {
    const path = `/jobs/${encodeURIComponent(id)}/artifacts/${encodeURIComponent(a.name)}`;
    const url = () => {
      if (!blobUrls.has(a.name)) blobUrls.set(a.name, blob(path).then(b => URL.createObjectURL(b)));
      return blobUrls.get(a.name);
    };
    const download = async e => {
      e.preventDefault();
      try {
        const link = el('a', { href: await url(), download: a.name });
        document.body.append(link);
        link.click();
        link.remove();
      } catch (err) {
        ctx.showError(err);
      }
    };
    const item = el('li', { testid: 'artifact', dataset: { name: a.name } },
      el('div', null,
        el('a', { href: '#', class: 'mono', testid: 'artifact-download', onclick: download, title: `download ${a.name}` }, a.name),
        el('span', { class: 'muted small' }, ` ${[a.step && `step ${a.step}`, a.attempt && `attempt ${a.attempt}`, bytes(a.size)].filter(Boolean).join(' · ')}`)));
    if (INLINE_IMAGES.has((a.contentType || '').split(';')[0].trim())) {
      const img = el('img', { testid: 'artifact-image', alt: a.name, class: 'shot' });
      item.append(img);
      url().then(u => { img.src = u; }).catch(err => ctx.showError(err));
    }
    artifactItems.set(a.name, item);
    return item;
  }

  function errorBox(error, testid) {
    return el('div', { class: 'note bad', testid },
      el('strong', null, error.code || 'ERROR'), error.step ? ` in step ${error.step}` : '', ': ', error.message || '');
  }

  // ---- the event feed

  let lastShown = -Infinity;
  function renderFeed(all) {
    const sorted = [...events.values()].sort((a, b) => a.seq - b.seq);
    const atBottom = feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 8;
    if (all) {
      feed.replaceChildren(...sorted.slice(-FEED_MAX).map(feedItem));
    } else {
      sorted.filter(e => e.seq > lastShown).forEach(e => feed.append(feedItem(e)));
      while (feed.children.length > FEED_MAX) feed.firstChild.remove();
    }
    if (sorted.length) lastShown = sorted[sorted.length - 1].seq;
    if (atBottom) feed.scrollTop = feed.scrollHeight; // follow the tail unless the user scrolled up
  }

  function feedItem(e) {
    return el('li', { class: `ev ev-${e.type.replace(/\./g, '-')}`, testid: 'event', dataset: { type: e.type } },
      el('span', { class: 'muted mono small' }, time(e.at)),
      el('span', { class: 'ev-type' }, e.type),
      el('span', null, describe(e)));
  }

  /** One line about an event, from its data. */
  function describe(e) {
    const d = e.data || {};
    switch (e.type) {
      case 'job.state': return `${d.from || '∅'} → ${d.to}${d.node ? ` on ${d.node}` : ''}${d.error ? ` (${d.error.code}: ${d.error.message})` : ''}${d.retryInMs != null ? `, retry in ${duration(d.retryInMs)}` : ''}${d.reason ? ` — ${d.reason}` : ''}`;
      case 'step.started': return `${d.step} try ${d.tries}`;
      case 'step.finished': return `${d.step} ${d.state} after ${d.tries} ${d.tries === 1 ? 'try' : 'tries'} in ${duration(d.durationMs)}${d.error ? ` (${d.error.code}: ${d.error.message})` : ''}`;
      case 'step.log': return `${d.step} [${d.level}] ${d.message}`;
      case 'job.blocked': return `${d.step} blocked: ${d.reason}${d.message ? ` — ${d.message}` : ''}${d.until ? ` (until ${time(d.until)})` : ''}`;
      case 'job.unblocked': return `${d.step} no longer blocked: ${d.by || ''}`;
      case 'lease.taken': return `${d.resource} on ${d.node}`;
      case 'lease.released': return `${d.resource} on ${d.node}${d.reason ? ` (${d.reason})` : ''}`;
      case 'artifact': return `${d.name} (${d.contentType}, ${bytes(d.size)})${d.step ? ` from ${d.step}` : ''}`;
      case 'goal.decision': return `${d.step} #${d.stepNumber} [${d.level}${d.model ? ` ${d.model}` : ''}] ${d.action}`
        + `${d.target ? ` ${d.target.role} “${d.target.name}”` : ''}${d.dataKey ? ` ← ${d.dataKey}` : ''}${d.ok ? '' : ` ✗ ${d.error || ''}`}`
        + ` — ${d.reason} (${d.ms} ms${d.costUsd ? `, $${Number(d.costUsd).toFixed(4)}` : ''})`;
      default: return JSON.stringify(d);
    }
  }

  function onEvent(e) {
    if (e.jobId !== id) return;
    if (e.seq != null) events.set(e.seq, e);
    renderFeed(e.seq != null && e.seq < lastShown); // a late, lower seq: put it in its place
    if (e.type !== 'step.log' && e.type !== 'goal.decision') refreshSoon();
  }

  refresh();
  loadHistory();
  return {
    onEvent,
    resync() {
      refresh();
      loadHistory();
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      for (const p of blobUrls.values()) p.then(u => URL.revokeObjectURL(u), () => {});
    },
  };
}
