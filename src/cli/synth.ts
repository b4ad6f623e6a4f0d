import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { AppCount, countingApps } from '../core/app-watch';
import { TimonelError } from '../core/errors';
import { formatFinding, PolicyError } from '../policies/engine';
import { UsageError } from './check';
import { isTypeScript, moduleFormat, transpile, TypeScriptHooksData, typeScriptTwin } from './typescript-hooks';

/** The app `timonel synth` runs when none is named. */
export const DEFAULT_APP = 'src/main.ts';
/** Where `timonel synth` looks for the app when none is named: the first that exists (JavaScript apps too). */
export const DEFAULT_APPS = [DEFAULT_APP, 'src/main.mts', 'src/main.js', 'src/main.mjs', 'src/main.cjs'];

/** What `timonel synth` does. */
export interface SynthOptions {
  /**
   * The app file: TypeScript (transpiled on load) or JavaScript, CommonJS or an ES module (by its
   * extension and package.json "type", as Node decides).
   * @default - the first of src/main.ts, .mts, .js, .mjs and .cjs that exists
   */
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
  /**
   * Once the app's async work is done (the CLI asks when its process is about to exit): the error
   * text when the app created an App and never synthesized one, else undefined.
   */
  readonly unsynthesized?: () => string | undefined;
}

/**
 * Runs a user's app (which calls `app.synth()`) in this process, the way `timonel synth` does:
 * type-checks it first, then loads it: an ES module (.mjs, .mts, or .js/.ts under `"type": "module"`)
 * by `import()`, awaiting its top-level await, anything else by `require()`. An error becomes
 * `error: …` lines and exit code 1, without a stack trace (see formatAppError).
 */
export async function synth(options: SynthOptions = {}): Promise<SynthResult> {
  const cwd = options.cwd ?? process.cwd();
  const app = path.resolve(cwd, options.app ?? DEFAULT_APPS.find((f) => fs.existsSync(path.resolve(cwd, f))) ?? DEFAULT_APP);
  if (!fs.existsSync(app)) {
    const looked = options.app === undefined ? ` (nor src/main.mts, .js, .mjs or .cjs)` : '';
    throw new UsageError(`no app at ${path.relative(cwd, app) || app}${looked}: name the file that calls app.synth(), e.g. 'timonel synth src/main.ts'`);
  }
  const isTs = isTypeScript(app);
  // The project's tsconfig, as tsc finds it: the nearest one from the app's folder up (run from
  // src/, the one in cwd would be missed and the type-check skipped).
  const tsconfig = nearestTsconfig(path.dirname(app)) ?? path.join(cwd, 'tsconfig.json');
  const project = path.dirname(tsconfig);
  let note = '';
  if (project !== cwd && fs.existsSync(tsconfig) && fs.existsSync(path.join(project, 'package.json'))) {
    note = `note: running from ${path.relative(project, cwd) || cwd}, not the project folder ${path.relative(cwd, project) || project}: `
      + "the app's relative paths (its outdir, 'dist') are taken from here\n";
  }
  if (isTs && (options.typecheck ?? fs.existsSync(tsconfig))) {
    const checked = typecheck(project, tsconfig, app);
    if (checked.failed) return { exitCode: 1, stderr: note + checked.failed };
    note += checked.note ?? '';
  }
  const apps: AppCount = { created: 0, synthesized: 0 };
  try {
    const esm = moduleFormat(app) === 'module';
    if (isTs) await registerTypeScript(project, tsconfig, esm);
    await countingApps(apps, async () => {
      if (esm) await importModule(pathToFileURL(app).href);
      else require(app);
    });
  } catch (e) {
    return { exitCode: 1, stderr: note + formatAppError(e, { cwd }) };
  }
  const file = path.relative(cwd, app) || app;
  const unsynthesized = (): string | undefined => {
    if (apps.created === 0 || apps.synthesized > 0) return undefined;
    const [what, call] = apps.environments ? ['an Environments', 'environments.synth()'] : ['an App', 'app.synth()'];
    return `error: ${file} created ${what} but never called ${call}, so nothing was written (the output folder is as it was). `
      + `Fix: end ${file} with ${call}\n`;
  };
  return { exitCode: 0, stderr: note, unsynthesized };
}

/** How `formatAppError` prints. */
export interface FormatOptions {
  /** Source locations in the message are relative to this folder. @default process.cwd() */
  readonly cwd?: string;
  /** Print the stack trace of an error that is not a TimonelError. @default TIMONEL_DEBUG is set (and not '0' or 'false') */
  readonly debug?: boolean;
}

const DEBUG_HINT = 'Run with TIMONEL_DEBUG=1 to see its stack trace.\n';

/**
 * How an app's error is printed, without a stack trace: a TimonelError as `error: …` lines (one per
 * problem, one per finding of a PolicyError), since it already says where, what and how to fix it;
 * a user mistake the constructs library or cdk8s reports (two constructs with one id) as one
 * `error: [path] …` line with a fix; anything else as `error: <message>` with where in the app it
 * came from and a hint that TIMONEL_DEBUG=1 shows the stack.
 */
export function formatAppError(e: unknown, options: FormatOptions = {}): string {
  if (isPolicyError(e)) {
    return `${e.findings.map((f) => `error: ${formatFinding(f, { ruleId: true })}`).join('\n')}\n`
      + "Fix each one, or suppress a rule where it does not apply with a written reason: Policy.suppress(construct, '<rule-id>', '<why>').\n";
  }
  if (isTimonelError(e)) {
    const failed = validationErrors(e.message);
    if (failed) return failed;
    // An error that collects several problems (all bad props of one construct): a line for each.
    const problems = (e as { problems?: unknown }).problems;
    const each = Array.isArray(problems) && problems.length > 0 ? (problems as Error[]) : [e];
    return each.map((p) => `error: ${p.message}\n`).join('');
  }
  const debug = options.debug ?? isSet(process.env.TIMONEL_DEBUG);
  if (!(e instanceof Error)) return `error: ${String(e)}\n`;
  const at = appLocation(e, options.cwd ?? process.cwd());
  const stack = debug ? `${e.stack ?? ''}\n` : '';
  const known = validationErrors(e.message) ?? constructsError(e.message, at);
  if (known) return `${known}${stack}`;
  return `error: ${e.message}${at ? ` (at ${at})` : ''}\n${debug ? stack : DEBUG_HINT}`;
}

/** cdk8s's "Validation failed with the following errors:" (one `[path] message` per line) as `error:` lines. */
function validationErrors(message: string): string | undefined {
  const m = /^Validation failed with the following errors:\n([\s\S]*)$/.exec(message);
  if (!m) return undefined;
  return m[1].split('\n').map((l) => l.trim()).filter(Boolean).map((l) => `error: ${l}\n`).join('');
}

/** The constructs library's errors for mistakes in an app, in timonel's words: where, what, how to fix it. */
function constructsError(message: string, at: string | undefined): string | undefined {
  const where = at ? ` (at ${at})` : '';
  const duplicate = /^There is already a Construct with name '(.*)' in (\S+)(?: \[(.*)\])?$/.exec(message);
  if (duplicate) {
    const [, id, type, scope] = duplicate;
    return `error: [${scope ? `${scope}/${id}` : id}] two constructs have the id '${id}' in ${type}${scope ? ` '${scope}'` : ''}${where}. `
      + 'Fix: give each construct a unique id in its scope\n';
  }
  if (message === 'Only root constructs may have an empty ID') {
    return `error: a construct was given an empty id ''${where}. Fix: give each construct a non-empty id, unique in its scope\n`;
  }
  const late = /^Cannot add children(?: to "(.*)")? during synthesis$/.exec(message);
  if (late) {
    return `error: ${late[1] ? `[${late[1]}] ` : ''}a construct was added during synthesis${where}. Fix: create every construct before app.synth()\n`;
  }
  return undefined;
}

/**
 * The first place in the app's own code in the error's stack (`src/main.ts:12`): not in
 * node_modules, not in timonel's own library code (the layers under src/ or lib/src/ of this package).
 */
function appLocation(e: Error, cwd: string): string | undefined {
  const library = path.dirname(__dirname);
  for (const line of (e.stack ?? '').split('\n').slice(1)) {
    // A file path or, in an ES module, a file URL; not Node's own code ('node:internal/…').
    const m = /(?:^at (?:async )?|\()((?:file:\/\/|\/|[A-Za-z]:\\)[^()]*?):(\d+):\d+\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1];
    if (file.split(/[\\/]/).includes('node_modules')) continue;
    const inLibrary = path.relative(library, file);
    if (!inLibrary.startsWith('..') && /[\\/]/.test(inLibrary) && !/^examples[\\/]/.test(inLibrary)) continue;
    return `${path.relative(cwd, file) || file}:${m[2]}`;
  }
  return undefined;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

// By name as well: an app may load another copy of timonel than the CLI's.
function isTimonelError(e: unknown): e is Error {
  return e instanceof TimonelError || (e instanceof Error && (e.name === 'TimonelError' || e.name === 'PolicyError'));
}

function isPolicyError(e: unknown): e is PolicyError {
  return e instanceof PolicyError || (isTimonelError(e) && e.name === 'PolicyError' && Array.isArray((e as any).findings));
}

/** The nearest tsconfig.json from `dir` up to the file system's root. */
function nearestTsconfig(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const f = path.join(d, 'tsconfig.json');
    if (fs.existsSync(f)) return f;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The project's TypeScript (else timonel's own, when it has one): its version, its `tsc`, and its
 * JavaScript API when it has one. TypeScript 7 (the native compiler) has a `tsc` but no JavaScript API
 * (`transpileModule`, `createProgram`): timonel then type-checks with its `tsc` and loads the app with tsx.
 */
interface ProjectTypeScript {
  readonly version: string;
  readonly main: string;
  readonly tsc: string;
  readonly api?: typeof import('typescript');
}

function loadTypeScript(cwd: string): ProjectTypeScript | undefined {
  for (const from of [cwd, __dirname]) {
    let main: string;
    try {
      main = require.resolve('typescript', { paths: [from] });
    } catch {
      continue; // try the next place
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(main) as Partial<typeof import('typescript')>;
    const api = typeof module.transpileModule === 'function' && typeof module.createProgram === 'function'
      && typeof module.parseJsonConfigFileContent === 'function' ? module as typeof import('typescript') : undefined;
    return { version: String(module.version ?? 'of unknown version'), main, tsc: path.join(path.dirname(main), '..', 'bin', 'tsc'), api };
  }
  return undefined;
}

/**
 * Runs `tsc --noEmit --incremental` on the project; an app file outside the tsconfig's files
 * (`include`) is checked on its own with the same options (with TypeScript 7, which has no JavaScript
 * API to do that, it is named in a note instead). What to print: `failed` stops the synth.
 */
function typecheck(cwd: string, tsconfig: string, app: string): { failed?: string; note?: string } {
  const ts = loadTypeScript(cwd);
  if (!ts) return { failed: 'error: type-checking needs TypeScript: npm install --save-dev typescript (or run timonel synth --no-typecheck)\n' };
  const failed = (output: string) => ({
    failed: `${output}\nerror: the app does not type-check (above), so nothing was synthesized. Fix it, or run timonel synth --no-typecheck\n`,
  });
  const r = spawnSync(process.execPath, [ts.tsc, '-p', tsconfig, '--noEmit', '--incremental', '--pretty', 'false'], { cwd, encoding: 'utf8' });
  if (r.status !== 0) return failed(`${r.stdout ?? ''}${r.stderr ?? ''}`.trim());
  if (!ts.api) {
    const shown = spawnSync(process.execPath, [ts.tsc, '-p', tsconfig, '--showConfig'], { cwd, encoding: 'utf8' });
    let files: unknown;
    try {
      files = (JSON.parse(shown.stdout) as { files?: unknown }).files;
    } catch {
      files = undefined;
    }
    const dir = path.dirname(tsconfig);
    if (Array.isArray(files) && files.some((f) => typeof f === 'string' && path.resolve(dir, f) === app)) return {};
    return {
      note: `note: ${path.relative(cwd, app) || app} was not type-checked: it is not among the files of ${path.relative(cwd, tsconfig) || tsconfig}, `
        + `and TypeScript ${ts.version} has no JavaScript API to check one file with the project's options. Add it to the tsconfig's "include"\n`,
    };
  }
  const api = ts.api;
  const config = api.parseJsonConfigFileContent(api.readConfigFile(tsconfig, api.sys.readFile).config, api.sys, cwd);
  if (config.fileNames.some((f) => path.resolve(cwd, f) === app)) return {};
  const program = api.createProgram([app], { ...config.options, noEmit: true, incremental: false, composite: false, tsBuildInfoFile: undefined });
  const diagnostics = api.getPreEmitDiagnostics(program);
  if (diagnostics.length === 0) return {};
  return failed(api.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => '\n',
  }).trim());
}

/**
 * Loads the app's TypeScript through the project's TypeScript: .ts and .cts files by `require()`, unless a
 * loader (tsx, ts-node) is already there, with './x.js' written in them meaning './x.ts' when there is no
 * x.js; for an app that is an ES module also .ts and .mts files by `import()`, through Node's module hooks
 * (typescript-hooks.ts). This hooks the CLI's own process, which runs the app; the library never does.
 */
async function registerTypeScript(cwd: string, tsconfig: string, esm: boolean): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module') as {
    _extensions: Record<string, (m: any, file: string) => void>;
    _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
    register?: (specifier: string, options: { data: TypeScriptHooksData }) => void;
  };
  if (esm && !Module.register) {
    throw new TimonelError({
      message: `running a TypeScript app that is an ES module needs Node 20.6 or later (module.register), got Node ${process.versions.node}`,
      fix: 'upgrade Node to 20.6 or later, or compile the app with tsc and run timonel synth on its .js file',
    });
  }
  const own = !Module._extensions['.ts'];
  if (!own && !esm) return;
  const ts = loadTypeScript(cwd);
  if (!ts?.api) {
    if (await registerTsx(cwd)) return;
    throw new TimonelError({
      message: ts
        ? `running a TypeScript app needs TypeScript's JavaScript API (TypeScript 4.7 to 5.x) or tsx; this project has TypeScript ${ts.version}, which has no JavaScript API`
        : 'running a TypeScript app needs TypeScript (4.7 to 5.x) or tsx',
      fix: ts
        ? 'npm install --save-dev tsx (timonel synth then loads the app with tsx), or npm install --save-dev typescript@5'
        : 'npm install --save-dev typescript@5',
    });
  }
  const api = ts.api;
  const compilerOptions = transpileOptions(api, tsconfig, cwd);
  // Stack traces of unexpected errors point into the .ts sources.
  // (Node >= 16.6; missing from the @types/node this repo pins.)
  (process as unknown as { setSourceMapsEnabled(on: boolean): void }).setSourceMapsEnabled(true);
  if (own) {
    const load = (m: any, file: string): void => {
      m._compile(transpile(api, compilerOptions, fs.readFileSync(file, 'utf8'), file, 'commonjs'), file);
    };
    Module._extensions['.ts'] = load;
    Module._extensions['.cts'] = load;
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, ...rest) {
      try {
        return resolveFilename.call(this, request, parent, ...rest);
      } catch (e) {
        const twin = (e as { code?: string }).code === 'MODULE_NOT_FOUND' ? typeScriptTwin(request, parent?.filename) : undefined;
        if (!twin) throw e;
        try {
          return resolveFilename.call(this, twin, parent, ...rest);
        } catch {
          throw e;
        }
      }
    };
  }
  if (esm) Module.register!(typeScriptHooks(api), { data: { typescript: ts.main, compilerOptions } });
}

/**
 * Loads the app with the project's tsx, for a TypeScript without a JavaScript API (7 and later):
 * imports its loader, as `node --import tsx` does, which hooks `require()` and `import()` of .ts files.
 * False when the project has no tsx.
 */
async function registerTsx(cwd: string): Promise<boolean> {
  let loader: string;
  try {
    loader = require.resolve('tsx', { paths: [cwd] });
  } catch {
    return false;
  }
  await importModule(pathToFileURL(loader).href);
  return true;
}

/**
 * The project's compiler options for transpiling one file at a time, with an inline source map
 * whose paths are the file's own (outDir, rootDir, sourceRoot and mapRoot would make them
 * relative to the build folder, so errors would point at '../src/main.ts').
 */
function transpileOptions(ts: typeof import('typescript'), tsconfig: string, cwd: string): Record<string, unknown> {
  const fromConfig = fs.existsSync(tsconfig) ? ts.parseJsonConfigFileContent(ts.readConfigFile(tsconfig, ts.sys.readFile).config, ts.sys, cwd).options : {};
  const { outDir, rootDir, sourceRoot, mapRoot, outFile, declarationDir, ...options } = fromConfig;
  return {
    // TypeScript's own default (ES5) turns classes into functions, which cannot extend timonel's
    // classes ('Class constructor Workload cannot be invoked without new').
    target: ts.ScriptTarget.ES2022,
    ...options,
    noEmit: false,
    declaration: false,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
  };
}

/**
 * The module that Node's hooks thread loads: the compiled typescript-hooks.js next to this file, or
 * in a checkout of timonel run from src/ (no build), its source transpiled here.
 */
function typeScriptHooks(ts: typeof import('typescript')): string {
  const compiled = path.join(__dirname, 'typescript-hooks.js');
  if (fs.existsSync(compiled)) return pathToFileURL(compiled).href;
  const source = fs.readFileSync(path.join(__dirname, 'typescript-hooks.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  return `data:text/javascript,${encodeURIComponent(js)}`;
}

// TypeScript compiles import() to require() for CommonJS output, and require() cannot load an ES
// module that uses top-level await.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
