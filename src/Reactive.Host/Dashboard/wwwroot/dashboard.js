// The Reactive dashboard: events from GET /api/dashboard/events (Server-Sent Events, each with an id); after a
// disconnection the gap is filled from GET /api/dashboard/history?since=ID before the stream is opened again.
'use strict';

(function () {
  const MAX_POINTS = 1000;
  const COLORS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be123c', '#4d7c0f', '#a16207'];
  const STYLE_COLORS = { points: '#dc2626', buy: '#16a34a', sell: '#dc2626', bandupper: '#94a3b8', bandlower: '#94a3b8' };
  const MARKS = ['points', 'buy', 'sell'];
  const state = { lastId: null, instance: null, charts: {}, cards: {}, source: null, events: 0, restarts: 0, gaps: 0, reconnects: 0 };

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v; else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child);
    return node;
  };

  // ---- charts: column-wise data [xs, ys1, ys2, …], merged by x (a point with an x already there replaces it) ----

  function makeChart(key, container, title, series, opts) {
    const spark = !!opts.spark;
    const width = spark ? 240 : 560;
    const height = spark ? 48 : 220;
    const uSeries = [{}].concat(series.map((s, i) => seriesOptions(s, i, spark)));
    const bands = [];
    const upper = series.findIndex((s) => s.style === 'bandupper');
    const lower = series.findIndex((s) => s.style === 'bandlower');
    if (upper >= 0 && lower >= 0) bands.push({ series: [upper + 1, lower + 1], fill: 'rgba(148, 163, 184, 0.2)' });
    const options = {
      width, height, series: uSeries, bands,
      scales: { x: { time: true } },
      legend: { show: !spark },
      cursor: spark ? { show: false } : {},
      axes: spark ? [{ show: false }, { show: false }] : [{}, { size: 60 }],
    };
    const data = [[]].concat(series.map(() => []));
    let target = container;
    if (!spark) {
      target = el('div', { class: 'chart', 'data-chart': key }, el('h3', {}, title));
      const empty = container.querySelector('.empty');
      if (empty) empty.remove();
      container.append(target);
    }
    const plotHost = el('div', {});
    target.append(plotHost);
    const chart = { key, series: series.slice(), data, plot: new uPlot(options, data, plotHost), host: plotHost, spark, opts: options };
    state.charts[key] = chart;
    return chart;
  }

  function seriesOptions(s, i, spark) {
    const color = STYLE_COLORS[s.style] || COLORS[i % COLORS.length];
    const o = { label: s.label, stroke: color, width: spark ? 1 : 1.5, spanGaps: !MARKS.includes(s.style) };
    if (MARKS.includes(s.style)) {
      o.paths = () => null;
      o.points = { show: true, size: 7, fill: color, stroke: color };
    } else {
      o.points = { show: false };
    }
    if (s.style === 'bandupper' || s.style === 'bandlower') o.dash = [4, 4];
    if (spark) o.fill = color + '22';
    return o;
  }

  // Adds a series (e.g. a new dead-letter code) by making the plot again with the old points kept.
  function addSeries(chart, s) {
    chart.series.push(s);
    chart.data.push(chart.data[0].map(() => null));
    chart.opts.series.push(seriesOptions(s, chart.series.length - 1, chart.spark));
    chart.plot.destroy();
    chart.plot = new uPlot(chart.opts, chart.data, chart.host);
  }

  function merge(chart, points) {
    const xs = chart.data[0];
    for (const p of points) {
      const x = p[0];
      let i = xs.length;
      if (i > 0 && x <= xs[i - 1]) {
        let lo = 0, hi = xs.length;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (xs[mid] < x) lo = mid + 1; else hi = mid; }
        i = lo;
      }
      const same = i < xs.length && xs[i] === x;
      for (let c = 0; c < chart.data.length; c++) {
        const v = c === 0 ? x : (p[c] === undefined ? null : p[c]);
        if (same) chart.data[c][i] = v; else chart.data[c].splice(i, 0, v);
      }
    }
    const extra = xs.length - MAX_POINTS;
    if (extra > 0) for (const column of chart.data) column.splice(0, extra);
    chart.plot.setData(chart.data);
  }

  // ---- events ----

  function onChart(d) {
    if (d.group === 'trading') $('trading-section').hidden = false;
    const container = $(d.group === 'lasthour' ? 'windows' : d.group) || $('windows');
    const chart = state.charts[d.chart] || makeChart(d.chart, container, d.title, d.series, {});
    merge(chart, d.points);
  }

  function card(p) {
    let c = state.cards[p.name];
    if (!c) {
      const title = el('h3', {}, p.name);
      const stateLabel = el('span', { class: 'state' });
      title.append(stateLabel);
      const grid = el('div', { class: 'spark' });
      const node = el('div', { class: 'card', 'data-pipeline': p.name }, title, grid);
      $('pipelines').append(node);
      c = state.cards[p.name] = { node, grid, stateLabel, sparks: {} };
    }
    return c;
  }

  function spark(c, pipeline, name, label, series) {
    let s = c.sparks[name];
    if (!s) {
      const value = el('span', { class: 'value' });
      const plotCell = el('div', {});
      c.grid.append(el('div', { class: 'label' }, label, value), plotCell);
      s = c.sparks[name] = { chart: makeChart(`progress/${pipeline}/${name}`, plotCell, label, series, { spark: true }), value };
    }
    return s;
  }

  const fmt = (v) => v == null ? '—' : (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : (+v.toFixed(2)).toLocaleString('en'));
  const time = (s) => s == null ? '—' : new Date(s * 1000).toISOString().replace('.000Z', 'Z');

  function onProgress(d) {
    for (const p of d.pipelines) {
      const c = card(p);
      c.stateLabel.textContent = `${p.kind} · ${p.state}${p.sourceStatus ? ' · ' + p.sourceStatus : ''}`;
      const rate = spark(c, p.name, 'rate', 'rows/s in, processed', [{ label: 'input', style: 'line' }, { label: 'processed', style: 'line' }]);
      merge(rate.chart, [[d.time, p.inputRowsPerSecond, p.processedRowsPerSecond]]);
      rate.value.textContent = `${fmt(p.inputRowsPerSecond)} / ${fmt(p.processedRowsPerSecond)}`;
      if (p.watermark != null || c.sparks.watermark) {
        const w = spark(c, p.name, 'watermark', 'watermark', [{ label: 'watermark', style: 'line' }]);
        merge(w.chart, [[d.time, p.watermark]]);
        w.value.textContent = time(p.watermark);
      }
      const st = spark(c, p.name, 'state', 'state rows', [{ label: 'state rows', style: 'line' }]);
      merge(st.chart, [[d.time, p.stateRows]]);
      st.value.textContent = fmt(p.stateRows);
      const late = spark(c, p.name, 'late', 'late rows', [{ label: 'late rows', style: 'line' }]);
      merge(late.chart, [[d.time, p.lateRows]]);
      late.value.textContent = fmt(p.lateRows);
      const dead = spark(c, p.name, 'dead', 'dead letters by code', [{ label: 'all', style: 'line' }]);
      const codes = Object.keys(p.deadLettersByCode || {}).sort();
      for (const code of codes) {
        if (!dead.chart.series.some((s) => s.label === code)) addSeries(dead.chart, { label: code, style: 'line' });
      }
      const point = [d.time].concat(dead.chart.series.map((s) => s.label === 'all' ? p.deadLetters : (p.deadLettersByCode[s.label] ?? 0)));
      merge(dead.chart, [point]);
      dead.value.textContent = codes.length === 0 ? '0' : codes.map((k) => `${k} ${fmt(p.deadLettersByCode[k])}`).join(', ');
      if (p.batches.length > 0 || c.sparks.batch) {
        const b = spark(c, p.name, 'batch', 'batch duration (ms)', [{ label: 'ms', style: 'line' }]);
        if (p.batches.length > 0) {
          merge(b.chart, p.batches);
          b.value.textContent = fmt(p.batches[p.batches.length - 1][1]);
        }
      }
    }
  }

  function table(columns, rows, cellClass) {
    const head = el('tr', {}, ...columns.map((c) => el('th', {}, c)));
    const body = rows.map((r) => el('tr', {}, ...r.map((v, i) => {
      const td = el('td', { class: cellClass ? cellClass(i, v) : (typeof v === 'number' ? 'num' : '') });
      td.textContent = v == null ? 'null' : (typeof v === 'object' ? JSON.stringify(v) : String(v));
      return td;
    })));
    return el('table', {}, el('thead', {}, head), el('tbody', {}, ...body));
  }

  function onDeadLetters(list) {
    const host = $('deadletters');
    host.replaceChildren(list.length === 0
      ? el('p', { class: 'empty' }, 'None.')
      : table(['time', 'pipeline', 'code', 'reason', 'line', 'raw'],
          list.map((e) => [e.time, e.pipeline, e.code, e.reason, e.line, e.raw]),
          (i) => i === 5 ? 'raw' : (i === 4 ? 'num' : '')));
  }

  const handlers = { chart: onChart, progress: onProgress, deadletters: onDeadLetters };

  function handle(type, data, id) {
    const handler = handlers[type];
    if (handler) {
      handler(data);
      state.events++;
    }
    if (id) {
      // Within one process the ids are consecutive: a jump would be a gap in the charts.
      const [instance, sequence] = [id.slice(0, id.lastIndexOf('-')), +id.slice(id.lastIndexOf('-') + 1)];
      const [lastInstance, lastSequence] = state.lastId ? [state.lastId.slice(0, state.lastId.lastIndexOf('-')), +state.lastId.slice(state.lastId.lastIndexOf('-') + 1)] : [null, 0];
      if (instance === lastInstance && sequence !== lastSequence + 1) state.gaps++;
      state.lastId = id;
      $('last-event').textContent = `event ${id}`;
    }
  }

  function setStatus(text) {
    const s = $('status');
    s.textContent = text;
    s.className = 'status ' + text.split(' ')[0];
  }

  // ---- the connection: history first (the whole kept history at the start, the gap after a disconnection), then the stream ----

  async function fillFromHistory() {
    const url = '/api/dashboard/history' + (state.lastId ? '?since=' + encodeURIComponent(state.lastId) : '');
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error('history: HTTP ' + response.status);
    const history = await response.json();
    noteInstance(history.instance);
    for (const e of history.events) handle(e.type, e.data, e.id);
  }

  function noteInstance(instance) {
    if (state.instance && state.instance !== instance) state.restarts++;
    state.instance = instance;
  }

  async function connect() {
    try {
      await fillFromHistory();
    } catch (e) {
      setStatus('reconnecting');
      setTimeout(connect, 1000);
      return;
    }
    const url = '/api/dashboard/events' + (state.lastId ? '?since=' + encodeURIComponent(state.lastId) : '');
    const source = state.source = new EventSource(url);
    source.addEventListener('hello', (e) => noteInstance(JSON.parse(e.data).instance));
    for (const type of Object.keys(handlers)) {
      source.addEventListener(type, (e) => handle(type, JSON.parse(e.data), e.lastEventId));
    }
    source.onopen = () => setStatus('live');
    source.onerror = () => {
      // Reconnect ourselves, so that the gap comes from the history endpoint whatever the browser kept.
      source.close();
      state.reconnects++;
      setStatus('reconnecting');
      setTimeout(connect, 1000);
    };
  }

  // ---- trading: shown when the service has /api/trading: per trading pipeline its account, its orders and its last decisions ----

  const money = (v) => (v == null ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: 2 }));
  const coins = (v) => (v == null ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: 8 }));
  const LAST = 8;

  function figures(pairs) {
    return el('dl', { class: 'figures' }, ...pairs.flatMap(([k, v, cls]) => [el('dt', {}, k), el('dd', { class: cls || '' }, v)]));
  }

  function tradingCard(t) {
    const paper = t.paper || {};
    const orders = t.orders || {};
    const balances = t.balances || {};
    const pnl = paper.profitAndLoss;
    const node = el('div', { class: 'card trading-card', 'data-pipeline': t.pipeline },
      el('h3', {}, t.pipeline, el('span', { class: 'state' }, `${t.mode} · ${t.currency}${t.started ? '' : ' · starting'}`)),
      figures([
        ['position (bitcoin)', coins(t.position)],
        [`balances`, `${coins(balances.bitcoin)} BTC, ${money(balances.euro)} ${t.currency}`],
        ['paper value', `${money(paper.value)} ${t.currency}`],
        ['paper P&L', `${pnl >= 0 ? '+' : ''}${money(pnl)} ${t.currency}`, pnl >= 0 ? 'gain' : 'loss'],
        ['fees, max drawdown', `${money(paper.feesPaid)}, ${money(paper.maxDrawdown)}`],
        ['orders', `${orders.decided ?? 0} decided, ${orders.executed ?? 0} executed, ${orders.rejected ?? 0} rejected, ${orders.reconciled ?? 0} reconciled, ${orders.unknown ?? 0} unknown, ${orders.queued ?? 0} queued`],
        ['open orders', String((orders.open || []).length)],
      ]));
    const recent = (orders.recent || []).slice(-LAST).reverse();
    node.append(el('h4', {}, 'last orders'), recent.length === 0
      ? el('p', { class: 'empty' }, 'None yet.')
      : table(['id', 'side', 'amount', 'status', 'detail'], recent.map((o) => [o.id.slice(0, 8), o.side, o.amount, o.status, o.detail]), (i) => (i === 2 ? 'num' : (i === 4 ? 'reason' : ''))));
    const decisions = (t.decisions || []).slice(0, LAST);
    node.append(el('h4', {}, 'last decisions'), decisions.length === 0
      ? el('p', { class: 'empty' }, 'None yet.')
      : table(['time', 'outcome', 'side', 'price', 'reason'], decisions.map((d) => [d.timestamp, d.outcome, d.side, d.price, d.reason]), (i) => (i === 3 ? 'num' : (i === 4 ? 'reason' : ''))));
    return node;
  }

  async function pollTrading() {
    try {
      const response = await fetch('/api/trading', { cache: 'no-store' });
      if (response.ok) {
        $('trading-section').hidden = false;
        const desks = await response.json();
        $('trading-account').replaceChildren(...(Array.isArray(desks) ? desks : [desks]).map(tradingCard));
      }
    } catch (e) {
      // The service is down: the stream's status says so.
    }
    setTimeout(pollTrading, 2000);
  }

  async function startTrading() {
    try {
      const features = await (await fetch('/api/dashboard/features', { cache: 'no-store' })).json();
      if (features.trading) { pollTrading(); return; }
    } catch (e) {
      // Asked again below.
    }
    setTimeout(startTrading, 10000);
  }

  // ---- SQL ----

  async function runSql(event) {
    event.preventDefault();
    const status = $('sql-status');
    const result = $('sql-result');
    status.textContent = 'running…';
    try {
      const response = await fetch('/api/sql', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sql: $('sql').value }),
      });
      const body = await response.json();
      if (!response.ok) {
        status.textContent = '';
        result.replaceChildren(el('p', { class: 'error' }, `${body.title || 'Error'}: ${body.detail || response.status}`));
        return;
      }
      status.textContent = `${body.rowCount} row${body.rowCount === 1 ? '' : 's'}${body.truncated ? ' (truncated)' : ''} in ${body.elapsedMs} ms`;
      result.replaceChildren(table(body.columns.map((c) => c.name), body.rows));
    } catch (e) {
      status.textContent = '';
      result.replaceChildren(el('p', { class: 'error' }, 'The service did not answer: ' + e.message));
    }
  }

  // For tests and the curious: what each chart holds.
  window.dashboard = {
    charts: () => Object.fromEntries(Object.entries(state.charts).map(([k, c]) => [k, {
      points: c.data[0].length,
      values: c.data.slice(1).reduce((n, column) => n + column.filter((v) => v != null).length, 0),
      lastX: c.data[0].length ? c.data[0][c.data[0].length - 1] : null,
    }])),
    lastId: () => state.lastId,
    instance: () => state.instance,
    restarts: () => state.restarts,
    reconnects: () => state.reconnects,
    gaps: () => state.gaps,
    events: () => state.events,
  };

  $('sql-form').addEventListener('submit', runSql);
  connect();
  startTrading();
})();
