/**
 * Creates an API token: prints the secret once (give it to the client) and the `API_TOKENS` entry holding
 * only its hash (put that in the API's config). Usage: npm run token -- <name> [scope+scope] (default read+submit).
 */
import { SCOPES, generateToken, tokenEntry, type Scope } from './api-tokens';

const [name = 'default', scopeArg = 'read+submit'] = process.argv.slice(2);
const scopes = scopeArg.split(/[+,]/).filter(Boolean);
const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
if (!/^[A-Za-z0-9._-]{1,64}$/.test(name) || unknown.length) {
  console.error(`usage: npm run token -- <name> [${SCOPES.join('+')}]  (name: letters, digits, . _ -)`);
  process.exit(2);
}
const raw = generateToken();
process.stdout.write(`token (give to the client, shown once): ${raw}\nAPI_TOKENS entry (hash only):          ${tokenEntry(name, scopes as Scope[], raw)}\n`);
