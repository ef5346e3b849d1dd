/**
 * The command tree of `anvil` on commander: each command with its own flags and `--help`, `--version`,
 * a suggestion for a mistyped command, and a flag that does not apply to a command refused by name.
 * Parsing only: every command hands an {@link Invocation} to the runner given (main.ts runs it).
 */
import { Argument, Command, type ErrorOptions, type OutputConfiguration } from 'commander';
import { version } from '../../package.json';
import type { Flags } from './args';
import { CliError, EXIT } from './format';
import { pipelinesHelp } from './pipeline-params';

/** A parsed command line: the command path ('status', 'schedules create'), its arguments and its flags. */
export interface Invocation {
  command: string;
  args: string[];
  flags: Flags;
}

export type Runner = (invocation: Invocation) => Promise<number> | number;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

const EXIT_CODES_HELP = `
Exit codes:
  0 ok   1 job failed or cancelled   2 bad usage or request (400/413/422)   3 API unreachable (or 5xx)
  4 auth (401/403)   5 not found (404)   6 conflict (409)

Environment: ANVIL_API_URL, ANVIL_TOKEN (else a local stack's .anvil/dev-token), NO_COLOR, BROWSER (anvil open --browser)`;

/** Every command of the tree says which command a wrong flag or argument was given to, and exits 2. */
class AnvilCommand extends Command {
  override createCommand(name?: string): AnvilCommand {
    return new AnvilCommand(name);
  }

  override error(message: string, options: ErrorOptions = {}): never {
    super.error(usageMessage(this, message, options.code), { ...options, exitCode: EXIT.usage });
  }
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function* allCommands(cmd: Command): Generator<Command> {
  yield cmd;
  for (const sub of cmd.commands) yield* allCommands(sub);
}

/** commander's message, prefixed `anvil:`, with the commands a refused flag belongs to and where help is. */
function usageMessage(cmd: Command, message: string, code: string | undefined): string {
  const text = message.replace(/^error: /, '');
  const path = commandPath(cmd);
  const flag = code === 'commander.unknownOption' ? /'(-[^']+)'/.exec(text)?.[1] : undefined;
  if (flag) {
    let root: Command = cmd;
    while (root.parent) root = root.parent;
    const owners = [...allCommands(root)].filter((c) => c.options.some((o) => o.long === flag || o.short === flag)).map((c) => `'${commandPath(c)}'`);
    if (owners.length) return `anvil: ${flag} does not apply to '${path}' (it is a flag of ${owners.join(', ')}); see ${path} --help`;
  }
  return `anvil: ${text.replace(/\n\(Did you mean/, ' (did you mean').replace(/\.$/, '')}; see ${path} --help`;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Options of schedules create/update, grouped as the README describes them. */
function scheduleOptions(cmd: Command, create: boolean): Command {
  cmd
    .optionsGroup('Spec (update: replaces the spec):')
    .option('--cron <expr>', 'a cron expression, repeatable ("0 2 * * *")', collect)
    .option('--every <duration>', 'an interval (1h, 30m, 7d)')
    .option('--timezone <tz>', 'the cron expressions’ time zone (Europe/Paris)')
    .option('--jitter <duration>', 'a random delay up to this per run (30s)')
    .optionsGroup('Action (update: changes just these):')
    .option('--prefix <prefix>', 'the S3 prefix scanned for new objects')
    .option('--pipeline <name>', 'the pipeline each object runs (default video-detect)')
    .option('--model <name>', 'the model (--param model=name)')
    .option('--param <key=value>', "a pipeline param, repeatable (anvil submit --help lists each pipeline's)", collect)
    .option('--max-parallel <n>', 'jobs running at once per run')
    .option('--max-objects <n>', 'objects taken per run')
    .optionsGroup('Policies (update: changes just these):')
    .option('--overlap <policy>', 'when the previous run still runs: SKIP, BUFFER_ONE, BUFFER_ALL, CANCEL_OTHER, TERMINATE_OTHER, ALLOW_ALL')
    .option('--catchup-window <duration>', 'how late a missed run may still start (1d)')
    .option('--pause-on-failure', 'pause the schedule when a run fails');
  if (create) {
    cmd
      .optionsGroup('Schedule:')
      .option('--id <id>', 'the schedule id (default: generated)')
      .option('--paused', 'create it paused')
      .option('--note <text>', 'a note shown with the paused state');
  }
  return cmd;
}

function schedulesCommand(program: Command, on: (command: string) => (...args: unknown[]) => Promise<void>): void {
  const schedules = program
    .command('schedules')
    .description('batch scans of an S3 prefix on Temporal Schedules')
    .helpGroup('Schedules:')
    .commandsGroup('Commands:');
  schedules.command('list').description('every schedule: state, prefix, next and last run').action(on('schedules list'));
  schedules.command('get').description('one schedule').argument('<id>', 'the schedule id').action(on('schedules get'));
  scheduleOptions(schedules.command('create').description('a new schedule (needs --prefix and --cron or --every)'), true).action(on('schedules create'));
  scheduleOptions(schedules.command('update').description('change a schedule').argument('<id>', 'the schedule id'), false).action(on('schedules update'));
  for (const [name, what] of [
    ['pause', 'pause a schedule'],
    ['unpause', 'resume a paused schedule'],
  ] as const) {
    schedules
      .command(name)
      .description(what)
      .argument('<id>', 'the schedule id')
      .option('--note <text>', 'why (shown with the state)')
      .action(on(`schedules ${name}`));
  }
  schedules
    .command('trigger')
    .description('run a schedule now')
    .argument('<id>', 'the schedule id')
    .option('--overlap <policy>', "this run's overlap policy")
    .action(on('schedules trigger'));
  schedules
    .command('backfill')
    .description('the runs a time range would have had, as if the schedule had existed')
    .argument('<id>', 'the schedule id')
    .requiredOption('--start <time>', 'RFC 3339 date-time')
    .requiredOption('--end <time>', 'RFC 3339 date-time')
    .option('--overlap <policy>', 'overlap policy of the backfilled runs (ALLOW_ALL)')
    .action(on('schedules backfill'));
  schedules.command('delete').description('delete a schedule').argument('<id>', 'the schedule id').action(on('schedules delete'));
}

function jobCommands(program: Command, on: (command: string) => (...args: unknown[]) => Promise<void>): void {
  program.commandsGroup('Jobs:');
  program
    .command('submit')
    .description('upload local files (progress bar), then submit a job')
    .argument('[inputs...]', 'a local file, an S3 key already in the bucket, or an http(s) URL; several for image-detect or video-compile')
    .option('--prefix <prefix>', 'every object under this S3 prefix instead of inputs (image-detect)')
    .option('--pipeline <name>', 'the pipeline (default video-detect)')
    .option('--model <name>', 'the model (--param model=name)')
    .option('--param <key=value>', 'a pipeline param, repeatable (listed below)', collect)
    .option('--priority <1-5>', '1 runs first, 5 last (default 3)')
    .option('--idempotency-key <key>', 'the same key again returns the same job')
    .option('--webhook <url>', 'POST the job’s events to this URL')
    .option('--upload <mode>', 'auto: through the API up to 32 MiB, presigned (multipart) straight to S3 above; or direct, presigned')
    .option('--watch', 'follow the job to its end (exit code: its outcome)')
    .addHelpText('after', () => `\nPipelines and their params (--param key=value; --model m is --param model=m):\n${pipelinesHelp()}`)
    .action(on('submit'));
  program
    .command('status')
    .description('a job, or a table of jobs with progress')
    .argument('[job-id]', 'one job (else the list)')
    .option('--status <status>', 'list only jobs with this status (running, completed, failed, cancelled, terminated, timed_out)')
    .option('--pipeline <name>', 'list only jobs of this pipeline')
    .option('--limit <n>', 'at most this many jobs (default 20)')
    .action(on('status'));
  program.command('watch').description('live progress until the job ends (exit code: its outcome)').argument('<job-id>').action(on('watch'));
  program
    .command('results')
    .description('download the result files')
    .argument('<job-id>')
    .option('-o, --output <dir>', 'where to write them (default: here)')
    .action(on('results'));
  program.command('cancel').description('stop a running job').argument('<job-id>').action(on('cancel'));
  program
    .command('retry')
    .description('run a failed or cancelled job again, reusing finished chunks')
    .argument('<job-id>')
    .option('--idempotency-key <key>', 'the same key again returns the same retry')
    .action(on('retry'));
  program
    .command('open')
    .description("print the job's dashboard page (--browser opens it)")
    .argument('<job-id>')
    .option('--browser', 'open the page in a browser ($BROWSER, else the system opener)')
    .action(on('open'));
  program.command('pipelines').description('what can run (anvil submit --help: every pipeline’s params)').action(on('pipelines'));
  program.command('models').description('the models params.model can name').action(on('models'));
}

/**
 * The whole tree. `output` replaces commander's writes (tests); the runner gets each parsed command line and
 * returns its exit code, which {@link Command.parseAsync}'s caller reads from `exitCode()`.
 */
export function buildProgram(run: Runner, output?: OutputConfiguration): { program: Command; exitCode: () => number } {
  let code: number = EXIT.ok;
  const program = new AnvilCommand('anvil');
  program
    .description('anvil — durable GPU pipelines on Temporal, from the terminal')
    .version(version, '-V, --version', 'the version of anvil')
    .helpOption('-h, --help', 'this help')
    .helpCommand('help [command]', 'help for a command')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false, styleTitle: (t) => `\x1b[1m${t}\x1b[22m` })
    .configureOutput(output ?? {})
    .optionsGroup('Global options (any command):')
    .option('--api-url <url>', 'the API (env ANVIL_API_URL; default http://127.0.0.1:3000)')
    .option('--token <token>', 'bearer token (env ANVIL_TOKEN; else .anvil/dev-token of a local stack)')
    .option('--json', 'machine-readable output on stdout, nothing else there')
    .addHelpText('after', EXIT_CODES_HELP);
  const on =
    (command: string) =>
    async (...params: unknown[]): Promise<void> => {
      const cmd = params.at(-1) as Command;
      const args = (cmd.processedArgs as unknown[]).flat().filter((a): a is string => typeof a === 'string');
      code = await run({ command, args, flags: cmd.optsWithGlobals<Flags>() });
    };
  jobCommands(program, on);
  schedulesCommand(program, on);
  program
    .command('completion')
    .description('print a shell completion script (commands, flags, pipeline names)')
    .helpGroup('Setup:')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      "\nInstall: bash  echo 'source <(anvil completion bash)' >> ~/.bashrc\n         zsh   echo 'source <(anvil completion zsh)' >> ~/.zshrc  (after compinit)\n         fish  anvil completion fish > ~/.config/fish/completions/anvil.fish",
    )
    .action(on('completion'));
  return { program, exitCode: () => code };
}

/** Parses a command line without running it (tests): the invocation, or a CliError (exit 2) with the message anvil prints. */
export function parseCommandLine(argv: string[]): Invocation {
  let parsed: Invocation | undefined;
  let message = '';
  const silent: OutputConfiguration = { writeOut: () => undefined, writeErr: () => undefined, outputError: (text) => (message = text.trim()) };
  const { program } = buildProgram((invocation) => {
    parsed = invocation;
    return EXIT.ok;
  }, silent);
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    throw new CliError(message || (err as Error).message, EXIT.usage);
  }
  if (!parsed) throw new CliError(`no command in '${argv.join(' ')}'`, EXIT.usage);
  return parsed;
}
