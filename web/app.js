// A first look at the grid: the latest jobs, kept current from the event stream, and the raw events as they come.
// Plain JavaScript, no build step and nothing from the internet.
const jobs = new Map();
const tbody = document.querySelector('#jobs tbody');
const events = document.getElementById('events');
const status = document.getElementById('status');
let lastSeq = -1;

function row(job) {
  const tr = document.createElement('tr');
  const cells = [job.id.slice(0, 8), job.robot || '(inline)', job.state, job.attempt, (job.createdAt || '').replace('T', ' ').slice(0, 19)];
  cells.forEach((text, i) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (i === 0) { td.className = 'id'; td.title = job.id; }
    if (i === 2) td.className = 'state ' + job.state;
    tr.appendChild(td);
  });
  return tr;
}

function render() {
  const sorted = [...jobs.values()].sort((a, b) => (b.createdAt || '').localeCompare(a.createdAt || '')).slice(0, 50);
  tbody.replaceChildren(...sorted.map(row));
}

// The API needs a token: given once as #token=… (or asked for), then kept in this browser's storage.
function token() {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    localStorage.setItem('robogridToken', fromLink);
    history.replaceState(null, '', location.pathname);
  }
  let t = localStorage.getItem('robogridToken');
  if (!t) {
    t = prompt('RoboGrid API token (scripts/robogrid token create --role viewer --name dashboard)') || '';
    localStorage.setItem('robogridToken', t);
  }
  return t;
}

async function load() {
  const answer = await fetch('/api/v1/jobs?limit=50', { headers: { Authorization: 'Bearer ' + token() } });
  if (answer.status === 401) {
    localStorage.removeItem('robogridToken');
    throw new Error('the token was refused; reload the page to give another');
  }
  const page = await answer.json();
  page.jobs.forEach(j => jobs.set(j.id, j));
  render();
}

function onEvent(e) {
  // grid events (node.joined, node.left) carry no sequence number: they are live only
  if (e.seq != null) lastSeq = Math.max(lastSeq, e.seq);
  const li = document.createElement('li');
  li.textContent = `#${e.seq ?? '-'} ${e.at.slice(11, 23)} ${e.jobId ? e.jobId.slice(0, 8) : ''} ${e.type} ${JSON.stringify(e.data)}`;
  events.prepend(li);
  while (events.children.length > 200) events.lastChild.remove();
  if (e.type === 'job.state' && e.jobId) {
    const job = jobs.get(e.jobId) || { id: e.jobId, robot: e.data.robot, createdAt: e.at };
    job.state = e.data.to;
    job.attempt = e.attempt;
    jobs.set(e.jobId, job);
    render();
  }
}

function connect() {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams({ access_token: token() });
  if (lastSeq >= 0) query.set('after', lastSeq);
  const ws = new WebSocket(`${proto}://${location.host}/api/v1/stream?${query}`);
  ws.onopen = () => { status.textContent = 'live'; };
  ws.onmessage = m => onEvent(JSON.parse(m.data));
  ws.onclose = () => { status.textContent = 'reconnecting…'; setTimeout(connect, 1000); };
}

load().then(connect).catch(err => { status.textContent = 'API unreachable: ' + err; });
