import { IConstruct } from 'constructs';
import { fail, isConstruct, PropIssue, TimonelError } from './errors';
import { spokenSeconds } from './duration';
import { INT32_MAX, numberInString, wholeNumberFix } from './numbers';

/**
 * Props validation: a declarative spec per props interface, checked at run time before a
 * construct builds anything. The problems of each prop on its own are collected and thrown
 * together as one TimonelError, each naming the prop as the user wrote it (`extraPorts[0].name`);
 * the rules across props run once every prop is valid on its own (docs/validation.md).
 *
 * A spec's keys and optionality are tied to its interface by the type `Fields<T>`, so `tsc`
 * fails when a prop is added, removed or made optional without updating the spec (see
 * docs/decisions/props-validation.md).
 */

/** A problem with a value, without where it is (the validator adds the prop path and the value). */
export interface Problem {
  readonly message: string;
  readonly allowed?: string;
  readonly fix?: string;
}

/** Reports problems under an object's path; `prop` is relative ('port', 'tls.secretName', '[0].name'). */
export interface Reporter {
  /** Reports a problem with the value at `prop` (relative to the object checked). */
  issue(prop: string, problem: Problem & { readonly value?: unknown }): void;
  /** The path of `prop` as the user wrote it, e.g. `readiness` under `sidecars[0]` -> `sidecars[0].readiness`. */
  path(prop: string): string;
}

/** What the fuzzer and the docs know about a spec. */
export type Shape =
  | { readonly kind: 'string'; readonly samples: readonly string[] }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly unknown[] }
  | { readonly kind: 'array'; readonly item: AnySpec<unknown>; readonly minItems: number }
  | { readonly kind: 'record'; readonly value: AnySpec<unknown>; readonly keys: readonly string[] }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, AnySpec<unknown>>> }
  | { readonly kind: 'variants'; readonly variants: Readonly<Record<string, AnySpec<unknown>>> }
  | { readonly kind: 'union'; readonly options: readonly AnySpec<unknown>[] }
  | { readonly kind: 'samples'; readonly samples: () => readonly unknown[] };

/** What every spec has. */
interface SpecCore<T> {
  /** Phantom: the type this spec checks. Never set. */
  readonly __type?: T;
  /** What is allowed, in words ("an integer from 1 to 65535"). */
  readonly allowed: string;
  /** Checks `value` (never undefined) at `path`; returns false when it reported a problem. */
  readonly check: (value: unknown, path: string, ctx: Context) => boolean;
  readonly shape: Shape;
}

/**
 * A check of one value (of an optional prop). `T` is the TypeScript type the spec stands for; it
 * only exists for the compiler (so a spec cannot accept a type its interface does not declare).
 */
export interface Spec<T> extends SpecCore<T> {
  readonly required?: false;
}

/** The spec of a prop that must be given (`v.required(spec)`). */
export interface RequiredSpec<T> extends SpecCore<T> {
  readonly required: true;
  /** The problem when it is missing. @default 'is required' */
  readonly missing?: Problem;
}

/** Either. */
export type AnySpec<T> = Spec<T> | RequiredSpec<T>;

/** Keys of T that are optional. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];

/**
 * The field specs of an object spec: exactly the keys of `T`, required (`v.required(...)`) where
 * `T` requires them, and each a spec of that prop's type. This is what keeps a spec and its
 * interface from drifting apart: `tsc` rejects a missing, extra or wrongly optional key.
 */
export type Fields<T> = {
  readonly [K in keyof T]-?: K extends OptionalKeys<T> ? Spec<Exclude<T[K], undefined>> : RequiredSpec<T[K]>;
};

/** Collects the problems of one validation run. */
export class Context {
  public readonly issues: PropIssue[] = [];

  /** Records a problem with `value` at `path`. */
  public report(path: string, value: unknown, p: Problem): void {
    this.issues.push({ prop: path || undefined, message: p.message, value, allowed: p.allowed, fix: p.fix });
  }

  /** Records a problem at `path`, with its value only when `p` has one. */
  public add(path: string, p: Problem & { readonly value?: unknown }): void {
    this.issues.push({ prop: path || undefined, message: p.message, allowed: p.allowed, fix: p.fix, ...('value' in p ? { value: p.value } : {}) });
  }
}

/** Joins a prop path: `a` + `b` -> `a.b`, `a` + `[0]` -> `a[0]`. */
export function joinPath(base: string, prop: string): string {
  if (prop === '') return base;
  if (prop.startsWith('[')) return base + prop;
  return base ? `${base}.${prop}` : prop;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** The path of key `key` under `base`: `a.b`, or `a["x y"]` for a key that is no identifier. */
export function keyPath(base: string, key: string): string {
  return IDENTIFIER.test(key) ? joinPath(base, key) : `${base}[${JSON.stringify(key)}]`;
}

/** What a value is, for messages: 'a string', 'null', 'an array', 'a Probe'. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'object') return value.constructor && value.constructor !== Object ? `a ${value.constructor.name}` : 'an object';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // Object.prototype of any realm (jest runs tests in their own), or none.
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * The closest of `candidates` to `word` (edit distance, ignoring case), or undefined when none is
 * close. A candidate equal but for case always wins ('tcp' -> 'TCP', 'clusterip' -> 'ClusterIP').
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const sameButCase = candidates.find((c) => c.toLowerCase() === w);
  if (sameButCase !== undefined) return sameButCase;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3))) return best;
  // A shortened word ('argo' for 'argocd', 'post' for 'postgresql'): the one candidate it starts.
  const starts = w.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(w)) : [];
  if (starts.length === 1) return starts[0];
  // A part of the name ('prefix' for 'PathPrefix'): the one candidate that contains it.
  const contains = w.length >= 4 ? candidates.filter((c) => c.toLowerCase().includes(w)) : [];
  return starts.length === 0 && contains.length === 1 ? contains[0] : undefined;
}

function distance(a: string, b: string): number {
  // Optimal string alignment: edits, plus a swap of two neighbours ('prot' -> 'port') as one.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The last key of a prop path: `permissions[0].rules` -> `rules`. */
function lastKey(path: string): string {
  return path.replace(/\[[^\]]*\]$/, '').split('.').pop() || path;
}

/** The fix of a value not among `values`: the values, or the first one for a long list. */
function useOneOf(values: readonly unknown[]): string {
  const shown = values.map((x) => (typeof x === 'string' ? `'${x}'` : String(x)));
  return shown.length <= 4 ? `use ${shown.slice(0, -1).join(', ')}${shown.length > 1 ? ' or ' : ''}${shown[shown.length - 1]}` : `use one of the allowed values, e.g. ${shown[0]}`;
}

/** A string or number as the user would write it in TypeScript: 'a' (single quotes), 443. */
export function literal(value: string | number): string {
  return typeof value === 'string' && !/['\\\n]/.test(value) ? `'${value}'` : JSON.stringify(value);
}

/** An argument of a `call` fix: the value given, or `example` when it is missing. */
export function argOr(value: unknown, example: string): string {
  const shown = (typeof value === 'string' && value !== '') || typeof value === 'number' || Array.isArray(value) || isPlainObject(value);
  return shown ? tsLiteral(value) : example;
}

/** A value as the user would write it in TypeScript: `{ resources: ['configmaps'], verbs: ['get'] }`. */
export function tsLiteral(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return literal(value);
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, x]) => x !== undefined);
    return entries.length ? `{ ${entries.map(([k, x]) => `${IDENTIFIER.test(k) ? k : literal(k)}: ${tsLiteral(x)}`).join(', ')} }` : '{}';
  }
  return String(value);
}

// What only a shell understands: pipes, lists, redirects, variables, globs, subshells, escapes.
const SHELL_SYNTAX = /[`$|&;<>*?(){}[\]~\\\n]/;

/** The words of a line as a shell splits them, for a line whose only shell syntax is quotes. */
function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:'[^']*'|"[^"]*"|[^\s'"]+)+|(\S)/g)) {
    if (m[1] !== undefined) return undefined; // an unbalanced quote
    words.push(m[0].replace(/'([^']*)'|"([^"]*)"/g, (_, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
  }
  return words;
}

/**
 * The fix of a command line written as one string where a list of arguments belongs
 * (`command: 'python app.py'`): its words, one per item (quotes as a shell reads them), or, when
 * it needs a shell to mean what it says, `['sh', '-c', line]`. Kubernetes runs `command` and
 * `args` without a shell, so `['python app.py']` would look for a program named "python app.py";
 * `args` go to the image's entrypoint as they are. Undefined for a non-string or one plain word
 * (the generic fix wraps it).
 */
export function commandLineFix(field: 'command' | 'args' | 'extraArgs', write: (list: string) => string = (list) => list): (value: unknown) => string | undefined {
  return (value) => {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const line = value.trim();
    const words = SHELL_SYNTAX.test(line) || /^[A-Za-z_]\w*=/.test(line) ? undefined : shellWords(line);
    if (words) {
      return words.length > 1 || words[0] !== line ? `write each argument as its own item: ${write(`[${words.map((w) => literal(w)).join(', ')}]`)}` : undefined;
    }
    const sh = `['sh', '-c', ${literal(line)}]`;
    if (field === 'command') return `it runs without a shell, and this line needs one: write ${write(sh)} (the image must have /bin/sh)`;
    if (field === 'args') return `args reach the image's entrypoint as they are, without a shell: write each argument as its own string, or, to have a shell read the line, set command: ${sh} (the image must have /bin/sh) and leave args out`;
    return 'they reach the server as they are, without a shell: write each argument as its own string, without shell syntax';
  };
}

/**
 * A command: a list of strings whose first item is the program to run. Kubernetes runs it without a
 * shell, so a first item with spaces (`['python app.py']`) names a program that does not exist;
 * the fix splits it into words, or gives the line to `sh -c` when it needs a shell.
 */
export function commandList(write: (list: string) => string = (list) => list, opts: { readonly minItems?: number; readonly allowed?: string } = {}): Spec<string[]> {
  const allowed = opts.allowed ?? "a list of strings, the program first, e.g. ['python', 'app.py']";
  return v.array(v.string(), { ...opts, allowed, typeFix: commandLineFix('command', write), check: (list) => programProblem(list, write) });
}

function programProblem(list: readonly string[], write: (list: string) => string): Problem | undefined {
  const [first, ...rest] = list;
  if (first === undefined || !/\s/.test(first)) return undefined;
  const line = first.trim();
  const items = (words: readonly string[]): string => write(`[${words.map((w) => literal(w)).join(', ')}]`);
  const words = line === '' || SHELL_SYNTAX.test(line) || /^[A-Za-z_]\w*=/.test(line) ? undefined : shellWords(line);
  let fix: string;
  if (line === '') fix = 'the first item must name the program to run: remove the blank item';
  else if (words?.length === 1) fix = `remove the spaces around the program: ${items([words[0], ...rest])}`;
  else if (words) fix = `write each argument as its own item: ${items([...words, ...rest])}`;
  else if (rest.length === 0) fix = `it runs without a shell, and this line needs one: write ${items(['sh', '-c', line])} (the image must have /bin/sh)`;
  else fix = 'write the program as the first item and each argument as its own item, or give the whole line to a shell: [\'sh\', \'-c\', \'…\']';
  return {
    message: `starts with ${literal(first)}, which has spaces: Kubernetes runs the first item as one program name, without a shell, so the container would fail to start`,
    fix,
  };
}

function typeProblem(value: unknown, allowed: string, fix?: string): Problem {
  return { message: `must be ${allowed}, but is ${typeName(value)}`, allowed, fix };
}

/** Options of a string spec. */
export interface StringOptions {
  /** Reject ''. @default false */
  readonly nonEmpty?: boolean;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  /** What is allowed, when more telling than "a string". */
  readonly allowed?: string;
  readonly fix?: string | ((value: string) => string | undefined);
  /** A semantic check: returns a problem, or undefined when the string is fine. */
  readonly check?: (value: string) => Problem | undefined;
  /** Valid examples for the fuzzer. */
  readonly samples?: readonly string[];
  /** The fix for a value that is not a string (e.g. a number where a path belongs). @default - a valid sample */
  readonly typeFix?: (value: unknown) => string | undefined;
}

/** Options of an integer spec. */
export interface IntOptions {
  /** @default 0 */
  readonly min?: number;
  /** @default INT32_MAX (a Kubernetes int32 field) */
  readonly max?: number;
  readonly allowed?: string;
  /** How to fix a bad value; a function gets the value (e.g. to answer a port name with its number). */
  readonly fix?: string | ((value: unknown) => string | undefined);
  /** The message for a value out of range. @default 'must be a whole number of at least <min>' / 'must be at most <max>' */
  readonly message?: string;
}

/** The spec builders. */
export const v = {
  /** A string, optionally non-empty, bounded, matching a pattern or passing a check. */
  string(opts: StringOptions = {}): Spec<string> {
    const allowed = opts.allowed ?? (opts.nonEmpty ? 'a non-empty string' : 'a string');
    return {
      allowed,
      shape: { kind: 'string', samples: opts.samples ?? ['x', 'abc'] },
      check(value, path, ctx) {
        if (typeof value !== 'string') {
          // A checked string shows what it must look like, and a valid sample as the fix.
          const checked = !!(opts.check || opts.pattern);
          const fix = opts.typeFix?.(value)
            ?? (typeof value === 'number' && !checked ? `write it as a string: '${value}'` : opts.samples?.length ? `write a string such as '${opts.samples[0]}'` : "write it as a string in quotes: '…'");
          ctx.report(path, value, { ...typeProblem(value, 'a string', fix), allowed });
          return false;
        }
        const fix = typeof opts.fix === 'function' ? opts.fix(value) : opts.fix;
        let problem: Problem | undefined;
        if (opts.nonEmpty && value === '') problem = { message: 'must not be empty', allowed, fix: fix ?? (opts.samples?.length ? `give it a value such as '${opts.samples[0]}', or leave it out if it is optional` : 'give it a value, or leave it out if it is optional') };
        else if (opts.maxLength !== undefined && value.length > opts.maxLength) {
          problem = { message: `must be at most ${opts.maxLength} characters, but is ${value.length}`, allowed, fix };
        } else if (opts.pattern && !opts.pattern.test(value)) problem = { message: 'is not valid', allowed, fix };
        else problem = opts.check?.(value);
        if (problem) ctx.report(path, value, { ...problem, allowed: problem.allowed ?? allowed, fix: problem.fix ?? fix });
        return !problem;
      },
    };
  },

  /** A whole number within [min, max]. */
  int(opts: IntOptions = {}): Spec<number> {
    const min = opts.min ?? 0;
    const max = opts.max ?? INT32_MAX;
    const allowed = opts.allowed ?? `an integer from ${min} to ${max}`;
    return {
      allowed,
      shape: { kind: 'int', min, max },
      check(value, path, ctx) {
        const fixOf = (x: unknown) => (typeof opts.fix === 'function' ? opts.fix(x) : opts.fix);
        if (typeof value !== 'number') {
          // A duration where seconds are asked ('1h' for activeDeadlineSeconds): its seconds, as a number.
          const seconds = typeof value === 'string' && /Seconds$/.test(path) ? spokenSeconds(value) : undefined;
          const fix = numberInString(value) !== undefined ? `write it as a number: ${numberInString(value)}`
            : seconds !== undefined && Number.isInteger(seconds) ? `write the seconds as a number: ${seconds}`
              : fixOf(value) ?? `write a whole number without quotes, e.g. ${min > 0 ? min : Math.min(1, max)}`;
          ctx.report(path, value, typeProblem(value, 'a whole number', fix));
          return false;
        }
        let message: string | undefined;
        // Worded as validateWholeNumber words it, so both read the same.
        if (!Number.isInteger(value) || value < min) message = opts.message ?? `must be a whole number of at least ${min}`;
        else if (value > max) message = opts.message ?? `must be at most ${max}`;
        // A fix of the field's own is about a wrong number, not about NaN or Infinity.
        if (message) ctx.report(path, value, { message, allowed, fix: (Number.isFinite(value) ? fixOf(value) : undefined) ?? wholeNumberFix(value, min, max) });
        return !message;
      },
    };
  },

  /** true or false. */
  boolean(): Spec<boolean> {
    return {
      allowed: 'true or false',
      shape: { kind: 'boolean' },
      check(value, path, ctx) {
        if (typeof value === 'boolean') return true;
        const fix = value === 'true' || value === 'false' ? `write ${value} without quotes` : 'write true or false, without quotes';
        ctx.report(path, value, typeProblem(value, 'true or false', fix));
        return false;
      },
    };
  },

  /** Exactly `false`, the "turn it off" of a union such as `Probe | false` (any other value is a type problem). */
  off(): Spec<false> {
    return {
      allowed: 'false',
      shape: { kind: 'enum', values: [false] },
      check(value, path, ctx) {
        if (value === false) return true;
        ctx.report(path, value, typeProblem(value, 'false', 'write false'));
        return false;
      },
    };
  },

  /** One of the given literals. */
  oneOf<const L extends string | number | boolean>(values: readonly L[], opts: { readonly fix?: string | ((value: unknown) => string | undefined); readonly allowed?: string } = {}): Spec<L> {
    const allowed = opts.allowed ?? values.map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ');
    return {
      allowed,
      shape: { kind: 'enum', values },
      check(value, path, ctx) {
        if ((values as readonly unknown[]).includes(value)) return true;
        // A value of another kind (a list where one value goes) is a type problem, so that a
        // union can try its other forms (`envForm: ['addr', 'uri']` names 'uri', not the list).
        if (!values.some((x) => typeof x === typeof value)) {
          ctx.report(path, value, typeProblem(value, allowed, (typeof opts.fix === 'function' ? opts.fix(value) : opts.fix) ?? useOneOf(values)));
          return false;
        }
        const near = typeof value === 'string' ? closest(value, values.filter((x): x is L & string => typeof x === 'string')) : undefined;
        const fix = near !== undefined ? `did you mean '${near}'?` : (typeof opts.fix === 'function' ? opts.fix(value) : opts.fix) ?? useOneOf(values);
        ctx.report(path, value, { message: 'is not one of the allowed values', allowed, fix });
        return false;
      },
    };
  },

  /** An array of items of one spec. */
  array<T>(item: Spec<T>, opts: {
    readonly minItems?: number; readonly allowed?: string; readonly typeFix?: (value: unknown) => string | undefined; readonly tooFew?: Problem;
    /** A check of the whole list, once every item is valid: returns a problem, or undefined when the list is fine. */
    readonly check?: (value: T[]) => Problem | undefined;
  } = {}): Spec<T[]> {
    const minItems = opts.minItems ?? 0;
    const allowed = opts.allowed ?? `an array of ${item.allowed}`;
    return {
      allowed,
      shape: { kind: 'array', item, minItems },
      check(value, path, ctx) {
        if (!Array.isArray(value)) {
          const wraps = (typeof value === 'string' || typeof value === 'number' || isPlainObject(value)) && item.check(value, path, new Context());
          const fix = opts.typeFix?.(value)
            ?? (wraps ? `wrap it in brackets: [${isPlainObject(value) ? '{ … }' : literal(value as string | number)}]` : value === null ? 'write an empty list [], or leave it out' : 'write a list in brackets: [ … ]');
          ctx.report(path, value, { ...typeProblem(value, 'a list', fix), allowed });
          return false;
        }
        if (value.length < minItems) {
          ctx.report(path, value, opts.tooFew ?? {
            message: `must have at least ${minItems} item${minItems === 1 ? '' : 's'}`, allowed,
            fix: `add ${minItems === 1 ? 'an item' : `${minItems} items`} (${item.allowed}), or leave '${lastKey(path)}' out if it is optional`,
          });
          return false;
        }
        let ok = true;
        // An index loop, not forEach: forEach skips holes ([, x], new Array(n)), which would pass unchecked.
        for (let i = 0; i < value.length; i++) {
          const x: unknown = value[i];
          const p = `${path}[${i}]`;
          if (!(i in value)) {
            ctx.report(p, x, { message: 'is an empty slot (a hole in the list)', allowed: item.allowed, fix: 'remove the empty slot (two commas in a row, or new Array(n) never filled)' });
            ok = false;
          } else if (x === undefined) {
            ctx.report(p, x, { message: 'must not be undefined', allowed: item.allowed, fix: 'remove the undefined item (an unset variable?)' });
            ok = false;
          } else if (!item.check(x, p, ctx)) ok = false;
        }
        const problem = ok ? opts.check?.(value as T[]) : undefined;
        if (problem) ctx.report(path, value, { ...problem, allowed: problem.allowed ?? allowed });
        return ok && !problem;
      },
    };
  },

  /** A map from string keys to values of one spec. */
  record<T>(value: Spec<T>, opts: { readonly key?: (k: string) => Problem | undefined; readonly keys?: readonly string[] } = {}): Spec<Record<string, T>> {
    const allowed = `an object of ${value.allowed}`;
    return {
      allowed,
      shape: { kind: 'record', value, keys: opts.keys ?? ['a', 'B_2'] },
      check(obj, path, ctx) {
        if (!isPlainObject(obj)) {
          const k = (opts.keys ?? ['key'])[0];
          ctx.report(path, obj, typeProblem(obj, 'an object of keys and values', `write an object such as { ${IDENTIFIER.test(k) ? k : `'${k}'`}: … }`));
          return false;
        }
        let ok = true;
        for (const [k, x] of Object.entries(obj)) {
          const p = keyPath(path, k);
          const problem = opts.key?.(k);
          if (problem) {
            ctx.report(path, k, problem);
            ok = false;
          }
          if (x === undefined || !value.check(x, p, ctx)) {
            if (x === undefined) ctx.report(p, x, { message: 'must not be undefined', allowed: value.allowed, fix: `give '${k}' a value, or leave the key out` });
            ok = false;
          }
        }
        return ok;
      },
    };
  },

  /**
   * An object with known fields: unknown keys are errors (with a "did you mean"), required
   * fields must be there, and `check` runs the semantic rules once every field is well formed.
   */
  object<T>(): <F extends Fields<T>>(fields: F & NoExtraKeys<F, T>, opts?: ObjectOptions<T>) => Spec<T> {
    return (fields, opts = {}) => objectSpec<T>(fields as unknown as Record<string, AnySpec<unknown>>, opts);
  },

  /** One of several object shapes, told apart by which key is present (`emptyDir`, `secret`, ...). */
  variants<T>(variants: Readonly<Record<string, AnySpec<unknown>>>, what: string, opts: { readonly noSourceFix?: (otherKeys: readonly string[]) => string | undefined } = {}): Spec<T> {
    const keys = Object.keys(variants);
    const allowed = `${what} with exactly one of ${keys.map((k) => `'${k}'`).join(', ')}`;
    return {
      allowed,
      shape: { kind: 'variants', variants },
      check(value, path, ctx) {
        if (!isPlainObject(value)) {
          ctx.report(path, value, typeProblem(value, 'an object', `write an object with one of ${keys.map((k) => `'${k}'`).join(', ')}`));
          return false;
        }
        const present = keys.filter((k) => value[k] !== undefined);
        if (present.length !== 1) {
          const others = Object.keys(value).filter((k) => !(k in variants) && k !== 'name');
          const near = others.map((k) => closest(k, keys)).find((k) => k !== undefined);
          ctx.report(path, value, {
            message: present.length ? `has ${present.map((k) => `'${k}'`).join(' and ')}: only one source is allowed` : `has no source timonel knows${others.length ? ` (${others.map((k) => `'${k}'`).join(', ')} is not supported)` : ''}`,
            allowed,
            fix: present.length ? `keep one of ${present.map((k) => `'${k}'`).join(' and ')}, and declare the other as a second item`
              : near ? `did you mean '${near}'?` : opts.noSourceFix?.(others) ?? `add one of ${keys.map((k) => `'${k}'`).join(', ')}`,
          });
          return false;
        }
        return variants[present[0]].check(value, path, ctx);
      },
    };
  },

  /** Any of several specs (the first that accepts the value wins). */
  union<A, B>(a: Spec<A>, b: Spec<B>, allowed = `${a.allowed} or ${b.allowed}`, fixFor?: (value: unknown) => string | undefined): Spec<A | B> {
    return {
      allowed,
      shape: { kind: 'union', options: [a, b] },
      check(value, path, ctx) {
        for (const s of [a, b]) {
          const scratch = new Context();
          if (s.check(value, path, scratch)) return true;
        }
        // Report the problems of the option of the same JavaScript type, else a type problem
        // (with an option's own fix, e.g. "write Probe.http('/healthz') instead of a path").
        let fix = fixFor?.(value);
        for (const s of [a, b]) {
          const scratch = new Context();
          s.check(value, path, scratch);
          // A wrong type at this very path means "not this option"; anything else (a bad value,
          // or any problem inside an object, such as `drain.delaySeconds: '5'`) is the user's.
          if (!scratch.issues.every((i) => (i.prop ?? '') === path && /^must be .*, but is /.test(i.message))) {
            ctx.issues.push(...scratch.issues);
            return false;
          }
          fix ??= scratch.issues.find((i) => i.fix)?.fix;
        }
        ctx.report(path, value, typeProblem(value, allowed, fix));
        return false;
      },
    };
  },

  /** An instance of a class (Probe, EnvValue, StoreCredentials), made by its factories. */
  instance<T>(cls: Function & { readonly prototype: T }, allowed: string, samples: () => readonly unknown[], fix?: string | ((value: unknown) => string | undefined)): Spec<T> {
    return {
      allowed,
      shape: { kind: 'samples', samples },
      check(value, path, ctx) {
        if (value instanceof (cls as any)) return true;
        ctx.report(path, value, typeProblem(value, allowed, (typeof fix === 'function' ? fix(value) : fix) ?? `make one with ${allowed.replace(/^an? /, 'a ')}`));
        return false;
      },
    };
  },

  /** A value checked by a function: returns a problem, or undefined when it is fine. */
  custom<T>(allowed: string, check: (value: unknown) => Problem | undefined, samples: () => readonly unknown[]): Spec<T> {
    return {
      allowed,
      shape: { kind: 'samples', samples },
      check(value, path, ctx) {
        const problem = check(value);
        if (problem) ctx.report(path, value, { ...problem, allowed: problem.allowed ?? allowed });
        return !problem;
      },
    };
  },

  /**
   * Any value: a field whose owner checks the value itself, with messages of its own (a verb's
   * options such as `grant`'s), while the object spec still refuses the keys it does not know.
   */
  unchecked<T>(allowed: string): Spec<T> {
    return { allowed, shape: { kind: 'samples', samples: () => [] }, check: () => true };
  },

  /** Marks a field as required. */
  required<T>(spec: Spec<T>, missing?: Problem): RequiredSpec<T> {
    return { ...spec, required: true, missing };
  },
};

/** Options of an object spec. */
export interface ObjectOptions<T> {
  /** The semantic rules, run once every field is well formed; report with `r.issue(prop, ...)`. */
  readonly check?: (value: T, r: Reporter) => void;
  readonly allowed?: string;
  /** What a key is called in "is not a known prop". @default 'prop' */
  readonly what?: string;
  /** Whose keys they are, for the Allowed part of an unknown key: 'WebApp'. @default - the keys are listed without an owner */
  readonly owner?: string;
  /** Where all keys are documented, shown when only some are listed: 'docs/web-app.md'. @default - none */
  readonly docs?: string;
  /** The fix for a value that is not an object (e.g. `Probe.grpc(50051)` -> `Probe.grpc({ port: 50051 })`). @default - none */
  readonly typeFix?: (value: unknown) => string | undefined;
  /**
   * Keys that are not fields but that users write (a CronJob prop on a Migration), each with why
   * it does not apply and what to do instead of the generic 'remove it'.
   */
  readonly refused?: Readonly<Record<string, { readonly why: string; readonly fix: string; readonly allowed?: string }>>;
  /** The fix for an unknown key (with its value) that is close to no field. @default 'remove it' */
  readonly unknownFix?: (key: string, value: unknown) => string;
  /**
   * For the arguments of a function (`{ secretName, key }` of `EnvValue.fromSecret(secretName, key)`):
   * the call, written with the arguments given and examples for the missing ones, shown as the fix
   * of a missing one (the user writes no `key:`). @default - "add <field>: …"
   */
  readonly call?: (args: Record<string, unknown>) => string;
}

/** Keys of F that T does not have must not be there (a spread cannot smuggle in a stale key). */
export type NoExtraKeys<F, T> = { readonly [K in Exclude<keyof F, keyof T>]: never };

/** The field whose object (or one of whose object forms) has a field `key`: `profile` -> `policy`. */
function nestedHome(key: string, specs: Record<string, AnySpec<unknown>>): string | undefined {
  const holds = (spec: AnySpec<unknown>): boolean =>
    spec.shape.kind === 'object' ? key in spec.shape.fields : spec.shape.kind === 'union' && spec.shape.options.some(holds);
  return Object.keys(specs).find((f) => holds(specs[f]));
}

/** Unknown keys of an object with at most this many fields are answered with all of them; others with the nearest. */
const ALL_KEYS_UP_TO = 12;
const NEAREST_KEYS = 6;

/**
 * The Allowed part of an unknown key `key`: every field of a small object, else the fields nearest
 * to `key` (the first ones, when none is near), how many there are and where they are documented.
 */
export function knownKeys(key: string, names: readonly string[], opts: Pick<ObjectOptions<unknown>, 'what' | 'owner' | 'docs'> = {}): string {
  const quoted = (ns: readonly string[]) => ns.map((n) => `'${n}'`).join(', ');
  if (names.length <= ALL_KEYS_UP_TO) return quoted(names);
  // The fields within a third of the key's length in edits, nearest first; the first fields when none is.
  const k = key.toLowerCase();
  const within = Math.max(1, Math.floor(key.length / 3));
  const near = names.map((n) => ({ n, d: distance(k, n.toLowerCase()) })).filter((x) => x.d <= within).sort((a, b) => a.d - b.d).map((x) => x.n);
  const shown = near.length ? near.slice(0, NEAREST_KEYS) : names.slice(0, NEAREST_KEYS);
  const whose = `the ${opts.what ?? 'prop'}s${opts.owner ? ` of ${opts.owner}` : ''}`;
  return `${whose}, such as ${quoted(shown)} (${names.length} in all${opts.docs ? `: ${opts.docs}` : ''})`;
}

function objectSpec<T>(specs: Record<string, AnySpec<unknown>>, opts: ObjectOptions<T>): Spec<T> {
  const names = Object.keys(specs);
  const fields = Object.entries(specs);
  const what = opts.what ?? 'prop';
  const allowed = opts.allowed ?? `an object with ${names.map((n) => `'${n}'`).join(', ')}`;
  return {
    allowed,
    shape: { kind: 'object', fields: specs },
    check(value, path, ctx) {
      if (!isPlainObject(value)) {
        // `tls: true`: the object that turns the feature on, with its required fields
        const required = names.filter((n) => specs[n].required);
        const whenTrue = value === true
          ? (required.length ? `write { ${required.map((n) => `${n}: …`).join(', ')} }` : `write {} for the defaults, or set some of ${names.map((n) => `'${n}'`).join(', ')}`)
          : undefined;
        const shown = (required.length ? required : names.slice(0, 2)).map((n) => `${n}: …`).join(', ');
        const problem = typeProblem(value, 'an object', opts.typeFix?.(value) ?? whenTrue ?? `write an object: { ${shown} }`);
        ctx.report(path, value, opts.allowed !== undefined ? { ...problem, allowed: opts.allowed } : problem);
        return false;
      }
      const before = ctx.issues.length;
      // Fields an unknown key is taken for ('port' for 'ports'): its "did you mean" says it all.
      const meant = new Set<string>();
      for (const [k, x] of Object.entries(value)) {
        if (k in specs || x === undefined) continue;
        const refused = opts.refused && Object.prototype.hasOwnProperty.call(opts.refused, k) ? opts.refused[k] : undefined;
        if (refused) {
          ctx.report(keyPath(path, k), x, { message: `is not a known ${what}: ${refused.why}`, allowed: refused.allowed ?? knownKeys(k, names, opts), fix: refused.fix });
          continue;
        }
        const home = nestedHome(k, specs);
        const near = closest(k, names);
        if (!home && near) meant.add(near);
        ctx.report(keyPath(path, k), x, {
          message: `is not a known ${what}`,
          allowed: knownKeys(k, names, opts),
          fix: home ? `it belongs inside '${home}': write ${home}: { ${k}: … }` : near ? `did you mean '${near}'?` : opts.unknownFix?.(k, x) ?? 'remove it',
        });
      }
      for (const [k, spec] of fields) {
        const x = value[k];
        if (x === undefined) {
          if (spec.required && !meant.has(k)) ctx.report(keyPath(path, k), undefined, { message: 'is required', allowed: spec.allowed, fix: opts.call ? `pass it: ${opts.call(value)}` : `add ${k}: …`, ...spec.missing });
          continue;
        }
        spec.check(x, keyPath(path, k), ctx);
      }
      if (ctx.issues.length > before) return false;
      if (opts.check) {
        opts.check(value as T, {
          issue: (prop, p) => ctx.add(joinPath(path, prop), p),
          path: (prop) => joinPath(path, prop),
        });
      }
      return ctx.issues.length === before;
    },
  };
}

/** Where a props error is reported: a construct, or its future path (before `super()` ran). */
export type PropsScope = IConstruct | string;

/**
 * Checks `props` against `spec` and throws one TimonelError with every problem (each naming its
 * prop as the user wrote it). Returns the props, so a constructor can check them before `super`.
 */
export function checkProps<T>(spec: AnySpec<T>, props: unknown, where: PropsScope): T {
  const issues = propsIssues(spec, props);
  const error = TimonelError.all(typeof where === 'string' ? { path: where } : { scope: where }, issues);
  if (error) throw error;
  return props as T;
}

/**
 * Checks one value (a verb's argument) against `spec`, reported as `prop` of `where`, e.g.
 * `allowEgress.ports[0].protocol`; throws one TimonelError with every problem. Returns the value.
 */
export function checkValue<T>(spec: AnySpec<T>, value: unknown, where: PropsScope, prop: string): T {
  checkArgs(where, [[spec, value, prop]]);
  return value as T;
}

/** The problems of `props` against `spec` (empty when they are valid). */
export function propsIssues(spec: AnySpec<unknown>, props: unknown): PropIssue[] {
  const ctx = new Context();
  if (props === undefined || props === null) {
    if (spec.shape.kind === 'object' && Object.values(spec.shape.fields).some((f) => f.required)) {
      const required = Object.entries(spec.shape.fields).filter(([, f]) => f.required).map(([k]) => `${k}: …`);
      ctx.report('', props, { message: 'props are required', allowed: spec.allowed, fix: `pass them as the third argument: (scope, id, { ${required.join(', ')} })` });
    } else if (props === null) {
      ctx.report('', props, typeProblem(props, 'an object', 'pass an object, or leave the props out for the defaults'));
    }
  } else {
    spec.check(props, '', ctx);
  }
  return ctx.issues;
}

/**
 * Checks the arguments of a method or factory, each against its spec and under its own path
 * (`allowEgress.cidrs`, `allowEgress` for an options object whose keys are then
 * `allowEgress.ports`), and throws one TimonelError with every problem of all of them (checkValue
 * for one). An undefined argument is only a problem when its spec is required.
 */
export function checkArgs(where: PropsScope, args: ReadonlyArray<readonly [spec: AnySpec<unknown>, value: unknown, path: string]>): void {
  const ctx = new Context();
  for (const [spec, value, path] of args) {
    if (value === undefined) {
      if (spec.required) ctx.report(path, undefined, { message: 'is required', allowed: spec.allowed, fix: `pass ${lastKey(path)}`, ...spec.missing });
    } else {
      spec.check(value, path, ctx);
    }
  }
  const error = TimonelError.all(typeof where === 'string' ? { path: where } : { scope: where }, ctx.issues);
  if (error) throw error;
}

/**
 * Props a constructor derived from the props it checked against its own spec, for its base
 * class: always a new object, never the caller's, so every construct checks the props it is
 * given, however often the caller passes the same object.
 */
class CheckedProps {}

/**
 * A copy of `props`, which a base class takes as checked (`isCheckedCopy`): a subclass checked
 * the user's props against its own spec and derived these, so the base does not check them again
 * under paths the user never wrote.
 */
export function checkedCopy<T extends object>(props: T): T {
  return Object.assign(new CheckedProps(), props) as T;
}

/** Whether `props` were made by `checkedCopy` (a subclass checked them); false for anything a user passed. */
export function isCheckedCopy(props: unknown): boolean {
  return props instanceof CheckedProps;
}

/**
 * The path of a construct that is about to be created as `id` under `scope` (for errors before
 * `super`), once `checkNewChild` has accepted them.
 */
export function childPath(scope: IConstruct, id: string): string {
  checkNewChild(scope, id);
  return [scope.node.path, id].filter((p) => p !== '').join('/');
}

// The ids checkNewChild accepted under each scope, by their lowercase form (weak: it goes with the scope).
const LOWER_CASE_IDS = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Fails with a TimonelError unless a construct can be created as `id` under `scope`: a construct
 * scope, a non-empty string id, not taken by a sibling (the constructs library would throw a
 * TypeError or a bare Error). Returns `id`.
 */
export function checkNewChild(scope: IConstruct, id: string): string {
  const named = typeof id === 'string' && id !== '';
  if (!isConstruct(scope) || typeof scope.node.tryFindChild !== 'function') {
    const idFirst = typeof scope === 'string' && !named;
    fail({
      path: named ? id : 'new construct', prop: 'scope', message: `must be a construct (a TimonelChart, or a construct inside one), but is ${typeName(scope)}`, value: scope,
      allowed: 'a TimonelChart, or a construct inside one', fix: idFirst
        ? `pass the chart first and the id second: (chart, '${scope}', { ... })`
        : "pass the chart it belongs to as the first argument: (chart, 'web', { ... })",
    });
  }
  const parent = scope.node.path;
  const at = (child: string) => (parent === '' ? child : `${parent}/${child}`);
  if (!named) {
    fail({
      path: at('new construct'), prop: 'id', message: `must be a non-empty string, but is ${id === '' ? 'empty' : typeName(id)}`, value: id,
      allowed: 'a string unique among the constructs of its scope',
      fix: typeof id === 'number' ? `write it as a string: '${id}'` : "give it a name, e.g. (chart, 'web', { ... })",
    });
  }
  if (scope.node.tryFindChild(id) !== undefined) {
    fail({
      path: at(id), prop: 'id', message: `is already taken by another construct in ${parent === '' ? 'the app' : `'${parent}'`}`, value: id,
      allowed: 'an id unique among the constructs of its scope', fix: `give this one another id, e.g. '${id}-2' (the names of its objects derive from it)`,
    });
  }
  // An index per scope, not a scan of its children: an App of 10,000 charts checks each in O(1).
  let ids = LOWER_CASE_IDS.get(scope);
  if (ids === undefined) LOWER_CASE_IDS.set(scope, (ids = new Map()));
  const lower = id.toLowerCase();
  const sameButCase = ids.get(lower);
  // The construct of a checked id may have failed before it joined the tree.
  if (sameButCase !== undefined && sameButCase !== id && scope.node.tryFindChild(sameButCase) !== undefined) {
    fail({
      path: at(id), prop: 'id', message: `differs from '${sameButCase}' in ${parent === '' ? 'the app' : `'${parent}'`} only in case, and names are lowercase, so their objects would have the same names`, value: id,
      allowed: 'an id unique, ignoring case, among the constructs of its scope', fix: `give this one another id, e.g. '${lower}-2'`,
    });
  }
  ids.set(lower, id);
  return id;
}
