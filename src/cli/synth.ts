import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TimonelError } from '../core/errors';
import { formatFinding, PolicyError } from '../policies/engine';
import { UsageError } from './check';

/** The app `timonel synth` runs when none is named. */
export const DEFAULT_APP = 'src/main.ts';

/** What `timonel synth` does. */
export interface SynthOptions {
  /** The app file: TypeScript (transpiled on load) or JavaScript. @default 'src/main.ts' */
  readonly app?: string;
  /**
   * Type-check the project first (`tsc --noEmit --incremental` with its tsconfig.json), so a
   * misspelled prop stops the synth instead of changing the YAML.
   * @default true for a TypeScript app in a folder with a tsconfig.json
   */
  readonly typecheck?: boolean;
  /** The project folder. @default process.cwd() */
  readonly cwd?: string;
}

/** What `synth` reports: the exit code and the text for stderr. */
export interface SynthResult {
  readonly exitCode: 0 | 1;
  readonly stderr: string;
}

/**
 * Runs a user's app (which calls `app.synth()`) in this process, the way `timonel synth` does:
 * type-checks it first, then loads it. A TimonelError (a PolicyError too) becomes `error: …`
 * lines and exit code 1, without a stack trace; any other error keeps its stack.
 */
export function synth(options: SynthOptions = {}): SynthResult {
  const cwd = options.cwd ?? process.cwd();
  const app = path.resolve(cwd, options.app ?? DEFAULT_APP);
  if (!fs.existsSync(app)) {
    throw new UsageError(`no app at ${path.relative(cwd, app) || app}: name the file that calls app.synth(), e.g. 'timonel synth src/main.ts'`);
  }
  const isTs = /\.(c|m)?ts$/.test(app);
  const tsconfig = path.join(cwd, 'tsconfig.json');
  if (isTs && (options.typecheck ?? fs.existsSync(tsconfig))) {
    const failed = typecheck(cwd, tsconfig);
    if (failed) return { exitCode: 1, stderr: failed };
  }
  try {
    if (isTs) registerTypeScript(cwd, tsconfig);
    require(app);
  } catch (e) {
    return { exitCode: 1, stderr: formatAppError(e) };
  }
  return { exitCode: 0, stderr: '' };
}

/**
 * How an app's error is printed: a TimonelError as `error: …` lines (one per problem, one per
 * finding of a PolicyError), without a stack trace, since it already says where, what and how to fix it;
 * anything else with its stack.
 */
export function formatAppError(e: unknown): string {
  if (isPolicyError(e)) {
    return `${e.findings.map((f) => `error: ${formatFinding(f, { ruleId: true })}`).join('\n')}\n`
      + "Fix each one, or suppress a rule where it does not apply with a written reason: Policy.suppress(construct, '<rule-id>', '<why>').\n";
  }
  if (isTimonelError(e)) {
    // An error that collects several problems (all bad props of one construct): a line for each.
    const problems = (e as { problems?: unknown }).problems;
    const each = Array.isArray(problems) && problems.length > 0 ? (problems as Error[]) : [e];
    return each.map((p) => `error: ${p.message}\n`).join('');
  }
  return `${e instanceof Error ? e.stack ?? e.message : String(e)}\n`;
}

// By name as well: an app may load another copy of timonel than the CLI's.
function isTimonelError(e: unknown): e is Error {
  return e instanceof TimonelError || (e instanceof Error && (e.name === 'TimonelError' || e.name === 'PolicyError'));
}

function isPolicyError(e: unknown): e is PolicyError {
  return e instanceof PolicyError || (isTimonelError(e) && e.name === 'PolicyError' && Array.isArray((e as any).findings));
}

/** The project's TypeScript (else timonel's own, when it has one). */
function loadTypeScript(cwd: string): { module: typeof import('typescript'); tsc: string } | undefined {
  for (const from of [cwd, __dirname]) {
    try {
      const main = require.resolve('typescript', { paths: [from] });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { module: require(main), tsc: path.join(path.dirname(main), '..', 'bin', 'tsc') };
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/** Runs `tsc --noEmit --incremental`; returns the text to print when it fails. */
function typecheck(cwd: string, tsconfig: string): string | undefined {
  const ts = loadTypeScript(cwd);
  if (!ts) return 'error: type-checking needs TypeScript: npm install --save-dev typescript (or run timonel synth --no-typecheck)\n';
  const r = spawnSync(process.execPath, [ts.tsc, '-p', tsconfig, '--noEmit', '--incremental', '--pretty', 'false'], { cwd, encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return `${output}\nerror: the app does not type-check (above), so nothing was synthesized. Fix it, or run timonel synth --no-typecheck\n`;
}

/** Loads .ts files through TypeScript's transpiler, unless a loader (tsx, ts-node) is already there. */
function registerTypeScript(cwd: string, tsconfig: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extensions = require('module')._extensions as Record<string, (m: any, file: string) => void>;
  if (extensions['.ts']) return;
  const ts = loadTypeScript(cwd);
  if (!ts) throw new TimonelError({ message: 'running a TypeScript app needs TypeScript', fix: 'npm install --save-dev typescript' });
  const compilerOptions = {
    ...(fs.existsSync(tsconfig) ? ts.module.parseJsonConfigFileContent(ts.module.readConfigFile(tsconfig, ts.module.sys.readFile).config, ts.module.sys, cwd).options : {}),
    module: ts.module.ModuleKind.CommonJS,
    noEmit: false,
    declaration: false,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
  };
  // Stack traces of unexpected errors point into the .ts sources.
  // (Node >= 16.6; missing from the @types/node this repo pins.)
  (process as unknown as { setSourceMapsEnabled(on: boolean): void }).setSourceMapsEnabled(true);
  const load = (m: any, file: string): void => {
    const { outputText } = ts.module.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    m._compile(outputText, file);
  };
  extensions['.ts'] = load;
  extensions['.cts'] = load;
}
