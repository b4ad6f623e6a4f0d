import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, isConstruct } from '../core/errors';
import { isTimonelChart } from '../core/chart-context';
import { hasOwnProfile, profileOf, setProfile } from './config';
import { PolicyError, PolicyReport, runPolicies } from './engine';
import { Profile, ProfileLike } from './profiles';
import { argOr, checkProps, closest, knownKeys, Spec, v } from '../core/validation';
import { POD_KINDS } from '../core/dependencies';
import { Workload } from '../workload/workload';
import { checkSuppressionReason, containerSuppressionFits, MIN_REASON_LENGTH, suggestRule, suppressionAnnotation } from './suppression';
import { NameRule } from '../core/names';
import { nameSpec } from '../core/specs';
import type { ProbeSuppression } from '../core/probes';
import { BUILT_IN_PREFIXES } from './rule';
import { PolicySubject } from './types';

/** Policy settings of a chart (`TimonelChartProps.policy`). */
export interface PolicyOptions {
  /**
   * The profile for the chart's objects.
   * @default - the profile set with `Policy.setDefault` on an ancestor (e.g. the app), else 'restricted'
   */
  readonly profile?: ProfileLike;
}

/** A profile: 'restricted', 'baseline' or a Profile (Profile.custom(...)). */
export const PROFILE: Spec<ProfileLike> = v.union(
  v.oneOf(['restricted', 'baseline'] as const),
  v.instance(Profile, 'a Profile', () => [Profile.BASELINE, Profile.RESTRICTED]),
  "'restricted', 'baseline' or Profile.custom(...)",
);

const POLICY_SCOPE = v.custom<IConstruct>('a construct (the app, a chart or a construct in it)', (x) => (isConstruct(x) ? undefined : {
  message: 'is not a construct',
  // Policy.suppress('web', …): the id or path of a construct, where the construct itself goes.
  fix: typeof x === 'string' && x !== ''
    ? `pass the construct itself, not its ${x.includes('/') ? 'path' : 'id'}: the variable that holds it (web for const web = new WebApp(chart, '${x.split('/').pop()}', …)), the chart or the app`
    : "pass the construct itself: the app, a chart, or a construct in it (web for const web = new WebApp(chart, 'web', …))",
}), () => []);
const SET_DEFAULT_ARGS = v.object<{ scope: IConstruct; profile: ProfileLike }>()({ scope: v.required(POLICY_SCOPE), profile: v.required(PROFILE) }, {
  call: (a) => `Policy.setDefault(app, ${argOr(a.profile, "'restricted'")})`,
});
const SUPPRESS_ARGS = v.object<{ scope: IConstruct; ruleId: string; reason: string; options?: SuppressOptions }>()({
  scope: v.required(POLICY_SCOPE), ruleId: v.required(v.string()), reason: v.required(v.string()),
  options: v.object<SuppressOptions>()({ container: nameSpec(NameRule.DNS_1123_LABEL) }, { what: 'option of Policy.suppress' }),
}, {
  call: (a) => `Policy.suppress(construct, ${argOr(a.ruleId, "'<rule-id>'")}, ${argOr(a.reason, "'<why the rule does not apply here, at least 10 characters>'")})`,
});

/** Options of `Policy.suppress`. */
export interface SuppressOptions {
  /**
   * Suppress only the findings about this container of the objects' pods (e.g. 'main', or a
   * sidecar's name), written as `timonel.dev/suppress.<rule-id>.<container>`; the other containers
   * are still judged. Rules that report per container honour it (practice-probes). A name that is
   * none of the containers of the timonel workloads under the construct is an error.
   * @default - every finding of the rule on the objects
   */
  readonly container?: string;
}

const reports = new WeakMap<IConstruct, PolicyReport>();

/** Construct-facing policy API: profiles per app or construct, and suppressions with reasons. */
export class Policy {
  /**
   * Sets the profile for everything under `scope` (usually the app). A chart's own
   * `policy.profile` prop, or a `setDefault` closer to the objects, takes precedence.
   * Call it before creating the constructs it applies to (charts may exist): constructs read
   * the profile when they are created, so a call that would change the profile of one that
   * exists is an error.
   */
  public static setDefault(scope: IConstruct, profile: ProfileLike): void {
    checkProps(SET_DEFAULT_ARGS, { scope, profile }, isConstruct(scope) ? scope : 'Policy.setDefault');
    const next = Profile.of(profile);
    const late = constructReadingProfile(scope, next);
    if (late) {
      const was = profileOf(late) ?? Profile.RESTRICTED;
      fail({
        // The App's path is empty: name the call there, the construct's path elsewhere.
        ...(scope.node.path === '' ? { path: 'App' } : { scope }), prop: 'profile',
        message: `of Policy.setDefault comes after '${late.node.path}' was created with the profile '${was.name}': constructs read the profile when they are created, `
          + `so it would be checked as '${was.name}' but its Namespace and policies would follow '${next.name}'`,
        value: typeof profile === 'string' ? profile : next.name,
        allowed: 'a call before the first construct it applies to (charts may exist already)',
        fix: `call Policy.setDefault(${scope.node.path === '' ? 'app' : `'${scope.node.path}'`}, ...) right after creating ${scope.node.path === '' ? 'the App' : 'it'}, `
          + "or give the chart its own profile: new TimonelChart(app, id, { policy: { profile } })",
      });
    }
    setProfile(scope, next);
  }

  /**
   * Suppresses a rule for every Kubernetes object under `scope` (call it after the objects
   * exist, e.g. right after `new WebApp(...)`). The reason is required (at least 10 characters)
   * and is written on each object as the annotation `timonel.dev/suppress.<rule-id>: <reason>`,
   * so reviewers see it in `dist/` and `timonel check` honours it too.
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string, options: SuppressOptions = {}): void {
    checkProps(SUPPRESS_ARGS, { scope, ruleId, reason, options }, isConstruct(scope) ? scope : 'Policy.suppress');
    const container = options.container;
    const profile = profileOf(scope) ?? Profile.RESTRICTED;
    const unknown = suggestRule(ruleId, profile.ruleIds());
    if (unknown) {
      const own = !unknown.startsWith('did you mean') && !BUILT_IN_PREFIXES.some((p) => ruleId.startsWith(p));
      fail({
        scope, prop: 'ruleId', message: own ? `is not a known policy rule of the profile '${profile.name}'` : 'is not a known policy rule', value: ruleId,
        allowed: knownKeys(ruleId, profile.ruleIds(), { what: 'rule', owner: `the profile '${profile.name}'`, docs: 'docs/policies.md' }), fix: own ? `${unknown}; for a rule of your own, add it to the profile first: Profile.custom({ rules: [...] }) on the chart (policy.profile) or app (Policy.setDefault)` : unknown,
      });
    }
    const problem = checkSuppressionReason(reason);
    if (problem) {
      fail({
        scope, prop: 'reason', message: `of the suppression of '${ruleId}' ${problem}`, value: reason,
        allowed: `a sentence of at least ${MIN_REASON_LENGTH} characters saying why the rule does not apply here`,
        fix: `Policy.suppress(construct, '${ruleId}', 'vendor image runs as root; isolated namespace')`,
      });
    }
    const objects = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    if (objects.length === 0) {
      fail({ scope, message: `has no Kubernetes objects to suppress '${ruleId}' on`, allowed: 'a construct that holds Kubernetes objects, once they are created', fix: 'call Policy.suppress after creating the construct (or pass the construct that owns the objects)' });
    }
    if (container !== undefined && !containerSuppressionFits(ruleId, container)) {
      fail({
        scope, prop: 'options.container', message: `makes the annotation key '${suppressionAnnotation(ruleId, container)}', whose name is over 63 characters`, value: container,
        allowed: 'a container name short enough for a 63-character annotation name', fix: 'give the container a shorter name, or suppress the rule for the whole object',
      });
    }
    if (container !== undefined) checkContainerKnown(scope, objects, ruleId, container);
    for (const o of objects) o.metadata.addAnnotation(suppressionAnnotation(ruleId, container), reason.trim());
  }

  /**
   * Records probes turned off with `false` (`PodBuilder.probeSuppressions`) on a pod's controller
   * as reasoned suppressions of practice-probes: for the pod, or per container; a container whose
   * name is too long for the annotation key keeps its warning. @internal
   */
  public static _probesTurnedOff(controller: IConstruct, suppressions: readonly ProbeSuppression[]): void {
    for (const s of suppressions) {
      if (s.container !== undefined && !containerSuppressionFits('practice-probes', s.container)) continue;
      Policy.suppress(controller, 'practice-probes', s.reason, { container: s.container });
    }
  }

  /** The report of the last policy run of a chart during `toJson()` (`Testing.synth`), with its warnings. */
  public static lastReport(chart: IConstruct): PolicyReport | undefined {
    return reports.get(chart);
  }
}

/**
 * The first construct under `scope` (not a chart, nor a chart's Namespace, whose label is resolved at
 * synth) whose profile `next` would change, i.e. that read a different one when it was created.
 */
function constructReadingProfile(scope: IConstruct, next: Profile): IConstruct | undefined {
  const visit = (c: IConstruct): IConstruct | undefined => {
    for (const child of c.node.children) {
      if (hasOwnProfile(child)) continue; // its own setting wins, for it and below
      const isChart = Chart.isChart(child);
      const isNamespace = isTimonelChart(c) && (c as { namespaceObject?: IConstruct }).namespaceObject === child;
      if (!isChart && !isNamespace && !sameLevels(profileOf(child) ?? Profile.RESTRICTED, next)) return child;
      const found = isNamespace ? undefined : visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(scope);
}

function sameLevels(a: Profile, b: Profile): boolean {
  return a === b || (a.name === b.name && a.levels.length === b.levels.length && a.levels.every((l, i) => l === b.levels[i] && a._rules[i] === b._rules[i]));
}

/**
 * A container-scoped suppression naming no container of the pods under `scope` would suppress
 * nothing and leave the warning: an error with the containers there are. Only timonel workloads'
 * pods are known when suppress is called (their containers are fixed by their props); with other
 * pods under `scope` (a cdk8s-plus Deployment may still get containers) the name is not checked.
 */
function checkContainerKnown(scope: IConstruct, objects: readonly ApiObject[], ruleId: string, container: string): void {
  const owner = (o: IConstruct): Workload | undefined => [...o.node.scopes].reverse().find((c): c is Workload => c instanceof Workload);
  const workloads = new Set<Workload>();
  for (const o of objects) {
    const w = owner(o);
    if (w) workloads.add(w);
    else if (POD_KINDS.has(o.kind)) return;
  }
  const names = [...workloads].flatMap((w) => (w.pod ? [w.pod.containerNames] : [])).flatMap((n) => [n.main, ...n.sidecars, ...n.initContainers]);
  if (names.length === 0 || names.includes(container)) return;
  const listed = [...new Set(names)];
  const near = closest(container, listed);
  fail({
    scope, prop: 'options.container', message: `names no container of the pods of '${scope.node.path}', so the suppression of '${ruleId}' would suppress nothing`, value: container,
    allowed: listed.map((n) => `'${n}'`).join(', '),
    fix: near !== undefined ? `did you mean '${near}'?` : `name one of ${listed.map((n) => `'${n}'`).join(', ')}, or leave out 'container' to suppress the rule for the whole object`,
  });
}

/** Applies a chart's `policy` prop. */
export function configureChartPolicy(chart: IConstruct, options: PolicyOptions | undefined): void {
  if (options?.profile !== undefined) setProfile(chart, options.profile);
}

/**
 * The per-chart policy run of `TimonelChart.toJson()` (and so of `Testing.synth(chart)`): the
 * chart's objects only, each mapped to its ApiObject's construct path. Throws a PolicyError
 * listing every error; the warnings are kept for `Policy.lastReport(chart)`.
 */
export function checkChart(chart: Chart, manifests: readonly any[]): void {
  const exact = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const c of chart.node.findAll()) {
    if (!ApiObject.isApiObject(c) || Chart.of(c) !== chart) continue;
    const key = `${c.kind}\0${c.name}`;
    const full = `${c.kind}\0${c.metadata.namespace ?? ''}\0${c.name}`;
    if (!exact.has(full)) exact.set(full, c.node.path);
    if (!byName.has(key)) byName.set(key, c.node.path);
  }
  const subjects: PolicySubject[] = manifests.map((manifest) => {
    const kind = manifest?.kind;
    const name = manifest?.metadata?.name;
    const constructPath = exact.get(`${kind}\0${manifest?.metadata?.namespace ?? ''}\0${name}`) ?? byName.get(`${kind}\0${name}`);
    return { manifest, constructPath, scope: chart };
  });
  const report = runPolicies(subjects);
  reports.set(chart, report);
  if (report.errors.length) throw new PolicyError(report.errors, report.warnings);
}
