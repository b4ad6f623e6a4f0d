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
  readonly category: RuleCategory;
  /** One line: why the rule exists. */
  readonly rationale: string;
  /** Only objects of these kinds are checked. @default - all */
  readonly kinds?: readonly string[];
  /** Only pod-bearing objects (Pod, workloads, Job, CronJob, PodTemplate) are checked. */
  readonly pods?: boolean;
  readonly check?: (object: PolicyObject, report: Report, set: ObjectSet) => void;
  readonly checkSet?: (set: ObjectSet, report: ReportOn) => void;
}

/** Declares a rule (an identity function that keeps the literal typed). */
export function defineRule(rule: Rule): Rule {
  return rule;
}
