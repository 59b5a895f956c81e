// scratchnet lab — Small helpers: the DOM, numbers, the API.

import { language, t } from './messages.js';
import { say } from './train.js';

export const $ = (selector, root = document) => root.querySelector(selector);

/** A new element: `attrs` are attributes (`text` sets the text, `on*` adds listeners). */
export function el(tag, attrs = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') element.textContent = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined) element.append(child);
  }
  return element;
}

/** An accuracy as the CSV would round it: exactly four decimals, e.g. 0.5933. */
export const formatAccuracy = (value) => (Number.isFinite(value) ? value.toFixed(4) : '—');

export const formatLoss = (value) => (Number.isFinite(value) ? value.toFixed(4) : '—');

export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 1) return t('time.less_than_second');
  const total = Math.round(seconds);
  if (total < 60) return t('time.seconds', { s: total });
  if (total < 3600) return t('time.minutes', { m: Math.floor(total / 60), s: total % 60 });
  return t('time.hours', { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60) });
}

export const isActive = (stateName) => stateName === 'queued' || stateName === 'running';

/**
 * One call of the lab's API: `{ok, status, data}`, `data` being the JSON answer (`{error}`
 * for a refusal). A lost connection is reported in the banner and rethrown.
 */
export async function api(method, path, body) {
  // The server answers its errors in the page's language.
  const init = { method, headers: { Accept: 'application/json', 'Accept-Language': language } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    showConnectionError(error.message || String(error));
    throw error;
  }
  showConnectionError(null);
  let data = {};
  try {
    data = (await response.json()) ?? {};
  } catch (_) {
    data = { error: response.statusText };
  }
  return { ok: response.ok, status: response.status, data };
}

export function showConnectionError(detail) {
  const banner = $('#connection-error');
  banner.hidden = detail === null;
  if (detail !== null) say(banner, 'error.connection', { detail }, 'error');
}

/**
 * Runs `task` every `ms` while `wanted()` says so; `kick()` runs it now (and starts it again
 * after a pause). One task at a time: a kick during a task runs it once more afterwards.
 */
export function poller(task, ms, wanted) {
  let timer = null;
  let running = false;
  let again = false;
  const tick = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } catch (_) {
      // A lost connection is already in the banner; keep trying.
    }
    running = false;
    if (again || wanted()) timer = setTimeout(tick, again ? 0 : ms);
    again = false;
  };
  return {
    kick() {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(tick, 0);
    },
  };
}
