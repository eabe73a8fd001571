// RoboGrid dashboard: the token, the hash routes (#/overview, #/jobs, #/jobs/<id>, #/robots, #/cluster), the error banner and
// the one event stream every view listens to. Plain ES modules: no build step, nothing from the internet.

import { api, forgetToken, onUnauthorized, setToken, token } from './js/api.js';
import { Stream } from './js/stream.js';
import { jobsView } from './js/jobs.js';
import { jobView } from './js/job.js';
import { robotsView } from './js/robots.js';
import { clusterView } from './js/cluster.js';
import { overviewView } from './js/overview.js';

const $ = id => document.getElementById(id);
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i; // a link's text never reaches an API path
const view = $('view');
let current = null; // the mounted view: {onEvent(e), resync(), destroy()}
let generation = 0; // counts unmounts: a view's late errors are dropped once it is gone

// The first page kept the token in localStorage; a token should live only as long as its tab.
localStorage.removeItem('robogridToken');

// ---- connection status and errors

const CONNECTION = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', 'signed-out': 'signed out' };
function setConnection(state) {
  $('connection').textContent = CONNECTION[state];
  $('connection').className = `conn conn-${state}`;
}

function showError(e) {
  if (e && e.status === 401) return; // the sign-in form says it
  $('error-text').textContent = e && e.code ? `${e.code}: ${e.message}` : String(e);
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
}
$('error-close').addEventListener('click', clearError);

const stream = new Stream(e => current && current.onEvent(e), setConnection, () => current && current.resync());
const ctx = { showError, clearError, lastSeq: () => stream.lastSeq };

// ---- the token

/** A link may carry the token as #token=…: take it, then drop it from the address bar (and the history). */
function takeTokenFromFragment() {
  const hash = location.hash.slice(1);
  if (!hash.startsWith('token=')) return false; // routes start with '/'
  const value = new URLSearchParams(hash).get('token');
  if (value) setToken(value);
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

function askForToken(message) {
  stream.stop();
  unmount();
  setConnection('signed-out');
  $('signout').hidden = true;
  $('login-error').textContent = message || '';
  $('login-error').hidden = !message;
  $('login').hidden = false;
  $('token-input').focus();
}

onUnauthorized(error => askForToken(`The token was refused (${error.code}: ${error.message}). Give another one.`));

$('login-form').addEventListener('submit', e => {
  e.preventDefault();
  const value = $('token-input').value.trim();
  $('token-input').value = '';
  if (!value) return;
  setToken(value);
  start();
});

$('signout').addEventListener('click', () => {
  forgetToken();
  askForToken();
});

/** With a token: checks it once (a wrong one is refused here, visibly), then opens the stream and the view. */
async function start() {
  if (!token()) {
    askForToken();
    return;
  }
  try {
    await api('GET', '/jobs?limit=1');
  } catch (e) {
    if (e.status === 401) return; // askForToken has been called
    showError(e); // the server may be down: carry on, the stream keeps trying
  }
  $('login').hidden = true;
  $('signout').hidden = false;
  stream.start();
  route();
}

// ---- routes

function unmount() {
  if (current) current.destroy();
  current = null;
  generation++;
  view.replaceChildren();
}

/** What a view may call; its errors stop showing once it is unmounted (a late answer is not the next view's). */
function viewContext() {
  const mine = generation;
  return { ...ctx, showError: e => { if (generation === mine) showError(e); } };
}

function route() {
  if (!token()) return;
  const [name, arg] = (location.hash || '#/jobs').replace(/^#\/?/, '').split('/');
  unmount();
  clearError();
  const active = ['robots', 'cluster', 'overview'].includes(name) ? name : 'jobs';
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.view === active));
  if (name === 'jobs' && arg) {
    if (!JOB_ID.test(arg)) {
      showError({ code: 'NOT_A_JOB_ID', message: `'${arg}' is not a job id` });
      return;
    }
    current = jobView(view, viewContext(), arg);
    document.title = `Job ${arg.slice(0, 8)} · RoboGrid`;
  } else if (name === 'robots') {
    current = robotsView(view, viewContext());
    document.title = 'Robots · RoboGrid';
  } else if (name === 'overview') {
    current = overviewView(view, viewContext());
    document.title = 'Overview · RoboGrid';
  } else if (name === 'cluster') {
    current = clusterView(view, viewContext());
    document.title = 'Cluster · RoboGrid';
  } else {
    current = jobsView(view, viewContext());
    document.title = 'Jobs · RoboGrid';
  }
}

window.addEventListener('hashchange', () => {
  if (takeTokenFromFragment()) {
    stream.stop(); // a new token: the stream must reconnect with it
    start();
  } else {
    route();
  }
});

takeTokenFromFragment();
start();
