/**
 * JSON schemas for kubeconform, offline (used by docker/local/deploy-tools.sh):
 *   crd <out dir> <crd.yaml>...   CustomResourceDefinitions (the KEDA CRDs) to one file per kind and version,
 *                                 `<out>/<group>/<kind>_<version>.json`, strict (an unknown field is refused).
 *   k8s <src dir> <out dir>       kubernetes-validate's schemas of one Kubernetes version made self-contained:
 *                                 their `$id` (a kubernetes.io URL, against which `$ref`s would be fetched) is
 *                                 dropped and `$ref`s name the `_definitions.json` beside them.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Schema = { [key: string]: unknown };

interface Crd {
  kind: string;
  spec: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: Schema } }[] };
}

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI v3 schema of a CRD to a strict JSON schema: closed objects, int-or-string as a union. */
export function strictSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isObject(sub) ? strictSchema(sub) : sub]));
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      out[key] = strictSchema(value);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map((sub: unknown) => (isObject(sub) ? strictSchema(sub) : sub));
    } else {
      out[key] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    delete out['type'];
    out['oneOf'] = [{ type: 'string' }, { type: 'integer' }];
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true || 'additionalProperties' in schema;
  if (isObject(schema['properties']) && !open) out['additionalProperties'] = false;
  return out;
}

/** Every kind and version the CRDs in these YAML texts define: file path (relative) to its JSON schema. */
export function crdSchemas(texts: string[]): Map<string, Schema> {
  const files = new Map<string, Schema>();
  for (const text of texts) {
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS() as Crd | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (!schema) throw new Error(`${crd.spec.names.kind} ${version.name}: the CRD has no openAPIV3Schema`);
        files.set(join(crd.spec.group, `${crd.spec.names.kind.toLowerCase()}_${version.name}.json`), strictSchema(schema));
      }
    }
  }
  return files;
}

/** One kubernetes-validate schema file's text, made self-contained (see the file's comment). */
export function localKubernetesSchema(text: string): string {
  const schema = JSON.parse(text) as Schema;
  delete schema['$id'];
  return JSON.stringify(schema).replaceAll('"$ref":"/api/_definitions.json#', '"$ref":"_definitions.json#');
}

function main([mode, ...args]: string[]): void {
  if (mode === 'crd' && args.length >= 2) {
    const [out = '', ...inputs] = args;
    const files = crdSchemas(inputs.map((file) => readFileSync(file, 'utf8')));
    for (const [path, schema] of files) {
      mkdirSync(join(out, path, '..'), { recursive: true });
      writeFileSync(join(out, path), JSON.stringify(schema));
    }
    console.log(`${files.size} schemas written to ${out}: ${[...files.keys()].join(', ')}`);
  } else if (mode === 'k8s' && args.length === 2) {
    const [src = '', out = ''] = args;
    const names = readdirSync(src).filter((name) => name.endsWith('.json'));
    mkdirSync(out, { recursive: true });
    for (const name of names) writeFileSync(join(out, name), localKubernetesSchema(readFileSync(join(src, name), 'utf8')));
    console.log(`${names.length} schemas written to ${out}`);
  } else {
    console.error('usage: tsx docker/local/json-schemas.ts crd <out dir> <crd.yaml>... | k8s <src dir> <out dir>');
    process.exit(2);
  }
}

if (require.main === module) main(process.argv.slice(2));
