// scratchnet lab — The Experiments tab: the chapter's experiments, their progress, figure and verdict.

import { t, hasText, language } from './messages.js';
import { $, el, isActive, api, poller } from './util.js';
import { state } from './state.js';

export const experimentCards = new Map();
export const figureVersions = new Map(); // name → a counter bumped when a new figure is written

// The language the experiments' titles, descriptions, sizes and verdicts were last fetched in.
let loadedLanguage = null;

export async function loadExperiments() {
  const asked = language;
  const result = await api('GET', '/api/experiments');
  if (!result.ok) return;
  loadedLanguage = asked;
  for (const info of result.data.experiments || []) {
    const before = state.experiments.find((e) => e.name === info.name);
    if (before && before.state !== 'completed' && info.state === 'completed') {
      figureVersions.set(info.name, (figureVersions.get(info.name) || 0) + 1);
    }
  }
  state.experiments = result.data.experiments || [];
  // Every experiment the server lists gets a card, not only those the page was built with.
  if (state.experiments.some((e) => !experimentCards.has(e.name))) buildExperimentCards();
  else renderExperiments();
}

export const experimentsPoller = poller(loadExperiments, 1000, () => state.experiments.some((e) => isActive(e.state)));

export function buildExperimentCards() {
  const list = $('#experiment-list');
  list.replaceChildren();
  const known = (state.config.experiments || []).map(({ name, describe }) => ({ name, describe }));
  for (const { name, describe } of state.experiments) {
    if (!known.some((k) => k.name === name)) known.push({ name, describe });
  }
  for (const { name, describe } of known) {
    const titleId = `experiment-${name}-title`;
    const card = el('article', { id: `experiment-${name}`, class: 'card experiment', 'aria-labelledby': titleId }, [
      el('h3', { id: titleId, class: 'experiment-title' }),
      el('p', { class: 'experiment-describe' }),
      el('p', { class: 'experiment-size help' }),
      el('div', { class: 'experiment-actions' }, [
        el('button', { type: 'button', class: 'button button-primary', 'data-action': 'quick', onclick: () => startExperiment(name, true) }),
        el('button', { type: 'button', class: 'button', 'data-action': 'full', onclick: () => startExperiment(name, false) }),
        el('button', { type: 'button', class: 'button button-stop', 'data-action': 'stop', onclick: () => stopExperiment(name) }),
        el('span', { class: 'state-badge', role: 'status' }),
      ]),
      el('div', { class: 'progress-line' }, [el('progress', { max: 1, value: 0 }), el('span', { class: 'progress-text' })]),
      el('p', { class: 'experiment-error', role: 'alert', hidden: true }),
      el('figure', { class: 'experiment-figure', hidden: true }, el('a', { target: '_blank', rel: 'noopener', onclick: toggleEnlarged }, el('img', { alt: '', loading: 'lazy' }))),
      el('div', { class: 'verdict-box', hidden: true }, [el('p', { class: 'verdict-label' }), el('p', { class: 'verdict', lang: 'en' })]),
    ]);
    card._describe = describe;
    experimentCards.set(name, card);
    list.append(card);
  }
  renderExperiments();
}

export function renderExperiments() {
  // After a language switch the server's texts are fetched again in the new language.
  if (loadedLanguage !== null && loadedLanguage !== language) {
    loadedLanguage = null;
    loadExperiments();
  }
  for (const [name, card] of experimentCards) {
    const info = state.experiments.find((e) => e.name === name) || { name, state: 'idle' };
    const titleKey = `exp.${name}.title`;
    const fromServer = loadedLanguage === language;
    $('.experiment-title', card).textContent = fromServer && info.title ? info.title : hasText(titleKey) ? t(titleKey) : name;
    $('.experiment-describe', card).textContent = fromServer && info.describe ? info.describe : hasText(`exp.${name}.describe`) ? t(`exp.${name}.describe`) : card._describe;
    const size = $('.experiment-size', card);
    size.hidden = !(fromServer && info.size);
    size.textContent = fromServer && info.size ? info.size : '';
    const active = isActive(info.state);
    const [quick, full, stop] = card.querySelectorAll('button');
    quick.textContent = t('exp.quick');
    full.textContent = t('exp.full');
    stop.textContent = t('exp.stop');
    quick.disabled = active;
    full.disabled = active;
    stop.disabled = !active;
    const badge = $('.state-badge', card);
    const mode = info.quick === true ? ` · ${t('exp.mode.quick')}` : info.quick === false ? ` · ${t('exp.mode.full')}` : '';
    badge.textContent = t(`state.${info.state}`) + (info.state === 'idle' ? '' : mode);
    badge.dataset.state = info.state;

    const progress = $('progress', card);
    const progressText = $('.progress-text', card);
    const p = info.progress;
    progress.hidden = !p;
    progress.setAttribute('aria-label', t('exp.progress_label', { name: $('.experiment-title', card).textContent }));
    if (p) {
      progress.max = Math.max(1, p.total);
      progress.value = Math.min(p.done, p.total);
      const unitKey = `exp.unit.${p.unit}`;
      progressText.textContent = t('exp.progress', { done: p.done.toLocaleString(), total: p.total.toLocaleString(), unit: hasText(unitKey) ? t(unitKey) : p.unit });
    } else {
      progressText.textContent = '';
    }

    const error = $('.experiment-error', card);
    error.hidden = !info.error;
    error.textContent = info.error || '';

    const figure = $('.experiment-figure', card);
    figure.hidden = !info.figure;
    if (info.figure) {
      const img = $('img', figure);
      const src = `${info.figure}?v=${figureVersions.get(name) || 0}`;
      if (img.getAttribute('src') !== src) {
        img.src = src;
        $('a', figure).href = src;
      }
      $('a', figure).title = t('exp.open_figure');
      img.alt = t('exp.figure_alt', { name: $('.experiment-title', card).textContent });
    }
    const verdictBox = $('.verdict-box', card);
    verdictBox.hidden = !info.verdict;
    $('.verdict-label', card).textContent = t('exp.verdict');
    $('.verdict', card).textContent = info.verdict || '';
    $('.verdict', card).lang = loadedLanguage || 'en';
  }
}

export async function startExperiment(name, quick) {
  const card = experimentCards.get(name);
  const error = $('.experiment-error', card);
  const seedText = $('#experiment-seed').value.trim();
  const result = await api('POST', '/api/experiments', { name, quick, seed: seedText === '' ? 0 : seedText });
  if (result.ok) {
    error.hidden = true;
    experimentsPoller.kick();
  } else {
    error.hidden = false;
    error.textContent = result.data.error || t('error.unexpected', { status: result.status, detail: '' });
  }
}

export async function stopExperiment(name) {
  const result = await api('DELETE', `/api/experiments/${encodeURIComponent(name)}`);
  if (!result.ok) {
    const error = $('.experiment-error', experimentCards.get(name));
    error.hidden = false;
    error.textContent = result.data.error || '';
  }
  experimentsPoller.kick();
}

/** A click on a thumbnail shows the figure over the page; another click (or Escape) puts it
 * back. A click with a modifier key still opens the SVG on its own. */
export function toggleEnlarged(event) {
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  const figure = event.currentTarget.closest('.experiment-figure');
  const enlarged = figure.classList.toggle('enlarged');
  if (enlarged) {
    const close = (key) => {
      if (key.key !== 'Escape') return;
      figure.classList.remove('enlarged');
      document.removeEventListener('keydown', close);
    };
    document.addEventListener('keydown', close);
  }
}
