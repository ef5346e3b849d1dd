import { PIPELINE_NAMES, PIPELINES, type InputKind, type ListInput } from '../../workflows/contracts';
import { paramsJsonSchema } from './params-schema';

/** What `GET /v1/pipelines` says about a pipeline: enough to build a submit form or validate a request client-side. */
export interface PipelineView {
  name: string;
  description: string;
  /** What its progress counts. */
  unit: string;
  /** The kinds of input object it reads. */
  inputKinds: InputKind[];
  /** JSON Schema (2020-12) of `input`. */
  input: Record<string, unknown>;
  /** JSON Schema (2020-12) of `params`; every field is optional and has a default. */
  params: Record<string, unknown>;
  outputs: { name: string; contentType: string; description: string }[];
}

const KINDS: Record<InputKind, string> = { video: 'a video', audio: 'an audio file', image: 'an image' };

function inputSchema(kinds: readonly InputKind[], lists: readonly ListInput[]): Record<string, unknown> {
  const what = kinds.map((k) => KINDS[k]).join(' or ');
  const forms: Record<string, Record<string, unknown>> = {
    key: { type: 'string', maxLength: 1024, description: `S3 key of ${what} in the Anvil bucket (POST /v1/uploads gives one)` },
    url: { type: 'string', maxLength: 4096, description: `an https URL of ${what} that the job copies into the bucket first` },
    keys: { type: 'array', minItems: 1, items: { type: 'string', maxLength: 1024 }, description: `S3 keys, each of ${what}, in order` },
    urls: { type: 'array', minItems: 1, items: { type: 'string', maxLength: 4096 }, description: `https URLs, each of ${what}, in order` },
    prefix: { type: 'string', maxLength: 1024, description: `every object of ${what} under this prefix of the Anvil bucket, in key order` },
  };
  const names = ['key', 'url', ...lists];
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(names.map((n) => [n, forms[n]])),
    oneOf: names.map((n) => ({ required: [n] })),
  };
}

/** Every registered pipeline, from its definition; `models` are the registry's models by kind (the enum of `model`). */
export function pipelineCatalog(models: { image: string[]; speech: string[] }): PipelineView[] {
  return PIPELINE_NAMES.map((name) => {
    const d = PIPELINES[name];
    return {
      name: d.name,
      description: d.description,
      unit: d.unit,
      inputKinds: [...d.inputKinds],
      input: inputSchema(d.inputKinds, d.listInputs ?? []),
      params: paramsJsonSchema(d, d.modelKind ? models[d.modelKind] : undefined),
      outputs: d.resultFiles.map(({ name: file, contentType, description }) => ({ name: file, contentType, description })),
    };
  });
}
