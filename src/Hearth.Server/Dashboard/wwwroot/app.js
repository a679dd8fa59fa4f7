// The dashboard: plain DOM, no build step. Data comes from the API under /v1/admin, authenticated by the HttpOnly
// sign-in cookie (this script never sees a token); live changes come from the Server-Sent Events feed.
'use strict';
const api = '/v1/admin';
const main = document.getElementById('main');
const crumb = document.getElementById('crumb');
let feed = null;

const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const statusOf = s => (s || '').replace(/^[A-Z]+_/, '');
const seconds = n => n < 120 ? `${n}s` : n < 7200 ? `${Math.floor(n / 60)}m` : `${Math.floor(n / 3600)}h`;

async function get(path) {
  const response = await fetch(api + path, { credentials: 'same-origin' });
  if (response.status === 401) { signIn(); throw new Error('signed out'); }
  if (!response.ok) { throw new Error(`${response.status} ${await response.text()}`); }
  return response.json();
}

async function post(path, body) {
  // The header proves the write comes from this page: the cookie alone never writes.
  const response = await fetch(api + path, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Hearth-Request': '1' }, body: JSON.stringify(body),
  });
  if (!response.ok) { throw new Error(`${response.status} ${await response.text()}`); }
}

function signIn() {
  close();
  crumb.textContent = '';
  main.replaceChildren(document.getElementById('signin').content.cloneNode(true));
  document.getElementById('signin-error').hidden = !location.search.includes('signin=failed');
}

function close() { if (feed) { feed.close(); feed = null; } }

function follow(path, after, onEvent) {
  close();
  feed = new EventSource(`${api}${path}?after=${after}`);
  feed.onmessage = m => onEvent(JSON.parse(m.data));
}

// Failed first, then running, then the rest by name.
const rank = s => s.endsWith('FAILED') ? 0 : s.endsWith('IN_PROGRESS') ? 1 : 2;

async function stackList() {
  crumb.textContent = '';
  const { stacks, last_sequence } = await get('/dashboard/stacks');
  stacks.sort((a, b) => rank(a.stack_status) - rank(b.stack_status) || a.stack_name.localeCompare(b.stack_name));
  main.innerHTML = stacks.length === 0 ? '<p class="muted">No stacks yet.</p>' :
    `<table id="stacks"><thead><tr><th>Stack</th><th>Status</th><th>Resources</th><th>Elapsed</th></tr></thead><tbody>${stacks.map(s => `
      <tr data-stack="${esc(s.stack_name)}"><td><a href="#/stack/${encodeURIComponent(s.stack_name)}">${esc(s.stack_name)}</a></td>
      <td><span class="status ${esc(statusOf(s.stack_status))}">${esc(s.stack_status)}</span><div class="muted">${esc(s.stack_status_reason)}</div></td>
      <td>${Object.entries(s.resources).map(([k, v]) => `<span class="${esc(k === 'InProgress' ? 'IN_PROGRESS' : k.toUpperCase())}">${esc(k)} ${v}</span>`).join(' · ') || '<span class="muted">none</span>'}</td>
      <td>${seconds(s.elapsed)}</td></tr>`).join('')}</tbody></table>`;
  let pending = null;
  // A change anywhere re-reads the summary, at most once a second.
  follow('/events/stream', last_sequence, () => { pending ??= setTimeout(() => { pending = null; if (location.hash.length < 3) { stackList(); } }, 1000); });
}

async function stackView(name) {
  crumb.textContent = `› ${name}`;
  const path = `/stacks/${encodeURIComponent(name)}`;
  const [graph, hooks, outputs, resources, events] = await Promise.all([
    get(`${path}/graph`), get(`${path}/hooks`), get(`${path}/outputs`), get(`${path}/resources`), get(`${path}/events?sort_dir=desc&limit=50`)]);
  const outputValues = await Promise.all(outputs.outputs.map(o => get(`${path}/outputs/${encodeURIComponent(o.output_key)}`).then(r => r.output)));
  main.innerHTML = `
    <section><h2>Needs attention</h2><ul class="attention" id="attention"></ul></section>
    <section><h2>Graph <span class="muted">${graph.nodes.length} resources, by layer</span></h2><div id="graph"></div></section>
    <section><h2>Events</h2><div id="tail"></div></section>
    <section><h2>Outputs</h2><table id="outputs"><tbody>${outputValues.map(o => `<tr><td>${esc(o.output_key)}</td>
      <td>${o.output_error ? `<span class="FAILED">${esc(o.output_error)}</span>` : esc(typeof o.output_value === 'string' ? o.output_value : JSON.stringify(o.output_value))}</td></tr>`).join('')}</tbody></table></section>
    <section><h2>Resources</h2><table id="resources"><thead><tr><th>Name</th><th>Type</th><th>Status</th><th>Reason</th></tr></thead><tbody></tbody></table></section>`;
  const nodes = drawGraph(graph.nodes, new Set(hooks.hooks.map(h => h.resource_name)));
  const rows = new Map();
  const body = main.querySelector('#resources tbody');
  body.innerHTML = resources.resources.map(r => `<tr data-resource="${esc(r.resource_name)}"><td>${esc(r.resource_name)}</td><td>${esc(r.resource_type)}</td>
    <td class="status">${esc(r.resource_status)}</td><td>${esc(r.resource_status_reason)}</td></tr>`).join('');
  body.querySelectorAll('tr').forEach(tr => rows.set(tr.dataset.resource, tr));
  attention(name, resources.resources, hooks.hooks);
  const tail = main.querySelector('#tail');
  events.events.reverse().forEach(e => tailLine(tail, e));
  let refresh = null;
  follow(`${path}/events/stream`, graph.last_sequence, e => {
    tailLine(tail, e);
    if (e.stack_name !== name) { return; }
    const node = nodes.get(e.resource_name);
    if (node) { node.setAttribute('class', `s-${statusOf(e.resource_status)}`); node.dataset.status = e.resource_status; }
    const row = rows.get(e.resource_name);
    if (row) { row.cells[2].textContent = e.resource_status; row.cells[3].textContent = e.resource_status_reason; }
    // Failures and hooks come and go with events: re-read them, at most once a second.
    refresh ??= setTimeout(async () => { refresh = null; const [r, h] = await Promise.all([get(`${path}/resources`), get(`${path}/hooks`)]); attention(name, r.resources, h.hooks); markHooks(nodes, h.hooks); }, 1000);
  });
}

function tailLine(tail, e) {
  const line = document.createElement('div');
  line.textContent = `${e.event_time} ${e.resource_name} ${e.resource_status} ${e.resource_status_reason}`;
  tail.append(line);
  while (tail.childElementCount > 200) { tail.firstElementChild.remove(); }
  tail.scrollTop = tail.scrollHeight;
}

function attention(name, resources, hooks) {
  const list = document.getElementById('attention');
  if (!list) { return; }
  const failed = resources.filter(r => r.resource_status.endsWith('FAILED'));
  list.innerHTML = failed.map(r => `<li class="FAILED">${esc(r.resource_name)}: ${esc(r.resource_status)} — ${esc(r.resource_status_reason)}</li>`).join('')
    + hooks.map(h => `<li class="hook" data-hook="${esc(h.resource_name)}">${esc(h.resource_name)} paused at ${esc(h.hook)} since ${esc(h.since)}
      <button data-resource="${esc(h.resource_name)}" data-name="${esc(h.hook)}">Clear hook</button></li>`).join('')
    || '<li class="muted">Nothing.</li>';
  list.querySelectorAll('button').forEach(b => b.onclick = async () => {
    b.disabled = true;
    await post(`/stacks/${encodeURIComponent(name)}/resources/${encodeURIComponent(b.dataset.resource)}/signal`, { unset_hook: b.dataset.name });
    b.closest('li').remove();
    if (list.childElementCount === 0) { list.innerHTML = '<li class="muted">Nothing.</li>'; }
  });
}

function markHooks(nodes, hooks) {
  const paused = new Set(hooks.map(h => h.resource_name));
  nodes.forEach((g, name) => g.classList.toggle('hook', paused.has(name)));
}

// One row per layer, wrapped at a fixed width; all edges in one path. Built as one string: a 2,000-node stack is a
// single innerHTML, not 2,000 DOM calls, and a state change touches one element's class.
function drawGraph(list, paused) {
  const w = 170, h = 24, gapX = 10, gapY = 14, perRow = 8;
  const layers = [];
  list.forEach(n => (layers[n.layer] ??= []).push(n));
  const at = new Map();
  let y = 10;
  const parts = [];
  layers.forEach(layer => {
    (layer || []).forEach((n, i) => {
      const x = 10 + (i % perRow) * (w + gapX), ny = y + Math.floor(i / perRow) * (h + gapY);
      at.set(n.name, { x, y: ny });
      const label = n.name.length > 22 ? n.name.slice(0, 21) + '…' : n.name;
      parts.push(`<g data-node="${esc(n.name)}" data-status="${esc(n.status)}" class="s-${esc(statusOf(n.status))}${paused.has(n.name) ? ' hook' : ''}"><title>${esc(n.name)} (${esc(n.type)}) ${esc(n.status)}</title>
        <rect x="${x}" y="${ny}" width="${w}" height="${h}" rx="4"></rect><text x="${x + 6}" y="${ny + 16}">${esc(label)}</text></g>`);
    });
    y += Math.ceil((layer || []).length / perRow) * (h + gapY) + gapY;
  });
  let d = '';
  list.forEach(n => n.depends_on.forEach(dep => {
    const a = at.get(dep), b = at.get(n.name);
    if (a && b) { d += `M${a.x + w / 2},${a.y + h}L${b.x + w / 2},${b.y}`; }
  }));
  const width = 20 + perRow * (w + gapX);
  document.getElementById('graph').innerHTML = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}"><path d="${d}"></path>${parts.join('')}</svg>`;
  const nodes = new Map();
  document.querySelectorAll('#graph g[data-node]').forEach(g => nodes.set(g.dataset.node, g));
  return nodes;
}

async function route() {
  const match = location.hash.match(/^#\/stack\/(.+)$/);
  try {
    await (match ? stackView(decodeURIComponent(match[1])) : stackList());
  } catch (e) {
    if (e.message !== 'signed out') { main.innerHTML = `<p class="error">${esc(e.message)}</p>`; }
  }
}

window.addEventListener('hashchange', route);
route();
