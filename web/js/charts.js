// Plain SVG charts, drawn here: stacked bars per time bucket, lines over time, and the axes they share. No library,
// nothing from the internet; colours come from the stylesheet (class names), so states look the same everywhere.

const NS = 'http://www.w3.org/2000/svg';

/** svg('rect', {x: 1, class: 'bar'}, child…): an SVG element; attributes as text, children appended. */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'testid') node.dataset.testid = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, String(value));
  }
  for (const c of children.flat()) if (c != null && c !== false) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** A tooltip: the browser shows an SVG <title> on hover. */
export const tip = text => svg('title', null, text);

/** A round step for an axis of 0…max with about n ticks: 1, 2 or 5 times a power of ten. */
export function niceStep(max, n = 4) {
  if (max <= 0) return 1;
  const raw = max / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map(m => m * p).find(s => s >= raw);
}

const clock = ms => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });

/** The frame every time chart shares: a y axis with round ticks, a time axis with a few clock labels. */
function frame(g, { width, height, pad, yMax, from, to, yLabel }) {
  const step = niceStep(yMax);
  const top = Math.max(step, Math.ceil(yMax / step) * step);
  const y = v => pad.top + (height - pad.top - pad.bottom) * (1 - v / top);
  const x = t => pad.left + (width - pad.left - pad.right) * ((t - from) / Math.max(1, to - from));
  for (let v = 0; v <= top; v += step) {
    g.append(svg('line', { class: 'grid-line', x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }),
      svg('text', { class: 'axis-label', x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(v)));
  }
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const t = from + ((to - from) * i) / ticks;
    g.append(svg('text', { class: 'axis-label', x: x(t), y: height - pad.bottom + 16, 'text-anchor': 'middle' }, clock(t)));
  }
  if (yLabel) g.append(svg('text', { class: 'axis-label', x: 4, y: pad.top - 6 }, yLabel));
  return { x, y };
}

const PAD = { top: 18, right: 12, bottom: 24, left: 42 };

/**
 * Stacked bars: one per bucket ({at, <series>: n}), a segment per series in `series` order, class `seg s-<series>`.
 * Each bar is a <g data-testid=bar data-at=… data-total=…>; a legend under the chart names the series.
 */
export function stackedBars(buckets, series, { width = 640, height = 200, bucketMs, testid, yLabel } = {}) {
  const root = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', testid });
  const from = buckets.length ? Date.parse(buckets[0].at) : Date.now();
  const to = buckets.length ? Date.parse(buckets[buckets.length - 1].at) + bucketMs : from + bucketMs;
  const totals = buckets.map(b => series.reduce((n, s) => n + (b[s] || 0), 0));
  const { x, y } = frame(root, { width, height, pad: PAD, yMax: Math.max(1, ...totals), from, to, yLabel });
  buckets.forEach((b, i) => {
    const t = Date.parse(b.at);
    const x0 = x(t) + 1;
    const w = Math.max(1, x(t + bucketMs) - x(t) - 2);
    const bar = svg('g', { class: 'bar', testid: 'bar', dataset: { at: b.at, total: totals[i] } });
    let acc = 0;
    for (const s of series) {
      const n = b[s] || 0;
      if (!n) continue;
      bar.append(svg('rect', { class: `seg s-${s}`, x: x0, width: w, y: y(acc + n), height: Math.max(0, y(acc) - y(acc + n)), dataset: { series: s, n } },
        tip(`${clock(t)}: ${n} ${s.toLowerCase()}`)));
      acc += n;
    }
    root.append(bar);
  });
  return root;
}

/**
 * Lines over time: `lines` is [{name, points: [[ms, value], …]}], class `line l-<name>`. A gap of more than `gapMs`
 * between two points breaks the line (a minute nobody sampled is no zero). A dot marks each point.
 */
export function lineChart(lines, { width = 640, height = 200, from, to, gapMs, testid, yLabel } = {}) {
  const root = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', testid });
  const yMax = Math.max(1, ...lines.flatMap(l => l.points.map(p => p[1])));
  const { x, y } = frame(root, { width, height, pad: PAD, yMax, from, to, yLabel });
  for (const line of lines) {
    let d = '';
    let prev = null;
    for (const [t, v] of line.points) {
      d += `${prev == null || t - prev > gapMs ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)} `;
      prev = t;
    }
    const g = svg('g', { class: `series l-${line.name}`, testid: 'line', dataset: { name: line.name, points: line.points.length } });
    if (d) g.append(svg('path', { class: 'line', d }));
    for (const [t, v] of line.points) g.append(svg('circle', { class: 'dot', cx: x(t), cy: y(v), r: 2 }, tip(`${clock(t)}: ${v} ${line.name.toLowerCase()}`)));
    root.append(g);
  }
  return root;
}

/** A legend: a swatch per series, with the class its marks use. */
export function legend(names, cls = n => `s-${n}`) {
  const box = document.createElement('div');
  box.className = 'legend';
  for (const n of names) {
    const item = document.createElement('span');
    const sw = document.createElement('i');
    sw.className = `swatch ${cls(n)}`;
    item.append(sw, n.toLowerCase().replace(/_/g, ' '));
    box.append(item);
  }
  return box;
}
