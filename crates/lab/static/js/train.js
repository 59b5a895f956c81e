// scratchnet lab — The Train tab: every option, its defaults from the API, checked by the server.

import { language, t, hasText, applyTexts } from './messages.js';
import { $, el, api } from './util.js';
import { state } from './state.js';
import { followRun } from './live.js';
import { runsPoller } from './runs.js';

// How each known option is edited and where it goes. Numbers are text fields so the server
// sees exactly what was typed, and answers with the command line's own message.
export const FIELD_SPECS = {
  dataset: { group: 'data', kind: 'select', choices: () => state.config.datasets },
  train_size: { group: 'data', kind: 'text', inputmode: 'numeric' },
  hidden: { group: 'network', kind: 'text' },
  activation: { group: 'network', kind: 'select', choices: () => ['relu', 'sigmoid'] },
  weight_init: { group: 'network', kind: 'text', suggestions: ['he', 'xavier', '0.01'] },
  batchnorm: { group: 'network', kind: 'checkbox' },
  dropout: { group: 'regularization', kind: 'text', inputmode: 'decimal' },
  dropout_mode: { group: 'regularization', kind: 'select', choices: () => ['book', 'inverted'] },
  weight_decay: { group: 'regularization', kind: 'text', inputmode: 'decimal' },
  optimizer: { group: 'training', kind: 'select', choices: () => state.config.optimizers },
  lr: { group: 'training', kind: 'text', inputmode: 'decimal', optional: true },
  batch_size: { group: 'training', kind: 'text', inputmode: 'numeric' },
  epochs: { group: 'training', kind: 'text', inputmode: 'numeric' },
  eval_samples: { group: 'training', kind: 'text', inputmode: 'numeric', optional: true },
  seed: { group: 'training', kind: 'text', inputmode: 'numeric' },
  out: { group: 'output', kind: 'text', optional: true },
};
export const GROUPS = ['data', 'network', 'regularization', 'training', 'output', 'other'];
export const OPTIMIZER_LABELS = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', adagrad: 'AdaGrad', rmsprop: 'RMSprop', adam: 'Adam' };

/** The option names the form shows: the API's list, then the run name. */
export function formFields() {
  const names = (state.config.fields || []).map((field) => (typeof field === 'string' ? field : field.name));
  return [...names.filter((name) => name !== 'out'), 'out'];
}

export const specOf = (name) => FIELD_SPECS[name] || { group: 'other', kind: 'text' };
export const inputOf = (name) => document.getElementById(`option-${name}`);

/** A default as the form shows it: lists comma-separated, `null` as an empty field. */
export function defaultText(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

export function choiceLabel(name, value) {
  if (name === 'optimizer') return OPTIMIZER_LABELS[value] || value;
  return hasText(`choice.${value}`) ? t(`choice.${value}`) : value;
}

export function buildField(name) {
  const spec = specOf(name);
  const id = `option-${name}`;
  const helpId = `help-${name}`;
  const errorId = `error-${name}`;
  const flag = name.replace(/_/g, '-');
  const described = `${helpId} ${errorId}`;
  let control;
  if (spec.kind === 'select') {
    control = el('select', { id, name, 'aria-describedby': described }, spec.choices().map((value) =>
      el('option', { value, 'data-i18n': name !== 'optimizer' && hasText(`choice.${value}`) ? `choice.${value}` : null, text: choiceLabel(name, value) })));
  } else if (spec.kind === 'checkbox') {
    control = el('label', { class: 'check' }, [
      el('input', { type: 'checkbox', id, name, 'aria-describedby': described }),
      el('span', { 'data-i18n': 'field.batchnorm.check', text: t('field.batchnorm.check') }),
    ]);
  } else {
    control = el('input', {
      type: 'text', id, name, inputmode: spec.inputmode, autocomplete: 'off', spellcheck: 'false',
      list: spec.suggestions ? `${id}-suggestions` : null, 'aria-describedby': described,
      'data-i18n-placeholder': hasText(`field.${name}.placeholder`) ? `field.${name}.placeholder` : null,
    });
  }
  const labelKey = hasText(`field.${name}.label`) ? `field.${name}.label` : null;
  const helpKey = hasText(`field.${name}.help`) ? `field.${name}.help` : 'field.generic.help';
  const helpParams = JSON.stringify({ flag, images: (state.config.train_images ?? '').toLocaleString('en') });
  return el('div', { class: `field field-${spec.kind}`, 'data-field': name }, [
    el('div', { class: 'field-label-row' }, [
      el('label', { for: id, id: `label-${name}`, 'data-i18n': labelKey, text: labelKey ? t(labelKey) : name }),
      el('code', { class: 'flag', text: `--${flag}` }),
    ]),
    control,
    spec.suggestions ? el('datalist', { id: `${id}-suggestions` }, spec.suggestions.map((value) => el('option', { value }))) : null,
    // The server's message goes right under the input, where the eye is.
    el('p', { id: errorId, class: 'field-error', hidden: true }),
    el('p', { id: helpId, class: 'help', 'data-i18n': helpKey, 'data-i18n-params': helpParams, text: t(helpKey, JSON.parse(helpParams)) }),
  ]);
}

export function buildForm() {
  const container = $('#run-fields');
  const groups = new Map(GROUPS.map((group) => [group, []]));
  for (const name of formFields()) groups.get(specOf(name).group).push(buildField(name));
  container.replaceChildren(
    ...[...groups].filter(([, fields]) => fields.length > 0).map(([group, fields]) =>
      el('fieldset', { class: `group group-${group}` }, [el('legend', { 'data-i18n': `group.${group}`, text: t(`group.${group}`) }), ...fields])),
  );
  applyTexts(container);
  fillDefaults();
  container.addEventListener('input', onFormEdit);
  container.addEventListener('change', onFormEdit);
}

export function fillDefaults() {
  const defaults = state.config.defaults || {};
  for (const name of formFields()) {
    const input = inputOf(name);
    if (!input) continue;
    if (input.type === 'checkbox') input.checked = Boolean(defaults[name]);
    else input.value = defaultText(defaults[name]);
  }
  showFieldError(null);
}

/** The form as the API's options: text as typed, empty optional fields as null. */
export function formOptions() {
  const options = {};
  for (const name of formFields()) {
    const input = inputOf(name);
    if (!input) continue;
    if (input.type === 'checkbox') {
      options[name] = input.checked;
      continue;
    }
    const text = input.value.trim();
    if (name === 'out') {
      if (text !== '') options.out = text;
    } else {
      options[name] = text === '' && specOf(name).optional ? null : text;
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
