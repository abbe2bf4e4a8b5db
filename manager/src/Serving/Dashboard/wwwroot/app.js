// The UefiRecovery manager dashboard: renders the /status snapshot that GET /events pushes (Server-Sent Events).
// Plain DOM and SVG, no libraries, no inline script or style (the page's Content-Security-Policy forbids both):
// every value from the manager is set as text, never as markup.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const HISTORY_SAMPLES = 300;   // throughput/repair history: about five minutes at one sample a second
const TIMELINE_ROWS = 60;      // phase timeline rows; the grid shows every machine
const STALE_MS = 5000;         // the manager sends at least once a second; silence this long means a dead stream

const history = [];            // { t, bytes, repairs, startedAt }
let source = null;
let retryMs = 1000;
let lastMessageAt = 0;
let updates = 0;

function connect() {
  source = new EventSource('/events');
  source.onopen = () => { setConnection('live'); retryMs = 1000; };
  source.onmessage = event => {
    lastMessageAt = Date.now();
    setConnection('live');
    render(JSON.parse(event.data));
  };
  source.onerror = () => {
    setConnection('reconnecting');
    // The browser retries a dropped stream by itself (retry: 1000); after an HTTP error it gives up, so start anew.
    if (source.readyState === EventSource.CLOSED) reconnectLater();
  };
}

function reconnectLater() {
  if (source) source.close();
  source = null;
  setTimeout(connect, retryMs);
  retryMs = Math.min(retryMs * 2, 10000);
}

setInterval(() => {
  if (source && source.readyState === EventSource.OPEN && lastMessageAt && Date.now() - lastMessageAt > STALE_MS) {
    setConnection('reconnecting');
    lastMessageAt = 0;
    reconnectLater();
  }
}, 1000);

function setConnection(state) {
  const badge = document.getElementById('connection');
  if (badge.dataset.state === state) return;
  badge.dataset.state = state;
  badge.textContent = state === 'live' ? 'live' : state === 'reconnecting' ? 'manager unreachable, reconnecting' : state;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function svgEl(tag, attributes, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// One colour per machine: what it is doing as the manager knows it.
function machineState(client) {
  const result = client.result || '';
  if (result.startsWith('success')) return 'success';
  if (result.startsWith('failure')) return 'failed';
  if (result.startsWith('timed out') || result.startsWith('dropped') || client.state === 'TimedOut') return 'timed-out';
  if (client.state === 'Left') return 'left';
  if (client.state === 'Complete' || client.state === 'Reported') return 'writing';
  return 'receiving';
}

// The phase line of a tile, from the manager's own per-machine phase (first-pass, repairing, writing, done, ...).
function phaseText(state, client, session) {
  switch (state) {
    case 'success': return 'success';
    case 'failed': return client.result;
    case 'timed-out': return client.result || 'timed out';
    case 'left': return 'left the session';
    case 'writing': return 'verifying, writing its flash' + (client.phaseSeconds ? ' for ' + Math.round(client.phaseSeconds) + ' s' : '');
  }
  if (session.state === 'Offered' || session.state === 'Gathering') return 'waiting for the first pass';
  if (client.phase === 'repairing' || client.missingFragments > 0) return 'repairing, ' + client.missingFragments + ' missing';
  return 'first pass, ' + Math.floor((session.firstPassSentFraction || 0) * 100) + ' % sent';
}

// What the tile says it holds: a machine reports that only when a status round asks, so until then it is unknown.
function heldKnown(state, client) {
  return state !== 'receiving' || client.heldKnown !== false;
}

// Every machine once: its entry in the session it joined most recently (a machine that retried is in several).
function machines(status) {
  const byMac = new Map();
  const now = Date.parse(status.time);
  for (const session of status.sessions) {
    const offeredAt = now - session.elapsedSeconds * 1000;
    for (const client of session.clients) {
      const joinedAt = offeredAt + (client.phases ? client.phases.joined * 1000 : 0);
      const key = client.clientId + ' ' + client.member;
      const known = byMac.get(client.clientId);
      if (!known || known.joinedAt < joinedAt) byMac.set(client.clientId, { key, client, session, offeredAt, joinedAt });
    }
  }
  return [...byMac.values()].sort((a, b) => a.client.clientId.localeCompare(b.client.clientId));
}

function render(status) {
  updates++;
  document.body.dataset.updates = String(updates);
  document.body.dataset.startedAt = status.startedAt;
  const list = machines(status);
  renderHeader(status);
  renderSummary(status, list);
  renderGrid(list);
  renderTimeline(status, list);
  record(status);
  renderHistory();
  renderSessions(status);
  renderCatalog(status);
}

function renderHeader(status) {
  const started = new Date(status.startedAt).toLocaleString();
  const rate = status.rateMbitPerSecond === 0 ? 'unpaced' : status.rateMbitPerSecond + ' Mbit/s';
  document.getElementById('manager').textContent =
    'udp ' + status.listen + ' · ' + status.delivery + ' → ' + status.dataDestination + ' · ' + rate +
    ' · started ' + started + ' · results recorded ' + status.resultsRecorded;
}

function renderSummary(status, list) {
  const counts = { receiving: 0, writing: 0, success: 0, failed: 0, 'timed-out': 0, left: 0 };
  for (const m of list) counts[machineState(m.client)]++;
  const parts = [['machines', list.length], ['receiving', counts.receiving], ['verifying/writing', counts.writing],
    ['success', counts.success], ['failed', counts.failed], ['timed out', counts['timed-out']], ['left', counts.left],
    ['sessions', status.sessions.length], ['images offered', status.images.length],
    ['MB sent', (status.traffic.bytesSent / 1e6).toFixed(1)]];
  const summary = document.getElementById('summary');
  summary.replaceChildren(...parts.map(([label, value]) => {
    const span = el('span', 'count');
    span.dataset.count = label;
    span.append(el('b', '', String(value)), ' ' + label);
    return span;
  }));
}

function renderGrid(list) {
  const tiles = list.map(({ client, session }) => {
    const state = machineState(client);
    const known = heldKnown(state, client);
    const percent = state === 'success' || state === 'writing' ? 100 : known ? Math.floor(client.progress * 100) : -1;
    const tile = el('div', 'machine');
    tile.setAttribute('role', 'listitem');
    tile.dataset.mac = client.clientId;
    tile.dataset.state = state;
    tile.dataset.progress = String(percent);
    tile.title = client.address + ' · member ' + client.member + ' · session ' + session.sessionIdHex;
    const bar = el('div', known ? 'bar' : 'bar unknown');
    const fill = el('div');
    fill.style.width = Math.max(percent, 0) + '%';
    bar.append(fill);
    const held = known ? percent + ' %' : 'held ?';
    tile.append(el('div', 'mac', client.clientId), el('div', 'image', session.image),
      el('div', 'phase', phaseText(state, client, session) + ' · ' + held), bar);
    return tile;
  });
  document.getElementById('machines').replaceChildren(...tiles);
  document.getElementById('no-machines').className = list.length ? 'empty' : '';
}

// Segments of one machine's timeline, in ms since the epoch: joined, first DATA, complete, reported, ended.
function segments(m, now) {
  const p = m.client.phases;
  if (!p) return [];
  const at = s => s === null || s === undefined ? null : m.offeredAt + s * 1000;
  const joined = at(p.joined), firstData = at(p.firstData), complete = at(p.complete), reported = at(p.reported), ended = at(p.ended);
  const stop = reported ?? ended ?? now;
  const out = [{ phase: 'gather', from: joined, to: firstData ?? stop }];
  if (firstData !== null) {
    if (complete !== null) {
      out.push({ phase: 'transfer', from: firstData, to: complete });
      out.push({ phase: 'write', from: complete, to: stop });
    } else {
      out.push({ phase: reported !== null ? 'transfer-write' : 'transfer', from: firstData, to: stop });
    }
  }
  if (ended !== null && reported === null) out.push({ phase: 'ended', from: ended, to: ended, marker: true });
  return out;
}

function seconds(ms) { return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s'; }

function renderTimeline(status, list) {
  const svg = document.getElementById('timeline');
  const now = Date.parse(status.time);
  const rows = list.slice(0, TIMELINE_ROWS);
  const width = Math.max(svg.clientWidth || 800, 300);
  const label = 140, rowHeight = 16, top = 18;
  const height = top + Math.max(rows.length, 1) * rowHeight + 4 + (list.length > rows.length ? 14 : 0);
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  svg.setAttribute('height', String(height));
  const children = [];
  const all = rows.map(m => ({ m, parts: segments(m, now) }));
  let start = Infinity;
  for (const r of all) for (const s of r.parts) start = Math.min(start, s.from);
  if (!isFinite(start)) {
    children.push(svgEl('text', { x: 4, y: 14 }, 'no machine yet'));
    svg.replaceChildren(...children);
    return;
  }
  const span = Math.max(now - start, 1000);
  const x = t => label + (t - start) / span * (width - label - 8);
  for (let i = 0; i <= 4; i++) {
    const t = start + span * i / 4;
    children.push(svgEl('line', { class: 'axis', x1: x(t), x2: x(t), y1: top - 4, y2: height }));
    children.push(svgEl('text', { x: Math.min(x(t) + 2, width - 40), y: 11 }, seconds(t - start)));
  }
  all.forEach(({ m, parts }, i) => {
    const y = top + i * rowHeight;
    const row = svgEl('g', { 'data-mac': m.client.clientId });
    row.append(svgEl('text', { x: 4, y: y + 11 }, m.client.clientId));
    for (const s of parts) {
      const w = s.marker ? 3 : Math.max(x(s.to) - x(s.from), 1);
      const rect = svgEl('rect', { x: x(s.from), y: y + 2, width: w, height: rowHeight - 4, 'data-phase': s.phase });
      rect.append(svgEl('title', {}, m.client.clientId + ' ' + s.phase + ': ' + seconds(s.to - s.from)));
      row.append(rect);
    }
    children.push(row);
  });
  if (list.length > rows.length)
    children.push(svgEl('text', { x: 4, y: height - 4 }, (list.length - rows.length) + ' more machines (the grid shows all)'));
  svg.replaceChildren(...children);
}

function record(status) {
  const t = Date.parse(status.time);
  const repairs = status.sessions.reduce((sum, s) => sum + s.repairRounds, 0);
  const last = history[history.length - 1];
  if (last && last.startedAt === status.startedAt && t - last.t < 900) return;
  history.push({ t, bytes: status.traffic.bytesSent, repairs, startedAt: status.startedAt });
  if (history.length > HISTORY_SAMPLES) history.shift();
}

function renderHistory() {
  const rates = [], repairs = [], restarts = [];
  for (let i = 0; i < history.length; i++) {
    const s = history[i], prev = history[i - 1];
    repairs.push({ t: s.t, v: s.repairs });
    if (prev && prev.startedAt !== s.startedAt) { restarts.push(s.t); rates.push({ t: s.t, v: null }); continue; }
    if (prev && s.t > prev.t) rates.push({ t: s.t, v: Math.max(0, (s.bytes - prev.bytes) / ((s.t - prev.t) / 1000) / 1e6) });
  }
  drawLine(document.getElementById('throughput'), rates, restarts, 'MB/s', 'line');
  drawLine(document.getElementById('repairs'), repairs, restarts, 'rounds', 'line repairs');
}

function drawLine(svg, points, restarts, unit, className) {
  const width = Math.max(svg.clientWidth || 400, 200), height = 140, left = 44, bottom = 16, top = 8;
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  svg.setAttribute('height', String(height));
  const children = [];
  const values = points.filter(p => p.v !== null).map(p => p.v);
  if (points.length < 2 || values.length === 0) {
    svg.replaceChildren(svgEl('text', { x: 4, y: 14 }, 'collecting…'));
    return;
  }
  const t0 = points[0].t, t1 = points[points.length - 1].t;
  const max = Math.max(...values) || 1;
  const x = t => left + (t - t0) / Math.max(t1 - t0, 1) * (width - left - 6);
  const y = v => height - bottom - v / max * (height - bottom - top);
  children.push(svgEl('line', { class: 'axis', x1: left, x2: width - 6, y1: y(0), y2: y(0) }));
  children.push(svgEl('line', { class: 'axis', x1: left, x2: width - 6, y1: y(max), y2: y(max) }));
  children.push(svgEl('text', { x: 2, y: y(max) + 4 }, max < 10 ? max.toFixed(1) : max.toFixed(0)));
  children.push(svgEl('text', { x: 2, y: y(0) }, '0 ' + unit));
  children.push(svgEl('text', { x: left, y: height - 3 }, '−' + seconds(t1 - t0)));
  children.push(svgEl('text', { x: width - 30, y: height - 3 }, 'now'));
  for (const r of restarts) {
    const line = svgEl('line', { class: 'restart', x1: x(r), x2: x(r), y1: top, y2: height - bottom });
    line.append(svgEl('title', {}, 'manager restarted'));
    children.push(line);
  }
  let d = '';
  for (const p of points) {
    if (p.v === null) { d += ' '; continue; }
    d += (d === '' || d.endsWith(' ') ? 'M' : 'L') + x(p.t).toFixed(1) + ',' + y(p.v).toFixed(1);
  }
  children.push(svgEl('path', { class: className, d: d.trim().replace(/ M/g, 'M').replace(/ +/g, '') }));
  svg.replaceChildren(...children);
}

function renderSessions(status) {
  // Sessions still running first, then the finished ones (they stay listed for 60 s).
  const finished = s => s.state === 'Finished' ? 1 : 0;
  const rows = [...status.sessions].sort((a, b) => finished(a) - finished(b)).map(s => {
    const tr = el('tr');
    tr.dataset.session = s.sessionIdHex;
    const eta = s.passEtaSeconds === null || s.passEtaSeconds === undefined ? '' : Math.ceil(s.passEtaSeconds) + ' s';
    const firstPass = Math.floor((s.firstPassSentFraction || 0) * 100) + ' %';
    const cells = [[s.sessionIdHex], [s.image], [s.state], [s.pass, 'num'], [s.repairRounds, 'num'],
      [s.pendingRepairFragments, 'num'], [firstPass, 'num'], [(s.rateNowMBytesPerSecond || 0).toFixed(1), 'num'], [eta, 'num'],
      [s.throughputMBytesPerSecond.toFixed(1), 'num'], [s.clients.length, 'num']];
    for (const [text, cls] of cells) tr.append(el('td', cls || '', String(text)));
    return tr;
  });
  document.querySelector('#sessions tbody').replaceChildren(...rows);
}

// The capsules offered and the ones refused, with the verifier's reason (a file name is shown as text, whatever it holds).
function renderCatalog(status) {
  const rows = status.images.map(i => {
    const tr = el('tr');
    tr.dataset.image = i.name;
    tr.dataset.state = 'offered';
    for (const [text, cls] of [[i.name], [i.imageTypeId], [i.versionHex], [i.size, 'num'], ['offered']]) tr.append(el('td', cls || '', String(text)));
    return tr;
  });
  for (const r of status.rejectedImages) {
    const tr = el('tr');
    tr.dataset.image = r.name;
    tr.dataset.state = 'rejected';
    tr.append(el('td', '', r.name), el('td'), el('td'), el('td'), el('td', 'rejected', 'rejected: ' + r.reason));
    rows.push(tr);
  }
  document.querySelector('#catalog tbody').replaceChildren(...rows);
}

connect();
