/** Job ids are workflow ids. A caller-supplied idempotency key maps to the same id on every retry. */
const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function isValidIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * Builds a workflow id: `<pipeline>-<key>` when the caller gave an idempotency key (so a repeated submit
 * finds the running job), otherwise `<pipeline>-<random>`.
 */
export function buildJobId(pipeline: string, idempotencyKey: string | undefined, random: () => string): string {
  return `${pipeline}-${idempotencyKey ?? random()}`;
}
