// scratchnet lab — The Predict tab: a 28×28 drawing (shown ×10) or a test image, through the chosen networks.

import { t } from './messages.js';
import { $, el, api } from './util.js';
import { state } from './state.js';
import { setMessage, say } from './train.js';

export const SIDE = 28;
export const INK = '17, 24, 39';

export const drawing = { active: false, last: null };

export function canvasPoint(canvas, event) {
  const box = canvas.getBoundingClientRect();
  return {
    x: ((event.clientX - box.left) / box.width) * canvas.width,
    y: ((event.clientY - box.top) / box.height) * canvas.height,
  };
}

export function setupDrawing() {
  const canvas = $('#draw-canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  // A pen about 2 of MNIST's pixels wide once the digit is scaled into its 20×20 box.
  const penWidth = canvas.width / 12;
  const stroke = (from, to) => {
    context.strokeStyle = `rgb(${INK})`;
    context.fillStyle = `rgb(${INK})`;
    context.lineWidth = penWidth;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  };
  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing.active = true;
    drawing.last = canvasPoint(canvas, event);
    stroke(drawing.last, drawing.last);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing.active) return;
    const point = canvasPoint(canvas, event);
    stroke(drawing.last, point);
    drawing.last = point;
  });
  const end = () => {
    if (!drawing.active) return;
    drawing.active = false;
    state.image = { kind: 'drawing', pixels: null };
    updatePreview();
    renderImageSource();
    predictSoon();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
}

/**
 * The drawing as MNIST's preprocessing made its images: the ink's bounding box scaled
 * (by area averaging) into 20×20, then placed in 28×28 with its centre of mass in the
 * middle. Null when nothing is drawn.
 */
export function drawingPixels() {
  const canvas = $('#draw-canvas');
  const size = canvas.width;
  const alpha = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, size, size).data;
  let minX = size, minY = size, maxX = -1, maxY = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (alpha[(y * size + x) * 4 + 3] > 20) {
        minX = Math.min(minX, x); maxX = Math.max(maxX, x);
        minY = Math.min(minY, y); maxY = Math.max(maxY, y);
      }
    }
  }
  if (maxX < 0) return null;
  const width = maxX - minX + 1;
  const height = maxY - minY + 1;
  const scale = 20 / Math.max(width, height);
  const boxWidth = Math.max(1, Math.round(width * scale));
  const boxHeight = Math.max(1, Math.round(height * scale));
  const sums = new Float64Array(boxWidth * boxHeight);
  const counts = new Float64Array(boxWidth * boxHeight);
  for (let y = minY; y <= maxY; y++) {
    const by = Math.min(boxHeight - 1, Math.floor((y - minY) * scale));
    for (let x = minX; x <= maxX; x++) {
      const bx = Math.min(boxWidth - 1, Math.floor((x - minX) * scale));
      sums[by * boxWidth + bx] += alpha[(y * size + x) * 4 + 3] / 255;
      counts[by * boxWidth + bx] += 1;
    }
  }
  let mass = 0, cx = 0, cy = 0;
  const box = Array.from(sums, (sum, i) => (counts[i] ? sum / counts[i] : 0));
  box.forEach((value, i) => {
    mass += value;
    cx += value * (i % boxWidth);
    cy += value * Math.floor(i / boxWidth);
  });
  cx = mass ? cx / mass : boxWidth / 2;
  cy = mass ? cy / mass : boxHeight / 2;
  const offsetX = Math.max(0, Math.min(SIDE - boxWidth, Math.round(SIDE / 2 - 0.5 - cx)));
  const offsetY = Math.max(0, Math.min(SIDE - boxHeight, Math.round(SIDE / 2 - 0.5 - cy)));
  const pixels = new Array(SIDE * SIDE).fill(0);
  box.forEach((value, i) => {
    pixels[(offsetY + Math.floor(i / boxWidth)) * SIDE + offsetX + (i % boxWidth)] = Math.min(1, value);
  });
  return pixels;
}

/** The 784 pixels to send: a test image's own, or the drawing's. */
export function currentPixels() {
  if (!state.image) return null;
  if (state.image.kind === 'test') return state.image.pixels;
  return drawingPixels();
}

export function paintPixels(canvas, pixels) {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const cell = canvas.width / SIDE;
  context.clearRect(0, 0, canvas.width, canvas.height);
  pixels.forEach((value, i) => {
    if (value <= 0) return;
    context.fillStyle = `rgba(${INK}, ${value})`;
    context.fillRect((i % SIDE) * cell, Math.floor(i / SIDE) * cell, cell, cell);
  });
}

export function updatePreview() {
  paintPixels($('#input-preview'), currentPixels() || []);
}

export function clearDrawing() {
  const canvas = $('#draw-canvas');
  canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
  state.image = null;
  state.predictions = null;
  updatePreview();
  renderImageSource();
  renderPredictions();
  setMessage($('#predict-message'), '');
}

export async function randomImage() {
  const result = await api('GET', '/api/test-images/random');
  if (!result.ok) {
    setMessage($('#predict-message'), result.data.error || '', 'error');
    return;
  }
  const { index, label, pixels } = result.data;
  state.image = { kind: 'test', index, label, pixels };
  paintPixels($('#draw-canvas'), pixels);
  updatePreview();
  renderImageSource();
  await predict();
}

export function renderImageSource() {
  const image = state.image;
  const text = !image ? '' : image.kind === 'test' ? t('predict.test_image', { index: image.index, label: image.label }) : t('predict.drawing');
  $('#image-source').textContent = text;
}

export let predictTimer = null;
export function predictSoon() {
  clearTimeout(predictTimer);
  predictTimer = setTimeout(predict, 250);
}

export async function predict() {
  clearTimeout(predictTimer);
  const message = $('#predict-message');
  const pixels = currentPixels();
  if (!pixels) {
    say(message, 'predict.empty', null, 'error');
    return;
  }
  say(message, 'predict.working');
  const runs = state.unasked.size ? askedRuns() : undefined;
  const result = await api('POST', '/api/predict', { pixels, runs });
  if (!result.ok) {
    setMessage(message, result.data.error || '', 'error');
    return;
  }
  state.predictions = (result.data.predictions || []).slice().sort((a, b) => a.run.localeCompare(b.run));
  if (state.predictions.length) setMessage(message, '');
  else say(message, 'predict.none');
  renderPredictions();
}

export function renderPredictions() {
  const container = $('#predictions');
  if (state.predictions === null) {
    container.replaceChildren(el('p', { class: 'muted predict-hint', text: t('predict.hint') }));
    return;
  }
  const predictions = state.predictions;
  const label = state.image && state.image.kind === 'test' ? state.image.label : null;
  container.replaceChildren(...predictions.map((prediction) => {
    const best = prediction.predicted;
    const verdict = label === null ? null : best === label ? 'correct' : 'wrong';
    const bars = prediction.probabilities.map((probability, digit) => {
      const percent = `${(probability * 100).toFixed(1)}%`;
      const bar = el('li', { class: `bar${digit === best ? ' bar-best' : ''}`, 'data-digit': digit, title: t('predict.bar', { digit, p: percent }) }, [
        el('span', { class: 'bar-track' }, el('span', { class: 'bar-fill' })),
        el('span', { class: 'bar-digit', text: String(digit) }),
        el('span', { class: 'visually-hidden', text: percent }),
      ]);
      $('.bar-fill', bar).style.height = `${Math.max(0, Math.min(1, probability)) * 100}%`;
      return bar;
    });
    return el('div', { class: 'prediction card-inset', 'data-run': prediction.run, 'data-predicted': best }, [
      el('div', { class: 'prediction-head' }, [
        el('span', { class: 'run-name', text: prediction.run }),
        el('span', { class: 'prediction-answer' }, [
          el('span', { class: 'muted', text: t('predict.predicted') }),
          el('strong', { class: 'predicted-digit', text: String(best) }),
          verdict ? el('span', { class: `tag tag-${verdict}`, text: t(`predict.${verdict}`) }) : null,
        ]),
      ]),
      el('ol', { class: 'bars', start: 0 }, bars),
      el('p', { class: 'best-probability', text: `${(prediction.probabilities[best] * 100).toFixed(1)}%` }),
    ]);
  }));
}

/** The runs of this session that can predict (finished, network kept). */
export function runsWithNetworks() {
  return state.runs.filter((run) => run.has_network).map((run) => run.id);
}

/** The runs Predict asks: every one that can, but those the learner unticked. */
export function askedRuns() {
  return runsWithNetworks().filter((id) => !state.unasked.has(id));
}

/** A tick box per run that can predict, so that the learner chooses which networks answer. */
export function renderRunChooser() {
  const ids = runsWithNetworks();
  const box = $('#predict-runs');
  box.hidden = ids.length < 2;
  const list = $('#predict-run-list');
  const shown = [...list.querySelectorAll('input')].map((input) => input.value);
  if (shown.join('\n') === ids.join('\n')) return; // keep focus and ticks as they are
  list.replaceChildren(...ids.map((id) => el('label', {}, [
    el('input', {
      type: 'checkbox',
      value: id,
      'data-predict-run': id,
      checked: !state.unasked.has(id),
      onchange: (event) => {
        if (event.target.checked) state.unasked.delete(id);
        else state.unasked.add(id);
        if (state.image) predictSoon();
      },
    }),
    document.createTextNode(id),
  ])));
}
