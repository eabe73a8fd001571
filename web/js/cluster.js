// The cluster view: nodes, leases, queue depth and agents from GET /cluster, fetched again when a node joins or
// leaves, when a lease changes hands, and every few seconds while the view is open (slot use changes silently).

import { api } from './api.js';
import { badge, el, shortId, timeEl } from './dom.js';

const EVERY_MS = 3000;

export function clusterView(root, ctx) {
  const nodes = el('tbody');
  const leases = el('tbody');
  const queue = el('div', { class: 'queue', testid: 'queue' });
  const agents = el('tbody');
  const updated = el('span', { class: 'muted small' });

  const NUMERIC = new Set(['Slots free', 'Running']);
  const table = (testid, heads, body) => el('table', { class: 'grid-table', testid },
    el('thead', null, el('tr', null, heads.map(h => el('th', { class: NUMERIC.has(h) ? 'num' : null }, h)))), body);

  root.append(
    el('section', { class: 'panel', testid: 'cluster-view' },
      el('div', { class: 'toolbar' }, el('h2', null, 'Nodes'), updated),
      table('nodes-table', ['Node', 'Host', 'Roles', 'Health', 'Slots free', 'Capabilities (free/total)', 'Running', 'Up since'], nodes)),
    el('div', { class: 'columns' },
      el('section', { class: 'panel' }, el('h3', null, 'Queue'), queue),
      el('section', { class: 'panel' }, el('h3', null, 'Leases'),
        table('leases-table', ['Resource', 'Node', 'Job', 'Since'], leases))),
    el('section', { class: 'panel' }, el('h3', null, 'Agents'),
      table('agents-table', ['Agent', 'Capabilities', 'Connected', 'Last seen', 'Work'], agents)));

  const empty = (body, cols, text) => { if (!body.children.length) body.append(el('tr', null, el('td', { colspan: cols, class: 'empty' }, text))); };
  const jobLink = jobId => el('a', { href: `#/jobs/${jobId}`, class: 'mono' }, shortId(jobId));

  function render(c) {
    nodes.replaceChildren(...c.nodes.map(n => {
      const r = n.runner;
      return el('tr', { testid: 'node-row', dataset: { node: n.id } },
        el('td', { class: 'mono strong' }, n.id, n.id === c.self ? el('span', { class: 'muted small' }, ' (this node)') : null),
        el('td', { class: 'mono' }, n.host || ''),
        el('td', null, (n.roles || []).join(', ')),
        el('td', null, el('span', { class: `badge h-${n.health}` }, n.health)),
        el('td', { class: 'num' }, r ? `${r.slots.free} / ${r.slots.total}` : '–', r && !r.accepting ? el('div', { class: 'muted small' }, 'not accepting') : null),
        el('td', null, r ? r.capabilities.map(cap => el('span', { class: 'chip' },
          cap.total != null ? `${cap.name} ${cap.free}/${cap.total}` : `${cap.name}${cap.used ? ` (${cap.used} in use)` : ''}`)) : '–'),
        el('td', { class: 'num', title: r ? (r.jobs || []).join('\n') : '' }, r ? String((r.jobs || []).length) : '–'),
        el('td', null, timeEl(n.startedAt)));
    }));
    empty(nodes, 8, 'No nodes.');

    leases.replaceChildren(...c.leases.map(l => el('tr', { testid: 'lease-row' },
      el('td', { class: 'mono' }, l.resource), el('td', { class: 'mono' }, l.node),
      el('td', null, jobLink(l.jobId), l.attempt ? el('span', { class: 'muted small' }, ` attempt ${l.attempt}`) : null),
      el('td', null, timeEl(l.since)))));
    empty(leases, 4, 'No leases held.');

    const byState = Object.entries(c.queue.byState || {});
    const byCap = Object.entries(c.queue.queuedByCapability || {});
    // counts stop at a limit (c.queue.capped): past it the figure is "at least"
    const capped = c.queue.capped || { byState: [], queuedByCapability: [] };
    const atLeast = (n, list, key) => list.includes(key) ? `${n}+` : `${n}`;
    queue.replaceChildren(
      el('div', { class: 'chips' }, byState.map(([state, n]) => el('span', { class: 'chip', testid: 'queue-state', dataset: { state } },
        badge(state), ` ${atLeast(n, capped.byState, state)}`))),
      el('h4', null, 'Queued by capability'),
      byCap.length ? el('div', { class: 'chips' }, byCap.map(([cap, n]) => el('span', { class: 'chip' }, `${cap || '(none)'}: ${atLeast(n, capped.queuedByCapability, cap)}`)))
        : el('p', { class: 'muted' }, 'Nothing queued.'));

    agents.replaceChildren(...(c.agents || []).map(a => el('tr', { testid: 'agent-row' },
      el('td', { class: 'mono' }, a.id),
      el('td', null, (a.capabilities || []).map(cap => el('span', { class: 'chip' }, cap))),
      el('td', null, el('span', { class: `badge h-${a.connected ? 'up' : 'unresponsive'}` }, a.connected ? 'connected' : 'gone')),
      el('td', null, timeEl(a.lastSeen)),
      el('td', null, (a.work || []).map(w => el('div', null, jobLink(w.jobId), ` ${w.step} (hand-out ${w.attempt})`))))));
    empty(agents, 5, 'No agents seen in the last hour.');
    updated.textContent = `updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
  }

  let inFlight = false;
  async function load() {
    if (inFlight) return;
    inFlight = true;
    try {
      render(await api('GET', '/cluster'));
    } catch (e) {
      ctx.showError(e);
    } finally {
      inFlight = false;
    }
  }

  const timer = setInterval(load, EVERY_MS);
  load();
  return {
    onEvent(e) {
      if (['node.joined', 'node.left', 'lease.taken', 'lease.released'].includes(e.type)) load();
    },
    resync: load,
    destroy() { clearInterval(timer); },
  };
}
