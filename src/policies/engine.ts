import { withCallScope } from '../core/call-scope';
import { fail, formatValue, isConstruct, TimonelError } from '../core/errors';
import { closest } from '../core/validation';
import { ENFORCE_LABEL, isPodSecurityLevel, PodSecurityLevel } from '../core/pod-security';
import { profileOf } from './config';
import { isPodKind, ObjectSet, objectSetOfRun, PolicyObject, toPolicyObject } from './model';
import { Profile, ProfileLike } from './profiles';
import { Report, Rule } from './rule';
import { checkSuppressionReason } from './suppression';
import { Finding, Issue, PolicySubject, RuleLevel, Severity } from './types';

/** Options of a policy run. */
export interface PolicyRunOptions {
  /**
   * The profile for every subject, overriding what their charts or apps set
   * (`timonel check --profile`, the cdk8s plugin).
   * @default - per subject: the profile set on its scope (chart prop or `Policy.setDefault`), else 'restricted'
   */
  readonly profile?: ProfileLike;
  /**
   * Whether the Pod Security label (`pod-security.kubernetes.io/enforce`) of an object's Namespace,
   * when the set holds that Namespace, decides which Pod Security rules apply to the object, as
   * admission does: in a namespace enforcing 'baseline' the `pss-restricted-*` rules are off, in one
   * enforcing 'privileged' every `pss-*` rule; every other rule is as the profile has it.
   * (`timonel check` and the cdk8s plugin, which see YAML, not charts.)
   * @default false: the profile alone decides (in `App.synth` each chart's Namespace follows its profile)
   */
  readonly namespacePodSecurity?: boolean;
  /**
   * Whether a suppression annotation may name a rule this run does not have, when its id has none
   * of the prefixes of timonel's rules (`api-`, `pss-`, `ref-`, `practice-`, `policy-`): it is taken
   * for a rule of your own (`defineRule`) that the app's profile has and this run's does not (its
   * reason is still checked). For YAML checked without the app's profile (`timonel check`, the
   * cdk8s plugin).
   * @default false: a suppression of a rule the object's profile does not have is a `policy-suppression` error
   */
  readonly unknownCustomRules?: boolean;
}

/** The outcome of a policy run. */
export interface PolicyReport {
  /** Findings at error level, not suppressed, ordered by subject. */
  readonly errors: readonly Finding[];
  /** Findings at warning level, not suppressed, ordered by subject. */
  readonly warnings: readonly Finding[];
  /** Findings an annotation suppressed (with `suppressedBecause`). */
  readonly suppressed: readonly Finding[];
  /** How many objects were checked. */
  readonly objects: number;
  /** The names of the profiles that applied. */
  readonly profiles: readonly string[];
  /**
   * With `namespacePodSecurity`: the namespaces whose label turned Pod Security rules off for
   * objects in them, with the level they enforce ('baseline' or 'privileged'). Empty otherwise.
   */
  readonly namespacePodSecurity: Readonly<Record<string, PodSecurityLevel>>;
}

/** The error thrown when a policy run has error findings: its message lists every one, one per line. */
export class PolicyError extends TimonelError {
  constructor(
    /** The error findings. */
    public readonly findings: readonly Finding[],
    /** The warnings of the same run (not part of the message). */
    public readonly warnings: readonly Finding[] = [],
  ) {
    super({ message: renderErrors(findings) });
    this.name = 'PolicyError';
  }
}

function renderErrors(findings: readonly Finding[]): string {
  const n = findings.length;
  return [
    `Policy check failed with ${n} error${n === 1 ? '' : 's'}:`,
    ...findings.map((f) => `  ${formatFinding(f, { ruleId: true })}`),
    "Fix each one, or suppress a rule where it does not apply with a written reason: Policy.suppress(construct, '<rule-id>', '<why>').",
  ].join('\n');
}

/** An object rule a profile turns on, at its level there. */
interface EnabledRule {
  readonly rule: Rule;
  readonly level: Severity;
}

/**
 * The object rules a profile turns on for a kind (by the rules' `kinds` and `pods`), in the order
 * of RULES: worked out once per run, profile and kind, so an object only meets the rules that apply
 * to it. (Kinds are the user's: the cache ends with the run.)
 */
function enabledRulesFor(cache: Map<Profile, Map<string, readonly EnabledRule[]>>, profile: Profile, kind: string): readonly EnabledRule[] {
  let byKind = cache.get(profile);
  if (!byKind) cache.set(profile, (byKind = new Map()));
  let rules = byKind.get(kind);
  if (!rules) {
    const pods = isPodKind(kind);
    rules = profile._rules.flatMap((rule, i) => {
      const level = profile.levels[i];
      const applies = rule.check && (!rule.kinds || rule.kinds.includes(kind)) && (!rule.pods || pods);
      return applies && level !== 'off' ? [{ rule, level }] : [];
    });
    byKind.set(kind, rules);
  }
  return rules;
}

/**
 * Runs the policy rules over every subject once and returns all findings.
 * Linear in the number of objects: each object is visited once per enabled rule that applies
 * to its kind, and cross-object rules look objects up through indexes built once.
 */
export function runPolicies(subjects: readonly PolicySubject[], options: PolicyRunOptions = {}): PolicyReport {
  // What the rules remember (valid label keys, quantities, zones) lives for this run, or the call it is part of.
  return withCallScope(() => runAll(subjects, options));
}

function runAll(subjects: readonly PolicySubject[], options: PolicyRunOptions): PolicyReport {
  if (!Array.isArray(subjects)) {
    fail({
      path: 'runPolicies', prop: 'subjects', message: 'must be a list of { manifest, constructPath?, file? }', value: subjects,
      allowed: 'a list of { manifest, constructPath?, file? }', fix: isConstruct(subjects)
        ? "for a chart or app, pass policySubjects(chart) from 'timonel/testing'"
        : 'wrap each manifest: manifests.map((manifest) => ({ manifest }))',
    });
  }
  if (options === null || typeof options !== 'object') fail({ path: 'runPolicies', prop: 'options', message: 'must be an object { profile? }', value: options, allowed: 'an object { profile? }', fix: "e.g. { profile: 'baseline' }" });
  const objects = subjects.map(toPolicyObject);
  const set = objectSetOfRun(objects, {
    customRuleIds: (o) => profiles[o.index]._custom.map((r) => r.id),
    foreignRuleIds: options.unknownCustomRules === true,
  });
  const forced = options.profile !== undefined ? Profile.of(options.profile) : undefined;

  // The profile of each object (resolved once per distinct scope).
  const byScope = new Map<unknown, Profile>();
  const profiles: Profile[] = objects.map((o) => {
    if (forced) return forced;
    const scope = o.subject.scope;
    let p = byScope.get(scope);
    if (!p) byScope.set(scope, (p = profileOf(scope) ?? Profile.RESTRICTED));
    return p;
  });
  const admitted: Record<string, PodSecurityLevel> = {};
  if (options.namespacePodSecurity) {
    for (const o of objects) {
      const level = o.ns === '' ? undefined : namespaceLevel(set, o.ns);
      if (level === undefined || level === 'restricted') continue;
      profiles[o.index] = profiles[o.index].admittedBy(level);
      if (o.pod) admitted[o.ns] = level;
    }
  }
  const used = [...new Set(forced && !options.namespacePodSecurity ? [forced] : profiles)];
  if (used.length === 0) used.push(forced ?? Profile.RESTRICTED);

  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const suppressed: Finding[] = [];

  const emit = (o: PolicyObject, rule: Rule, level: RuleLevel, issue: Issue) => {
    if (level === 'off') return;
    // A rule of your own may pass anything (from JS, or a typo such as `msg`): refused, not an empty finding.
    if (rule.category === 'custom') checkIssue(issue);
    const reason = o.suppressions.get(rule.id) ?? (issue.container !== undefined ? o.containerSuppressions.get(rule.id)?.get(issue.container) : undefined);
    const honoured = reason !== undefined && rule.id !== 'policy-suppression' && checkSuppressionReason(reason) === undefined;
    const finding = toFinding(o, rule.id, level, issue, honoured ? reason : undefined);
    (honoured ? suppressed : level === 'error' ? errors : warnings).push(finding);
  };

  // Object rules: one pass over the objects, each seeing only the rules for its kind. Rules
  // report from within `check`, so one reporter, aimed at the object and rule being checked,
  // serves them all.
  let object: PolicyObject;
  let current: EnabledRule;
  const report: Report = (issue) => emit(object, current.rule, current.level, issue);
  const enabled = new Map<Profile, Map<string, readonly EnabledRule[]>>();
  try {
    for (const o of objects) {
      object = o;
      for (const e of enabledRulesFor(enabled, profiles[o.index], o.kind)) {
        current = e;
        e.rule.check!(o, report, set);
      }
    }
  } catch (e) {
    throw ruleFailed(current!.rule, e, object!);
  }

  // Set rules: once each, when any profile in use enables them (built-in ones first, in order).
  const setRules = new Map<Rule, number>();
  for (const p of used) {
    p._rules.forEach((rule, i) => {
      if (rule.checkSet && p.levels[i] !== 'off' && !setRules.has(rule)) setRules.set(rule, i);
    });
  }
  for (const [rule, i] of setRules) {
    try {
      rule.checkSet!(set, (o, issue) => emit(o, rule, profiles[o.index]._levelOfRule(rule, i), issue));
    } catch (e) {
      throw ruleFailed(rule, e);
    }
  }

  const bySubject = (a: Finding, b: Finding) => a.subjectIndex! - b.subjectIndex!;
  return {
    errors: errors.sort(bySubject),
    warnings: warnings.sort(bySubject),
    suppressed: suppressed.sort(bySubject),
    objects: objects.length,
    profiles: [...new Set(used.map((p) => p.name))],
    namespacePodSecurity: admitted,
  };
}

const ISSUE_FIELDS = ['field', 'container', 'message', 'value', 'allowed', 'fix'];

/** What a custom rule passed to report() that is no report (for `ruleFailed` to word). */
class BadReport extends Error {}

/** Throws (for `ruleFailed` to report) when a custom rule's report is not an Issue. */
function checkIssue(issue: unknown): void {
  const shown = (x: unknown) => (x === undefined ? 'undefined' : JSON.stringify(x) ?? String(x));
  if (issue === null || typeof issue !== 'object' || Array.isArray(issue)) {
    throw new BadReport(`report() needs an object { field?, message, fix? }, got ${shown(issue)}`);
  }
  const given = issue as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (ISSUE_FIELDS.includes(key)) continue;
    const near = closest(key, ISSUE_FIELDS);
    throw new BadReport(`report() got '${key}', which is not a field of a report (${ISSUE_FIELDS.join(', ')})${near !== undefined ? `: did you mean '${near}'?` : ''}`);
  }
  if (typeof given.message !== 'string' || given.message.trim() === '') {
    throw new BadReport(`report() needs a message saying what is wrong (e.g. "has no 'team' label"), got ${shown(given.message)}`);
  }
  for (const key of ['field', 'container', 'allowed', 'fix']) {
    if (given[key] !== undefined && typeof given[key] !== 'string') throw new BadReport(`report()'s '${key}' must be a string, got ${shown(given[key])}`);
  }
}

/** A rule that threw: a TimonelError naming the rule and the object it was checking, with the fix. */
function ruleFailed(rule: Rule, e: unknown, o?: PolicyObject): TimonelError {
  const thrown = e instanceof Error ? e.message : String(e);
  const on = o ? ` on ${o.display}` : ' on the set of objects';
  if (e instanceof BadReport) {
    return new TimonelError({
      path: o?.subject.constructPath ?? o?.subject.file ?? 'policies',
      message: `the policy rule '${rule.id}' reported a problem${on} that is not a report: ${thrown}`,
      allowed: "report({ message, field?, container?, value?, allowed?, fix? }): a message string; the others strings too, but value",
      fix: `fix the rule: report({ field: 'metadata.labels', message: "has no 'team' label", fix: '…' }) (message required), or turn it off for now with Profile.custom({ disable: ['${rule.id}'] })`,
    });
  }
  const error = new TimonelError({
    path: o?.subject.constructPath ?? o?.subject.file ?? 'policies',
    message: `the policy rule '${rule.id}' threw${on}: ${thrown}`,
    allowed: rule.category === 'custom' ? `a ${o ? 'check' : 'checkSet'} that reports each problem with report() and returns` : undefined,
    fix: rule.category === 'custom'
      ? `fix the rule's ${o ? 'check' : 'checkSet'}: it must report problems with report({ field, message, fix }), not throw `
        + '(an object may lack any field: read manifests with ?.), or turn it off for now with Profile.custom({ disable: '
        + `['${rule.id}'] })`
      : `this is a bug in timonel, please report it with the object; meanwhile Profile.custom({ disable: ['${rule.id}'] }) turns the rule off`,
  });
  (error as { cause?: unknown }).cause = e;
  return error;
}

/** The level the Namespace `ns` of the set enforces, when the set holds it with a valid label. */
function namespaceLevel(set: ObjectSet, ns: string): PodSecurityLevel | undefined {
  const level = set.get('Namespace', '', ns)?.metadata?.labels?.[ENFORCE_LABEL];
  return isPodSecurityLevel(level) ? level : undefined;
}

/**
 * Runs the policy rules over every subject once. Throws a PolicyError (a TimonelError) listing
 * every error finding at once; returns the warnings (the caller prints them).
 */
export function enforcePolicies(subjects: readonly PolicySubject[], options: PolicyRunOptions = {}): Finding[] {
  const report = runPolicies(subjects, options);
  if (report.errors.length) throw new PolicyError(report.errors, report.warnings);
  return [...report.warnings];
}

/** Options of `formatFinding`. */
export interface FormatOptions {
  /** Start with `[construct path or file] `. @default true */
  readonly where?: boolean;
  /** End with ` (rule-id)`. @default false */
  readonly ruleId?: boolean;
}

/** Renders a finding on one line: `[where] Kind ns/name 'field' what, got value. Allowed: …. Fix: …`. */
export function formatFinding(f: Finding, opts: FormatOptions = {}): string {
  let text: string;
  if (f.object === undefined || f.detail === undefined) {
    text = f.message;
  } else {
    const where = opts.where ?? true ? f.constructPath ?? f.file : undefined;
    text = where ? `[${where}] ` : '';
    text += f.object;
    if (f.field) text += ` '${f.field}'`;
    text += ` ${f.detail}`;
    if ('value' in f) text += `, got ${formatValue(f.value)}`;
    if (f.allowed) text += `. Allowed: ${f.allowed}`;
    if (f.fix) text += `. Fix: ${f.fix}`;
  }
  return opts.ruleId ? `${text} (${f.ruleId})` : text;
}

function toFinding(o: PolicyObject, ruleId: string, severity: Severity, issue: Issue, suppressedBecause?: string): Finding {
  const finding: Finding = {
    ruleId,
    severity,
    message: '',
    object: o.display,
    kind: o.kind,
    name: o.name,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    ...(o.apiVersion ? { apiVersion: o.apiVersion } : {}),
    ...(issue.field ? { field: issue.field } : {}),
    detail: issue.message,
    ...('value' in issue ? { value: issue.value } : {}),
    ...(issue.allowed ? { allowed: issue.allowed } : {}),
    ...(issue.fix ? { fix: issue.fix } : {}),
    ...(o.subject.constructPath !== undefined ? { constructPath: o.subject.constructPath } : {}),
    ...(o.subject.file !== undefined ? { file: o.subject.file } : {}),
    subjectIndex: o.index,
    ...(suppressedBecause !== undefined ? { suppressedBecause } : {}),
  };
  return { ...finding, message: formatFinding(finding) };
}
