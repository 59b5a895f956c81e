// scratchnet lab — The texts: the language, the message table loaded from the server (GET /api/messages), and filling the page with it.

import { $ } from './util.js';
import { renderLive } from './live.js';
import { renderRuns, renderOverlay } from './runs.js';
import { renderExperiments } from './experiments.js';
import { renderImageSource, renderPredictions } from './predict.js';
import { loadOptions, renderOptionTexts } from './train.js';

export const LANGUAGES = ['en', 'ja'];
export const LANGUAGE_KEY = 'scratchnet-lab-language';

// The language: the visitor's last choice on this page, else the browser's (ja* → Japanese).
export function initialLanguage() {
  try {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    if (LANGUAGES.includes(stored)) return stored;
  } catch (_) {
    // Storage can be disabled; the browser's language still decides.
  }
  const preferred = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return preferred.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export let language = initialLanguage();

// The message table in the current language: every key and its text, from the server's one
// table of English and Japanese (the same texts the command line and the API use).
let table = {};

/** Loads the message table of `lang` from the server. */
export async function loadTexts(lang) {
  const response = await fetch(`/api/messages?lang=${encodeURIComponent(lang)}`, {
    headers: { Accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`GET /api/messages: ${response.status}`);
  table = (await response.json()).messages ?? {};
}

/** The text of `key` in the current language, `{name}` placeholders filled from `params`. */
export function t(key, params) {
  const text = table[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Whether `key` has a text (for optional texts such as an unknown option's help). */
export function hasText(key) {
  return key in table;
}

/** Fills every element marked with data-i18n* under `root` with the current language. */
export function applyTexts(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n, element.dataset.i18nParams && JSON.parse(element.dataset.i18nParams));
  }
  for (const element of root.querySelectorAll('[data-i18n-placeholder]')) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
  for (const element of root.querySelectorAll('[data-i18n-aria-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nAriaLabel));
  }
}

/** Switches the page to `next` without reloading (its texts are loaded first); `remember` keeps
 * the choice for next time. */
export async function setLanguage(next, remember = true) {
  await Promise.all([loadTexts(next), loadOptions(next)]);
  language = next;
  if (remember) {
    try {
      localStorage.setItem(LANGUAGE_KEY, next);
    } catch (_) {
      // Not remembered; the switch still works for this visit.
    }
  }
  document.documentElement.lang = next;
  document.title = t('doc.title');
  const button = $('#lang-switch');
  button.textContent = t('lang.other');
  button.lang = t('lang.other_code');
  button.setAttribute('aria-label', t('lang.switch_label'));
  applyTexts(document);
  // The parts drawn from data say their words again.
  renderOptionTexts();
  renderLive();
  renderRuns();
  renderOverlay();
  renderExperiments();
  renderPredictions();
  renderImageSource();
}
