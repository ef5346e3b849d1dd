import type { z } from 'zod/v4';
import type { ProgressUnit } from './progress';

/** What a pipeline takes as its input object: the kinds of media it can read. */
export type InputKind = 'video' | 'audio' | 'image';

/** A list form of a job's `input`: S3 keys in order, https URLs, or every object under a prefix. */
export type ListInput = 'keys' | 'urls' | 'prefix';

/** A file a completed job leaves, as the API names it: `key` is its property in the result's `keys`. */
export interface ResultFile {
  name: string;
  key: string;
  contentType: string;
  /** The download's file name (after the job id). */
  filename: string;
  description: string;
  /** Listed only when the job's result names it in `keys` (previews: absent when rendering failed, and in older jobs). */
  optional?: boolean;
}

/**
 * Everything Anvil knows of a pipeline, in one place: the API validates params and documents them (REST,
 * OpenAPI, `GET /v1/pipelines`) from it, the CLI parses `--param` and prints help from it, the workers,
 * schedules, batch scans and metrics read it. Pure data (plus a zod schema): bundle-safe.
 */
export interface PipelineDefinition<Params extends z.ZodObject = z.ZodObject, Result = unknown, Name extends string = string> {
  /** The name jobs give in `pipeline` (`video-detect`). */
  name: Name;
  /** One sentence for `GET /v1/pipelines`, the CLI and the docs. */
  description: string;
  /** The workflow that runs a job of it (the API starts it, replay and metrics name it). */
  workflowType: string;
  /** What its progress counts. */
  unit: ProgressUnit;
  /** The kinds of input object it reads; a batch scan submits only objects of these kinds. */
  inputKinds: readonly InputKind[];
  /** The list forms of `input` it takes besides one `key` or `url` (a set of images, clips in order); none when absent. */
  listInputs?: readonly ListInput[];
  /**
   * Its params, once: types, defaults, bounds and descriptions (`.describe()`), unknown fields refused
   * (`z.strictObject`); cross-field rules as refinements. Every field has a default or is optional.
   */
  params: Params;
  /** The kind of registered model `params.model` names, when it runs one (checked against the worker's registry). */
  modelKind?: 'image' | 'speech';
  /** The files a completed job leaves, by name. */
  resultFiles: readonly ResultFile[];
  /** The GPU task queue class its GPU steps run on by default (`gpu`, or `gpu-<class>`). */
  gpuQueue: string;
  /** Units a completed job processed, from its result. */
  units(result: Result): number;
}

/** Params of a pipeline, defaults filled in. */
export type ParamsOf<D extends { params: z.ZodObject }> = z.output<D['params']>;

/** Identity with the types checked: `export const fooPipeline = definePipeline({...})`. */
export function definePipeline<Params extends z.ZodObject, Result, const Name extends string>(
  definition: PipelineDefinition<Params, Result, Name>,
): PipelineDefinition<Params, Result, Name> {
  return definition;
}

/** The summary file every pipeline leaves. */
export const SUMMARY_FILE: ResultFile = {
  name: 'summary',
  key: 'summary',
  contentType: 'application/json',
  filename: 'summary.json',
  description: 'counts, retries, media info and the params used',
};
