import { IConstruct } from 'constructs';

/**
 * Where a validation failure happened and what to do about it.
 * Every field is optional except `message`; the rendered text always reads
 * `[path] 'prop' <message>, got <value>. Allowed: <allowed>. Fix: <fix>` (`[path] <object> 'prop' …`
 * for a value inside one object of a list of manifests).
 */
export interface TimonelErrorDetails {
  /** The construct the bad input was given to (its node path is shown). */
  readonly scope?: IConstruct;
  /** A path to show when there is no construct (e.g. a file name in `timonel check`). */
  readonly path?: string;
  /**
   * The object of a list of manifests the bad value is in, shown before the prop:
   * `NetworkPolicy shop/api-in (manifests[3])`. @default - none
   */
  readonly object?: string;
  /** The prop (or option) that carried the bad value, e.g. `autoscaling.maxReplicas`. */
  readonly prop?: string;
  /** What went wrong, in the user's words: "must be at least 1". */
  readonly message: string;
  /** The value received; rendered with JSON.stringify. Omit when there is no single value. */
  readonly value?: unknown;
  /** What is allowed, e.g. "an integer from 1 to 65535". */
  readonly allowed?: string;
  /** How to fix it, e.g. "pin a tag such as 'nginx:1.27.2'". */
  readonly fix?: string;
}

/** A prop error before it is thrown: what `validateProps` collects, one per bad prop. */
export type PropIssue = Omit<TimonelErrorDetails, 'scope' | 'path'>;

/**
 * The one error type for every timonel validation. Its message names the construct
 * path, the prop, the value received, what is allowed and how to fix it.
 */
export class TimonelError extends Error {
  public readonly path?: string;
  /** The object of a list of manifests the problem is in (`NetworkPolicy shop/api-in (manifests[3])`). */
  public readonly object?: string;
  public readonly prop?: string;
  public readonly value?: unknown;
  public readonly allowed?: string;
  public readonly fix?: string;
  public readonly hasValue: boolean;
  /** What went wrong, without the path, prop, value, allowed and fix (`message` has them all). */
  public readonly detail: string;
  /**
   * Every error this one reports: itself, or for an error that collects several (all bad props
   * of one construct, see `TimonelError.all`), each of them. (Not `errors`: test runners would take it for an AggregateError.)
   */
  public readonly problems: readonly TimonelError[];

  /**
   * One error for several problems of the same construct (or file): thrown as is when there is
   * one; otherwise a TimonelError whose message has a line per problem and whose `problems` holds
   * each. Returns undefined when there is none. `what` names the things checked in that message
   * ('has 2 invalid values' for a values file).
   */
  public static all(where: Pick<TimonelErrorDetails, 'scope' | 'path'>, issues: readonly PropIssue[], what = 'props'): TimonelError | undefined {
    if (issues.length === 0) return undefined;
    const errors = issues.map((i) => new TimonelError({ ...where, ...i }));
    if (errors.length === 1) return errors[0];
    return new TimonelError({ ...where, message: `has ${errors.length} invalid ${what}`, problems: errors });
  }

  constructor(details: TimonelErrorDetails & {
    readonly problems?: readonly TimonelError[];
    /** @internal The message when it is not rendered from the details (cdk8s's text of failed validations). */
    readonly text?: string;
  }) {
    super(details.text ?? TimonelError.render(details));
    this.name = 'TimonelError';
    this.path = details.scope ? details.scope.node.path : details.path;
    this.object = details.object;
    this.prop = details.prop;
    this.value = details.value;
    this.hasValue = 'value' in details;
    this.allowed = details.allowed;
    this.fix = details.fix;
    this.detail = details.message;
    this.problems = details.problems ?? [this];
    if (capture !== undefined) {
      capture.last = this;
      capture.made?.push(this);
    }
  }

  private static render(d: TimonelErrorDetails & { readonly problems?: readonly TimonelError[] }): string {
    if (d.problems) {
      const lines = d.problems.map((e) => `  ${TimonelError.render(issueOf(e))}`);
      return [TimonelError.render({ scope: d.scope, path: d.path, message: `${d.message}:` }), ...lines].join('\n');
    }
    const path = d.scope ? d.scope.node.path || '<root>' : d.path;
    let text = path ? `[${path}] ` : '';
    if (d.object) text += `${d.object} `;
    text += d.prop ? `'${d.prop}' ${d.message}` : d.message;
    if ('value' in d) text += `, got ${formatValue(d.value)}`;
    if (d.allowed) text += `. Allowed: ${d.allowed}`;
    if (d.fix) text += `. Fix: ${d.fix}`;
    return text;
  }
}

/** What `e` says (object, prop, message, value, allowed, fix) without where it is: to report it again elsewhere. */
export function issueOf(e: TimonelError): PropIssue {
  return { object: e.object, prop: e.prop, message: e.detail, allowed: e.allowed, fix: e.fix, ...(e.hasValue ? { value: e.value } : {}) };
}

// While `capturingErrors` runs `fn`, the TimonelError made last (and with `collectingErrors`, every
// one made); undefined outside such a call, so nothing outlives it. (cdk8s's ApiObject.toJson()
// replaces an error thrown while an object renders, e.g. in a Lazy, by a plain Error holding only
// its text, and a construct's validations return text: this finds the error again.)
let capture: { last?: TimonelError; made?: TimonelError[] } | undefined;

/**
 * Runs `fn`; when it throws, `rethrow` gets the error and the TimonelError made last during the
 * call (for errors that another library caught and rethrew as text only), and what it returns is
 * thrown. Calls nest; the capture ends with the call.
 */
export function capturingErrors<T>(fn: () => T, rethrow: (error: unknown, last: TimonelError | undefined) => unknown): T {
  const outer = capture;
  const current: { last?: TimonelError } = {};
  capture = current;
  try {
    return fn();
  } catch (e) {
    throw rethrow(e, current.last);
  } finally {
    capture = outer;
  }
}

/**
 * Runs `fn` and returns what it returns with every TimonelError made during the call, in order
 * (for messages that another library keeps as text only, e.g. `node.validate()`). Calls nest: an
 * inner `capturingErrors` keeps its own.
 */
export function collectingErrors<T>(fn: () => T): { readonly result: T; readonly made: readonly TimonelError[] } {
  const outer = capture;
  const made: TimonelError[] = [];
  capture = { made };
  try {
    return { result: fn(), made };
  } finally {
    capture = outer;
  }
}

/** Throws a TimonelError; handy in expression position. */
export function fail(details: TimonelErrorDetails): never {
  throw new TimonelError(details);
}

/** Whether `x` is a construct (anything with a node path), e.g. a value a user passed where one belongs. */
export function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && typeof (x as IConstruct).node?.path === 'string';
}

/** Renders a received value for an error message: strings quoted, objects as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  // A construct shows as its path, also inside a value ({ target: db } -> {"target":"<shop/db>"}).
  if (isConstruct(value)) return `'${value.node.path}'`;
  try {
    const json = JSON.stringify(value, (_k, x) => (isConstruct(x) ? `<${x.node.path}>` : x));
    if (json === undefined) return typeof value === 'function' ? `a function` : String(value);
    return json.length > 200 ? `${json.slice(0, 197)}...` : json;
  } catch {
    return String(value);
  }
}
