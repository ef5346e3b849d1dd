import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { BUILTIN_MODELS } from './builtin';
import { ModelManifestSchema, type ModelManifest } from './manifest';

/** A manifest whose `file` is an absolute path. */
export type ResolvedModel = ModelManifest & { path: string };

/**
 * The models a worker can run: the built-in ones plus every `*.json` manifest in `modelDir`.
 * Loaded once per process; a malformed manifest fails start-up with its file name.
 */
export class ModelRegistry {
  private readonly models = new Map<string, ResolvedModel>();

  constructor(modelDir?: string) {
    for (const m of BUILTIN_MODELS) this.add(ModelManifestSchema.parse(m), m.file);
    if (modelDir) this.loadDir(modelDir);
  }

  get(name: string): ResolvedModel | undefined {
    return this.models.get(name);
  }

  list(): ResolvedModel[] {
    return [...this.models.values()];
  }

  names(): string[] {
    return [...this.models.keys()];
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
