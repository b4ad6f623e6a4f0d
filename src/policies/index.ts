// STUB: the policy engine (issue 5) replaces this file's body, keeping these signatures.
import { IConstruct } from 'constructs';

/** One synthesized object and where it came from. */
export interface PolicySubject {
  /** The Kubernetes manifest (plain JSON, already resolved). */
  readonly manifest: any;
  /** The construct path of the ApiObject that produced it, when there is one. */
  readonly constructPath?: string;
  /** The file (or chart) the object is written to / was read from. */
  readonly file?: string;
  /** The chart (or app) that decides which profile applies; undefined for `timonel check`. */
  readonly scope?: IConstruct;
}

/** A finding of a rule. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/**
 * Runs the policy rules over every subject once. Throws a TimonelError listing every error
 * finding at once; returns the warnings (the caller prints them).
 */
export function enforcePolicies(subjects: readonly PolicySubject[]): Finding[] {
  void subjects;
  return [];
}
