// scratchnet lab — The Train tab: every option, its defaults from the API, checked by the server.

import { language, t, hasText, applyTexts } from './messages.js';
import { $, el, api } from './util.js';
import { state } from './state.js';
import { followRun } from './live.js';
import { runsPoller } from './runs.js';

// The form is drawn from the server's one description of the options (GET /api/options): their
// names, kinds, defaults, choices, groups, labels and help in the page's language. Numbers are
// text fields so the server sees exactly what was typed, and answers with the command line's own
// message. Only the run name (`out`) is the page's own field.
export const RUN_NAME = { name: 'out', kind: 'text', group: 'output', default: null };

/** The options as GET /api/options describes them, then the run name. */
export function formSpecs() {
  return [...((state.options && state.options.options) || []), RUN_NAME];
}

export const specOf = (name) => formSpecs().find((spec) => spec.name === name) || { name, kind: 'text', group: 'other' };
export const inputOf = (name) => document.getElementById(`option-${name}`);
const INPUT_MODES = { integer: 'numeric', number: 'decimal' };

/** Loads the options' description in `lang` (labels and help follow the page's language). */
export async function loadOptions(lang) {
  const answer = await api('GET', `/api/options?lang=${encodeURIComponent(lang)}`);
  if (!answer.ok) throw new Error(`GET /api/options: ${answer.status}`);
  state.options = answer.data;
}

/** A default as the form shows it: lists comma-separated, `null` as an empty field. */
export function defaultText(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** How a choice reads on the page: its text in the message table, else its name. */
export function choiceLabel(value) {
  return hasText(`choice.${value}`) ? t(`choice.${value}`) : value;
}

function fieldControl(spec, described) {
  const { name } = spec;
  const id = `option-${name}`;
  if (spec.kind === 'choice') {
    return el('select', { id, name, 'aria-describedby': described }, spec.choices.map((value) =>
      el('option', { value, 'data-choice': value, text: choiceLabel(value) })));
  }
  if (spec.kind === 'flag') {
    return el('label', { class: 'check' }, [
      el('input', { type: 'checkbox', id, name, 'aria-describedby': described }),
      el('span', { class: 'flag-check', 'data-option': name, text: t('field.flag.check', { label: spec.label }) }),
    ]);
  }
  const suggests = spec.kind === 'choice_or_number' && spec.choices.length > 0;
  return el('input', {
    type: 'text', id, name, inputmode: INPUT_MODES[spec.kind], autocomplete: 'off', spellcheck: 'false',
    list: suggests ? `${id}-suggestions` : null, 'aria-describedby': described,
    'data-i18n-placeholder': hasText(`field.${name}.placeholder`) ? `field.${name}.placeholder` : null,
  });
}

export function buildField(spec) {
  const { name } = spec;
  const id = `option-${name}`;
  const helpId = `help-${name}`;
  const errorId = `error-${name}`;
  const described = `${helpId} ${errorId}`;
  const own = spec === RUN_NAME;
  const flag = spec.flag || `--${name.replace(/_/g, '-')}`;
  const suggests = spec.kind === 'choice_or_number' && spec.choices.length > 0;
  return el('div', { class: `field field-${spec.kind}`, 'data-field': name }, [
    el('div', { class: 'field-label-row' }, [
      el('label', { for: id, id: `label-${name}`, 'data-i18n': own ? 'field.out.label' : null, text: own ? t('field.out.label') : spec.label }),
      spec.section ? el('span', { class: 'section', text: `§${spec.section}` }) : null,
      el('code', { class: 'flag', text: flag }),
    ]),
    fieldControl(spec, described),
    suggests ? el('datalist', { id: `${id}-suggestions` }, spec.choices.map((value) => el('option', { value }))) : null,
    // The server's message goes right under the input, where the eye is.
    el('p', { id: errorId, class: 'field-error', hidden: true }),
    el('p', { id: helpId, class: 'help', 'data-i18n': own ? 'field.out.help' : null, text: own ? t('field.out.help') : spec.help }),
  ]);
}

export function buildForm() {
  const container = $('#run-fields');
  const groups = new Map();
  for (const spec of formSpecs()) {
    if (!groups.has(spec.group)) groups.set(spec.group, []);
    groups.get(spec.group).push(buildField(spec));
  }
  container.replaceChildren(
    ...[...groups].map(([group, fields]) =>
      el('fieldset', { class: `group group-${group}` }, [el('legend', { 'data-i18n': `group.${group}`, text: t(`group.${group}`) }), ...fields])),
  );
  applyTexts(container);
  fillDefaults();
  container.addEventListener('input', onFormEdit);
  container.addEventListener('change', onFormEdit);
}

/** Says the options' labels, help and choices again in the page's (new) language. */
export function renderOptionTexts() {
  for (const spec of formSpecs()) {
    if (spec === RUN_NAME) continue;
    const label = document.getElementById(`label-${spec.name}`);
    if (label) label.textContent = spec.label;
    const help = document.getElementById(`help-${spec.name}`);
    if (help) help.textContent = spec.help;
  }
  for (const option of document.querySelectorAll('#run-fields option[data-choice]')) {
    option.textContent = choiceLabel(option.dataset.choice);
  }
  for (const check of document.querySelectorAll('#run-fields .flag-check')) {
    check.textContent = t('field.flag.check', { label: specOf(check.dataset.option).label });
  }
}

export function fillDefaults() {
  for (const spec of formSpecs()) {
    const input = inputOf(spec.name);
    if (!input) continue;
    if (input.type === 'checkbox') input.checked = Boolean(spec.default);
    else input.value = defaultText(spec.default);
  }
  showFieldError(null);
}

/** The form as the API's options: text as typed, empty fields without a default as null. */
export function formOptions() {
  const options = {};
  for (const spec of formSpecs()) {
    const { name } = spec;
    const input = inputOf(name);
    if (!input) continue;
    if (input.type === 'checkbox') {
      options[name] = input.checked;
      continue;
    }
    const text = input.value.trim();
    if (spec === RUN_NAME) {
      if (text !== '') options.out = text;
    } else {
      options[name] = text === '' && spec.default === null ? null : text;
    }
  }
  return options;
}

/** Shows the server's one-line message under its field, or clears every message. */
export function showFieldError(problem) {
  for (const element of document.querySelectorAll('.field-error')) {
    element.hidden = true;
    element.textContent = '';
  }
  for (const element of document.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
  for (const element of document.querySelectorAll('.field.invalid')) element.classList.remove('invalid');
  const message = $('#run-message');
  if (message.dataset.kind === 'error') setMessage(message, '');
  if (!problem) return;
  const slot = problem.field && document.getElementById(`error-${problem.field}`);
  if (slot) {
    // Under its own field the message need not repeat the field's name.
    const prefix = `${problem.field}: `;
    slot.textContent = problem.error.startsWith(prefix) ? problem.error.slice(prefix.length) : problem.error;
    slot.hidden = false;
    slot.closest('.field').classList.add('invalid');
    inputOf(problem.field)?.setAttribute('aria-invalid', 'true');
  } else {
    setMessage(message, problem.error, 'error');
  }
}

/** Shows text from the server (or nothing) in a message line. */
export function setMessage(element, text, kind = 'info') {
  delete element.dataset.i18n;
  delete element.dataset.i18nParams;
  element.textContent = text;
  element.dataset.kind = text ? kind : '';
}

/** Shows the page's own message `key` in a message line; it follows language switches. */
export function say(element, key, params, kind = 'info') {
  element.dataset.i18n = key;
  if (params) element.dataset.i18nParams = JSON.stringify(params);
  else delete element.dataset.i18nParams;
  element.textContent = t(key, params);
  element.dataset.kind = kind;
}

export let validateTimer = null;
export let validateSequence = 0;

export function onFormEdit() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validateForm, 350);
}

/** Asks the server whether the form is a valid run; the answer of the newest edit wins. */
export async function validateForm() {
  clearTimeout(validateTimer);
  const sequence = ++validateSequence;
  const result = await api('POST', '/api/validate', formOptions());
  if (sequence !== validateSequence) return null;
  if (result.ok) {
    showFieldError(null);
    // Fixed: the form's own complaint goes too.
    const message = $('#run-message');
    if (['run.invalid', 'run.checking'].includes(message.dataset.i18n)) setMessage(message, '');
    inputOf('out').placeholder = result.data.name || '';
  } else {
    showFieldError(result.data);
  }
  return result;
}

export async function onRun(event) {
  event.preventDefault();
  const button = $('#run-button');
  const message = $('#run-message');
  button.disabled = true;
  try {
    say(message, 'run.checking');
    const check = await validateForm();
    if (!check || !check.ok) {
      const field = check && check.data.field;
      if (field && inputOf(field)) inputOf(field).focus();
      // The checking message gives way: to the field's own message, or to nothing.
      if (check && field && inputOf(field)) say(message, 'run.invalid', null, 'error');
      else if (!check || message.dataset.i18n === 'run.checking') setMessage(message, '');
      return;
    }
    const options = formOptions();
    const result = await api('POST', '/api/runs', options);
    if (result.status === 202) {
      const planned = Number(check.data.config && check.data.config.epochs) || null;
      say(message, 'run.started', { name: result.data.name });
      followRun(result.data.id, result.data.name, planned);
      runsPoller.kick();
      // On a narrow window the live panel is below the form: bring it into view.
      const panel = $('.live-panel');
      if (panel.getBoundingClientRect().top > window.innerHeight) panel.scrollIntoView({ block: 'start' });
    } else if (result.status === 400) {
      showFieldError(result.data);
      say(message, 'run.invalid', null, 'error');
    } else {
      setMessage(message, result.data.error || t('error.unexpected', { status: result.status, detail: '' }), 'error');
    }
  } catch (_) {
    setMessage(message, '');
  } finally {
    button.disabled = false;
  }
}
