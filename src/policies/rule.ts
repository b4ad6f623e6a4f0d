import { fail } from '../core/errors';
import { ObjectSet, PolicyObject } from './model';
import { Issue, RuleCategory, Severity } from './types';

/** Reports an issue about the object being checked (call it from within `check`, not later). */
export type Report = (issue: Issue) => void;

/** Reports an issue about any object (set-level rules). */
export type ReportOn = (object: PolicyObject, issue: Issue) => void;

/**
 * A policy rule. Object rules (`check`) see one object at a time (plus the indexed set for
 * lookups); set rules (`checkSet`) run once over the whole set. Either way, work must stay
 * linear: look objects up through `ObjectSet`, never scan the set per object.
 */
export interface Rule {
  /** Stable kebab-case id, used in profiles, suppressions and output. At most 54 characters. */
  readonly id: string;
  /** Severity in the `restricted` profile (profiles may change it). */
  readonly severity: Severity;
  /** The group of the rule: 'custom' for rules of your own. */
  readonly category: RuleCategory;
  /** One line: why the rule exists. */
  readonly rationale: string;
  /** Only objects of these kinds are checked. @default - all */
  readonly kinds?: readonly string[];
  /** Only pod-bearing objects (Pod, workloads, Job, CronJob, PodTemplate) are checked. @default false */
  readonly pods?: boolean;
  /** Checks one object; `report` each issue from within the call. @default - no object check */
  readonly check?: (object: PolicyObject, report: Report, set: ObjectSet) => void;
  /** Checks the whole set once, reporting on any object. @default - no set check */
  readonly checkSet?: (set: ObjectSet, report: ReportOn) => void;
}

/** What `defineRule` takes: a rule whose category may be left out ('custom'). */
export interface RuleDefinition extends Omit<Rule, 'category'> {
  /** The group of the rule. Rules of your own are 'custom'; the other groups are timonel's own. @default 'custom' */
  readonly category?: RuleCategory;
}

/** The id prefixes of timonel's own rules (now and later): a rule of your own takes another one. */
export const BUILT_IN_PREFIXES: readonly string[] = ['api-', 'pss-', 'ref-', 'practice-', 'policy-'];

/** The longest rule id: `suppress.<rule-id>` must fit in an annotation key's 63-character name. */
export const MAX_RULE_ID = 54;

const RULE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares a policy rule, checking its id (kebab-case, at most 54 characters; a rule of your own
 * may not take the prefix of timonel's rules: `api-`, `pss-`, `ref-`, `practice-`, `policy-`),
 * severity, rationale and that it has `check` or `checkSet`. Add it to a profile with
 * `Profile.custom({ rules: [rule] })`.
 *
 * @example
 * const requireTeamLabel = defineRule({
 *   id: 'org-team-label',
 *   severity: 'error',
 *   rationale: 'Every workload names the team that is paged for it.',
 *   pods: true,
 *   check(o, report) {
 *     if (!o.metadata.labels?.team) report({ field: 'metadata.labels.team', message: 'is missing', fix: "label the chart: new TimonelChart(app, 'shop', { labels: { team: 'payments' } })" });
 *   },
 * });
 */
export function defineRule(rule: RuleDefinition): Rule {
  const defined: Rule = { ...rule, category: rule?.category ?? 'custom' };
  checkRule(defined, 'defineRule');
  return defined;
}

/** Fails with a TimonelError when `rule` is not a valid rule (`where` names the call). */
export function checkRule(rule: Rule, where: string): void {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    fail({ path: where, message: 'needs a rule object', value: rule, allowed: '{ id, severity, rationale, check or checkSet, kinds?, pods? }', fix: 'declare it with defineRule({ ... })' });
  }
  const id = rule.id;
  const at = typeof id === 'string' ? `${where} '${id}'` : where;
  if (typeof id !== 'string' || !RULE_ID.test(id) || id.length > MAX_RULE_ID) {
    fail({
      path: at, prop: 'id', message: typeof id === 'string' && id.length > MAX_RULE_ID ? `is ${id.length} characters long` : 'is not a kebab-case rule id', value: id,
      allowed: `lower-case letters, digits and single '-', starting with a letter, at most ${MAX_RULE_ID} characters (suppressions write it into an annotation key)`,
      fix: "e.g. 'org-team-label'",
    });
  }
  if (rule.category === 'custom') {
    const prefix = BUILT_IN_PREFIXES.find((p) => id.startsWith(p));
    if (prefix) {
      fail({
        path: at, prop: 'id', message: `starts with '${prefix}', a prefix of timonel's own rules`, value: id,
        allowed: `an id not starting with ${BUILT_IN_PREFIXES.map((p) => `'${p}'`).join(', ')}`,
        fix: `use a prefix of your own, e.g. 'org-${id.slice(prefix.length)}'`,
      });
    }
  }
  if (rule.severity !== 'error' && rule.severity !== 'warning') {
    fail({ path: at, prop: 'severity', message: 'is not a severity', value: rule.severity, allowed: "'error' or 'warning'", fix: "use 'warning' for advice, 'error' to fail the synth" });
  }
  if (typeof rule.rationale !== 'string' || rule.rationale.trim() === '') {
    fail({ path: at, prop: 'rationale', message: 'needs one line saying why the rule exists', value: rule.rationale, allowed: 'a non-empty line of text', fix: "e.g. rationale: 'Every workload names the team that is paged for it.'" });
  }
  if (typeof rule.check !== 'function' && typeof rule.checkSet !== 'function') {
    fail({
      path: at, prop: 'check', message: 'is missing: a rule needs check(object, report, set) or checkSet(set, report)', value: rule.check,
      allowed: 'check(object, report, set), checkSet(set, report), or both', fix: 'add check(o, report) { if (...) report({ field, message, fix }); }',
    });
  }
  if (rule.check !== undefined && typeof rule.check !== 'function') fail({ path: at, prop: 'check', message: 'must be a function', value: rule.check, allowed: 'a function check(object, report, set)', fix: 'write check(o, report) { ... }' });
  if (rule.checkSet !== undefined && typeof rule.checkSet !== 'function') fail({ path: at, prop: 'checkSet', message: 'must be a function', value: rule.checkSet, allowed: 'a function checkSet(set, report)', fix: 'write checkSet(set, report) { ... }' });
  if (rule.kinds !== undefined && (!Array.isArray(rule.kinds) || rule.kinds.some((k) => typeof k !== 'string'))) {
    fail({ path: at, prop: 'kinds', message: 'must be a list of kinds', value: rule.kinds, allowed: "a list of kinds, e.g. ['Deployment']", fix: "e.g. kinds: ['Deployment', 'StatefulSet']" });
  }
  if (rule.pods !== undefined && typeof rule.pods !== 'boolean') fail({ path: at, prop: 'pods', message: 'must be true or false', value: rule.pods, allowed: 'true or false', fix: 'write true or false, without quotes' });
}
