import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a token may do. `admin` implies every other scope. */
export const SCOPES = ['read', 'submit', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A configured API token: only the SHA-256 of the secret is kept (in config and in memory). */
export interface ApiToken {
  name: string;
  scopes: Scope[];
  sha256: Buffer;
}

const TOKEN_PREFIX = 'anv_';

/** A new random token (256 bits), prefixed so secret scanners and humans can tell what it is. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** The config entry for a token: `name:scope+scope:sha256:<hex>`. */
export function tokenEntry(name: string, scopes: readonly Scope[], raw: string): string {
  return `${name}:${scopes.join('+')}:sha256:${hashToken(raw)}`;
}

/**
 * Parses `API_TOKENS`: entries `name:scope+scope:sha256:<64 hex>` separated by commas, spaces or new lines.
 * Throws with the offending entry (without its hash) so a typo fails start-up, not the first request.
 */
export function parseApiTokens(config: string): ApiToken[] {
  const tokens: ApiToken[] = [];
  for (const entry of config.split(/[\s,]+/).filter(Boolean)) {
    const m = /^([A-Za-z0-9._-]{1,64}):([a-z+]+):sha256:([0-9a-f]{64})$/.exec(entry);
    const name = entry.split(':')[0] ?? '';
    if (!m) throw new Error(`API_TOKENS entry "${name}" must look like name:read+submit:sha256:<64 hex chars> (create one with npm run token)`);
    const scopes = m[2]!.split('+');
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw new Error(`API_TOKENS entry "${name}" has unknown scope(s) ${unknown.join(', ')}; scopes are ${SCOPES.join(', ')}`);
    if (tokens.some((t) => t.name === m[1])) throw new Error(`API_TOKENS has two entries named "${name}"`);
    tokens.push({ name: m[1]!, scopes: scopes as Scope[], sha256: Buffer.from(m[3]!, 'hex') });
  }
  return tokens;
}

/** The token whose hash matches `raw`, compared in constant time. */
export function findToken(tokens: readonly ApiToken[], raw: string): ApiToken | undefined {
  const digest = createHash('sha256').update(raw, 'utf8').digest();
  let found: ApiToken | undefined;
  for (const t of tokens) if (timingSafeEqual(t.sha256, digest)) found = t;
  return found;
}

export function grants(token: Pick<ApiToken, 'scopes'>, needed: Scope): boolean {
  return token.scopes.includes('admin') || token.scopes.includes(needed);
}

/** The secret of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(header ?? '');
  return m?.[1];
}
