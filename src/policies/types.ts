import { IConstruct } from 'constructs';

/** How bad a finding is: errors fail the synth (or `timonel check`), warnings are reported. */
export type Severity = 'error' | 'warning';

/** A severity in a profile: `off` turns the rule off. */
export type RuleLevel = Severity | 'off';

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
  readonly severity: Severity;
  /**
   * The whole finding on one line: where (construct path or file), the object
   * (`Kind namespace/name`), the field, what is wrong and the fix. (The rule id is not
   * repeated: callers print it next to the message.)
   */
  readonly message: string;
  // The fields below are filled in by the engine; they are optional so callers can make findings of their own.
  /** `Kind namespace/name` (or `Kind name` without a namespace). */
  readonly object?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly apiVersion?: string;
  /** The field, as a JSON path such as `spec.template.spec.containers[0].image`. */
  readonly field?: string;
  /** What is wrong, without the location (`uses the moving tag 'latest'`). */
  readonly detail?: string;
  /** The value found, when there is one. */
  readonly value?: unknown;
  /** What is allowed. */
  readonly allowed?: string;
  /** How to fix it. */
  readonly fix?: string;
  readonly constructPath?: string;
  readonly file?: string;
  /** The subject this finding is about (index into the subjects given to the engine). */
  readonly subjectIndex?: number;
  /** The reason of the suppression, for findings that were suppressed. */
  readonly suppressedBecause?: string;
}

/** What a rule reports about one object; the engine adds where, the object and the rule id. */
export interface Issue {
  /** The JSON path of the offending field. */
  readonly field?: string;
  /** The name of the container the issue is about, which a suppression for that container covers. */
  readonly container?: string;
  /** What is wrong, e.g. "must be false". */
  readonly message: string;
  /** The value found (rendered with JSON). Leave out when there is none. */
  readonly value?: unknown;
  /** What is allowed. */
  readonly allowed?: string;
  /** How to fix it. */
  readonly fix?: string;
}

/** The groups rules belong to; profiles switch whole groups. Rules of your own (`defineRule`) are 'custom'. */
export type RuleCategory = 'api' | 'pss-baseline' | 'pss-restricted' | 'consistency' | 'practice' | 'policy' | 'custom';
