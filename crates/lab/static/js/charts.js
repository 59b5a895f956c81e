// scratchnet lab — Charts: inline SVG drawn from data, with a hover (and arrow-key) read-out per epoch.

import { $, el } from './util.js';

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const COLORS = { train: '#1f77b4', test: '#ff7f0e', loss: '#2ca02c' };
// matplotlib's tab10: one colour per run in the overlay.
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function svgEl(tag, attrs = {}, parent = null) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  if (parent) parent.append(element);
  return element;
}

/** About `count` round tick values covering [min, max], one step apart: 1, 2 or 5 times a
 * power of ten, so that every label prints exactly (no 0.25 shown as "0.3"). */
/** The decimals a tick label needs to print each of `ticks` exactly (0.2 → 1, 0.05 → 2). */
export function tickDecimals(ticks) {
  if (ticks.length < 2) return 0;
  const step = ticks[1] - ticks[0];
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

export function niceTicks(min, max, count) {
  const span = max - min;
  if (!(span > 0)) return [min];
  const rough = span / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) || 10 * power;
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push(Number(value.toFixed(10)));
  }
  return ticks;
}

/** A round number at or above `value`, for an axis' top. */
export function niceCeil(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((v) => v >= value);
}

export function marker(kind, x, y, color, parent, size = 1) {
  if (kind === 'square') {
    const half = 3 * size;
    return svgEl('rect', { x: x - half, y: y - half, width: 2 * half, height: 2 * half, fill: color }, parent);
  }
  return svgEl('circle', { cx: x, cy: y, r: 3.4 * size, fill: color }, parent);
}

/** A small marker-and-line sample for a legend entry. */
export function legendSwatch(series) {
  const swatch = svgEl('svg', { width: 26, height: 12, viewBox: '0 0 26 12', 'aria-hidden': 'true' });
  svgEl('line', { x1: 1, y1: 6, x2: 25, y2: 6, stroke: series.color, 'stroke-width': 2, 'stroke-dasharray': series.dash || null }, swatch);
  if (series.marker) marker(series.marker, 13, 6, series.color, swatch);
  return swatch;
}

export function renderLegend(list, entries) {
  list.replaceChildren(
    ...entries.map((series) =>
      el('li', {}, [legendSwatch(series), el('span', { text: series.label }), series.value ? el('span', { class: 'legend-value', text: series.value }) : null]),
    ),
  );
}

/**
 * Draws `spec` into `host` (an element whose width decides the chart's):
 * `{xMax, xLabel, panels: [{weight, yMin, yMax, yLabel, series: [{label, color,
 * dash, marker, points: [{x, y}]}]}], markerEvery, empty, ariaLabel, readout(x) → {title,
 * rows: [{label, value, color, marker}]}}`.
 */
export function drawChart(host, spec) {
  host._spec = spec;
  const width = Math.max(280, Math.round(host.clientWidth || 640));
  const height = Math.round(spec.height ? spec.height(width) : Math.max(240, Math.min(420, width * 0.62)));
  const margin = { left: 54, right: 14, top: 10, bottom: 40 };
  const gap = 26;
  const plotWidth = width - margin.left - margin.right;
  const available = height - margin.top - margin.bottom - gap * (spec.panels.length - 1);
  const totalWeight = spec.panels.reduce((sum, panel) => sum + (panel.weight || 1), 0);
  const xMax = Math.max(1, spec.xMax);
  const xScale = (x) => margin.left + (x / xMax) * plotWidth;

  const root = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart-svg', role: 'img', 'aria-label': spec.ariaLabel || '' });
  const xTicks = niceTicks(0, xMax, Math.max(3, Math.floor(plotWidth / 80)));
  let top = margin.top;
  const layout = [];

  spec.panels.forEach((panel, index) => {
    const panelHeight = (available * (panel.weight || 1)) / totalWeight;
    // This panel's own top: the read-out calls yScale after `top` has moved on.
    const panelTop = top;
    const yScale = (y) => panelTop + panelHeight - ((y - panel.yMin) / (panel.yMax - panel.yMin)) * panelHeight;
    const isLast = index === spec.panels.length - 1;
    const axes = svgEl('g', { class: 'axes' }, root);
    // Grid and y ticks.
    const yTicks = niceTicks(panel.yMin, panel.yMax, Math.max(3, Math.round(panelHeight / 45)));
    const decimals = tickDecimals(yTicks);
    for (const tick of yTicks) {
      const y = yScale(tick);
      svgEl('line', { x1: margin.left, x2: margin.left + plotWidth, y1: y, y2: y, class: 'grid' }, axes);
      svgEl('text', { x: margin.left - 7, y: y + 4, class: 'tick-label', 'text-anchor': 'end' }, axes).textContent = tick.toFixed(decimals);
    }
    for (const tick of xTicks) {
      const x = xScale(tick);
      svgEl('line', { x1: x, x2: x, y1: top, y2: top + panelHeight, class: 'grid grid-x' }, axes);
      if (isLast) svgEl('text', { x, y: top + panelHeight + 17, class: 'tick-label', 'text-anchor': 'middle' }, axes).textContent = String(tick);
    }
    svgEl('rect', { x: margin.left, y: top, width: plotWidth, height: panelHeight, class: 'frame' }, axes);
    const label = svgEl('text', { class: 'axis-label', 'text-anchor': 'middle', transform: `translate(14 ${top + panelHeight / 2}) rotate(-90)` }, axes);
    label.textContent = panel.yLabel;
    if (isLast) {
      svgEl('text', { x: margin.left + plotWidth / 2, y: height - 6, class: 'axis-label', 'text-anchor': 'middle' }, axes).textContent = spec.xLabel;
    }

    // The curves: a line, then markers every few epochs (the book's markevery), then the
    // newest point so a live run shows where it is.
    const clipId = `clip-${host.id}-${index}`;
    const clip = svgEl('clipPath', { id: clipId }, root);
    svgEl('rect', { x: margin.left - 5, y: top - 5, width: plotWidth + 10, height: panelHeight + 10 }, clip);
    const curves = svgEl('g', { 'clip-path': `url(#${clipId})` }, root);
    for (const series of panel.series) {
      const points = series.points.filter((p) => Number.isFinite(p.y));
      if (points.length === 0) continue;
      const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${xScale(p.x).toFixed(1)} ${yScale(Math.min(p.y, panel.yMax * 1.05)).toFixed(1)}`).join('');
      svgEl('path', { d, fill: 'none', stroke: series.color, 'stroke-width': series.width || 1.8, 'stroke-dasharray': series.dash || null, 'stroke-linejoin': 'round' }, curves);
      if (series.marker) {
        const every = spec.markerEvery || 1;
        for (const p of points) {
          if ((p.x - 1) % every === 0 || p === points[points.length - 1]) {
            marker(series.marker, xScale(p.x), yScale(Math.min(p.y, panel.yMax * 1.05)), series.color, curves);
          }
        }
      }
    }
    layout.push({ top, height: panelHeight, yScale, panel });
    top += panelHeight + gap;
  });

  // The empty chart's hint is HTML over the first panel, so that it wraps on narrow screens.
  const hint = host._hint || (host._hint = el('p', { class: 'chart-empty' }));
  hint.hidden = !spec.empty;
  hint.textContent = spec.empty || '';
  Object.assign(hint.style, {
    left: `${margin.left + 12}px`,
    width: `${plotWidth - 24}px`,
    top: `${layout[0].top + layout[0].height / 2}px`,
  });

  // The read-out: a guide line and highlighted points at the chosen epoch.
  const guide = svgEl('g', { class: 'guide', visibility: 'hidden' }, root);
  host._chart = { root, guide, xScale, layout, margin, plotWidth, xMax, height };
  host.replaceChildren(root, hint, host._tooltip || (host._tooltip = el('div', { class: 'chart-tooltip', hidden: true })));
  attachReadout(host);
  if (host._hoverX !== undefined && host._hoverX !== null) showReadout(host, host._hoverX);
}

/** Hover and arrow keys move the read-out; attached once per chart host. */
export function attachReadout(host) {
  if (host._readoutAttached) return;
  host._readoutAttached = true;
  host.tabIndex = 0;
  const xAt = (event) => {
    const chart = host._chart;
    const box = chart.root.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * chart.root.viewBox.baseVal.width;
    return Math.round(((x - chart.margin.left) / chart.plotWidth) * chart.xMax);
  };
  host.addEventListener('pointermove', (event) => showReadout(host, xAt(event)));
  host.addEventListener('pointerleave', () => hideReadout(host));
  host.addEventListener('blur', () => hideReadout(host));
  host.addEventListener('keydown', (event) => {
    const last = lastX(host);
    if (!last) return;
    const current = host._hoverX ?? last;
    const step = { ArrowLeft: -1, ArrowRight: 1, PageDown: -10, PageUp: 10, Home: -Infinity, End: Infinity }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    showReadout(host, Math.max(1, Math.min(last, current + step)));
  });
}

export function lastX(host) {
  const spec = host._spec;
  let last = 0;
  for (const panel of spec.panels) for (const series of panel.series) for (const p of series.points) last = Math.max(last, p.x);
  return last;
}

export function showReadout(host, x) {
  const spec = host._spec;
  const chart = host._chart;
  const last = lastX(host);
  if (!spec.readout || last === 0) return hideReadout(host);
  x = Math.max(1, Math.min(last, x));
  const readout = spec.readout(x);
  if (!readout) return hideReadout(host);
  host._hoverX = x;
  const px = chart.xScale(x);
  chart.guide.replaceChildren();
  chart.guide.setAttribute('visibility', 'visible');
  svgEl('line', { x1: px, x2: px, y1: chart.margin.top, y2: chart.height - chart.margin.bottom, class: 'guide-line' }, chart.guide);
  for (const { panel, yScale } of chart.layout) {
    for (const series of panel.series) {
      const point = series.points.find((p) => p.x === x);
      if (point && Number.isFinite(point.y)) {
        const dot = marker(series.marker || 'circle', px, yScale(Math.min(point.y, panel.yMax * 1.05)), series.color, chart.guide, 1.5);
        dot.setAttribute('stroke', '#fff');
        dot.setAttribute('stroke-width', '1.5');
      }
    }
  }
  const tooltip = host._tooltip;
  tooltip.replaceChildren(
    el('div', { class: 'tooltip-title', text: readout.title }),
    ...readout.rows.map((row) => el('div', { class: 'tooltip-row' }, [legendSwatch(row), el('span', { text: row.label }), el('strong', { text: row.value })])),
  );
  tooltip.hidden = false;
  // Beside the guide line, on whichever side has room.
  const scale = host.clientWidth / chart.root.viewBox.baseVal.width;
  const left = px * scale;
  const room = host.clientWidth - left;
  tooltip.style.left = room > tooltip.offsetWidth + 24 ? `${left + 12}px` : `${Math.max(0, left - tooltip.offsetWidth - 12)}px`;
  tooltip.style.top = `${chart.margin.top + 6}px`;
}

export function hideReadout(host) {
  host._hoverX = null;
  if (host._chart) host._chart.guide.setAttribute('visibility', 'hidden');
  if (host._tooltip) host._tooltip.hidden = true;
}

/** Redraws a chart when its box changes size (narrow windows, rotating a phone). */
export function redrawOnResize(host, redraw) {
  let lastWidth = 0;
  new ResizeObserver(() => {
    const width = Math.round(host.clientWidth);
    if (width !== lastWidth) {
      lastWidth = width;
      redraw();
    }
  }).observe(host);
}

/** Coalesces many redraw requests into one per animation frame. */
export function frameScheduler(draw) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}
