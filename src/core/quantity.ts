import { IConstruct } from 'constructs';
import { fail } from './errors';
import type { Problem } from './validation';

/**
 * Kubernetes resource quantities (`500m`, `1.5`, `128Mi`, `1e3`, `2G`), parsed with the grammar
 * of k8s.io/apimachinery/pkg/api/resource:
 *   <quantity> ::= <signedNumber><suffix>
 *   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | m | "" | k | M | G | T | P | E | e<signedNumber> | E<signedNumber>
 */
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const MULTIPLIERS: Record<string, number> = {
  '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** What a quantity measures; decides the allowed forms in messages and whether `m` makes sense. */
export type QuantityKind = 'cpu' | 'memory' | 'storage';

const EXAMPLES: Record<QuantityKind, string> = {
  cpu: "cores as a number or millicores: '250m', '0.5', '2'",
  memory: "bytes with a binary suffix: '128Mi', '1Gi' (or decimal 'M', 'G'; not 'MB'/'GB')",
  storage: "bytes with a binary suffix: '10Gi', '500Mi' (or decimal 'G'; not 'GB')",
};

/** Parses a quantity to its value in base units (cores or bytes); `undefined` when not a quantity. */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (/^[eE][+-]?[0-9]+$/.test(suffix)) return n * 10 ** Number(suffix.slice(1));
  return n * MULTIPLIERS[suffix];
}

// Units as people write them, as the Kubernetes suffix that means the same ('' = cores or bytes).
const CPU_WORDS: Record<string, string> = {
  'm': 'm', 'mcpu': 'm', 'mcore': 'm', 'mcores': 'm', 'milli': 'm', 'millicpu': 'm', 'millicore': 'm', 'millicores': 'm', 'millicpus': 'm',
  'core': '', 'cores': '', 'cpu': '', 'cpus': '', 'vcpu': '', 'vcpus': '',
};
const BYTE_WORDS: Array<readonly [RegExp, string]> = [
  [/^(b|bytes?)$/, ''],
  [/^(k|kb|ki|kib|kilobytes?|kibibytes?)$/, 'Ki'],
  [/^(m|mb|mi|mib|megabytes?|mebibytes?)$/, 'Mi'],
  [/^(g|gb|gi|gib|gigabytes?|gibibytes?)$/, 'Gi'],
  [/^(t|tb|ti|tib|terabytes?|tebibytes?)$/, 'Ti'],
  [/^(p|pb|pi|pib|petabytes?|pebibytes?)$/, 'Pi'],
];

/**
 * The fix of a string that is no quantity but a number and a unit as people write them
 * ('500 millicores', '2 cores', '512 MB', '10GB'): the quantity that means it ('500m', '2',
 * '512Mi', '10Gi'). Undefined when the unit is not one of those.
 */
export function quantityWordsFix(q: unknown, kind: QuantityKind): string | undefined {
  if (typeof q !== 'string') return undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([A-Za-z]+)\s*$/.exec(q);
  if (!m) return /\s/.test(q.trim()) ? (kind === 'cpu' ? "write cores or millicores without spaces, e.g. '500m' or '2'" : "write a number and a binary unit without spaces, e.g. '512Mi' or '2Gi'") : undefined;
  const [, n, word] = m;
  const unit = word.toLowerCase();
  const suffix = kind === 'cpu' ? CPU_WORDS[unit] : BYTE_WORDS.find(([re]) => re.test(unit))?.[1];
  if (suffix === undefined) return undefined;
  const fixed = `${n}${suffix}`;
  return fixed === q || parseQuantity(fixed) === undefined ? undefined : `write '${fixed}'`;
}

/** What a storage size sizes: a volume claim, or an emptyDir's size limit. */
export type StorageUse = 'claim' | 'emptyDir';

const MI = 2 ** 20;

/**
 * A storage size that is almost surely a unit mistake: without a unit ('100', 100 bytes) and below
 * 1Mi, or, for a claim, below 1Mi with a unit ('100Ki'; no volume is that small, and storage
 * classes round up to their minimum). An emptyDir limit below 1Mi written with a unit is valid
 * (a socket or lock folder). A unitless size of 1Mi or more reads as deliberate bytes.
 */
export function storageSizeProblem(q: string, use: StorageUse): { message: string; fix: string } | undefined {
  const m = QUANTITY.exec(q.trim());
  const bytes = parseQuantity(q.trim());
  if (!m || bytes === undefined || bytes <= 0 || bytes >= MI) return undefined;
  const unit = m[2] ?? '';
  const unitless = unit === '' || /^[eE]/.test(unit);
  if (!unitless && use === 'emptyDir') return undefined;
  const digits = /^[0-9]+(\.[0-9]+)?$/.test(m[1]) && !/^[eE]/.test(unit) ? m[1] : undefined;
  const [first, second] = use === 'claim' ? ['Gi', 'Mi'] : ['Mi', 'Gi'];
  const fix = digits !== undefined ? `write '${digits}${first}' (or '${digits}${second}')` : `write a size with a binary unit, e.g. '${use === 'claim' ? '10Gi' : '64Mi'}'`;
  const what = use === 'claim' ? 'a volume' : 'an emptyDir size limit';
  return unitless
    ? { message: `has no unit, so it is ${bytes} bytes: too small for ${what}, probably a missing unit`, fix }
    : { message: `is ${bytes} bytes, below 1Mi: too small for ${what}, probably a unit mistake`, fix };
}

/** Where a quantity is checked, for the error message. */
export interface QuantityCheckOptions {
  readonly scope?: IConstruct;
  readonly prop: string;
  readonly kind: QuantityKind;
  /** Whether zero is acceptable. @default false */
  readonly allowZero?: boolean;
  /** For a storage size: what it sizes, to refuse sizes that are a unit mistake (`storageSizeProblem`). @default - not checked */
  readonly storageUse?: StorageUse;
}

/**
 * What is wrong with a quantity of `kind`, or undefined: not a quantity, not positive (zero only
 * with `allowZero`), a thousand cores or more (no node has them: millicores without 'm'), bytes
 * with the milli suffix, memory under 1Mi (a unit left out), or a storage size that is a unit mistake. The props specs and
 * `validateQuantity` both use it.
 */
export function quantityProblem(q: string | number, kind: QuantityKind, opts: { readonly allowZero?: boolean; readonly storageUse?: StorageUse } = {}): Problem | undefined {
  const value = parseQuantity(q);
  const allowed = EXAMPLES[kind];
  if (value === undefined) {
    const fix = quantityWordsFix(q, kind) ?? `use ${allowed}`;
    return { message: `is not a valid Kubernetes ${kind} quantity`, allowed, fix };
  }
  if (value < 0 || (value === 0 && !opts.allowZero)) {
    return { message: `must be ${opts.allowZero ? 'zero or more' : 'greater than zero'}`, allowed, fix: kind === 'cpu' ? "give at least '1m', e.g. '100m'" : "give at least 1 byte, e.g. '64Mi'" };
  }
  if (kind === 'cpu' && value >= 1000) {
    // A pod runs on one node, and no node has a thousand cores: a memory-style suffix or millicores without 'm'.
    const suffix = typeof q === 'string' ? /[a-zA-Z]+$/.exec(q.trim())?.[0] : undefined;
    const digits = typeof q === 'string' ? q.trim().replace(/[a-zA-Z]+$/, '') : String(q);
    return {
      message: `is ${value.toLocaleString('en-US')} cores${suffix ? ` (the suffix '${suffix}' multiplies)` : ''}, more than any node has`,
      allowed, fix: `for millicores write '${digits}m'`,
    };
  }
  if (kind !== 'cpu' && typeof q === 'string' && q.endsWith('m')) return { message: "uses the milli suffix 'm' (thousandths of a byte)", allowed, fix: "for mebibytes write 'Mi'" };
  if (kind === 'memory' && value > 0 && value < 2 ** 20) {
    // No process runs in less than a mebibyte: a unit left out ('512' is 512 bytes) or the wrong one ('512Ki').
    const text = String(q).trim();
    const plain = /^([0-9]+(?:\.[0-9]+)?)(Ki|k)?$/.exec(text);
    const unit = plain?.[2];
    // '512' or '512Ki' (a count of mebibytes with the unit left out or mistaken); anything else
    // ('1e6', '1048575': bytes meant as bytes) rounds up to whole mebibytes.
    const fix = plain && (unit !== undefined || value < 2 ** 16)
      ? `write '${plain[1]}Mi' (or '${plain[1]}Gi')`
      : `write '${Math.ceil(value / 2 ** 20)}Mi' (the next whole mebibyte), or the memory the process needs, e.g. '256Mi'`;
    return {
      message: `is ${value.toLocaleString('en-US')} bytes${/(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)$/.test(text) ? '' : ' (a number without a unit is bytes)'}, less than any container needs`,
      allowed: `${allowed}, at least 1Mi`, fix,
    };
  }
  const small = kind === 'storage' && opts.storageUse !== undefined && typeof q === 'string' ? storageSizeProblem(q, opts.storageUse) : undefined;
  if (small) return { message: small.message, allowed: `${allowed}, at least 1Mi`, fix: small.fix };
  return undefined;
}

/** Validates a positive quantity; returns it normalised to a string (numbers stay numbers). */
export function validateQuantity(q: string | number, opts: QuantityCheckOptions): string {
  const problem = quantityProblem(q, opts.kind, opts);
  if (problem) fail({ scope: opts.scope, prop: opts.prop, value: q, ...problem });
  return String(q);
}

/** Fails when a request is above its limit (both already validated). */
export function validateRequestWithinLimit(
  request: string | number | undefined,
  limit: string | number | undefined,
  opts: { scope?: IConstruct; prop: string; kind: QuantityKind },
): void {
  if (request === undefined || limit === undefined) return;
  const r = parseQuantity(request)!;
  const l = parseQuantity(limit)!;
  if (r > l) {
    fail({
      scope: opts.scope,
      prop: opts.prop,
      message: `request ${request} is above the limit ${limit}`,
      value: { request, limit },
      allowed: 'a request lower than or equal to its limit',
      fix: `raise the ${opts.kind} limit or lower the request`,
    });
  }
}
