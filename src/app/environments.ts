import * as fs from 'fs';
import * as path from 'path';
import { Document, isScalar, LineCounter, parse as parseYaml, parseDocument } from 'yaml';
import { IConstruct } from 'constructs';
import { fail, formatValue, isConstruct, PropIssue, TimonelError } from '../core/errors';
import { PolicyError } from '../policies';
import { CONSTRUCT_METADATA_FILE } from '../synth/cdk8s-internals';
import { mirror, mirrorFiles, publish } from './publish';
import { App, AppOutput, AppProps, cliFolder, ConstructMetadata, outdirOf, outputObjects, printWarnings } from './app';
import { changesSincePrevious } from './immutable';
import { deliveryFiles, DeliveryProps, normalPath } from './delivery';
import { ENVIRONMENTS_PROPS } from './specs';
import { checkProps, closest, keyPath } from '../core/validation';
import { DEFAULTS } from '../core/defaults';
import { appCreated, appSynthesized } from '../core/app-watch';

/** Overrides of values `V`: any part of them; objects are merged key by key, arrays and scalars replaced. */
export type Overrides<V> = {
  readonly [K in keyof V]?: V[K] extends readonly unknown[] ? V[K] : V[K] extends object ? Overrides<V[K]> : V[K];
};

/** One environment: its overrides of the platform's default values. */
export interface EnvironmentProps<V> {
  /**
   * Overrides in code, merged over `defaults`. Checked against `defaults` when `Environments` is
   * created (for JavaScript, which has no types to check them): each value of the default's type,
   * and no key that reads as a typo of a key of theirs; other new keys (of a map, or optional) pass.
   * @default - none
   */
  readonly values?: Overrides<V>;
  /**
   * A JSON or YAML file of overrides (`.json`, `.yaml` or `.yml`), merged over `values`. Its keys
   * and value types are checked against `defaults`; the values then go through the props
   * validation of the constructs they are given to. A relative path is taken from the working
   * directory.
   * @default - none
   */
  readonly valuesFile?: string;
}

/** What the build function receives for one environment. */
export interface Environment<V> {
  /** The environment's name: its folder under `outdir`. */
  readonly name: string;
  /** The platform's values for this environment: defaults, then `values`, then `valuesFile`. */
  readonly values: V;
}

/** Props of a platform synthesized for several environments. */
export interface EnvironmentsProps<V extends object> {
  /**
   * The values every environment starts from. They also fix the shape of `values` and of a values file: only
   * their keys are accepted, with values of the same type; `null` may replace an object, and a key whose
   * default is `null` takes any value.
   */
  readonly defaults: V;
  /** The environments by name (a DNS-1123 label: `dev`, `prod`). */
  readonly environments: { readonly [name: string]: EnvironmentProps<V> };
  /** Builds the platform into the app of one environment (the same code for every environment). */
  readonly build: (app: App, env: Environment<V>) => void;
  /**
   * The output folder; each environment goes to `<outdir>/<name>/`.
   * @default - $TIMONEL_OUTDIR, else 'dist' (DEFAULTS.app.outdir); an empty TIMONEL_OUTDIR counts as unset
   */
  readonly outdir?: string;
  /**
   * The one environment to synthesize, leaving the others' folders as they are.
   * @default - $TIMONEL_ENV, else every environment
   */
  readonly only?: string;
  /**
   * Props of each environment's App (`outdir` is `<outdir>/<name>`, `delivery` is `delivery.tool`, `name` the environment's).
   * @default - the App defaults
   */
  readonly appProps?: Omit<AppProps, 'outdir' | 'delivery' | 'name'>;
  /**
   * How the environments are delivered: the apply order as Argo CD sync waves or Flux
   * Kustomizations, and the delivery objects of each environment in `<outdir>/<folder>/<env>/`
   * (Argo CD Applications, app of apps; or Flux Kustomizations) pointing at `<outdir>/<env>` in
   * the repository.
   * @default - { tool: 'kubectl' }: no delivery objects
   */
  readonly delivery?: DeliveryProps;
}

/**
 * The same platform for several environments: one App per environment, built by the same
 * function from that environment's values, written to `<outdir>/<env>/` with its own
 * `kustomization.yaml`. Each environment's App is its own construct tree, so object names and
 * labels are identical across environments unless a value changes them.
 */
export class Environments<V extends object> {
  /** The output folder. */
  public readonly outdir: string;
  /** Every environment's name, in the order given. */
  public readonly names: readonly string[];
  /** The environments `synth()` writes: `only`, else all of them. */
  public readonly selected: readonly string[];

  private readonly props: EnvironmentsProps<V>;
  private readonly only?: string;
  private readonly apps = new Map<string, App>();

  constructor(props: EnvironmentsProps<V>) {
    // Not a construct: its props are its only argument (no scope, no id).
    if (props === undefined || props === null || isConstruct(props)) {
      fail({
        path: 'Environments', message: isConstruct(props) ? 'takes its props as its only argument, not a scope and an id' : 'props are required',
        value: isConstruct(props) ? (props as IConstruct).node.path || 'the app' : props,
        allowed: "one object: { defaults, environments, build, outdir?, only?, appProps?, delivery? }",
        fix: 'new Environments({ defaults: { … }, environments: { dev: {}, prod: {} }, build: (app, env) => { … } }) (it makes an App per environment itself)',
      });
    }
    checkProps(ENVIRONMENTS_PROPS, props, 'Environments');
    this.props = props;
    this.outdir = outdirOf(props.outdir, 'Environments');
    this.names = Object.keys(props.environments);
    if (this.names.length === 0) {
      fail({ path: 'Environments', prop: 'environments', message: 'must name at least one environment', value: props.environments, allowed: 'an object of one or more environments by name', fix: "add one, e.g. environments: { dev: {} }" });
    }
    const folder = normalPath(props.delivery?.folder ?? DEFAULTS.delivery.folder);
    if (props.delivery && props.delivery.tool !== 'kubectl' && this.names.includes(folder)) {
      fail({ path: 'Environments', prop: `environments.${folder}`, message: 'has the name of the delivery folder', allowed: `an environment name other than '${folder}' (delivery.folder)`, fix: "rename the environment, or set 'delivery.folder'" });
    }
    const repository = props.delivery?.tool !== 'kubectl' ? props.delivery?.repository : undefined;
    if (repository && repository.path === undefined) checkOutdirInRepository(this.outdir);
    const only = props.only ?? (process.env.TIMONEL_ENV || undefined);
    if (only !== undefined && !this.names.includes(only)) {
      fail({
        path: 'Environments', prop: props.only !== undefined ? 'only' : 'TIMONEL_ENV', message: 'is not one of the environments',
        value: only, allowed: this.names.map((n) => `'${n}'`).join(', '), fix: 'choose one of them, or unset it to write every environment',
      });
    }
    this.only = only;
    this.selected = only !== undefined ? [only] : this.names;
    // Every environment's values in code, as a values file is checked: TypeScript checks them, JavaScript does not.
    for (const name of this.names) inEnvironment(name, () => checkValues(props.environments[name]?.values, props.defaults, `${keyPath('environments', name)}.values`));
    appCreated('Environments');
  }

  /** The values of environment `name`: defaults, then its `values`, then its `valuesFile`. */
  public values(name: string): V {
    const env = this.environment(name);
    return inEnvironment(name, () => {
      let values = merge(this.props.defaults, env.values ?? {});
      if (env.valuesFile !== undefined) {
        const { parsed: overrides, source } = readValuesFile(env.valuesFile, `${keyPath('environments', name)}.valuesFile`, this.props.defaults);
        const issues: PropIssue[] = [];
        checkShape(overrides, this.props.defaults, [], issues, source);
        const error = TimonelError.all({ path: env.valuesFile }, issues, 'values');
        if (error) throw error;
        values = merge(values, overrides);
      }
      return values as V;
    });
  }

  /** The App of environment `name`, built on first use (writes nothing). */
  public app(name: string): App {
    let app = this.apps.get(name);
    if (!app) {
      this.environment(name);
      app = new App({ ...this.props.appProps, outdir: path.join(this.outdir, name), delivery: this.props.delivery?.tool, name });
      const built = app;
      inEnvironment(name, () => this.props.build(built, { name, values: this.values(name) }));
      this.apps.set(name, app);
    }
    return app;
  }

  /**
   * Synthesizes the selected environments. Every environment: `outdir` is replaced as a whole,
   * atomically. One environment (`only`): only `<outdir>/<name>/` is replaced. Every environment
   * is built and checked before anything is written, so an error in one writes none.
   * Under `cdk8s synth`, the chart files are mirrored into `$CDK8S_OUTDIR/<name>/`.
   */
  public synth(): void {
    appSynthesized();
    const outputs = this.selected.map((name) => [name, inEnvironment(name, () => this.app(name).output())] as const);
    const cliDir = cliFolder(this.outdir);
    const metadata = mergeMetadata(outputs.map(([, o]) => o));
    const metadataText = metadata === undefined ? undefined : JSON.stringify(metadata);
    const folder = normalPath(this.props.delivery?.folder ?? DEFAULTS.delivery.folder);
    const delivery = outputs.map(([name, o]) => [name, deliveryFiles(this.props.delivery ?? { tool: DEFAULTS.app.delivery }, name, this.outdir, o.stages)] as const);
    // Each environment against its own previous folder, read before the publish replaces it.
    const changes = outputs.map(([name, o]) => [name, changesSincePrevious(path.join(this.outdir, name), outputObjects(o))] as const);
    if (this.only === undefined) {
      publish(this.outdir, withDelivery(filesOf(outputs, cliDir ? undefined : metadataText), delivery, `${folder}/`));
    } else {
      const [[name, output]] = outputs;
      publish(path.join(this.outdir, name), filesOf([['', output]], cliDir ? undefined : metadataText));
      if (delivery[0][1].size) publish(path.join(this.outdir, folder, name), delivery[0][1]);
    }
    for (const [name, found] of changes) printWarnings(found, name);
    if (cliDir) {
      for (const [name, output] of outputs) mirrorFiles(path.join(this.outdir, name), path.join(cliDir, name), output.manifests);
      if (metadataText !== undefined) mirror(cliDir, new Map([[CONSTRUCT_METADATA_FILE, metadataText]]));
    }
  }

  private environment(name: string): EnvironmentProps<V> {
    if (!this.names.includes(name)) {
      fail({ path: 'Environments', message: 'has no such environment', value: name, allowed: this.names.map((n) => `'${n}'`).join(', '), fix: closest(String(name), this.names) !== undefined ? `did you mean '${closest(String(name), this.names)}'?` : 'use one of the environments given to new Environments(...), or add this one there' });
    }
    return this.props.environments[name] ?? {};
  }
}

/**
 * The output folder is the default of `delivery.repository.path`, the path of the output in the
 * repository: it must then be a relative path that stays inside the working directory.
 */
function checkOutdirInRepository(outdir: string): void {
  const inside = path.relative(process.cwd(), path.resolve(outdir)).split(path.sep).join('/');
  if (!path.isAbsolute(outdir) && !outdir.split(/[\\/]/).includes('..')) return;
  const outside = inside === '' || inside.startsWith('../') || inside === '..' || path.isAbsolute(inside);
  fail({
    path: 'Environments', prop: 'delivery.repository.path',
    message: `is required when the outdir is ${path.isAbsolute(outdir) ? 'an absolute path' : "a path with '..'"} ('${outdir}'), which is not its path in the repository`,
    allowed: "the output folder's path from the repository root, e.g. 'dist'",
    fix: `set delivery.repository.path to the output folder's path from the repository root${outside ? '' : `, e.g. '${inside}'`}`,
  });
}

/** Every environment's files under its folder (or at the top for ''), then the metadata. */
function* filesOf(outputs: readonly (readonly [string, AppOutput])[], metadata: string | undefined): Generator<[string, string]> {
  for (const [name, output] of outputs) {
    for (const [file, text] of output.files) yield [name ? `${name}/${file}` : file, text];
  }
  if (metadata !== undefined) yield [CONSTRUCT_METADATA_FILE, metadata];
}

function* withDelivery(
  files: Iterable<[string, string]>, delivery: readonly (readonly [string, ReadonlyMap<string, string>])[], prefix: string,
): Generator<[string, string]> {
  yield* files;
  for (const [env, entries] of delivery) for (const [file, text] of entries) yield [`${prefix}${env}/${file}`, text];
}

// Names and construct paths are the same in every environment, so the union is exact.
function mergeMetadata(outputs: readonly AppOutput[]): ConstructMetadata | undefined {
  const recorded = outputs.filter((o) => o.metadata !== undefined).map((o) => o.metadata!);
  if (recorded.length === 0) return undefined;
  return { version: recorded[0].version, resources: Object.assign({}, ...recorded.map((m) => m.resources)) };
}

/**
 * Reads a values file: problems with the file as a whole (unreadable, not JSON or YAML, a syntax
 * error, not a map) are problems of the prop that names it, `environments.<env>.valuesFile`.
 */
function readValuesFile(file: string, prop: string, defaults: object): { parsed: unknown; source: SourceOf } {
  const where = { path: 'Environments', prop, value: file };
  const ext = path.extname(file).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    fail({ ...where, message: `must be a JSON or YAML file, but its extension is '${ext}'`, allowed: "a file ending in '.json', '.yaml' or '.yml'", fix: 'rename it to end in .yaml or .json' });
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return fail({
      ...where, message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      allowed: `a JSON or YAML file; a relative path starts at the working directory, ${process.cwd()}`,
      fix: "check the path; path.join(__dirname, 'values/prod.yaml') makes it independent of where the synth runs",
    });
  }
  const json = ext === '.json';
  let parsed: unknown;
  try {
    parsed = json ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const { reason, line, column, code } = syntaxError(e as Error, text);
    const at = line === undefined ? '' : ` at line ${line}${column === undefined ? '' : `, column ${column}`}`;
    const source = line === undefined ? '' : `: '${text.split(/\r?\n/)[line - 1] ?? ''}'`;
    return fail({
      ...where, message: `is not valid ${json ? 'JSON' : 'YAML'}: ${reason}${at}`,
      allowed: json ? 'a JSON object of values' : "a YAML map of values: 'key: value' lines, nested keys indented with spaces",
      fix: line === undefined ? 'check the commas, quotes and brackets' : syntaxFix(code, line, json) + source,
    });
  }
  // An empty YAML file overrides nothing.
  if (parsed === null || parsed === undefined) return { parsed: {}, source: NO_SOURCE('YAML') };
  if (!isPlainObject(parsed)) {
    const keys = Object.keys(defaults);
    const first = keys[0] ?? 'replicas';
    fail({
      ...where, message: `must hold a map of values at the top level, but holds ${typeOf(parsed) === 'array' ? 'a list' : `${article(typeOf(parsed))}`} (${formatValue(parsed)})`,
      allowed: `a map of values with keys of the defaults: ${keys.map((k) => `'${k}'`).join(', ') || 'none'}`,
      fix: json ? `the file must be a map of values: write an object, { "${first}": … }` : `the file must be a map of values: write key: value lines, e.g. '${first}: …'`,
    });
  }
  return { parsed, source: json ? NO_SOURCE('JSON') : yamlSource(text) };
}

/**
 * Checks an environment's `values` in code against the defaults, as a values file is checked, and
 * throws one TimonelError with every problem, each under `prop` (`environments.dev.values.web.tag`).
 */
function checkValues(values: unknown, defaults: unknown, prop: string): void {
  if (values === undefined) return;
  const issues: PropIssue[] = [];
  checkShape(values, defaults, [], issues, IN_CODE);
  const error = TimonelError.all({ path: 'Environments' }, issues.map((i) => ({ ...i, prop: i.prop ? `${prop}.${i.prop}` : prop })), 'values');
  if (error) throw error;
}

/** The text and line of a scalar in a values file, by its keys; undefined when unknown. */
type SourceOf = ((keys: readonly string[]) => { text: string; line: number } | undefined) & { readonly format: 'JSON' | 'YAML' | 'code' };

/** Reads the file again, with positions, only when an error quotes it. */
function yamlSource(text: string): SourceOf {
  let doc: Document | undefined;
  const lines = new LineCounter();
  return Object.assign((keys: readonly string[]) => {
    try {
      doc ??= parseDocument(text, { lineCounter: lines });
      const node = doc.getIn(keys, true);
      if (!isScalar(node) || !node.range) return undefined;
      const source = text.slice(node.range[0], node.range[1]).trim();
      return source && !/\n/.test(source) ? { text: source, line: lines.linePos(node.range[0]).line } : undefined;
    } catch {
      return undefined;
    }
  }, { format: 'YAML' as const });
}

const NO_SOURCE = (format: 'JSON' | 'YAML' | 'code'): SourceOf => Object.assign(() => undefined, { format });
const IN_CODE = NO_SOURCE('code');

/**
 * The fix of a number or boolean where the default is a string: YAML (and JSON) read `1.10` as
 * the number 1.1 and `true` as a boolean; quoting keeps the text as written.
 */
function quoteFix(keys: readonly string[], value: number | boolean, source: SourceOf, reference: unknown): string {
  const key = keys[keys.length - 1];
  const what = typeof value === 'number' ? `the number ${value}` : `the boolean ${value}`;
  const unit = typeof value === 'number' ? byteUnitOf(reference) : undefined;
  if (unit !== undefined) {
    // A byte quantity ('20Gi') as a bare number: quoting it as is would give that many bytes.
    const kind = `but its default '${reference}' is a quantity in ${unit}`;
    const bare = `without a unit, ${value} is ${value} bytes`;
    if (source.format === 'code') return `in code it is ${what}, ${kind}: write it as a string with its unit, e.g. ${key}: '${value}${unit}' (${bare})`;
    if (source.format === 'JSON') return `JSON reads it as ${what}, ${kind}: write it as a string with its unit in the file, "${key}": "${value}${unit}" (${bare})`;
    const at = source(keys);
    return `YAML reads ${at ? `${at.text} (line ${at.line})` : 'it'} as ${what}, ${kind}: quote it with its unit in the file, ${key}: '${value}${unit}' (${bare})`;
  }
  if (source.format === 'code') {
    return `in code it is ${what}: write it as a string, as you mean it, e.g. ${key}: '${value}'${typeof value === 'number' ? " (a number loses trailing zeros: 1.10 is 1.1, so write '1.10')" : ''}`;
  }
  if (source.format === 'JSON') {
    return `JSON reads it as ${what}: write it as a string in the file, "${key}": "${value}"${typeof value === 'number' ? ' (as you wrote it: a number loses trailing zeros, 1.10 reads as 1.1)' : ''}`;
  }
  const at = source(keys);
  if (!at) return `YAML reads it as ${what}: quote it in the file, as you wrote it, e.g. ${key}: '${value}'${typeof value === 'number' ? " (a number loses trailing zeros: 1.10 reads as 1.1, so write '1.10')" : ''}`;
  return `YAML reads ${at.text} (line ${at.line}) as ${what}: quote it in the file, ${key}: '${at.text.replace(/'/g, "''")}'`;
}

/** The unit of a default that is a byte quantity ('20Gi' -> 'Gi', '500M' -> 'M'); undefined for anything else. */
function byteUnitOf(reference: unknown): string | undefined {
  return typeof reference === 'string' ? /^\d+(?:\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)$/.exec(reference)?.[1] : undefined;
}

/** Where a JSON or YAML parser stopped, and why, as one line. */
function syntaxError(e: Error, text: string): { reason: string; line?: number; column?: number; code?: string } {
  const yamlPos = (e as { linePos?: readonly { line: number; col: number }[] }).linePos;
  const code = (e as { code?: string }).code;
  const reason = code === 'MULTIPLE_DOCS'
    ? 'it holds more than one document'
    : e.message.replace(/, "[\s\S]*" is not valid JSON$/, '').split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/ in JSON at position \d+.*$/, '');
  if (yamlPos?.length) return { reason, line: yamlPos[0].line, column: yamlPos[0].col, code };
  const position = /at position (\d+)/.exec(e.message);
  if (position) {
    const before = text.slice(0, Number(position[1])).split(/\r?\n/);
    return { reason, line: before.length, column: before[before.length - 1].length + 1, code };
  }
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(e.message);
  if (lineCol) return { reason: reason.replace(/\s*\(line \d+ column \d+\)/, ''), line: Number(lineCol[1]), column: Number(lineCol[2]), code };
  // Node 20 names no position for some JSON errors (it quotes the text instead).
  return { reason, code };
}

function syntaxFix(code: string | undefined, line: number, json: boolean): string {
  if (json) return `check the commas, quotes and brackets at line ${line}`;
  switch (code) {
    case 'DUPLICATE_KEY': return `a key is given twice: keep one of them (the second is at line ${line})`;
    case 'TAB_AS_INDENT': return `indent with spaces, not tabs, at line ${line}`;
    case 'MULTIPLE_DOCS': return `a values file holds one YAML document: remove the '---' at line ${line}`;
    default: return `check the indentation/quotes at line ${line}`;
  }
}

/**
 * Checks values (a file's, or an environment's in code) against the defaults (known keys only, the
 * same type as the default), collecting every problem. `undefined` (in code) keeps the default.
 */
function checkShape(value: unknown, reference: unknown, keys: readonly string[], issues: PropIssue[], source: SourceOf): void {
  if (reference === null || reference === undefined || value === undefined) return;
  const key = keys.join('.');
  const expected = typeOf(reference);
  const got = typeOf(value);
  // null turns an optional part off (e.g. `autoscaling: null`); the build function decides what that means.
  if (got === 'null' && expected === 'object') return;
  if (expected !== got) {
    const fix = expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')
      ? quoteFix(keys, value, source, reference)
      : `give ${article(expected)}, or remove the key to keep the default`;
    issues.push({ prop: key, message: `must be ${article(expected)}, as its default is`, value, allowed: `${article(expected)}, like its default`, fix });
    return;
  }
  if (expected !== 'object') return;
  const known = Object.keys(reference as object);
  for (const [k, v] of Object.entries(value as object)) {
    const sub = key ? `${key}.${k}` : k;
    if (!known.includes(k)) {
      const near = nearest(k, known);
      // In code TypeScript has checked the keys: one the defaults lack is a key of a map (podLabels,
      // env) or an optional value, unless it reads as a typo of a known key ('replica').
      if (near === undefined && source.format === 'code') continue;
      issues.push({
        prop: sub, message: 'is not a known value', allowed: known.map((n) => `'${n}'`).join(', ') || 'no keys',
        fix: near ? `did you mean '${near}'?` : 'remove it, or add it to the defaults in code',
      });
      continue;
    }
    checkShape(v, (reference as any)[k], [...keys, k], issues, source);
  }
}

const IN_ENVIRONMENT = new WeakSet<TimonelError>();

/**
 * Runs `f` for environment `name`: a TimonelError it throws (a construct's, a policy's, a values
 * file's) is thrown again with the environment in front of its message (`prod: [shop/web] …`), so an
 * error that happens in one environment only says which. It stays the same error, with its prop,
 * value and fix; each of its problems (and a PolicyError's findings) gets the prefix too.
 */
function inEnvironment<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof TimonelError) || IN_ENVIRONMENT.has(e)) throw e;
    IN_ENVIRONMENT.add(e);
    const prefix = `${name}: `;
    for (const p of new Set([e, ...e.problems])) p.message = prefix + p.message;
    if (e instanceof PolicyError) {
      // Printed finding by finding (`error: …`), each from its `message` once it has no `detail`.
      const findings = e.findings.map((x) => ({ ...x, message: prefix + x.message, detail: undefined }));
      Object.defineProperty(e, 'findings', { value: findings });
    }
    throw e;
  }
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merged key by key (a fresh copy); arrays and scalars from `over` replace `base`. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** The known key closest to a misspelt one (edit distance up to a third of its length), for a fix hint. */
function nearest(key: string, known: readonly string[]): string | undefined {
  const scored = known.map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d);
  return scored.length && scored[0].d <= Math.max(2, Math.floor(key.length / 3)) ? scored[0].k : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
