/**
 * The submit form, generated from GET /v1/pipelines: a pipeline picker, the input (a file uploaded with
 * progress, an object key already in the bucket, or an https URL), and one field per params property of the
 * pipeline's JSON Schema (enum -> select, integer/number -> number with its bounds, boolean -> checkbox).
 * Empty fields are left out: the API applies the defaults the schema states.
 */
import { api, upload } from './api.js';
import { bytes, fill, go, h, progressBar } from './dom.js';

export function submitView() {
  const el = h('section', { class: 'submit' }, h('h1', {}, 'Submit a job'), h('p', { class: 'muted' }, 'Loading pipelines…'));
  api('GET', '/v1/pipelines')
    .then(({ pipelines }) => fill(el, h('h1', {}, 'Submit a job'), form(pipelines)))
    .catch((err) => fill(el, h('h1', {}, 'Submit a job'), h('p', { class: 'error', role: 'alert' }, err.message)));
  return { el, title: 'Submit' };
}

function form(pipelines) {
  const picker = h(
    'select',
    { id: 'pipeline', name: 'pipeline', onchange: () => renderFields() },
    pipelines.map((p) => h('option', { value: p.name }, p.name)),
  );
  const about = h('p', { class: 'muted' });
  const fields = h('fieldset', { class: 'params' });
  const source = h(
    'select',
    { id: 'source', name: 'source', onchange: () => renderInput() },
    h('option', { value: 'file' }, 'Upload a file'),
    h('option', { value: 'key' }, 'Object key in the bucket'),
    h('option', { value: 'url' }, 'https URL'),
  );
  const inputBox = h('div', { class: 'input-box' });
  const uploadState = h('div', { class: 'upload', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Submit');
  let inputField;
  const pipeline = () => pipelines.find((p) => p.name === picker.value);

  const renderInput = () => {
    const kinds = pipeline().inputKinds.join(' or ');
    inputField =
      source.value === 'file'
        ? h('input', { id: 'input', name: 'file', type: 'file', required: true })
        : h('input', {
            id: 'input',
            name: source.value,
            type: source.value === 'url' ? 'url' : 'text',
            required: true,
            placeholder: source.value === 'url' ? 'https://…' : 'uploads/…/clip.mp4',
          });
    fill(inputBox, h('label', { for: 'input' }, `Input (${kinds})`), inputField);
  };
  const renderFields = () => {
    const p = pipeline();
    fill(about, p.description);
    const props = Object.entries(p.params.properties ?? {});
    fill(
      fields,
      h('legend', {}, 'Params'),
      props.map(([name, schema]) => field(name, schema)),
    );
    renderInput();
  };
  renderFields();

  const onSubmit = async (e) => {
    e.preventDefault();
    fill(error);
    submit.disabled = true;
    try {
      const p = pipeline();
      const input = await readInput();
      const params = readParams(fields, p.params.properties ?? {});
      const job = await api('POST', '/v1/jobs', { pipeline: p.name, input, params });
      go(`/ui/jobs/${encodeURIComponent(job.id)}`);
    } catch (err) {
      fill(error, err.message);
      submit.disabled = false;
    }
  };
  const readInput = async () => {
    if (source.value !== 'file') return { [source.value]: inputField.value.trim() };
    const file = inputField.files[0];
    const show = (loaded, total) =>
      fill(
        uploadState,
        progressBar(total ? (100 * loaded) / total : 0, 'upload progress'),
        h('span', { class: 'pct' }, `${bytes(loaded)} / ${bytes(total || file.size)}`),
      );
    show(0, file.size);
    const key = await upload(file, show);
    fill(uploadState, h('span', { class: 'muted' }, `Uploaded ${file.name} (${bytes(file.size)}) as ${key}`));
    return { key };
  };

  return h(
    'form',
    { class: 'card', onsubmit: (e) => void onSubmit(e) },
    h('label', { for: 'pipeline' }, 'Pipeline'),
    picker,
    about,
    h('label', { for: 'source' }, 'Input from'),
    source,
    inputBox,
    uploadState,
    fields,
    error,
    submit,
  );
}

/** One params field from its JSON Schema. */
function field(name, schema) {
  const id = `param-${name}`;
  const hint = [schema.description, schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : null].filter(Boolean).join(' · ');
  let input;
  if (Array.isArray(schema.enum)) {
    input = h(
      'select',
      { id, name },
      h('option', { value: '' }, schema.default !== undefined ? `default (${schema.default})` : '—'),
      schema.enum.map((v) => h('option', { value: String(v) }, String(v))),
    );
  } else if (schema.type === 'boolean') {
    input = h('input', { id, name, type: 'checkbox', checked: schema.default === true });
  } else if (schema.type === 'integer' || schema.type === 'number') {
    input = h('input', {
      id,
      name,
      type: 'number',
      inputMode: schema.type === 'integer' ? 'numeric' : 'decimal',
      step: schema.type === 'integer' ? '1' : 'any',
      min: schema.minimum ?? schema.exclusiveMinimum,
      max: schema.maximum ?? schema.exclusiveMaximum,
      placeholder: schema.default !== undefined ? String(schema.default) : '',
    });
  } else if (schema.type === 'array' || schema.type === 'object') {
    // Lists (video-compile's clips) as JSON text: the API names what is wrong with it.
    input = h('textarea', { id, name, rows: 2, spellcheck: false, placeholder: JSON.stringify(schema.default ?? (schema.type === 'array' ? [] : {})) });
  } else {
    input = h('input', { id, name, type: 'text', minLength: schema.minLength, maxLength: schema.maxLength, placeholder: schema.default ?? '' });
  }
  input.dataset.type = schema.type ?? 'string';
  return h('div', { class: 'field' }, h('label', { for: id }, name), input, hint ? h('small', {}, hint) : null);
}

/** JSON text as its value; text that is not JSON as it is (the API's 400 names the field). */
function json(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The params object: only the fields filled in (a checkbox: when it differs from its default). */
function readParams(fieldset, properties) {
  const params = {};
  for (const [name, schema] of Object.entries(properties)) {
    const input = fieldset.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!input) continue;
    if (schema.type === 'boolean') {
      if (input.checked !== (schema.default === true)) params[name] = input.checked;
    } else if (input.value !== '') {
      params[name] =
        schema.type === 'integer' || schema.type === 'number'
          ? Number(input.value)
          : schema.type === 'array' || schema.type === 'object'
            ? json(input.value)
            : input.value;
    }
  }
  return params;
}
