import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { BUILTIN_MODELS } from './builtin';
import { ModelManifestSchema, type ImageManifest, type ModelManifest, type SpeechManifest } from './manifest';

/** An image model's manifest whose `file` is an absolute path. */
export type ResolvedModel = ImageManifest & { path: string };
export type SpeechModel = SpeechManifest & { path: string };
export type AnyModel = ResolvedModel | SpeechModel;

/**
 * The models a worker can run: the built-in ones plus every `*.json` manifest in `modelDir`.
 * Loaded once per process; a malformed manifest fails start-up with its file name.
 */
export class ModelRegistry {
  private readonly models = new Map<string, AnyModel>();

  constructor(modelDir?: string) {
    for (const m of BUILTIN_MODELS) this.add(ModelManifestSchema.parse(m), m.file);
    if (modelDir) this.loadDir(modelDir);
  }

  get(name: string): AnyModel | undefined {
    return this.models.get(name);
  }

  /** The image model of that name; undefined for an unknown or a speech model. */
  image(name: string): ResolvedModel | undefined {
    const m = this.models.get(name);
    return m?.kind === 'image' ? m : undefined;
  }

  /** The speech model of that name; undefined for an unknown or an image model. */
  speech(name: string): SpeechModel | undefined {
    const m = this.models.get(name);
    return m?.kind === 'speech' ? m : undefined;
  }

  list(): AnyModel[] {
    return [...this.models.values()];
  }

  /** Names of every model, or of one kind's. */
  names(kind?: AnyModel['kind']): string[] {
    return this.list()
      .filter((m) => kind === undefined || m.kind === kind)
      .map((m) => m.name);
  }

  private loadDir(dir: string): void {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const parsed = ModelManifestSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) {
        throw new Error(`model manifest ${join(dir, file)} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      const m = parsed.data;
      this.add(m, isAbsolute(m.file) ? m.file : resolve(dir, m.file));
    }
  }

  private add(m: ModelManifest, path: string): void {
    this.models.set(m.name, { ...m, path });
  }
}
