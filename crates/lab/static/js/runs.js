// scratchnet lab — The Runs tab: the results directory, overlays, the book's figure 6-23, downloads.

import { t } from './messages.js';
import { $, el, formatAccuracy, isActive, api, poller } from './util.js';
import { PALETTE, marker, renderLegend, drawChart } from './charts.js';
import { state } from './state.js';
import { choiceLabel, setMessage, say } from './train.js';
import { followRun } from './live.js';
import { renderRunChooser } from './predict.js';

export async function loadRuns() {
  const result = await api('GET', '/api/runs');
  if (!result.ok) return;
  state.runs = result.data.runs || [];
  // A run picked up while this page was closed: follow it.
  if (!state.live) {
    const active = state.runs.find((run) => run.state === 'running') || state.runs.find((run) => run.state === 'queued' && run.source === 'lab');
    if (active) followRun(active.id, active.name, active.epochs_planned);
  }
  renderRuns();
  refreshOverlay();
}

export const runsPoller = poller(loadRuns, 2000, () => state.runs.some((run) => isActive(run.state)));

/** A short line describing a run's options, saying what differs from the defaults. */
export function summarize(config) {
  if (!config) return t('runs.no_config');
  const defaults = state.config.defaults || {};
  const parts = [];
  const differs = (name) => JSON.stringify(config[name]) !== JSON.stringify(defaults[name]);
  if (differs('dataset')) parts.push(choiceLabel(config.dataset));
  parts.push(t('summary.images', { n: config.train_size }));
  const hidden = Array.isArray(config.hidden) ? config.hidden : [];
  const same = hidden.length > 0 && hidden.every((size) => size === hidden[0]);
  parts.push(same ? `${hidden[0]}×${hidden.length}` : hidden.join('-'));
  if (differs('activation')) parts.push(choiceLabel(config.activation));
  if (differs('weight_init')) parts.push(t('summary.init', { w: config.weight_init }));
  if (config.batchnorm) parts.push('BatchNorm');
  parts.push(config.dropout > 0 ? t('summary.dropout', { r: config.dropout }) + (config.dropout_mode === 'inverted' ? ` (${t('summary.inverted')})` : '') : t('summary.no_dropout'));
  if (config.weight_decay > 0) parts.push(`λ ${config.weight_decay}`);
  parts.push(choiceLabel(config.optimizer));
  parts.push(config.lr !== null && config.lr !== undefined ? t('summary.lr', { lr: config.lr }) : t('summary.lr_default'));
  if (differs('batch_size')) parts.push(t('summary.batch', { n: config.batch_size }));
  parts.push(t('summary.epochs', { n: config.epochs }));
  if (config.eval_samples) parts.push(t('summary.eval', { n: config.eval_samples }));
  parts.push(t('summary.seed', { n: config.seed }));
  return parts.join(' · ');
}

export function stateBadge(stateName) {
  return el('span', { class: 'state-badge', 'data-state': stateName, text: t(`state.${stateName}`) });
}

// Rows are kept per run and updated in place, so a tick or the keyboard focus survives the
// refreshes while a run trains.
export const runRows = new Map();

export function renderRuns() {
  const body = $('#runs-body');
  if (!state.config) return;
  renderRunChooser();
  if (state.runs.length === 0) {
    runRows.clear();
    body.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'muted', text: t('runs.empty') })));
    return;
  }
  const wanted = [];
  for (const run of state.runs) {
    let row = runRows.get(run.id);
    if (!row) {
      row = buildRunRow(run);
      runRows.set(run.id, row);
    }
    updateRunRow(row, run);
    wanted.push(row);
  }
  for (const [id, row] of runRows) if (!state.runs.some((run) => run.id === id)) runRows.delete(id) && row.remove();
  const current = [...body.children];
  if (current.length !== wanted.length || current.some((row, i) => row !== wanted[i])) body.replaceChildren(...wanted);
}

export function buildRunRow(run) {
  const checkboxId = `select-run-${run.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const checkbox = el('input', { type: 'checkbox', id: checkboxId, 'data-run': run.name, value: run.id });
  checkbox.addEventListener('change', () => toggleSelected(run.id, checkbox.checked));
  const row = el('tr', { 'data-run-row': run.name }, [
    el('td', { class: 'select-cell' }, checkbox),
    el('td', { class: 'name-cell' }, [el('label', { for: checkboxId, class: 'run-name' }), el('span', { class: 'run-source' })]),
    el('td', { class: 'state-cell' }),
    el('td', { class: 'config-cell' }),
    el('td', { class: 'epochs-cell num' }),
    el('td', { class: 'train-cell num' }),
    el('td', { class: 'test-cell num' }),
    el('td', { class: 'files-cell' }),
  ]);
  row._checkbox = checkbox;
  return row;
}

export function updateRunRow(row, run) {
  const cells = row.children;
  row._checkbox.checked = state.selected.includes(run.id);
  row._checkbox.setAttribute('aria-label', t('runs.select', { name: run.name }));
  $('.run-name', cells[1]).textContent = run.name;
  $('.run-source', cells[1]).textContent = t(`runs.source.${run.source}`);
  const watching = state.live && state.live.id === run.id;
  cells[2].replaceChildren(stateBadge(run.state));
  if (isActive(run.state) && !watching) {
    cells[2].append(el('button', { type: 'button', class: 'link-button', 'aria-label': t('runs.watch_label', { name: run.name }), text: t('runs.watch'), onclick: () => watchRun(run) }));
  }
  cells[3].textContent = summarize(run.config);
  cells[4].textContent = run.epochs_planned ? `${run.epochs_completed} / ${run.epochs_planned}` : String(run.epochs_completed);
  const final = run.final || {};
  cells[5].textContent = formatAccuracy(final.train_acc ?? NaN);
  cells[6].textContent = formatAccuracy(final.test_acc ?? NaN);
  const files = run.files || {};
  cells[7].replaceChildren(...['csv', 'json', 'svg'].filter((kind) => files[kind]).map((kind) =>
    el('a', { href: files[kind], download: `${run.name}.${kind}`, class: 'file-link', 'aria-label': t('runs.download', { kind: kind.toUpperCase(), name: run.name }), text: kind.toUpperCase() })));
}

/** Shows a run that is queued or training in the live panel, and scrolls up to it. */
export function watchRun(run) {
  followRun(run.id, run.name, run.epochs_planned);
  renderRuns();
  $('.live-panel').scrollIntoView({ block: 'nearest' });
  $('#live-chart').focus({ preventScroll: true });
}

export function toggleSelected(id, selected) {
  state.selected = state.selected.filter((other) => other !== id);
  if (selected) state.selected.push(id);
  refreshOverlay();
}

/** Fetches the epochs of the selected runs that changed since last time, then redraws. */
export async function refreshOverlay() {
  const wanted = state.selected.filter((id) => state.runs.some((run) => run.id === id));
  await Promise.all(wanted.map(async (id) => {
    const run = state.runs.find((r) => r.id === id);
    const known = state.details.get(id);
    if (known && known.state === run.state && known.epochs_completed === run.epochs_completed && (known.epochs || []).length === run.epochs_completed) return;
    const result = await api('GET', `/api/runs/${encodeURIComponent(id)}`);
    if (result.ok) state.details.set(id, result.data);
  }));
  renderOverlay();
}

export function renderOverlay() {
  const host = $('#overlay-chart');
  if (!state.config) return;
  const runs = state.selected.map((id) => state.details.get(id)).filter(Boolean);
  const series = [];
  const legend = [];
  runs.forEach((run, index) => {
    const color = PALETTE[index % PALETTE.length];
    const epochs = run.epochs || [];
    const train = { label: `${run.name} · ${t('chart.train')}`, color, marker: 'circle', points: epochs.map((p) => ({ x: p.epoch, y: p.train_acc })) };
    const test = { label: `${run.name} · ${t('chart.test')}`, color, marker: 'square', dash: '6 4', points: epochs.map((p) => ({ x: p.epoch, y: p.test_acc })) };
    series.push(train, test);
    legend.push(train, test);
  });
  renderLegend($('#overlay-legend'), legend);
  const xMax = Math.max(1, ...runs.map((run) => Math.max(run.epochs_planned || 0, (run.epochs || []).length)));
  const names = runs.map((run) => run.name);
  drawChart(host, {
    xMax: runs.length ? xMax : Number(state.config.defaults.epochs) || 100,
    xLabel: t('chart.epoch'),
    markerEvery: Math.max(1, Math.ceil(xMax / 30)),
    height: (width) => Math.max(260, Math.min(400, width * 0.45)),
    empty: runs.length ? null : t('runs.overlay_empty'),
    ariaLabel: `${t('chart.overlay_label', { names: names.join(', ') || '—' })} ${t('chart.keys')}`,
    panels: [{ yMin: 0, yMax: 1, yLabel: t('chart.accuracy'), series }],
    readout: (x) => {
      const rows = series.map((s) => ({ ...s, value: formatAccuracy((s.points.find((p) => p.x === x) || {}).y) }))
        .filter((row) => row.value !== '—');
      return rows.length ? { title: `${t('chart.epoch')} ${x}`, rows } : null;
    },
  });
  host.dataset.runs = names.join(',');
  host.dataset.epochs = runs.map((run) => (run.epochs || []).length).join(',');
}

/**
 * The book's figure 6-23 in one click: the seed experiment without and with dropout 0.2,
 * selected if they exist, else started with the book's settings (the API's defaults).
 */
export async function presetFigure623() {
  const message = $('#runs-message');
  const wanted = [
    { name: 'nodropout-seed0', options: { dropout: 0 } },
    { name: 'dropout0.2-seed0', options: { dropout: 0.2 } },
  ];
  const started = [];
  let firstStarted = null;
  for (const { name, options } of wanted) {
    const existing = state.runs.find((run) => run.name === name);
    if (existing && (existing.state === 'completed' || isActive(existing.state))) continue;
    const body = { ...state.config.defaults, ...options, out: name };
    const result = await api('POST', '/api/runs', body);
    if (result.status === 202) {
      started.push(name);
      firstStarted = firstStarted || result.data;
    } else {
      setMessage(message, result.data.error || t('error.unexpected', { status: result.status, detail: '' }), 'error');
      return;
    }
  }
  // The live panel follows the first new run, unless it is busy with another.
  if (firstStarted && !(state.live && isActive(state.live.state))) {
    followRun(firstStarted.id, firstStarted.name, Number(state.config.defaults.epochs) || null);
  }
  await loadRuns();
  state.selected = wanted.map(({ name }) => state.runs.find((run) => run.name === name)).filter(Boolean).map((run) => run.id);
  renderRuns();
  await refreshOverlay();
  const names = wanted.map(({ name }) => name).join(', ');
  if (started.length) say(message, 'runs.preset_started', { names: started.join(', ') });
  else say(message, 'runs.preset_selected', { names });
  if (started.length) runsPoller.kick();
}

export function clearSelection() {
  state.selected = [];
  renderRuns();
  renderOverlay();
  setMessage($('#runs-message'), '');
}
