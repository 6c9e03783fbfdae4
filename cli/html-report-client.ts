// The inline stylesheet and script of the crash-state report page (html-report.ts). They are plain
// strings so that the page needs nothing but itself: no bundler, no network, no external file.
// The script is ES2017 without modules, reads the JSON in #report-data, and renders the selected
// crash state into #detail; it never uses innerHTML with data (every text goes through
// textContent), so a hostile event payload cannot inject markup.

export const REPORT_CSS = `
:root { --durable: #b7e4c7; --lost: #e5e7eb; --torn: #fcd34d; --garbage: #fca5a5; --ink: #111827; --muted: #6b7280; --focus: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fafafa; }
header { padding: 12px 20px; background: #fff; border-bottom: 1px solid #e5e7eb; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.verdict { font-weight: 600; margin: 4px 0; padding: 4px 10px; border-radius: 6px; display: inline-block; }
.verdict.ok { background: #dcfce7; color: #14532d; }
.verdict.bad { background: #fee2e2; color: #7f1d1d; }
.knobs { color: var(--muted); margin: 4px 0; }
kbd { font: 12px ui-monospace, monospace; border: 1px solid #d1d5db; border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; background: #fff; }
.legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 14px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { width: 14px; height: 14px; border-radius: 3px; border: 1px solid #9ca3af; display: inline-block; }
main { display: grid; grid-template-columns: minmax(220px, 1fr) minmax(220px, 1fr) 3fr; gap: 12px; padding: 12px 20px; align-items: start; }
section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px; min-width: 0; }
.ops ol, .states ul { list-style: none; margin: 0; padding: 0; max-height: calc(100vh - 190px); overflow: auto; }
.ops li { font: 12px/1.5 ui-monospace, monospace; padding: 1px 4px; border-radius: 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ops li.step { font: 600 12px/1.6 system-ui, sans-serif; margin-top: 6px; white-space: normal; }
.ops li.after { color: #c0c4cc; }
.ops li.crash { background: #fee2e2; }
.ops li.crash::after { content: "  ← crash here"; color: #b91c1c; font-weight: 600; }
.states li .swatch { width: 10px; height: 10px; vertical-align: -1px; }
.states li { padding: 3px 6px; border-radius: 4px; cursor: pointer; font: 12px/1.5 ui-monospace, monospace; border: 2px solid transparent; }
.states li[aria-selected="true"] { background: #dbeafe; border-color: #93c5fd; }
.states li.violation { color: #b91c1c; font-weight: 600; }
:focus-visible, .states li:focus { outline: 3px solid var(--focus); outline-offset: 1px; }
.states ul:focus-visible { outline-offset: -3px; }
.hex { font: 12px/1.35 ui-monospace, monospace; margin: 4px 0 8px; }
.hex .row { display: flex; gap: 2px; }
.hex .off { width: 56px; color: var(--muted); text-align: right; padding-right: 6px; }
.hex .b { width: 22px; text-align: center; border-radius: 2px; }
.c-durable { background: var(--durable); }
.c-lost { background: var(--lost); color: #9ca3af; text-decoration: line-through; }
.c-torn { background: var(--torn); }
.c-garbage { background: var(--garbage); }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font: 12px/1.45 ui-monospace, monospace; margin: 6px 0; }
table { border-collapse: collapse; font: 12px/1.5 ui-monospace, monospace; }
td, th { padding: 1px 8px 1px 0; text-align: left; vertical-align: top; }
.fate-missing { color: #9ca3af; }
.fate-partly { color: #92400e; font-weight: 600; }
.muted { color: var(--muted); }
.bad-text { color: #b91c1c; font-weight: 600; }
.ok-text { color: #166534; font-weight: 600; }
`;

export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var MAX_BYTES = 65536;
  var current = -1;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  var legend = document.getElementById('legend');
  var meanings = { durable: 'on disk as written', lost: 'its write never reached the disk', torn: 'its write reached the disk only in part', garbage: 'the file grew over zeros or garbage' };
  data.classes.forEach(function (name) {
    var li = el('li');
    li.appendChild(el('span', 'swatch c-' + name));
    li.appendChild(el('span', null, name + ': ' + meanings[name]));
    legend.appendChild(li);
  });

  // The operations panel: the workload's steps, each followed by its file-system operations that
  // are crash points. Operations before the first step (the initial openWal) come first.
  var opsList = document.getElementById('ops');
  var opItems = {};
  var opIndexes = Object.keys(data.ops).map(Number).sort(function (a, b) { return a - b; });
  var nextOp = 0;
  function addOps(untilOp) {
    while (nextOp < opIndexes.length && opIndexes[nextOp] < untilOp) {
      var index = opIndexes[nextOp++];
      var li = el('li', null, index + '  ' + shortPaths(data.ops[index]));
      li.title = data.ops[index];
      opsList.appendChild(li);
      opItems[index] = li;
    }
  }
  if (data.steps.length > 0 && opIndexes.length > 0 && opIndexes[0] < data.steps[0].s) opsList.appendChild(el('li', 'step', 'openWal'));
  data.steps.forEach(function (step, i) {
    addOps(step.s);
    opsList.appendChild(el('li', 'step', 'step ' + i + ': ' + step.d + (step.err ? '  (failed: ' + step.err + ')' : '')));
    addOps(step.e);
  });
  addOps(Infinity);

  var statesList = document.getElementById('states');
  function shortPaths(text) { return text.replace(/0{8,}(?=\\d+\\.wal)/g, '…'); }

  // What a crash state lost, in one word for the list: the least healthy class among its bytes.
  function damageOf(state) {
    var seen = {};
    state.f.forEach(function (file) { file[4].split(',').forEach(function (run) { if (run) seen[data.classes[Number(run.split(':')[0])]] = true; }); });
    return seen.torn ? 'torn' : seen.garbage ? 'garbage' : seen.lost ? 'lost' : 'durable';
  }

  var stateItems = data.states.map(function (state, i) {
    var bad = state.v.length > 0;
    var recovered = state.chk ? state.chk.ids.length + ' acked' : state.rec === null ? 'open failed' : state.rec.length + ' tx';
    var damage = damageOf(state);
    var li = el('li', bad ? 'violation' : null);
    li.appendChild(el('span', 'swatch c-' + damage));
    li.appendChild(document.createTextNode(' #' + (i + 1) + '  op ' + state.op + '  ' + recovered + '  ' + (bad ? '✗ ' + state.v.join(',') : '✓')));
    li.title = damage + ' bytes: ' + shortPaths(data.ops[state.op] || '');
    li.id = 'state-' + i;
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', 'false');
    li.tabIndex = -1;
    li.addEventListener('click', function () { select(i); });
    statesList.appendChild(li);
    return li;
  });

  function runsToClasses(runs, length) {
    var out = new Uint8Array(length);
    var at = 0;
    runs.split(',').forEach(function (run) {
      if (!run) return;
      var parts = run.split(':');
      var code = Number(parts[0]);
      var n = Number(parts[1]);
      out.fill(code, at, Math.min(length, at + n));
      at += n;
    });
    return out;
  }

  function byteAt(hex, i) { return i * 2 < hex.length ? hex.substr(i * 2, 2) : null; }

  function drawFile(file, container) {
    var path = file[0], cacheHex = data.blobs[file[1]], diskHex = file[2] < 0 ? null : data.blobs[file[2]], diskSize = file[3];
    var cacheSize = cacheHex.length / 2;
    var span = Math.max(diskSize, cacheSize);
    var classes = runsToClasses(file[4], span);
    container.appendChild(el('h3', null, path.slice(path.lastIndexOf('/') + 1) + ': ' + diskSize + ' bytes on disk, ' + cacheSize + ' written'));
    var hex = el('div', 'hex');
    var shown = Math.min(span, MAX_BYTES);
    for (var rowStart = 0; rowStart < shown; rowStart += 16) {
      var row = el('div', 'row');
      row.appendChild(el('span', 'off', rowStart));
      for (var at = rowStart; at < Math.min(shown, rowStart + 16); at++) {
        var name = data.classes[classes[at]] || 'lost';
        var onDisk = at < diskSize ? (diskHex === null ? byteAt(cacheHex, at) : byteAt(diskHex, at)) : null;
        var text = onDisk !== null ? onDisk : (byteAt(cacheHex, at) || '--');
        var cell = el('span', 'b c-' + name, text);
        cell.title = 'offset ' + at + ': ' + name + (onDisk === null ? ' (the writer wrote ' + text + ')' : '');
        row.appendChild(cell);
      }
      hex.appendChild(row);
    }
    container.appendChild(hex);
    if (span > shown) container.appendChild(el('p', 'muted', 'showing the first ' + shown + ' of ' + span + ' bytes'));
    var frames = data.frames[file[1]] || [];
    if (frames.length === 0) return;
    var table = el('table');
    var head = el('tr');
    ['offset', 'LSN', 'fate', 'record'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    frames.forEach(function (frame) {
      var durable = 0;
      for (var i = frame[0]; i < frame[0] + frame[1]; i++) if (classes[i] === 0) durable++;
      var fate = durable === frame[1] ? 'on disk' : durable === 0 ? 'missing' : 'partly';
      var tr = el('tr', fate === 'on disk' ? null : 'fate-' + fate);
      [frame[0], frame[2], fate, frame[3]].forEach(function (v) { tr.appendChild(el('td', null, v)); });
      table.appendChild(tr);
    });
    container.appendChild(table);
  }

  function txList(txs, container) {
    if (txs.length === 0) { container.appendChild(el('p', 'muted', 'no committed transaction')); return; }
    var list = el('ol');
    txs.forEach(function (tx) { list.appendChild(el('li', null, 'LSN ' + tx[0] + '..' + tx[1] + ': ' + tx[2].join(', '))); });
    container.appendChild(list);
  }

  function render(i) {
    var state = data.states[i];
    var detail = document.getElementById('detail');
    detail.textContent = '';
    detail.appendChild(el('h2', null, 'Crash state ' + (i + 1) + ' of ' + data.states.length + ': crash right after operation ' + state.op));
    detail.appendChild(el('p', null, (data.ops[state.op] || '') + (state.step ? '  (during step ' + state.step + ')' : '')));
    detail.appendChild(el('p', state.v.length === 0 ? 'ok-text' : 'bad-text', state.chk ? (state.v.length === 0 ? 'Verdict: the checker accepted this state.' : 'Verdict: the checker rejected this state.') : state.v.length === 0 ? 'Verdict: every recovery property holds.' : 'Verdict: violated ' + state.v.join(', ')));
    detail.appendChild(el('pre', 'muted', state.survival));
    if (state.f.length === 0) detail.appendChild(el('p', 'muted', 'No file survived.'));
    state.f.forEach(function (file) { drawFile(file, detail); });
    if (state.chk) {
      // crash-test: the program's own checker judged this state.
      detail.appendChild(el('h3', null, 'Acknowledged before the crash (' + state.chk.ids.length + ')'));
      detail.appendChild(el('p', null, state.chk.ids.length === 0 ? 'nothing' : state.chk.ids.join(' ')));
      detail.appendChild(el('h3', null, 'What the checker said'));
      detail.appendChild(el('p', state.v.length === 0 ? 'ok-text' : 'bad-text', (state.v.length === 0 ? 'exit 0' : 'failed') + (state.chk.out ? ': ' + state.chk.out : '')));
    } else {
      detail.appendChild(el('h3', null, 'What recovery returned'));
      if (state.rec === null) detail.appendChild(el('p', 'bad-text', 'openWal failed: ' + state.err));
      else txList(state.rec, detail);
      detail.appendChild(el('h3', null, 'What the oracle expected (durable LSN acknowledged before the crash: ' + state.ack + ')'));
      txList(state.exp, detail);
    }
    Object.keys(opItems).forEach(function (key) {
      var k = Number(key);
      opItems[k].className = k < state.op ? '' : k === state.op ? 'crash' : 'after';
    });
    if (opItems[state.op]) opItems[state.op].scrollIntoView({ block: 'nearest' });
  }

  function select(i) {
    if (data.states.length === 0) return;
    i = Math.max(0, Math.min(data.states.length - 1, i));
    if (current >= 0) { stateItems[current].setAttribute('aria-selected', 'false'); stateItems[current].tabIndex = -1; }
    current = i;
    var item = stateItems[i];
    item.setAttribute('aria-selected', 'true');
    item.tabIndex = 0;
    statesList.setAttribute('aria-activedescendant', item.id);
    item.focus();
    item.scrollIntoView({ block: 'nearest' });
    render(i);
  }

  function nextViolation() {
    for (var k = 1; k <= data.states.length; k++) {
      var i = (current + k) % data.states.length;
      if (data.states[i].v.length > 0) return select(i);
    }
  }

  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key;
    if (key === 'j' || key === 'ArrowDown') select(current + 1);
    else if (key === 'k' || key === 'ArrowUp') select(current - 1);
    else if (key === 'Home') select(0);
    else if (key === 'End') select(data.states.length - 1);
    else if (key === 'v') nextViolation();
    else return;
    event.preventDefault();
  });

  if (data.violations.length > 0) {
    var box = el('section', 'violations');
    box.appendChild(el('h2', 'bad-text', 'Violations (simplest first)'));
    data.violations.forEach(function (v) { box.appendChild(el('pre', null, v)); });
    document.querySelector('header').appendChild(box);
  }
  if (data.states.length === 0) document.getElementById('detail').appendChild(el('p', 'muted', 'No crash state was explored.'));
  else select(0);
})();
`;
