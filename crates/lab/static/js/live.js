// scratchnet lab — The live run: epochs as Server-Sent Events, state and time left by polling.

import { t } from './messages.js';
import { $, formatAccuracy, formatLoss, formatDuration, isActive, api, poller } from './util.js';
import { COLORS, niceCeil, marker, renderLegend, drawChart, hideReadout, frameScheduler } from './charts.js';
import { state } from './state.js';
import { renderRuns, runsPoller } from './runs.js';
import { predict } from './predict.js';

/** Starts following run `id` in the live chart (forgetting the one before). */
export function followRun(id, name, planned) {
  if (state.live && state.live.events) state.live.events.close();
  state.live = {
    id,
    name,
    state: 'queued',
    planned,
    epochs: new Map(), // epoch number → {epoch, train_loss, train_acc, test_acc}
    info: null, // the final RunInfo
    eta: null,
    elapsed: null,
    stopping: false,
    reconnecting: false,
    events: null,
  };
  hideReadout($('#live-chart'));
  connectEvents(state.live);
  renderLive();
  livePoller.kick();
}

export function connectEvents(live) {
  const source = new EventSource(`/api/runs/${encodeURIComponent(live.id)}/events`);
  live.events = source;
  source.addEventListener('epoch', (event) => {
    const point = JSON.parse(event.data);
    live.epochs.set(point.epoch, point);
    live.reconnecting = false;
    if (live.state === 'queued') live.state = 'running';
    if (live === state.live) scheduleLiveDraw();
    keepRunRowInStep(live, point.epoch);
  });
  for (const name of ['done', 'stopped', 'failed']) {
    source.addEventListener(name, (event) => finishLive(live, JSON.parse(event.data)));
  }
  source.addEventListener('error', () => {
    if (live.info) return;
    // The browser reconnects by itself (and the server replays every epoch); if it gave up,
    // the poller still learns how the run ended.
    live.reconnecting = source.readyState !== EventSource.CLOSED;
    if (source.readyState === EventSource.CLOSED) live.events = null;
    if (live === state.live) renderLive();
  });
}

export function finishLive(live, info) {
  if (live.events) live.events.close();
  live.events = null;
  live.info = info;
  live.state = info.state;
  live.stopping = false;
  live.reconnecting = false;
  if (info.epochs_planned) live.planned = info.epochs_planned;
  if (live === state.live) renderLive();
  runsPoller.kick();
  // The run's wall time, for the progress line.
  api('GET', `/api/runs/${encodeURIComponent(live.id)}`).then((result) => {
    if (result.ok && Number.isFinite(result.data.elapsed_seconds)) {
      live.elapsed = result.data.elapsed_seconds;
      if (live === state.live) renderLive();
    }
  }, () => {});
  // A newly trained network can answer for the digit on the canvas.
  if (state.image && info.has_network) predict();
}

/** State, planned epochs and time left; the end too, if the event stream was lost. */
export async function pollLive() {
  const live = state.live;
  if (!live || live.info) return;
  const result = await api('GET', `/api/runs/${encodeURIComponent(live.id)}`);
  if (live !== state.live || live.info || !result.ok) return;
  const detail = result.data;
  live.eta = detail.eta_seconds;
  live.elapsed = detail.elapsed_seconds;
  if (detail.epochs_planned) live.planned = detail.epochs_planned;
  if (isActive(detail.state)) {
    live.state = detail.state;
  } else if (!live.events) {
    for (const point of detail.epochs || []) live.epochs.set(point.epoch, point);
    finishLive(live, detail);
    return;
  }
  renderLive();
}

export const livePoller = poller(pollLive, 1000, () => Boolean(state.live && !state.live.info));

export async function onStop() {
  const live = state.live;
  if (!live) return;
  const button = $('#stop-button');
  button.disabled = true;
  const result = await api('DELETE', `/api/runs/${encodeURIComponent(live.id)}`);
  if (result.status === 202) {
    live.stopping = true;
  } else if (result.ok && result.data.state === 'interrupted' && !live.info) {
    // It was still queued: stopped at once (the event stream says so too).
    live.state = 'interrupted';
  } else if (!result.ok) {
    $('#live-message').textContent = result.data.error || '';
  }
  renderLive();
}

export const livePoints = (live) => [...live.epochs.values()].sort((a, b) => a.epoch - b.epoch);

export function renderLive() {
  const live = state.live;
  const badge = $('#run-state');
  const nameLabel = $('#live-run-name');
  const progress = $('#live-progress');
  const progressText = $('#live-progress-text');
  const message = $('#live-message');
  const stop = $('#stop-button');

  if (!live) {
    nameLabel.textContent = t('live.none');
    nameLabel.classList.add('muted');
    badge.textContent = '';
    badge.dataset.state = '';
    stop.disabled = true;
    progress.value = 0;
    progressText.textContent = '';
    message.textContent = '';
    drawLive();
    return;
  }
  // A run that has ended is no longer stopping, however its end was learnt.
  if (!isActive(live.state)) live.stopping = false;
  const points = livePoints(live);
  const shownState = live.stopping && !live.info ? 'stopping' : live.state;
  nameLabel.textContent = live.name;
  nameLabel.classList.remove('muted');
  badge.textContent = t(`state.${shownState}`);
  badge.dataset.state = shownState;
  stop.disabled = !isActive(live.state) || live.stopping;

  const done = points.length ? points[points.length - 1].epoch : 0;
  const planned = live.planned || done || 1;
  progress.max = planned;
  progress.value = Math.min(done, planned);
  const parts = [];
  if (live.state === 'queued') parts.push(t('live.waiting'));
  else if (live.info && Number.isFinite(live.elapsed)) parts.push(t('live.finished', { k: done, n: planned, time: formatDuration(live.elapsed) }));
  else if (live.info) parts.push(t('live.finished_short', { k: done, n: planned }));
  else parts.push(t('live.progress', { k: done, n: planned }));
  if (live.state === 'running' && !live.stopping && Number.isFinite(live.eta)) parts.push(t('live.eta', { time: formatDuration(live.eta) }));
  progressText.textContent = parts.join(' · ');

  // The final accuracies are the last epoch's, rounded like the CSV's reader would.
  const finished = Boolean(live.info);
  const last = points[points.length - 1];
  $('#final-train-acc').textContent = finished && last ? formatAccuracy(last.train_acc) : '—';
  $('#final-test-acc').textContent = finished && last ? formatAccuracy(last.test_acc) : '—';

  let text = '';
  if (live.stopping) text = t('live.stopping');
  else if (live.reconnecting) text = t('live.reconnecting');
  else if (live.state === 'diverged') text = [t('live.diverged'), live.info && live.info.advice ? t(live.info.advice.code, live.info.advice.params) : ''].join(' ').trim();
  else if (live.state === 'failed') text = (live.info && live.info.error) || t('state.failed');
  else if (live.state === 'interrupted' && finished) text = done > 0 ? t('live.interrupted', { k: done }) : t('live.stopped_queued');
  message.textContent = text;
  message.dataset.kind = live.state === 'failed' || live.state === 'diverged' ? 'error' : '';
  drawLive();
}

export const scheduleLiveDraw = frameScheduler(() => renderLive());

export function drawLive() {
  const host = $('#live-chart');
  const live = state.live;
  const points = live ? livePoints(live) : [];
  const planned = (live && live.planned) || Number(state.config && state.config.defaults.epochs) || 100;
  const xMax = Math.max(planned, points.length ? points[points.length - 1].epoch : 0);
  const series = {
    train: { label: t('legend.train'), color: COLORS.train, marker: 'circle', points: points.map((p) => ({ x: p.epoch, y: p.train_acc })) },
    test: { label: t('legend.test'), color: COLORS.test, marker: 'square', points: points.map((p) => ({ x: p.epoch, y: p.test_acc })) },
    loss: { label: t('legend.loss'), color: COLORS.loss, width: 1.5, points: points.map((p) => ({ x: p.epoch, y: p.train_loss })) },
  };
  const lossMax = niceCeil(Math.max(0.5, ...series.loss.points.map((p) => p.y).filter(Number.isFinite)));
  const last = points[points.length - 1];
  renderLegend($('#live-legend'), [
    { ...series.train, value: last ? formatAccuracy(last.train_acc) : '' },
    { ...series.test, value: last ? formatAccuracy(last.test_acc) : '' },
    { ...series.loss, value: last ? formatLoss(last.train_loss) : '' },
  ]);
  const byEpoch = new Map(points.map((p) => [p.epoch, p]));
  drawChart(host, {
    xMax,
    xLabel: t('chart.epoch'),
    markerEvery: Math.max(1, Math.ceil(xMax / 30)),
    height: (width) => Math.max(280, Math.min(390, width * 0.64)),
    empty: points.length === 0 ? (live && live.state === 'queued' ? t('live.waiting') : live ? '' : t('live.empty')) : null,
    ariaLabel: `${t('chart.live_label', { name: live ? live.name : '—', k: points.length })} ${t('chart.keys')}`,
    panels: [
      { weight: 2.2, yMin: 0, yMax: 1, yLabel: t('chart.accuracy'), series: [series.train, series.test] },
      { weight: 1, yMin: 0, yMax: lossMax, yLabel: t('chart.loss'), series: [series.loss] },
    ],
    readout: (x) => {
      const p = byEpoch.get(x);
      if (!p) return null;
      return {
        title: `${t('chart.epoch')} ${x}`,
        rows: [
          { ...series.train, value: formatAccuracy(p.train_acc) },
          { ...series.test, value: formatAccuracy(p.test_acc) },
          { ...series.loss, value: formatLoss(p.train_loss) },
        ],
      };
    },
  });
  host.dataset.epochs = String(points.length);
}

/** The Runs table's row of the live run follows its epochs as they stream in, not only at
 * the table's next refresh. */
export function keepRunRowInStep(live, epoch) {
  const run = state.runs.find((candidate) => candidate.id === live.id);
  if (!run || run.epochs_completed >= epoch) return;
  run.epochs_completed = epoch;
  if (run.state === 'queued') run.state = 'running';
  renderRuns();
}
