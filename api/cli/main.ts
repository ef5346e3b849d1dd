/**
 * `anvil`: every job operation of the Anvil API from a terminal. A plain HTTP client: no Temporal, no S3 SDK.
 * Run `anvil --help`, `anvil <command> --help` (or `npm run anvil -- --help`). Exit codes: see program.ts.
 */
import { CommanderError } from 'commander';
import type { Flags } from './args';
import { ApiClient, resolveToken } from './client';
import { completionScript } from './completion';
import { CliError, EXIT } from './format';
import { cancelOrRetry, models, open, pipelines, results, status, submit, watch } from './jobs.commands';
import { buildProgram, type SHELLS, type Invocation } from './program';
import { schedules } from './schedules.commands';

function client(flags: Flags): ApiClient {
  const baseUrl = (flags.apiUrl ?? process.env['ANVIL_API_URL'] ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  return new ApiClient(baseUrl, resolveToken(flags.token, process.env, baseUrl));
}

async function run({ command, args, flags }: Invocation): Promise<number> {
  const [first = ''] = args;
  switch (command) {
    case 'completion':
      process.stdout.write(completionScript(first as (typeof SHELLS)[number], buildProgram(() => EXIT.ok).program));
      return EXIT.ok;
    case 'submit':
      return submit(client(flags), flags, args);
    case 'status':
      return status(client(flags), flags, args[0]);
    case 'watch':
      return watch(client(flags), flags, first);
    case 'results':
      return results(client(flags), flags, first);
    case 'cancel':
    case 'retry':
      return cancelOrRetry(client(flags), flags, command, first);
    case 'open':
      return open(client(flags), flags, first);
    case 'pipelines':
      return pipelines(client(flags), flags);
    case 'models':
      return models(client(flags), flags);
    default:
      return schedules(client(flags), flags, command.replace(/^schedules /, ''), args[0]);
  }
}

async function main(argv: string[]): Promise<number> {
  const { program, exitCode } = buildProgram(run);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode();
  } catch (err) {
    // commander has printed its help, version or usage error; `anvil` or `anvil schedules` alone is a usage error.
    if (err instanceof CommanderError) return err.code === 'commander.help' && err.exitCode !== 0 ? EXIT.usage : err.exitCode;
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`anvil: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : EXIT.unreachable;
  },
);
