/**
 * How `timonel synth` loads a TypeScript app, for both of Node's module systems: a file's module
 * format (as Node decides it for .js), its transpiled JavaScript, and the '.ts' file a relative
 * './x.js' means in a TypeScript file when there is no x.js (as tsc, tsx and ts-node read it).
 *
 * `initialize`, `resolve` and `load` are Node's module hooks (`module.register`) for an app that is
 * an ES module: they run in Node's hooks thread, which is why this file imports only Node's own modules.
 */
import * as fs from 'fs';
import type { InitializeHook, LoadHook, ResolveHook } from 'module';
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

type TypeScript = typeof import('typescript');

/** What the hooks thread is given by `module.register`. */
export interface TypeScriptHooksData {
  /** The file of the project's TypeScript module (its `require.resolve('typescript')`). */
  readonly typescript: string;
  /** The compiler options of `transpile`, without `module`. */
  readonly compilerOptions: Record<string, unknown>;
}

/** A TypeScript source file: .ts, .mts or .cts (not a declaration file). */
export function isTypeScript(file: string): boolean {
  return /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file);
}

/**
 * The module format Node gives a file: .mjs and .mts are ES modules, .cjs and .cts CommonJS, and
 * .js and .ts what the nearest package.json's "type" says (CommonJS without one).
 */
export function moduleFormat(file: string): 'module' | 'commonjs' {
  if (/\.m[jt]s$/.test(file)) return 'module';
  if (/\.c[jt]s$/.test(file)) return 'commonjs';
  for (let dir = path.dirname(file); path.basename(dir) !== 'node_modules'; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  return 'commonjs';
}

/**
 * The TypeScript file a relative (or absolute) specifier ending in .js, .mjs or .cjs names when
 * written in the TypeScript file `parent`: './x.js' -> './x.ts' ('.mjs' -> '.mts', '.cjs' -> '.cts');
 * undefined for any other specifier or parent.
 */
export function typeScriptTwin(specifier: string, parent: string | undefined): string | undefined {
  if (!parent || !isTypeScript(parent)) return undefined;
  if (!/^(\.{1,2}\/|\/|file:)/.test(specifier)) return undefined;
  const m = /^(.*\.)([cm]?)js$/.exec(specifier);
  return m ? `${m[1]}${m[2]}ts` : undefined;
}

/** A TypeScript file's JavaScript in `format`, with an inline source map to its source. */
export function transpile(ts: TypeScript, compilerOptions: Record<string, unknown>, source: string, file: string, format: 'module' | 'commonjs'): string {
  const module = format === 'module' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS;
  return ts.transpileModule(source, { compilerOptions: { ...compilerOptions, module } as import('typescript').CompilerOptions, fileName: file }).outputText;
}

let hooks: { ts: TypeScript; compilerOptions: Record<string, unknown> } | undefined;

/** Node's initialize hook: loads the project's TypeScript in the hooks thread. */
export const initialize: InitializeHook<TypeScriptHooksData> = (data) => {
  hooks = { ts: createRequire(data.typescript)(data.typescript) as TypeScript, compilerOptions: data.compilerOptions };
};

/** Node's resolve hook: './x.js' written in a TypeScript file is './x.ts' when there is no x.js. */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    const parent = context.parentURL?.startsWith('file:') ? fileURLToPath(context.parentURL) : undefined;
    const twin = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' ? typeScriptTwin(specifier, parent) : undefined;
    if (!twin) throw e;
    try {
      return await nextResolve(twin, context);
    } catch {
      throw e;
    }
  }
};

/** Node's load hook: a .ts, .mts or .cts file is its transpiled JavaScript, in the format Node gives it. */
export const load: LoadHook = async (url, context, nextLoad) => {
  if (!hooks || !url.startsWith('file:')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  if (!isTypeScript(file)) return nextLoad(url, context);
  const format = moduleFormat(file);
  // CommonJS given as source (Node >= 20.6) keeps its named exports for an import.
  const source = transpile(hooks.ts, hooks.compilerOptions, fs.readFileSync(file, 'utf8'), file, format);
  return { format, source, shortCircuit: true };
};
