import { parseArgs } from 'util';
import { TimonelError } from '../core/errors';
import { Profile } from '../policies/profiles';
import { RULES } from '../policies/rules';
import { check, CheckResult, UsageError } from './check';
import { init } from './init';
import { ownPackage, ownPackageFile } from './own-package';
import { synth, SynthResult } from './synth';
import { MissingPathError } from './yaml-files';

const USAGE = `Usage:
  timonel init [dir]                      scaffold a new cdk8s project that uses timonel
  timonel synth [--no-typecheck] [app]    type-check and run the app (default src/main.ts, else
                                          src/main.js, .mjs…), which writes dist/; errors print
                                          without a stack
  timonel check [options] <dir|file>...   check Kubernetes YAML against the policy rules
  timonel rules [--profile <p>] [--format human|json|markdown]
                                          list the rules and their severities

Options of check:
  --profile <restricted|baseline|file.json>
                     the rule set (default: restricted). A JSON file holds Profile.custom
                     options: { "extends": "baseline", "disable": [...], "severity": {...} }
  --disable <rule-id>[,<rule-id>...]
                     turn rules off (repeatable)
  --format <human|json>
                     human output grouped by file (default), or JSON for CI
  --quiet            print errors only
  -h, --help         show this help
  -v, --version      print timonel's version

Folders are read recursively (*.yaml, *.yml; kustomization.yaml and documents that are not
Kubernetes objects are skipped). Objects in a Namespace of the input labelled
pod-security.kubernetes.io/enforce: baseline skip the pss-restricted-* rules (privileged: all
pss-* rules), as admission does. Suppress a rule on an object with the annotation
  timonel.dev/suppress.<rule-id>: <reason of at least 10 characters>

Exit codes: 0 no errors (warnings allowed), 1 policy errors, 2 usage or parse errors.
`;

interface Parsed {
  readonly command?: string;
  readonly paths: string[];
  readonly flags: Map<string, string[]>;
  readonly help: boolean;
  readonly version: boolean;
}

/** Every option of every command; which command takes which is checked per command. */
const OPTIONS = {
  profile: { type: 'string', multiple: true },
  disable: { type: 'string', multiple: true },
  format: { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  'no-typecheck': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** What each command takes besides --help and --version. */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  check: ['--profile', '--disable', '--format', '--quiet'],
  rules: ['--profile', '--format'],
  synth: ['--no-typecheck'],
  init: [],
};

function parse(argv: readonly string[]): Parsed {
  let values: Record<string, string[] | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (e) {
    throw new UsageError(usageProblem(e as Error & { code?: string }));
  }
  const flags = new Map<string, string[]>();
  for (const [name, value] of Object.entries(values)) {
    if (name === 'help' || name === 'version' || value === undefined) continue;
    if (Array.isArray(value) && value.some((v) => v === '')) throw new UsageError(`--${name} needs a value`);
    flags.set(`--${name}`, Array.isArray(value) ? value : ['true']);
  }
  const [command, ...paths] = positionals;
  const allowed = command === undefined ? undefined : COMMAND_OPTIONS[command];
  const foreign = allowed ? [...flags.keys()].filter((f) => !allowed.includes(f)) : [];
  if (foreign.length) {
    throw new UsageError(`'timonel ${command}' takes ${allowed!.length ? allowed!.join(', ') : 'no options'}, got ${foreign.join(', ')}`);
  }
  return { command, paths, flags, help: values.help === true, version: values.version === true };
}

/** node:util parseArgs's error in the CLI's words ("unknown option '--verbose'"). */
function usageProblem(e: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option '${option}'`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /does not take an argument/.test(e.message) ? `${option} takes no value` : `${option} needs a value`;
  }
  return e.message;
}

function one(p: Parsed, flag: string): string | undefined {
  const v = p.flags.get(flag);
  if (v && v.length > 1) throw new UsageError(`${flag} given more than once`);
  return v?.[0];
}

function format<T extends string>(p: Parsed, allowed: readonly T[]): T {
  const f = one(p, '--format') ?? allowed[0];
  if (!(allowed as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${allowed.join(', ')}, got '${f}'`);
  return f as T;
}

function rules(p: Parsed): CheckResult {
  const profile = Profile.of((one(p, '--profile') ?? 'restricted') as any);
  const fmt = format(p, ['human', 'json', 'markdown'] as const);
  const rows = profile.rules();
  if (fmt === 'json') return { exitCode: 0, stdout: `${JSON.stringify({ profile: profile.name, rules: rows }, null, 2)}\n`, stderr: '' };
  if (fmt === 'markdown') {
    const lines = ['| Rule | Severity | Rationale |', '| --- | --- | --- |', ...rows.map((r) => `| \`${r.id}\` | ${r.level} | ${r.rationale.replace(/\|/g, '\\|')} |`)];
    return { exitCode: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
  }
  const width = Math.max(...RULES.map((r) => r.id.length));
  const lines = rows.map((r) => `${r.id.padEnd(width)}  ${r.level.padEnd(7)}  ${r.rationale}`);
  return { exitCode: 0, stdout: `profile: ${profile.name}\n${lines.join('\n')}\n`, stderr: '' };
}

/** Runs the CLI with arguments (without `node` and the script) and returns what to print. */
export async function run(argv: readonly string[], cwd = process.cwd()): Promise<CheckResult & Pick<SynthResult, 'unsynthesized'>> {
  try {
    const p = parse(argv);
    if (p.version) return { exitCode: 0, stdout: `${timonelVersion()}\n`, stderr: '' };
    if (p.help || p.command === 'help') return { exitCode: p.command || p.help ? 0 : 2, stdout: USAGE, stderr: '' };
    if (p.command === undefined) return { exitCode: 2, stdout: '', stderr: USAGE };
    if (p.command === 'rules') {
      if (p.paths.length) throw new UsageError(`'timonel rules' takes no paths`);
      return rules(p);
    }
    if (p.command === 'init') {
      if (p.paths.length > 1) throw new UsageError(`'timonel init' takes one folder`);
      return { exitCode: 0, stdout: init({ dir: p.paths[0], cwd }).stdout, stderr: '' };
    }
    if (p.command === 'synth') {
      if (p.paths.length > 1) throw new UsageError(`'timonel synth' takes one app file`);
      const r = await synth({ app: p.paths[0], typecheck: p.flags.has('--no-typecheck') ? false : undefined, cwd });
      return { exitCode: r.exitCode, stdout: '', stderr: r.stderr, unsynthesized: r.unsynthesized };
    }
    if (p.command !== 'check') throw new UsageError(`unknown command '${p.command}'`);
    if (p.paths.length === 0) throw new UsageError('name at least one file or folder to check');
    return check({
      paths: p.paths,
      profile: one(p, '--profile'),
      disable: (p.flags.get('--disable') ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean),
      format: format(p, ['human', 'json'] as const),
      quiet: p.flags.has('--quiet'),
      cwd,
    });
  } catch (e) {
    if (e instanceof UsageError || e instanceof MissingPathError || e instanceof TimonelError) {
      return { exitCode: 2, stdout: '', stderr: `timonel: ${e.message}\nRun 'timonel --help' for usage.\n` };
    }
    throw e;
  }
}

/** The entry point of bin/timonel.js. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const result = await run(argv);
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
  // An app may synthesize after an await: whether it ever did is known once its work is done.
  const unsynthesized = result.unsynthesized;
  if (unsynthesized) {
    process.once('beforeExit', () => {
      const error = unsynthesized();
      if (error && !process.exitCode) {
        process.stderr.write(error);
        process.exitCode = 1;
      }
    });
  }
}

/** The version of the installed timonel package. */
export function timonelVersion(): string {
  return ownPackageFile() ? ownPackage().version : 'unknown';
}
