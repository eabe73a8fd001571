// The robots view: each robot with its schedule, Run now, and pausing or resuming its schedule.

import { api } from './api.js';
import { el, timeEl } from './dom.js';

export function robotsView(root, ctx) {
  const tbody = el('tbody');
  root.append(el('section', { class: 'panel', testid: 'robots-view' },
    el('div', { class: 'toolbar' }, el('h2', null, 'Robots')),
    el('table', { class: 'grid-table', testid: 'robots-table' },
      el('thead', null, el('tr', null,
        ['Robot', 'Steps', 'Requires', 'Schedule', 'Next run', ''].map(h => el('th', { class: h === 'Steps' ? 'num' : null }, h)))),
      tbody)));

  async function load() {
    try {
      const { robots } = await api('GET', '/robots');
      tbody.replaceChildren(...robots.map(row));
      if (!robots.length) tbody.append(el('tr', null, el('td', { colspan: 6, class: 'empty' }, 'No robots configured.')));
    } catch (e) {
      ctx.showError(e);
    }
  }

  function row(r) {
    const s = r.schedule;
    const buttons = [el('button', { testid: 'run-now', onclick: e => runNow(e, r.name) }, 'Run now')];
    if (s) {
      buttons.push(s.paused
        ? el('button', { testid: 'resume-schedule', class: 'secondary', onclick: e => schedule(e, r.name, 'resume') }, 'Resume schedule')
        : el('button', { testid: 'pause-schedule', class: 'secondary', onclick: e => schedule(e, r.name, 'pause') }, 'Pause schedule'));
    }
    return el('tr', { testid: 'robot-row', dataset: { robot: r.name } },
      el('td', null,
        el('div', { class: 'strong' }, r.name),
        r.description ? el('div', { class: 'muted small' }, r.description) : null,
        r.requiresApproval ? el('div', { class: 'small' }, el('span', { class: 'badge s-WAITING_APPROVAL' }, 'needs approval'),
          r.approvalTimeout ? ` within ${r.approvalTimeout}` : '') : null),
      el('td', { class: 'num' }, String((r.steps || []).length)),
      el('td', null, (r.requires || []).length ? r.requires.map(c => el('span', { class: 'chip' }, c)) : el('span', { class: 'muted' }, '–')),
      el('td', null, s
        ? [el('span', { class: 'mono' }, s.cron), el('span', { class: 'muted small' }, ` ${s.timezone}`),
          s.paused ? el('span', { class: 'badge s-CANCELLED', testid: 'paused' }, 'paused') : null]
        : el('span', { class: 'muted' }, 'on demand')),
      el('td', null, s && s.nextFire ? timeEl(s.nextFire) : '–'),
      el('td', { class: 'buttons' }, buttons));
  }

  async function runNow(e, name) {
    const button = e.currentTarget;
    button.disabled = true;
    try {
      const job = await api('POST', '/jobs', { robot: name });
      location.hash = `#/jobs/${job.id}`;
    } catch (err) {
      ctx.showError(err);
      button.disabled = false;
    }
  }

  async function schedule(e, name, action) {
    e.currentTarget.disabled = true;
    try {
      await api('POST', `/robots/${encodeURIComponent(name)}/schedule/${action}`);
      ctx.clearError();
    } catch (err) {
      ctx.showError(err);
    }
    load();
  }

  load();
  return { onEvent() {}, resync() {}, destroy() {} };
}
