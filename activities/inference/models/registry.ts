import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
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

  /**
   * SHA-256 (hex) of a model's manifest and file, read once per process: what part identities name the model
   * by, so new weights or a new manifest (labels, thresholds) under the same name never reuse old parts.
   */
  digest(name: string): Promise<string> {
    const m = this.models.get(name);
    if (!m) return Promise.reject(new Error(`unknown model '${name}'`));
    let digest = this.digests.get(name);
    if (!digest) {
      digest = new Promise<string>((resolve, reject) => {
        const { path, ...manifest } = m;
        const hash = createHash('sha256').update(JSON.stringify(manifest));
        createReadStream(path)
          .on('data', (d) => hash.update(d))
          .on('error', reject)
          .on('end', () => resolve(hash.digest('hex')));
      });
      digest.catch(() => this.digests.delete(name));
      this.digests.set(name, digest);
    }
    return digest;
  }

  private readonly digests = new Map<string, Promise<string>>();

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
