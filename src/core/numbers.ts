import { IConstruct } from 'constructs';
import { fail } from './errors';

/** The whole number a string holds ('8080', ' 3 ', '-1'), as JavaScript or a quoted YAML value gives one; else undefined. */
export function numberInString(x: unknown): number | undefined {
  return typeof x === 'string' && /^\s*-?\d+\s*$/.test(x) ? Number(x) : undefined;
}

/** The largest value of an int32 field of the Kubernetes API. */
export const INT32_MAX = 2147483647;

/** Where a whole number is checked, and its bounds. */
export interface WholeNumberOptions {
  readonly scope?: IConstruct;
  readonly prop: string;
  /** @default 0 */
  readonly min?: number;
  /** @default INT32_MAX */
  readonly max?: number;
  /** What is allowed, when more useful than the range. */
  readonly allowed?: string;
  readonly fix?: string;
}

/** The fix of a number out of [min, max] or not whole: the nearest allowed whole numbers. */
export function wholeNumberFix(value: number, min: number, max: number): string {
  if (Number.isNaN(value)) return `write a whole number such as ${min > 0 ? min : Math.min(1, max)} (NaN often comes from Number() of an unset variable)`;
  if (value === Infinity) return `there is no unlimited: write the largest number you mean, at most ${max}`;
  if (value < min) return `use ${min} or more`;
  if (value > max) return `use ${max} or less`;
  const lo = Math.floor(value);
  const hi = Math.ceil(value);
  return `round it: ${lo >= min ? `${lo} or ${hi}` : hi}`;
}

/** Validates an integer within [min, max] (Kubernetes int32 fields by default). */
export function validateWholeNumber(value: number, opts: WholeNumberOptions): number {
  const min = opts.min ?? 0;
  const max = opts.max ?? INT32_MAX;
  if (!Number.isInteger(value) || value < min || value > max) {
    fail({
      scope: opts.scope, prop: opts.prop, message: `must be a whole number of at least ${min}`, value,
      // A fix of the field's own is about a wrong number, not about NaN or Infinity.
      allowed: opts.allowed ?? `an integer from ${min} to ${max}`, fix: (Number.isFinite(value) ? opts.fix : undefined) ?? wholeNumberFix(value, min, max),
    });
  }
  return value;
}
