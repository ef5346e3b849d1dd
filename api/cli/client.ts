/** A small HTTP client of the Anvil API for the CLI: bearer token, problem+json errors as exit codes. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, EXIT, exitCodeForStatus, isLoopbackUrl } from './format';

export { CliError } from './format';

/**
 * The token: flag, then ANVIL_TOKEN, then the local stack's `.anvil/dev-token` (the current folder or this checkout),
 * which is only ever sent to an API on this machine.
 */
export function resolveToken(flag: string | undefined, env: NodeJS.ProcessEnv, baseUrl: string): string | undefined {
  if (flag) return flag;
  if (env['ANVIL_TOKEN']) return env['ANVIL_TOKEN'];
  if (!isLoopbackUrl(baseUrl)) return undefined;
  for (const file of [join(process.cwd(), '.anvil/dev-token'), join(__dirname, '../../.anvil/dev-token')]) {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  }
  return undefined;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.raw(method, path, {
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** fetch with auth; a non-2xx answer becomes a CliError with the problem's detail. */
  async raw(method: string, path: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        ...init,
        method,
        headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(init.headers as Record<string, string>) },
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `cannot reach the Anvil API at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message} — is \`npm run dev\` running? (or set ANVIL_API_URL / --api-url)`,
        EXIT.unreachable,
      );
    }
    if (!res.ok) {
      const text = await res.text();
      let detail = text;
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
      } catch {
        // not JSON: keep the text
      }
      const hint = res.status === 401 ? ' (set ANVIL_TOKEN or --token; `npm run token` makes one)' : '';
      throw new CliError(`${method} ${path}: ${res.status} ${detail}${hint}`, exitCodeForStatus(res.status));
    }
    return res;
  }
}
