// scratchnet lab: the page's script, as ES modules served by the lab itself (no framework, no
// build step, nothing loaded from elsewhere); this is the entry module: loads the texts and the options, wires the buttons, starts polling.

import { language, t, setLanguage } from './js/messages.js';
import { $, api, showConnectionError } from './js/util.js';
import { redrawOnResize } from './js/charts.js';
import { state } from './js/state.js';
import { buildForm, fillDefaults, say, validateForm, onRun } from './js/train.js';
import { onStop, renderLive, drawLive } from './js/live.js';
import { runsPoller, renderOverlay, presetFigure623, clearSelection } from './js/runs.js';
import { experimentsPoller, buildExperimentCards } from './js/experiments.js';
import { setupDrawing, clearDrawing, randomImage, predict } from './js/predict.js';

/** Retries `task` every 2 s until it succeeds (the server may be starting or restarting). */
async function untilDone(task) {
  for (;;) {
    try {
      const result = await task();
      if (result !== false) return result;
    } catch (error) {
      showConnectionError(error.message || String(error));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export async function start() {
  await untilDone(() => setLanguage(language, false));
  showConnectionError(null);
  $('#lang-switch').addEventListener('click', () => setLanguage(language === 'ja' ? 'en' : 'ja'));
  $('#run-form').addEventListener('submit', onRun);
  $('#reset-button').addEventListener('click', () => {
    fillDefaults();
    validateForm();
    say($('#run-message'), 'run.reset_done');
  });
  $('#stop-button').addEventListener('click', onStop);
  $('#preset-fig-6-23').addEventListener('click', presetFigure623);
  $('#clear-selection').addEventListener('click', clearSelection);
  $('#predict-button').addEventListener('click', predict);
  $('#random-image-button').addEventListener('click', randomImage);
  $('#clear-button').addEventListener('click', clearDrawing);
  setupDrawing();
  const liveHost = $('#live-chart');
  const overlayHost = $('#overlay-chart');
  redrawOnResize(liveHost, () => state.config && drawLive());
  redrawOnResize(overlayHost, () => state.config && renderOverlay());

  const config = await untilDone(async () => {
    const answer = await api('GET', '/api/config');
    return answer.ok ? answer : false;
  });
  state.config = config.data;
  buildForm();
  buildExperimentCards();
  renderLive();
  renderOverlay();
  validateForm();
  runsPoller.kick();
  experimentsPoller.kick();
}

window.scratchnetLab = { state, t, setLanguage };
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
