import { IConstruct } from 'constructs';
import { CallMemo } from './call-scope';
import { fail } from './errors';
import type { Problem } from './validation';

/**
 * CronJob schedules and time zones, checked the way the Kubernetes API server checks them:
 * the schedule with robfig/cron v3 `ParseStandard`, the time zone with Go's `time.LoadLocation`.
 * A few rules are deliberately stricter than Kubernetes (noted where they apply) because the
 * looser forms are legal but almost always a mistake.
 */

/** The `@` macros Kubernetes CronJobs accept in place of the five fields. */
export const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

/** Where a value is checked, for the error message. */
interface CheckOptions {
  readonly scope?: IConstruct;
  readonly prop?: string;
}

interface CronField {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Three-letter names (case-insensitive); `names[i]` stands for `nameBase + i`. */
  readonly names?: readonly string[];
  readonly nameBase?: number;
  /** Whether `?` (same as `*`) is allowed; robfig takes it anywhere, we keep it to the day fields. */
  readonly question?: boolean;
  readonly allowed: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

// robfig/cron's bounds; day-of-week is 0-6 there, so Kubernetes rejects 7 for Sunday.
const FIELDS: readonly CronField[] = [
  { label: 'minute', min: 0, max: 59, allowed: '0-59' },
  { label: 'hour', min: 0, max: 23, allowed: '0-23' },
  { label: 'day-of-month', min: 1, max: 31, question: true, allowed: '1-31' },
  { label: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1, allowed: '1-12 or JAN-DEC' },
  { label: 'day-of-week', min: 0, max: 6, names: DAYS, nameBase: 0, question: true, allowed: '0-6 or SUN-SAT (0 is Sunday)' },
];

const FIVE_FIELDS = `five space-separated fields 'minute hour day-of-month month day-of-week', or one of ${CRON_MACROS.join(', ')}`;

type Bad = (message: string, allowed: string, fix?: string) => never;

// What the checks below throw, caught by the exported functions: one problem, said once.
class BadValue {
  constructor(readonly problem: Problem) {}
}

const bad: Bad = (message, allowed, fix) => {
  throw new BadValue({ message, allowed, fix });
};

/** The problem `check` finds in `value` (it throws a BadValue), or undefined. */
function problemOf(check: () => unknown): Problem | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    if (e instanceof BadValue) return e.problem;
    throw e;
  }
}

/**
 * Validates a Kubernetes CronJob schedule (five cron fields or a macro such as `@daily`)
 * and returns it trimmed, with runs of whitespace collapsed to single spaces.
 */
export function validateCronSchedule(schedule: string, opts: CheckOptions = {}): string {
  const problem = cronScheduleProblem(schedule);
  if (problem) fail({ scope: opts.scope, prop: opts.prop ?? 'schedule', value: schedule, ...problem });
  return cronScheduleText(schedule);
}

/** What is wrong with a CronJob schedule (the checks of `validateCronSchedule`), or undefined. */
export function cronScheduleProblem(schedule: string): Problem | undefined {
  return problemOf(() => checkCronSchedule(schedule));
}

/** A valid schedule as Kubernetes gets it: trimmed, runs of whitespace collapsed to single spaces. */
export function cronScheduleText(schedule: string): string {
  return schedule.trim().split(/\s+/).join(' ');
}

function checkCronSchedule(schedule: string): void {
  if (typeof schedule !== 'string' || schedule.trim() === '') {
    bad('must not be empty', FIVE_FIELDS, "write five fields such as '0 3 * * *' (03:00 every day) or a macro such as '@daily'");
  }
  const text = cronScheduleText(schedule);

  // Kubernetes refuses TZ=/CRON_TZ= in the schedule since timeZone became a field.
  const tzPrefix = /(?:^|\s)(?:CRON_)?TZ=(\S*)/i.exec(text);
  if (tzPrefix) {
    const rest = text.replace(/(?:^|\s)(?:CRON_)?TZ=\S*\s*/i, ' ').trim() || '0 3 * * *';
    bad('sets a time zone with a TZ= or CRON_TZ= prefix', 'a schedule without TZ= or CRON_TZ=',
      `use the timeZone prop instead: schedule '${rest}' with timeZone '${tzPrefix[1] || 'Etc/UTC'}'`);
  }

  if (text.startsWith('@')) return checkMacro(text);

  const fields = text.split(' ');
  if (fields.length === 6) {
    bad('has 6 fields; a seconds field is not supported (Kubernetes schedules start at the minute)', FIVE_FIELDS,
      `drop the leading seconds field: '${fields.slice(1).join(' ')}'`);
  }
  if (fields.length === 7) {
    bad('has 7 fields; Quartz-style seconds and year fields are not supported', FIVE_FIELDS,
      `drop the seconds and year fields: '${fields.slice(1, 6).join(' ')}'`);
  }
  if (fields.length !== 5) {
    bad(`has ${fields.length} field${fields.length === 1 ? '' : 's'}; exactly five are required`, FIVE_FIELDS,
      "write all five fields, e.g. '0 3 * * *' for 03:00 every day (use '*' for 'every')");
  }
  const values = fields.map((token, i) => checkField(token, i, FIELDS[i]));
  checkSomeDayExists(fields, values[2], values[3]);
}

function checkMacro(text: string): void {
  const macros = `one of ${CRON_MACROS.join(', ')}, or five cron fields`;
  if ((CRON_MACROS as readonly string[]).includes(text)) return;
  const [word] = text.split(' ');
  const lower = word.toLowerCase();
  if (lower === '@every') {
    // robfig parses @every, but its runs drift from the wall clock; timonel asks for cron fields.
    bad("uses '@every', which timonel does not accept for CronJobs", macros,
      `write the interval as cron fields, e.g. '${everyAsCron(text.slice(word.length).trim())}'`);
  }
  if (lower === '@reboot') {
    bad("uses '@reboot', which has no meaning for a CronJob", macros, 'use a Deployment or an init container for run-once-at-start work');
  }
  if ((CRON_MACROS as readonly string[]).includes(lower)) {
    if (word !== lower) bad(`macro '${word}' must be lowercase`, macros, `write '${lower}'`);
    bad(`macro '${word}' must stand alone`, macros, `write just '${lower}' or use five cron fields`);
  }
  bad(`'${word}' is not a known macro`, macros, "use a macro such as '@daily' or five fields such as '0 3 * * *'");
}

/** Turns a simple `@every` duration into the equivalent cron fields, for the fix hint. */
function everyAsCron(duration: string): string {
  const m = /^(\d+)(m|h)$/.exec(duration);
  const n = m ? Number(m[1]) : 0;
  if (m?.[2] === 'm' && n > 0 && n < 60 && 60 % n === 0) return n === 1 ? '* * * * *' : `*/${n} * * * *`;
  if ((m?.[2] === 'm' && n === 60) || (m?.[2] === 'h' && n === 1)) return '0 * * * *';
  if (m?.[2] === 'h' && n > 1 && n < 24 && 24 % n === 0) return `0 */${n} * * *`;
  if (m?.[2] === 'h' && n === 24) return '0 0 * * *';
  return '*/5 * * * *';
}

/** Checks one field; returns the values it matches (`*` and `?`: every value of the field). */
function checkField(token: string, index: number, f: CronField): Set<number> {
  const matches = new Set<number>();
  const where = `field ${index + 1} (${f.label})`;
  const span = f.max - f.min;
  const syntax = `${f.allowed}, as a comma list of *${f.question ? ', ?' : ''}, n, a-b, */n, a-b/n or a/n`;
  const nameOf = (n: number, asName = true) => (f.names && asName ? f.names[n - (f.nameBase ?? 0)] : String(n));

  const value = (tok: string, item: string): number => {
    if (tok === '') bad(`${where} '${item}' is missing a number`, syntax);
    if (tok === '*' || tok === '?') bad(`${where} '${item}' uses '${tok}' inside a range`, syntax, `write '${tok}' alone or a range such as '${f.min}-${f.max}'`);
    if (/^\d+$/.test(tok)) {
      const n = Number(tok);
      if (n < f.min || n > f.max) bad(`${where} '${tok}' is out of range`, f.allowed, outOfRangeFix(f, n));
      return n;
    }
    const named = f.names?.indexOf(tok.toUpperCase()) ?? -1;
    if (named >= 0) return named + (f.nameBase ?? 0);
    if (MONTHS.includes(tok.toUpperCase()) || DAYS.includes(tok.toUpperCase())) {
      bad(`${where} '${tok}' is a name, but names are only allowed in the month and day-of-week fields`, syntax);
    }
    if (/[LW#]/.test(tok)) bad(`${where} '${tok}' is not a number (Quartz 'L', 'W' and '#' are not supported)`, syntax);
    return bad(`${where} '${tok}' is not a number${f.names ? ` or a ${f.label} name` : ''}`, syntax);
  };

  for (const item of token.split(',')) {
    // robfig silently skips empty list items; an empty item is almost always a typo.
    if (item === '') bad(`${where} '${token}' has an empty list item`, syntax, 'remove the extra comma');
    const parts = item.split('/');
    if (parts.length > 2) bad(`${where} '${item}' has more than one '/'`, syntax);
    const [range, step] = parts;

    let lo = f.min;
    let hi = f.max;
    if (range === '?' && !f.question) {
      bad(`${where} '?' is only allowed in the day-of-month and day-of-week fields`, syntax, "use '*'");
    } else if (range !== '*' && range !== '?') {
      const ends = range.split('-');
      if (ends.length > 2) bad(`${where} '${item}' has more than one '-'`, syntax);
      lo = value(ends[0], item);
      // 'a/n' runs from a to the end of the field; 'a' alone is just a.
      hi = step !== undefined ? f.max : lo;
      if (ends.length === 2) {
        hi = value(ends[1], item);
        if (lo > hi) {
          const named = /^[a-z]/i.test(ends[0]);
          // Ranges never wrap around: 22-2 is not "22:00 to 02:00".
          bad(`${where} range '${range}' starts after it ends`, syntax,
            `write '${ends[1]}-${ends[0]}', or split a range that wraps around into '${ends[0]}-${nameOf(f.max, named)},${nameOf(f.min, named)}-${ends[1]}'`);
        }
      }
    }

    if (step !== undefined) {
      const stepAllowed = `a step from 1 to ${span}`;
      if (!/^\d+$/.test(step)) bad(`${where} step '${step}' in '${item}' is not a whole number`, stepAllowed);
      const n = Number(step);
      if (n < 1) bad(`${where} step '${step}' in '${item}' must be at least 1`, stepAllowed, `use '*' for every ${f.label}`);
      // robfig accepts a step wider than the field, but it only ever matches the first value.
      if (n > span) {
        bad(`${where} step '${step}' in '${item}' is larger than the field`, stepAllowed,
          `a step of ${n} only matches ${nameOf(lo, !/^\d/.test(range))}; write that value or a smaller step`);
      }
    }
    const by = step !== undefined ? Number(step) : 1;
    for (let n = lo; n <= hi; n += by) matches.add(n);
  }
  return matches;
}

// The most days each month has (February in a leap year).
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// With day-of-week '*' (or '?'), a run needs one of the days of the month in one of the months.
function checkSomeDayExists(fields: readonly string[], days: Set<number>, months: Set<number>): void {
  if (fields[4] !== '*' && fields[4] !== '?') return;
  const longest = Math.max(...[...months].map((m) => DAYS_IN_MONTH[m - 1]));
  if (Math.min(...days) <= longest) return;
  const names = [...months].map((m) => MONTHS[m - 1]).join(',');
  bad(`never runs: no month in '${fields[3]}' (${names}) has day ${[...days].join(' or ')}`, FIVE_FIELDS,
    `use a day from 1 to ${longest} (cron cannot say 'the last day of the month': run on day 1 of the next one instead)`);
}

function outOfRangeFix(f: CronField, n: number): string {
  if (f.label === 'day-of-week' && n === 7) return 'Kubernetes does not accept 7 for Sunday; use 0 or SUN';
  if (f.label === 'hour' && n === 24) return 'midnight is hour 0';
  if (f.label === 'day-of-month' && n === 0) return 'days of the month start at 1';
  if (f.label === 'month' && (n === 0 || n === 13)) return 'months run from 1 (JAN) to 12 (DEC)';
  return `use a ${f.label} from ${f.min} to ${f.max}`;
}

const TZ_ALLOWED = "an IANA time zone name such as 'Etc/UTC', 'Europe/Madrid' or 'America/New_York'";

// Legacy three-letter IDs ICU accepts (from Java) that are not in the IANA database, so Go rejects them.
const NON_IANA_ABBREVIATIONS = new Set([
  'ACT', 'AET', 'AGT', 'ART', 'AST', 'BET', 'BST', 'CAT', 'CNT', 'CST', 'CTT', 'EAT', 'ECT',
  'IET', 'IST', 'JST', 'MIT', 'NET', 'NST', 'PLT', 'PNT', 'PRT', 'PST', 'SST', 'VST',
]);

// '+02:00', '-0530', 'UTC+2', 'GMT-03:00'. 'GMT+0' and 'GMT-0' are real IANA names and pass.
const FIXED_OFFSET = /^(?:(?:UTC|GMT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

// What Kubernetes allows in each '/'-separated part before it asks time.LoadLocation.
const TZ_PART = /^[A-Za-z._\-0-9+]{1,14}$/;

/**
 * Validates an IANA time zone name for a CronJob's `timeZone` (e.g. 'Europe/Madrid', 'Etc/UTC')
 * and returns it unchanged.
 *
 * A name passes when Node's ICU knows it (canonical names and their aliases, such as
 * 'Asia/Kolkata' or 'America/Argentina/Buenos_Aires') with the exact capitalisation, since the
 * API server's Go lookup is case-sensitive. Fixed offsets ('+02:00', 'GMT+2'), the legacy
 * abbreviations ICU accepts but IANA lacks ('PST', 'IST') and 'SystemV/' zones are rejected.
 * The capitalisation of alias names is checked by heuristic (ICU cannot list aliases), so an
 * oddly-cased alias such as 'Asia/KolKata' can slip through.
 */
export function validateTimeZone(tz: string, opts: CheckOptions = {}): string {
  const problem = timeZoneProblem(tz);
  if (problem) fail({ scope: opts.scope, prop: opts.prop ?? 'timeZone', value: tz, ...problem });
  return tz;
}

/** What is wrong with a CronJob's time zone (the checks of `validateTimeZone`), or undefined. */
export function timeZoneProblem(tz: string): Problem | undefined {
  return problemOf(() => checkTimeZone(tz));
}

function checkTimeZone(tz: string): void {
  const bad = (message: string, fix?: string): never => { throw new BadValue({ message, allowed: TZ_ALLOWED, fix }); };

  if (typeof tz !== 'string' || tz === '') {
    bad('must not be empty', "omit timeZone to use the kube-controller-manager's zone, or name one such as 'Etc/UTC'");
  }
  if (tz !== tz.trim()) bad('has leading or trailing whitespace', `write '${tz.trim()}'`);
  if (/^local$/i.test(tz)) bad("must name an explicit zone; Kubernetes rejects 'Local'", "use a name such as 'Etc/UTC' or 'Europe/Madrid'");

  const offset = tz === 'GMT+0' || tz === 'GMT-0' ? null : FIXED_OFFSET.exec(tz);
  if (offset) {
    const [, sign, hh, mm] = offset;
    const hours = Number(hh);
    // Etc/GMT zones use the POSIX sign: Etc/GMT-2 is two hours ahead of UTC.
    const etc = (!mm || Number(mm) === 0) && hours <= (sign === '+' ? 14 : 12)
      ? hours === 0 ? 'Etc/UTC' : `Etc/GMT${sign === '+' ? '-' : '+'}${hours}`
      : undefined;
    bad('is a fixed UTC offset, not an IANA time zone name',
      `use the region's zone (e.g. 'Europe/Madrid') so daylight saving time is followed${etc ? `, or '${etc}' for a fixed offset (the Etc/ sign is inverted)` : ''}`);
  }

  const parts = tz.split('/');
  if (parts.some((p) => p === '.' || p === '..' || p.startsWith('-') || !TZ_PART.test(p))) {
    bad("is not a valid time zone name: each '/'-separated part must be 1-14 letters, digits, '.', '-', '_' or '+'",
      "use a name from the IANA database such as 'Europe/Madrid'");
  }

  // Every zone database has these; ICU would say so too, but loading its zone data costs ~20 ms.
  if (UTC_NAMES.has(tz)) return;
  const resolved = resolveZone(tz);
  if (NON_IANA_ABBREVIATIONS.has(tz.toUpperCase())) {
    bad('is an abbreviation, not an IANA time zone name', `use the region's zone${resolved ? `, e.g. '${resolved}'` : ''}`);
  }
  if (/^SystemV\//i.test(tz)) bad("uses a 'SystemV/' zone, which the IANA database no longer has", "use a region name such as 'America/New_York'");
  if (resolved === undefined) {
    const near = nearestZone(tz);
    bad('is not a known IANA time zone', near ? `did you mean '${near}'?` : "pick a name from the IANA database, e.g. 'Europe/Madrid'");
  }

  if (resolved === tz || ZONES.get().supported().has(tz)) return;
  // ICU matches names case-insensitively but the API server (Go's time.LoadLocation) does not.
  const guess = titleCase(tz);
  const recased = resolveZone(guess) === resolved ? guess : resolved;
  if (resolved!.toLowerCase() === tz.toLowerCase()) bad('has the wrong capitalisation', `write '${resolved}' (time zone names are case-sensitive)`);
  const resolvedParts = resolved!.split('/');
  const miscased = parts.some((p) =>
    !/^[A-Z]/.test(p) || /^[A-Z]{4,}$/.test(p) || resolvedParts.some((r) => r !== p && r.toLowerCase() === p.toLowerCase()));
  if (miscased) bad('has the wrong capitalisation', `write '${recased}' (time zone names are case-sensitive)`);
  return;
}

/** UTC's IANA names, valid without asking ICU. */
const UTC_NAMES = new Set(['UTC', 'Etc/UTC']);

/**
 * What ICU answered, for one call (a policy run checks every CronJob's zone): a DateTimeFormat
 * costs 0.15 ms, and a platform repeats its zones. The list of zones is read when first needed.
 */
const ZONES = new CallMemo(() => {
  let supported: Set<string> | undefined;
  return {
    resolved: new Map<string, string | undefined>(),
    supported: () => (supported ??= new Set(Intl.supportedValuesOf('timeZone'))),
  };
});

/** ICU's canonical name for a zone, or `undefined` when ICU does not know it. */
function resolveZone(tz: string): string | undefined {
  const resolvedZones = ZONES.get().resolved;
  if (resolvedZones.has(tz)) return resolvedZones.get(tz);
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  resolvedZones.set(tz, resolved);
  return resolved;
}

/** 'america/new_york' -> 'America/New_York': the usual IANA casing, for a fix hint. */
function titleCase(tz: string): string {
  return tz.replace(/[A-Za-z]+/g, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}

/** The known zone closest to a misspelt one (edit distance up to 3), for a fix hint. */
function nearestZone(tz: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const zone of ZONES.get().supported()) {
    const d = editDistance(tz.toLowerCase(), zone.toLowerCase(), bestDistance);
    if (d < bestDistance) [best, bestDistance] = [zone, d];
  }
  return best;
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
