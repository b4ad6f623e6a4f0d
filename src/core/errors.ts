import { IConstruct } from 'constructs';

/**
 * Where a validation failure happened and what to do about it.
 * Every field is optional except `message`; the rendered text always reads
 * `[path] 'prop' <message>, got <value>. Allowed: <allowed>. Fix: <fix>`.
 */
export interface TimonelErrorDetails {
  /** The construct the bad input was given to (its node path is shown). */
  readonly scope?: IConstruct;
  /** A path to show when there is no construct (e.g. a file name in `timonel check`). */
  readonly path?: string;
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

/**
 * The one error type for every timonel validation. Its message names the construct
 * path, the prop, the value received, what is allowed and how to fix it.
 */
export class TimonelError extends Error {
  public readonly path?: string;
  public readonly prop?: string;
  public readonly value?: unknown;
  public readonly allowed?: string;
  public readonly fix?: string;
  public readonly hasValue: boolean;

  constructor(details: TimonelErrorDetails) {
    super(TimonelError.render(details));
    this.name = 'TimonelError';
    this.path = details.scope ? details.scope.node.path : details.path;
    this.prop = details.prop;
    this.value = details.value;
    this.hasValue = 'value' in details;
    this.allowed = details.allowed;
    this.fix = details.fix;
  }

  private static render(d: TimonelErrorDetails): string {
    const path = d.scope ? d.scope.node.path || '<root>' : d.path;
    let text = path ? `[${path}] ` : '';
    text += d.prop ? `'${d.prop}' ${d.message}` : d.message;
    if ('value' in d) text += `, got ${formatValue(d.value)}`;
    if (d.allowed) text += `. Allowed: ${d.allowed}`;
    if (d.fix) text += `. Fix: ${d.fix}`;
    return text;
  }
}

/** Throws a TimonelError; handy in expression position. */
export function fail(details: TimonelErrorDetails): never {
  throw new TimonelError(details);
}

/** Renders a received value for an error message: strings quoted, objects as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 197)}...` : json;
  } catch {
    return String(value);
  }
}
