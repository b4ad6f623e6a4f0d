/**
 * Policies: a synth-time rule engine that governs what may be deployed.
 *
 * - `enforcePolicies(subjects)` runs every rule once over a set of objects (the App does it
 *   over the whole app; `TimonelChart.toJson()` over one chart) and throws one PolicyError
 *   listing every error; warnings are returned.
 * - `Profile` chooses rules and severities (`restricted` by default, `baseline`, custom).
 * - `Policy.suppress(construct, ruleId, reason)` records a reasoned exception as an annotation.
 * - `timonel check` (src/cli) runs the same rules over any YAML.
 */
export type { PolicySubject, Finding, Severity, RuleLevel, Issue, RuleCategory } from './types';
export { enforcePolicies, runPolicies, formatFinding, PolicyError } from './engine';
export type { PolicyReport, PolicyRunOptions, FormatOptions } from './engine';
export { Profile } from './profiles';
export type { ProfileLike, CustomProfileOptions, ProfileRule } from './profiles';
export { Policy, checkChart, configureChartPolicy } from './policy';
export type { PolicyOptions, SuppressOptions } from './policy';
export { SUPPRESS_PREFIX, MIN_REASON_LENGTH, suppressionAnnotation } from './suppression';
export { RULES } from './rules';
export { defineRule } from './rule';
export type { Rule, RuleDefinition, Report, ReportOn } from './rule';
export type { PolicyObject, PodView, ContainerView, ContainerList, ObjectSet, Selector } from './model';
export { TrafficEvaluator } from './traffic';
export type {
  TrafficEvaluatorOptions, TrafficQuery, TrafficPeer, TrafficPod, TrafficWorkloadRef, TrafficAddress, TrafficProtocol,
  TrafficVerdict, TrafficSide, TrafficWorkload,
} from './traffic';
