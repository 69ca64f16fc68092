// GenreStack live console: plain JS, no build step, no external resource.
// Data: GET /runs (JSON) and GET /runs/{id}/events (Server-Sent Events), both with "Authorization: Bearer <token>".
// EventSource cannot send that header, so the stream is read with fetch() and parsed here (parseSse).
'use strict';

const STAGES = ['extractor', 'scaler', 'trainer', 'stacker', 'evaluator'];
const COLORS = ['#3a7bd5', '#d5573a', '#2a9d5c', '#9b51e0', '#c9a227', '#2ab3c9', '#777', '#e377c2', '#8c564b',
  '#bcbd22'];
const TOKEN_KEY = 'genrestack.console.token';
const $ = (sel) => document.querySelector(sel);

let token = localStorage.getItem(TOKEN_KEY) || '';
let stream = null; // {runId, controller}
let run = null; // the state folded from the run's events
let dirty = false;

function emptyRun(runId) {
  return {
    runId, events: [], deadLetters: [], deadCapped: false, replayed: false,
    sources: [], started: {}, finished: {}, failed: {}, units: {},
    extraction: null, scaler: {stats: false, scaled: false, started: null},
    epochs: {}, // "stage/unit" -> [{epoch, epochs, time, trainLoss, valLoss, valMacroAuc}]
    objects: {}, incidents: [], report: null,
  };
}

// ---- fold one event into the state -------------------------------------------------------------
function apply(e) {
  const r = run;
  r.events.push(e);
  const key = e.stage + '/' + e.unit;
  const counts = e.counts || {};
  for (const [name, k] of Object.entries(e.objects || {})) {
    r.objects[e.unit && e.unit !== 'all' ? e.stage + ' ' + e.unit + ' ' + name : name] = k; // per-source names repeat
  }
  (r.units[e.stage] = r.units[e.stage] || new Set()).add(e.unit);
  switch (e.type) {
    case 'stage-started':
      if (r.started[key]) {
        r.incidents.push({kind: 'resumed', time: e.time, text: e.stage + ' ' + e.unit + ' started again on '
          + e.instance + ' (attempt after ' + r.started[key].instance + '): ' + (e.message || '')});
      }
      r.started[key] = e;
      if (e.stage === 'scaler') {
        r.scaler.started = e;
      }
      break;
    case 'progress':
      if (e.stage === 'extractor') {
        const first = r.extraction ? r.extraction.first : e;
        r.extraction = {first, last: e, items: counts.items || 0, total: counts.total,
          deadLetters: counts.deadLetters || 0};
      }
      break;
    case 'extraction-finished':
      r.finished[key] = e;
      r.sources = Object.keys(e.objects || {}).filter((k) => k.startsWith('labels.')).map((k) => k.slice(7));
      r.extraction = Object.assign(r.extraction || {first: e}, {last: e, done: true,
        items: (counts.published || 0) + (counts.deadLetters || 0), total: (counts.published || 0)
          + (counts.deadLetters || 0), deadLetters: counts.deadLetters || 0});
      break;
    case 'stats-ready': r.scaler.stats = true; break;
    case 'scaling-finished': r.scaler.stats = true; r.scaler.scaled = true; r.finished[key] = e; break;
    case 'epoch-finished': {
      const list = r.epochs[key] = r.epochs[key] || [];
      const m = e.metrics || {};
      if (list.length && counts.epoch <= list[list.length - 1].epoch) {
        r.incidents.push({kind: 'resumed', time: e.time, text: key + ' resumed at epoch ' + counts.epoch
          + ' (had reached ' + list[list.length - 1].epoch + ')'});
        while (list.length && list[list.length - 1].epoch >= counts.epoch) {
          list.pop();
        }
      }
      list.push({epoch: counts.epoch, epochs: counts.epochs, time: Date.parse(e.time),
        trainLoss: m.trainLoss, valLoss: m.valLoss, valMacroAuc: m.valMacroAuc});
      break;
    }
    case 'base-model-finished': case 'activations-finished': case 'stacked-model-finished':
    case 'predictions-finished':
      r.finished[key + '#' + e.type] = e;
      break;
    case 'report-ready': r.finished[key] = e; r.report = e; break;
    case 'stage-failed':
      r.failed[key] = e;
      r.incidents.push({kind: 'failed', time: e.time, text: e.message || (key + ' failed')});
      break;
    default: break;
  }
}

function stageState(stage) {
  const r = run;
  const has = (pred) => Object.keys(pred).some((k) => k.startsWith(stage + '/'));
  const done = {
    extractor: () => !!r.finished['extractor/all'],
    scaler: () => !!r.finished['scaler/all'],
    trainer: () => unitsDone('trainer', 'activations-finished'),
    stacker: () => Object.keys(r.finished).some((k) => k.startsWith('stacker/') && k.endsWith('#predictions-finished')),
    evaluator: () => !!r.report,
  }[stage]();
  if (done) {
    return 'done';
  }
  if (has(r.failed)) {
    return 'failed';
  }
  if (has(r.started) || r.units[stage]) {
    return 'running';
  }
  return 'pending';
}

function unitsDone(stage, type) {
  const units = run.sources.length ? run.sources : [...(run.units[stage] || [])];
  return units.length > 0 && units.every((u) => run.finished[stage + '/' + u + '#' + type]);
}

// ---- rendering -----------------------------------------------------------------------------------
const SVG = 'http://www.w3.org/2000/svg';
function el(name, attrs, text) {
  const n = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) {
    n.setAttribute(k, v);
  }
  if (text !== undefined) {
    n.textContent = text;
  }
  return n;
}
function h(name, attrs, text) {
  const n = document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) {
    n.setAttribute(k, v);
  }
  if (text !== undefined) {
    n.textContent = text;
  }
  return n;
}

function renderPipeline() {
  const svg = $('#pipeline');
  svg.replaceChildren();
  STAGES.forEach((s, i) => {
    const x = 10 + i * 178;
    if (i > 0) {
      svg.append(el('line', {x1: x - 38, y1: 45, x2: x - 4, y2: 45, stroke: '#556', 'stroke-width': 2}));
      svg.append(el('path', {d: `M${x - 4},45 l-8,-5 v10 z`, fill: '#556'}));
    }
    const state = stageState(s);
    const g = el('g', {'data-stage': s, 'data-state': state, class: 'stage'});
    g.append(el('rect', {x, y: 10, width: 140, height: 70}));
    g.append(el('text', {x: x + 70, y: 40}, s));
    g.append(el('text', {x: x + 70, y: 62, class: 'state'}, state));
    svg.append(g);
  });
}

function fmtSeconds(s) {
  if (!isFinite(s)) {
    return '?';
  }
  s = Math.max(0, Math.round(s));
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`
    : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function bar(label, fraction, info, id) {
  const row = h('div', {class: 'bar', 'data-bar': id});
  row.append(h('span', {}, label));
  const track = h('div', {class: 'track'});
  const f = Math.max(0, Math.min(1, fraction || 0));
  track.append(h('div', {class: 'fill', style: `width:${(f * 100).toFixed(1)}%`}));
  row.append(track, h('span', {class: 'info'}, info));
  return row;
}

function renderProgress() {
  const box = $('#progress');
  box.replaceChildren();
  const x = run.extraction;
  if (x) {
    const secs = (Date.parse(x.last.time) - Date.parse(x.first.time)) / 1000;
    const rate = secs > 0 ? x.items / secs : NaN;
    const frac = x.done ? 1 : x.total ? x.items / x.total : 0;
    const left = x.done ? 'done' : x.total && rate > 0 ? fmtSeconds((x.total - x.items) / rate) + ' left' : '';
    box.append(bar('extraction', frac, `${x.items}${x.total ? ' / ' + x.total : ''} files (${(frac * 100).toFixed(0)} %)`
      + `${isFinite(rate) ? ', ' + rate.toFixed(0) + ' files/s' : ''}${left ? ', ' + left : ''}`
      + `, ${x.deadLetters} dead letters`, 'extraction'));
  }
  const sc = run.scaler;
  if (sc.started || sc.stats) {
    const passes = (sc.stats ? 1 : 0) + (sc.scaled ? 1 : 0);
    box.append(bar('scaling passes', passes / 2, `${passes} / 2 (statistics, standardise)`
      + (sc.scaled ? ', done' : ''), 'scaling'));
  }
  for (const [key, list] of Object.entries(run.epochs).sort()) {
    const last = list[list.length - 1];
    const per = list.length > 1 ? (last.time - list[0].time) / 1000 / (list.length - 1) : NaN;
    const doneKey = key.startsWith('trainer/') ? key + '#base-model-finished' : key + '#stacked-model-finished';
    const finished = !!run.finished[doneKey];
    const frac = finished ? 1 : last.epochs ? last.epoch / last.epochs : 0;
    const info = `epoch ${last.epoch}${last.epochs ? ' / ' + last.epochs : ''}`
      + (isFinite(per) ? `, ${per.toFixed(1)} s/epoch` : '')
      + (finished ? ', done' : isFinite(per) && last.epochs ? `, at most ${fmtSeconds(per * (last.epochs - last.epoch))} left`
        : '');
    box.append(bar('epochs ' + key, frac, info, 'epochs-' + key));
  }
}

function series() {
  return Object.entries(run.epochs).sort().map(([key, list], i) => ({key, list, color: COLORS[i % COLORS.length]}));
}

function chart(svg, lines) {
  svg.replaceChildren();
  const W = 440, H = 260, L = 48, R = 10, T = 10, B = 30;
  const pts = lines.flatMap((l) => l.points);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const xMax = Math.max(2, ...xs);
  let yMin = ys.length ? Math.min(...ys) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (yMax - yMin < 1e-9) {
    yMin -= 0.5; yMax += 0.5;
  }
  const pad = (yMax - yMin) * 0.05;
  yMin -= pad; yMax += pad;
  const X = (x) => L + (x - 1) / (xMax - 1) * (W - L - R);
  const Y = (y) => T + (yMax - y) / (yMax - yMin) * (H - T - B);
  svg.append(el('line', {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#889'}));
  svg.append(el('line', {x1: L, y1: T, x2: L, y2: H - B, stroke: '#889'}));
  for (let i = 0; i <= 4; i++) {
    const v = yMin + (yMax - yMin) * i / 4;
    svg.append(el('text', {x: L - 4, y: Y(v) + 3, 'text-anchor': 'end'}, v.toFixed(3)));
  }
  svg.append(el('text', {x: W - R, y: H - 6, 'text-anchor': 'end'}, 'epoch (max ' + xMax + ')'));
  for (const l of lines) {
    if (!l.points.length) {
      continue;
    }
    svg.append(el('polyline', {points: l.points.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' '),
      fill: 'none', stroke: l.color, 'stroke-width': 1.5, 'stroke-dasharray': l.dashed ? '4 3' : 'none',
      'data-series': l.name}));
    for (const p of l.points) {
      const c = el('circle', {cx: X(p[0]).toFixed(1), cy: Y(p[1]).toFixed(1), r: 2.5, fill: l.color, class: 'pt',
        'data-series': l.name, 'data-epoch': p[0]});
      c.append(el('title', {}, `${l.name} epoch ${p[0]}: ${p[1].toFixed(4)}`));
      svg.append(c);
    }
  }
}

function renderCharts() {
  const s = series();
  const pick = (list, f) => list.filter((p) => typeof p[f] === 'number').map((p) => [p.epoch, p[f]]);
  chart($('#chart-loss'), s.flatMap((x) => [
    {name: x.key + ' train', color: x.color, points: pick(x.list, 'trainLoss')},
    {name: x.key + ' validation', color: x.color, dashed: true, points: pick(x.list, 'valLoss')}]));
  chart($('#chart-auc'), s.map((x) => ({name: x.key, color: x.color, points: pick(x.list, 'valMacroAuc')})));
  const legend = $('#legend');
  legend.replaceChildren(...s.map((x) => {
    const span = h('span');
    span.append(h('i', {style: 'background:' + x.color}), document.createTextNode(x.key));
    return span;
  }));
}

function renderIncidents() {
  const ul = $('#incidents');
  if (!run.incidents.length) {
    ul.replaceChildren(h('li', {class: 'none'}, 'none'));
    return;
  }
  ul.replaceChildren(...run.incidents.map((i) => h('li', {class: i.kind, 'data-kind': i.kind},
    `${i.time} ${i.kind}: ${i.text}`)));
}

function renderDeadLetters() {
  const stageSel = $('#dead-stage');
  const stages = [...new Set(run.deadLetters.map((d) => d.stage))].sort();
  const current = stageSel.value;
  if (stageSel.options.length - 1 !== stages.length) {
    stageSel.replaceChildren(h('option', {value: ''}, 'every stage'), ...stages.map((s) => h('option', {value: s}, s)));
    stageSel.value = stages.includes(current) ? current : '';
  }
  const q = $('#dead-filter').value.trim().toLowerCase();
  const rows = run.deadLetters.filter((d) => (!stageSel.value || d.stage === stageSel.value)
    && (!q || (d.reason || '').toLowerCase().includes(q) || (d.sourceFile || '').toLowerCase().includes(q)
      || (d.key || '').toLowerCase().includes(q)));
  $('#dead-letters tbody').replaceChildren(...rows.map((d) => {
    const tr = h('tr', {class: 'dead-letter'});
    tr.append(h('td', {}, d.stage || ''), h('td', {class: 'file'}, d.sourceFile || ''), h('td', {}, d.key || ''),
      h('td', {class: 'reason', title: d.excerpt || ''}, d.reason || ''), h('td', {}, d.time || ''));
    return tr;
  }));
  $('#dead-count').textContent = `(${rows.length} shown of ${run.deadLetters.length} received`
    + (run.deadCapped ? ', the stream stopped sending more: see the run events\' counts' : '') + ')';
}

const SERVED = /\.(json|md|tsv|svg|html|txt)$/;
function renderObjects() {
  const ul = $('#objects');
  const prefix = 'runs/' + run.runId + '/';
  const items = [];
  if (run.report) {
    items.push(link('report (HTML)', `/runs/${run.runId}/report.html`, 'report-html'));
    items.push(link('report (JSON)', `/runs/${run.runId}/report`, 'report-json'));
  }
  for (const [name, key] of Object.entries(run.objects).sort()) {
    if (typeof key === 'string' && key.startsWith(prefix) && SERVED.test(key)) {
      items.push(link(name + ': ' + key, `/runs/${run.runId}/objects/${key.slice(prefix.length)}`, 'object'));
    } else {
      items.push(h('li', {class: 'object'}, name + ': ' + key));
    }
  }
  ul.replaceChildren(...items);
}

// A link opens the resource fetched with the token (a plain link could not send it) as a blob in a new tab.
function link(text, href, cls) {
  const li = h('li', {class: cls});
  const a = h('a', {href, 'data-href': href}, text);
  a.addEventListener('click', async (ev) => {
    ev.preventDefault();
    const res = await fetch(href, {headers: auth()});
    if (!res.ok) {
      alert(`${href}: HTTP ${res.status}`);
      return;
    }
    window.open(URL.createObjectURL(await res.blob()), '_blank');
  });
  li.append(a);
  return li;
}

function renderEvents() {
  const ol = $('#events');
  const last = run.events.slice(-200).reverse();
  ol.replaceChildren(...last.map((e) => h('li', {class: e.type === 'stage-failed' ? 'failed' : ''},
    `${e.time} ${e.stage}/${e.unit} ${e.type}: ${e.message || ''}`)));
}

function render() {
  if (!run || !dirty) {
    return;
  }
  dirty = false;
  renderPipeline();
  renderProgress();
  renderCharts();
  renderIncidents();
  renderDeadLetters();
  renderObjects();
  renderEvents();
  document.body.dataset.events = String(run.events.length);
}
setInterval(render, 250);

// ---- data --------------------------------------------------------------------------------------
function auth() {
  return token ? {Authorization: 'Bearer ' + token} : {};
}

async function loadRuns() {
  const tbody = $('#runs tbody');
  if (!token) {
    tbody.replaceChildren(h('tr', {}, ''));
    $('#token-state').textContent = 'no token: paste one';
    return;
  }
  const res = await fetch('/runs', {headers: auth()});
  $('#token-state').textContent = res.ok ? '' : `GET /runs: HTTP ${res.status}` + (res.status === 401
    ? ' (token missing, expired or not signed by the key the service trusts)' : res.status === 403
      ? ' (the token lacks the role reader)' : '');
  if (!res.ok) {
    return;
  }
  const runs = await res.json();
  tbody.replaceChildren(...runs.map((r) => {
    const tr = h('tr', {'data-run': r.runId});
    const a = h('a', {href: '#run=' + encodeURIComponent(r.runId)}, r.runId);
    const td = h('td');
    td.append(a);
    const aucs = Object.entries(r.macroAuc || {}).map(([s, v]) => `${s} ${v.stacked == null ? '-' : v.stacked.toFixed(4)}`);
    tr.append(td, h('td', {}, r.status), h('td', {}, r.created || ''), h('td', {}, aucs.join(', ')));
    return tr;
  }));
}

// Server-Sent Events over fetch(): frames end with a blank line; "event:", "data:" (joined by \n), "id:".
function parseSse(buffer, onEvent) {
  let idx;
  while ((idx = buffer.search(/\r?\n\r?\n/)) >= 0) {
    const frame = buffer.slice(0, idx);
    buffer = buffer.slice(idx + buffer.slice(idx).match(/^\r?\n\r?\n/)[0].length);
    let name = 'message';
    const data = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'event') {
        name = value;
      } else if (field === 'data') {
        data.push(value);
      }
    }
    if (data.length) {
      onEvent(name, data.join('\n'));
    }
  }
  return buffer;
}

function onSse(name, data) {
  const v = JSON.parse(data);
  if (name === 'run-event') {
    apply(v);
    if (run.replayed && (v.type === 'report-ready' || v.type === 'stage-failed')) {
      loadRuns(); // the run's status in the list changed
    }
  } else if (name === 'dead-letter') {
    run.deadLetters.push(v);
  } else if (name === 'dead-letters-capped') {
    run.deadCapped = true;
  } else if (name === 'replayed') {
    run.replayed = true;
    document.body.dataset.replayed = 'true';
    setStreamState('live', 'live');
  }
  dirty = true;
}

function setStreamState(text, cls) {
  const b = $('#stream-state');
  b.textContent = text;
  b.className = 'badge ' + (cls || '');
  document.body.dataset.stream = text;
}

async function follow(runId) {
  if (stream) {
    stream.controller.abort();
  }
  const controller = new AbortController();
  stream = {runId, controller};
  run = emptyRun(runId);
  dirty = true;
  document.body.dataset.replayed = 'false';
  $('#run').hidden = false;
  $('#run-id').textContent = runId;
  if (!token) {
    setStreamState('no token: paste one above', 'error');
    return;
  }
  setStreamState('replaying history');
  try {
    const res = await fetch(`/runs/${encodeURIComponent(runId)}/events`,
      {headers: Object.assign({Accept: 'text/event-stream'}, auth()), signal: controller.signal});
    if (!res.ok) {
      setStreamState(`HTTP ${res.status}`, 'error');
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        break;
      }
      buffer = parseSse(buffer + decoder.decode(value, {stream: true}), onSse);
    }
    setStreamState('disconnected, reconnecting', 'error');
  } catch (e) {
    if (controller.signal.aborted) {
      return;
    }
    setStreamState('error: ' + e.message + ', reconnecting', 'error');
  }
  // the stream replays the whole history on reconnect, so the state starts afresh: exact, never doubled
  setTimeout(() => {
    if (stream && stream.controller === controller) {
      follow(runId);
    }
  }, 2000);
}

function route() {
  const m = location.hash.match(/run=([^&]+)/);
  if (m) {
    follow(decodeURIComponent(m[1]));
  }
}

$('#token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  token = $('#token').value.trim();
  localStorage.setItem(TOKEN_KEY, token);
  $('#token').value = '';
  loadRuns();
  route();
});
$('#refresh-runs').addEventListener('click', loadRuns);
$('#open-run-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  location.hash = 'run=' + encodeURIComponent($('#open-run').value.trim());
});
$('#dead-filter').addEventListener('input', () => { dirty = true; });
$('#dead-stage').addEventListener('change', () => { dirty = true; });
window.addEventListener('hashchange', route);
$('#token-state').textContent = token ? 'token saved in this browser' : 'no token: paste one';
loadRuns();
route();
