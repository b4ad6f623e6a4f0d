// Durations as Go writes them ('1h30m'), which Flux and External Secrets Operator both read.

// The pattern of Flux's CRDs: Go durations without ns and us (External Secrets Operator takes these too).
const DURATION = /^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+$/;

/** What a duration looks like, for an error's "Allowed:". */
export const DURATION_FORM = "a number and a unit, repeated: '30s', '5m', '1h30m' (units ms, s, m, h)";

/**
 * The problem with a duration (Flux `interval`, an ExternalSecret's `refreshInterval`), with a fix
 * that fits it ('1d' -> write '24h'); undefined when it is fine.
 * @param what what it is not, in the message: 'a Flux duration'
 */
export function durationProblem(s: string, what: string): { message: string; fix: string } | undefined {
  if (DURATION.test(s)) return undefined;
  const near = nearDuration(s);
  return {
    message: `is not ${what}`,
    fix: near !== undefined ? `write '${near}'` : "write a number and a unit, e.g. '5m' or '1h30m'",
  };
}

/** The seconds of a duration ('1h30m' -> 5400). */
export function durationSeconds(s: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const [, n, u] of s.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += Number(n) * unit[u];
  return total;
}

/** Whole seconds as a duration (3900 -> '1h5m', 90 -> '1m30s', 0 -> '0s'); a fraction is rounded up. */
export function formatDuration(seconds: number): string {
  let rest = Math.ceil(seconds);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest -= m * 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${rest ? `${rest}s` : ''}`;
  return out || '0s';
}

/** The duration a person most likely meant ('1d' -> '24h', '300' -> '300s', '1 hour' -> '1h'), if any. */
function nearDuration(s: string): string | undefined {
  const t = s.trim().toLowerCase().replace(/\s+/g, '');
  if (/^[0-9]+$/.test(t)) return `${t}s`;
  const total = t === '' ? 0 : spokenSeconds(t);
  if (total === undefined) return undefined;
  const out = Number.isInteger(total) ? formatDuration(total) : `${Math.round(total * 1000)}ms`;
  return out !== s && DURATION.test(out) ? out : undefined;
}

/**
 * The seconds of a duration as people write it ('1h', '90 minutes', '1d', '2w', '45'), for the fix
 * of a prop that wants a number of seconds or a Go duration; undefined when it is not one.
 */
export function spokenSeconds(s: string): number | undefined {
  const t = s.trim().toLowerCase().replace(/\s+/g, '');
  if (/^[0-9]+$/.test(t)) return Number(t);
  const units: [RegExp, number][] = [
    [/^(?:milliseconds?|msecs?|ms)/, 0.001], [/^(?:seconds?|secs?|s)/, 1], [/^(?:minutes?|mins?|m)/, 60],
    [/^(?:hours?|hrs?|h)/, 3600], [/^(?:days?|d)/, 86400], [/^(?:weeks?|wks?|w)/, 604800],
  ];
  let rest = t;
  let total = 0;
  if (rest === '') return undefined;
  while (rest !== '') {
    const n = /^[0-9]+(?:\.[0-9]+)?/.exec(rest);
    if (!n) return undefined;
    rest = rest.slice(n[0].length);
    const unit = units.find(([re]) => re.test(rest));
    if (!unit) return undefined;
    rest = rest.slice(unit[0].exec(rest)![0].length);
    total += Number(n[0]) * unit[1];
  }
  return total;
}
