/**
 * `anvil completion bash|zsh|fish`: a completion script generated from the command tree (commands,
 * subcommands, each command's flags) with the values some flags take (pipeline names from the registry,
 * job statuses, upload modes, overlap policies). Static: the script never runs anvil while completing.
 */
import type { Command } from 'commander';
import { PIPELINE_NAMES } from '../../workflows/contracts';
import { JOB_STATUSES } from '../jobs/job-view';
import { UPLOAD_MODES } from './args';
import { type SHELLS } from './program';

/** The schedule overlap policies (api/schedules/dto/schedule.dto.ts; a unit test keeps the two the same). */
export const OVERLAP_VALUES = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'] as const;

const VALUES: Record<string, readonly string[]> = {
  '--pipeline': PIPELINE_NAMES,
  '--status': JOB_STATUSES,
  '--upload': UPLOAD_MODES,
  '--overlap': OVERLAP_VALUES,
};
const DIRECTORY_FLAGS = ['--output', '-o'];

export interface CompletionOption {
  /** `--long` and `-s` forms. */
  names: string[];
  takesValue: boolean;
  description: string;
}

export interface CompletionCommand {
  /** The command path without `anvil`: '' for the root, 'schedules create'. */
  path: string;
  name: string;
  description: string;
  options: CompletionOption[];
  subcommands: CompletionCommand[];
  /** What the positional argument completes to: files, or fixed words. */
  positional: 'files' | readonly string[] | undefined;
}

function options(cmd: Command, globals: CompletionOption[]): CompletionOption[] {
  const own = cmd.options.map((o) => ({
    names: [o.long, o.short].filter((n): n is string => !!n),
    takesValue: o.required || o.optional,
    description: o.description,
  }));
  return [...own, ...globals, { names: ['--help', '-h'], takesValue: false, description: 'help' }];
}

function spec(cmd: Command, path: string, globals: CompletionOption[]): CompletionCommand {
  const argument = cmd.registeredArguments[0];
  return {
    path,
    name: cmd.name(),
    description: cmd.description(),
    options: options(cmd, globals),
    subcommands: cmd.commands.map((sub) => spec(sub, `${path} ${sub.name()}`.trim(), globals)),
    positional: path === 'submit' ? 'files' : argument?.argChoices,
  };
}

/** The tree of `program` as completion needs it; the root's own flags (--api-url, --token, --json) apply everywhere. */
export function completionSpec(program: Command): CompletionCommand {
  const globals = program.options
    .filter((o) => o.long !== '--version')
    .map((o) => ({ names: [o.long!], takesValue: o.required || o.optional, description: o.description }));
  const root = spec(program, '', []);
  root.subcommands = program.commands.map((sub) => spec(sub, sub.name(), globals));
  root.subcommands.push({
    path: 'help',
    name: 'help',
    description: 'help for a command',
    options: [],
    subcommands: [],
    positional: root.subcommands.map((c) => c.name),
  });
  return root;
}

function flatten(c: CompletionCommand): CompletionCommand[] {
  return [c, ...c.subcommands.flatMap(flatten)];
}

function valueFlags(root: CompletionCommand): string[] {
  return [...new Set(flatten(root).flatMap((c) => c.options.filter((o) => o.takesValue).flatMap((o) => o.names)))];
}

const words = (list: readonly string[]): string => list.join(' ');

/** The shell code that finds the command path: words that are not flags, nesting only under commands that have subcommands. */
function pathCases(root: CompletionCommand, shell: 'bash' | 'zsh'): string {
  const nesting = flatten(root).filter((c) => c.path && c.subcommands.length);
  const arms = nesting.map((c) => (shell === 'bash' ? `"${c.path}") cmdpath="${c.path} $w" ;;` : `("${c.path}") cmdpath="${c.path} $w" ;;`));
  return [...arms, shell === 'bash' ? '"") cmdpath=$w ;;' : '("") cmdpath=$w ;;'].join('\n          ');
}

function bash(root: CompletionCommand): string {
  const arms = flatten(root).map((c) => {
    const files = c.positional === 'files' ? 'files=1; ' : '';
    const subs = c.subcommands.length ? c.subcommands.map((s) => s.name) : Array.isArray(c.positional) ? (c.positional as readonly string[]) : [];
    return `    "${c.path}") ${files}subs="${words(subs)}"; opts="${words(c.options.flatMap((o) => o.names))}" ;;`;
  });
  const values = Object.entries(VALUES).map(([flag, list]) => `    ${flag}) COMPREPLY=($(compgen -W "${words(list)}" -- "$cur")); return ;;`);
  return `# anvil completion for bash. Install: echo 'source <(anvil completion bash)' >> ~/.bashrc
_anvil() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local cmdpath="" w i skip=0 subs="" opts="" files=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    case $w in
      ${valueFlags(root).join('|')}) skip=1 ;;
      -*) ;;
      *) case "$cmdpath" in
          ${pathCases(root, 'bash')}
        esac ;;
    esac
  done
  case $prev in
${values.join('\n')}
    ${DIRECTORY_FLAGS.join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    ${valueFlags(root).join('|')}) return ;;
  esac
  case "$cmdpath" in
${arms.join('\n')}
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif ((files)); then COMPREPLY=($(compgen -f -- "$cur"))
  else COMPREPLY=($(compgen -W "$subs" -- "$cur")); fi
}
complete -F _anvil anvil
`;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

function zsh(root: CompletionCommand): string {
  const arms = flatten(root).map((c) => {
    const subs = c.subcommands.map((s) => quote(`${s.name}:${s.description}`));
    const positional = c.positional === 'files' ? ' _files;' : Array.isArray(c.positional) ? ` compadd -- ${words(c.positional as readonly string[])};` : '';
    const described = subs.length ? ` local -a subs=(${subs.join(' ')}); _describe command subs;` : '';
    return `    ("${c.path}")${described || positional} ;;`;
  });
  const values = Object.entries(VALUES).map(([flag, list]) => `    (${flag}) compadd -- ${words(list)}; return ;;`);
  return `#compdef anvil
# anvil completion for zsh. Install (after compinit): echo 'source <(anvil completion zsh)' >> ~/.zshrc
_anvil() {
  local cmdpath="" w i skip=0 cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if ((skip)); then skip=0; continue; fi
    case $w in
      (${valueFlags(root).join('|')}) skip=1 ;;
      (-*) ;;
      (*) case "$cmdpath" in
          ${pathCases(root, 'zsh')}
        esac ;;
    esac
  done
  case $prev in
${values.join('\n')}
    (${DIRECTORY_FLAGS.join('|')}) _files -/; return ;;
    (${valueFlags(root).join('|')}) return ;;
  esac
  if [[ $cur == -* ]]; then
    case "$cmdpath" in
${flatten(root)
  .map((c) => `      ("${c.path}") compadd -- ${words(c.options.flatMap((o) => o.names))} ;;`)
  .join('\n')}
    esac
    return
  fi
  case "$cmdpath" in
${arms.join('\n')}
  esac
}
compdef _anvil anvil
`;
}

function fish(root: CompletionCommand): string {
  const lines = ['# anvil completion for fish. Install: anvil completion fish > ~/.config/fish/completions/anvil.fish', 'complete -c anvil -f'];
  const condition = (c: CompletionCommand): string => {
    if (!c.path) return '__fish_use_subcommand';
    const [first, second] = c.path.split(' ');
    const parent = root.subcommands.find((s) => s.name === first)!;
    if (second) return `__fish_seen_subcommand_from ${first}; and __fish_seen_subcommand_from ${second}`;
    const subs = parent.subcommands.map((s) => s.name);
    return subs.length ? `__fish_seen_subcommand_from ${first}; and not __fish_seen_subcommand_from ${words(subs)}` : `__fish_seen_subcommand_from ${first}`;
  };
  for (const c of flatten(root)) {
    const when = quote(condition(c));
    for (const s of c.subcommands) lines.push(`complete -c anvil -n ${when} -a ${s.name} -d ${quote(s.description)}`);
    if (c.positional === 'files') lines.push(`complete -c anvil -n ${when} -F`);
    else if (Array.isArray(c.positional)) lines.push(`complete -c anvil -n ${when} -a ${quote(words(c.positional as readonly string[]))}`);
    for (const o of c.options) {
      const names = o.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`)).join(' ');
      const long = o.names.find((n) => n.startsWith('--')) ?? '';
      const value = VALUES[long]
        ? ` -x -a ${quote(words(VALUES[long]))}`
        : DIRECTORY_FLAGS.includes(long)
          ? ' -r -a "(__fish_complete_directories)"'
          : o.takesValue
            ? ' -x'
            : '';
      lines.push(`complete -c anvil -n ${when} ${names}${value} -d ${quote(o.description)}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function completionScript(shell: (typeof SHELLS)[number], program: Command): string {
  const root = completionSpec(program);
  return shell === 'bash' ? bash(root) : shell === 'zsh' ? zsh(root) : fish(root);
}
