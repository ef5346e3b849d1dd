/**
 * `anvil`: every job operation of the Anvil API from a terminal. A plain HTTP client: no Temporal, no S3 SDK.
 * Run `anvil --help` (or `npm run anvil -- --help`). Exit codes: see HELP in args.ts.
 */
import { HELP, need, parseCommandLine, submitHelp } from './args';
import { ApiClient, resolveToken } from './client';
import { CliError, EXIT } from './format';
import { cancelOrRetry, models, pipelines, results, status, submit, watch } from './jobs.commands';
import { schedules } from './schedules.commands';

async function main(argv: string[]): Promise<number> {
  const { flags, command, args } = parseCommandLine(argv);
  if (flags.help && command === 'submit') {
    process.stdout.write(submitHelp());
    return EXIT.ok;
  }
  if (flags.help || !command) {
    process.stdout.write(HELP);
    return command || flags.help ? EXIT.ok : EXIT.usage;
  }
  const baseUrl = (flags['api-url'] ?? process.env['ANVIL_API_URL'] ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const api = new ApiClient(baseUrl, resolveToken(flags.token, process.env, baseUrl));
  switch (command) {
    case 'submit':
      return submit(api, flags, need(args[0], 'the input (a file, an S3 key or an https URL)'));
    case 'status':
      return status(api, flags, args[0]);
    case 'watch':
      return watch(api, flags, need(args[0], 'the job id'));
    case 'results':
      return results(api, flags, need(args[0], 'the job id'));
    case 'cancel':
    case 'retry':
      return cancelOrRetry(api, flags, command, need(args[0], 'the job id'));
    case 'pipelines':
      return pipelines(api, flags);
    case 'models':
      return models(api, flags);
    case 'schedules':
      return schedules(api, flags, args);
    default:
      throw new CliError(`unknown command '${command}' (anvil --help)`, EXIT.usage);
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
