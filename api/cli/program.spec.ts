import 'reflect-metadata';
import type { Command } from 'commander';
import { version } from '../../package.json';
import { PIPELINE_NAMES } from '../../workflows/contracts';
import { OVERLAP_POLICIES } from '../schedules/dto/schedule.dto';
import { completionScript, OVERLAP_VALUES } from './completion';
import { CliError } from './format';
import { buildProgram, parseCommandLine } from './program';

/** Runs the parser on argv with commander's output captured; the runner is never reached for help and errors. */
function parse(...argv: string[]): { out: string; err: string; code: number | undefined; ran: string | undefined } {
  let out = '';
  let err = '';
  let ran: string | undefined;
  const { program } = buildProgram(
    ({ command }) => {
      ran = command;
      return 0;
    },
    { writeOut: (s) => (out += s), writeErr: (s) => (err += s), outputError: (s, write) => write(s), getOutHelpWidth: () => 200, getErrHelpWidth: () => 200 },
  );
  try {
    program.parse(argv, { from: 'user' });
    return { out, err, code: undefined, ran };
  } catch (e) {
    return { out, err, code: (e as { exitCode: number }).exitCode, ran };
  }
}

function commands(cmd: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  return cmd.commands.flatMap((sub) => [{ path: [...path, sub.name()], cmd: sub }, ...commands(sub, [...path, sub.name()])]);
}

const tree = commands(buildProgram(() => 0).program);

describe('the anvil command line', () => {
  it('has every command of the hand-written parser, and schedules subcommands', () => {
    expect(tree.map((c) => c.path.join(' '))).toEqual(
      expect.arrayContaining([
        'submit',
        'status',
        'watch',
        'results',
        'cancel',
        'retry',
        'open',
        'pipelines',
        'models',
        'completion',
        'schedules create',
        'schedules backfill',
      ]),
    );
  });

  it.each(tree.map((c) => [c.path.join(' '), c.cmd] as const))('%s --help lists its own flags and the global ones, exit 0', (path, cmd) => {
    const { out, code } = parse(...path.split(' '), '--help');
    expect(code).toBe(0);
    expect(out).toContain(`Usage: anvil ${path}`);
    for (const option of cmd.options) expect(out).toContain(option.long!);
    for (const flag of ['--api-url', '--token', '--json', '--help']) expect(out).toContain(flag);
    for (const argument of cmd.registeredArguments) expect(out).toContain(argument.name());
  });

  it('submit --help lists every pipeline with its params', () => {
    const { out } = parse('submit', '--help');
    for (const name of PIPELINE_NAMES) expect(out).toContain(`  ${name} — `);
    expect(out).toContain('chunkFrames');
  });

  it('--version prints the package version', () => {
    expect(parse('--version')).toMatchObject({ out: `${version}\n`, code: 0 });
  });

  it('suggests the command a typo meant, exit 2', () => {
    expect(parse('stauts')).toMatchObject({ err: "anvil: unknown command 'stauts' (did you mean status?); see anvil --help\n", code: 2, ran: undefined });
    expect(parse('schedules', 'pasue', 'x').err).toContain('(did you mean pause?)');
  });

  it('refuses a flag that belongs to another command, naming the commands that take it', () => {
    expect(parse('status', '--watch')).toMatchObject({
      err: "anvil: --watch does not apply to 'anvil status' (it is a flag of 'anvil submit'); see anvil status --help\n",
      code: 2,
      ran: undefined,
    });
    expect(parse('cancel', 'j', '--output', 'x').err).toContain("it is a flag of 'anvil results'");
    expect(parse('schedules', 'get', 'x', '--prefix', 'p/').err).toContain(
      "it is a flag of 'anvil submit', 'anvil schedules create', 'anvil schedules update'",
    );
    expect(parse('status', '--no-such-flag')).toMatchObject({ err: "anvil: unknown option '--no-such-flag'; see anvil status --help\n", code: 2 });
  });

  it('refuses missing and extra arguments, and a required flag left out', () => {
    expect(parse('watch').code).toBe(2);
    expect(parse('cancel', 'a', 'b').code).toBe(2);
    expect(parse('schedules', 'backfill', 'x', '--start', '2026-01-01T00:00:00Z').err).toContain("required option '--end <time>' not specified");
    expect(parse('completion', 'ksh').err).toContain('Allowed choices are bash, zsh, fish');
  });

  it('takes global flags before or after the command', () => {
    expect(parseCommandLine(['--json', 'status', '--api-url', 'http://h:1']).flags).toMatchObject({ json: true, apiUrl: 'http://h:1' });
    expect(() => parseCommandLine(['status', '--limit'])).toThrow(CliError);
  });
});

describe('shell completion', () => {
  const program = buildProgram(() => 0).program;

  it('bash: every command, subcommand and flag, and the registry pipeline names', () => {
    const script = completionScript('bash', program);
    expect(script).toContain('complete -F _anvil anvil');
    for (const { path, cmd } of tree) {
      expect(script).toContain(path.at(-1)!);
      for (const option of cmd.options) expect(script).toContain(option.long!);
    }
    expect(script).toContain(`--pipeline) COMPREPLY=($(compgen -W "${PIPELINE_NAMES.join(' ')}"`);
  });

  it('zsh and fish name the commands and pipelines too', () => {
    for (const shell of ['zsh', 'fish'] as const) {
      const script = completionScript(shell, program);
      for (const name of ['submit', 'schedules', 'backfill', ...PIPELINE_NAMES]) expect(script).toContain(name);
    }
    expect(completionScript('fish', program)).toContain("complete -c anvil -n '__fish_seen_subcommand_from submit' -l pipeline -x -a '");
  });

  it('offers the overlap policies the API accepts', () => {
    expect(OVERLAP_VALUES).toEqual(OVERLAP_POLICIES);
  });
});
