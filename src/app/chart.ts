import { ApiObject, Chart, ChartProps, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { appContextOf, isTimonelChart, setChartContext, timonelChartOf } from '../core/chart-context';
import type { TrafficDefaults } from '../core/traffic';
import { DEFAULTS } from '../core/defaults';
import { LABELS } from '../core/labels';
import { isValidName, NameRule, SYSTEM_NAMESPACES, validateName } from '../core/names';
import { fail } from '../core/errors';
import {
  ENFORCE_LABEL, isPodSecurityLevel, levelNeededBySuppression, levelRank, PodSecurityLevel,
} from '../core/pod-security';
import { isPodKind } from '../policies/model';
import { profileOf } from '../policies/config';
import { checkChart, configureChartPolicy, PolicyOptions } from '../policies/policy';
import { Profile } from '../policies/profiles';
import { SUPPRESS_PREFIX, suppressionAnnotation } from '../policies/suppression';
import { chartToKube, explainCycle, explainValidation, rendering } from '../synth/cdk8s-internals';
import { checkAddedJsonPatches } from '../synth/manifest-patch';
import { orderForApply } from './order';
import { checkPodsRendered } from '../workload/workload';
import { CHART_PROPS } from './specs';
import { childPath, checkProps } from '../core/validation';
import { isValidLabelValue } from '../core/labels';
import { shortenName } from '../core/names';

// The rule whose suppression on the Namespace records why a chart lowers Pod Security.
const LOWERED_RULE = 'practice-pod-security-lowered';

/** Props of a timonel chart: one chart, one file in `dist/`. */
export interface TimonelChartProps extends ChartProps {
  /**
   * Namespace of every object in the chart. A Namespace object is emitted for it
   * unless `createNamespace` is false.
   * @default - no namespace: with kubectl, objects land in the namespace kubectl is pointed at; under
   *   Argo CD and Flux delivery a chart with namespaced objects and no namespace fails the synth
   */
  readonly namespace?: string;
  /**
   * Whether to emit the Namespace object (with Pod Security "restricted" enforced, see `podSecurity`).
   * `false` shares a namespace created elsewhere: when another chart of the App creates it, the
   * synth fails if this chart checks its pods less strictly than that Namespace enforces.
   * @default true when `namespace` is set, except for the namespaces Kubernetes creates itself
   * ('default', 'kube-system', 'kube-public', 'kube-node-lease'), for which it cannot be true
   */
  readonly createNamespace?: boolean;
  /**
   * The Pod Security level the Namespace enforces (`pod-security.kubernetes.io/enforce`). A level
   * below the profile's is a reasoned, chart-level choice: `{ level, reason }` writes the reason on
   * the Namespace; a level below 'restricted' that none of the namespace's pods needs, without a
   * reason, is a warning (`practice-pod-security-lowered`). Above the profile's, the namespace would
   * reject pods that pass the policies, so it is an error (where the chart is created when it sets
   * its own `policy.profile`; else at synth, once the app's profile is final).
   * @default - the profile's: 'restricted' for the restricted profile, 'baseline' for baseline, a
   *   custom profile that of the profile it extends (when its severities relax a Pod Security rule
   *   of that level, a chart that creates its Namespace must set podSecurity: an error otherwise)
   */
  readonly podSecurity?: PodSecurityLevel | PodSecurityChoice;
  /**
   * Labels on every object of the chart (as cdk8s puts them) and on the pods of its workloads (their
   * pod templates, and a CronJob's Jobs), never in selectors; on the pods a workload's `podLabels`
   * win on the same key. Changing them changes the pod templates, so the pods roll. A one-off Job
   * (Migration, one-off BatchJob) has them on the Job only: its pod template cannot change, and a
   * label there would make a new Job, which runs again. Keys under
   * `app.kubernetes.io/` are refused: timonel sets the recommended labels itself (`partOf` sets part-of).
   * @default - none
   */
  readonly labels?: { readonly [key: string]: string };
  /**
   * `app.kubernetes.io/part-of` for everything in this chart.
   * @default - the chart id
   */
  readonly partOf?: string;
  /**
   * Policy settings: the profile for this chart's objects ('restricted', 'baseline' or
   * `Profile.custom(...)`). The policies run over the chart in `toJson()` (so in
   * `Testing.synth`) and over the whole app in `App.synth()`.
   * @default - the profile set with `Policy.setDefault` on the app, else 'restricted'
   */
  readonly policy?: PolicyOptions;
  /**
   * Whose pods the exposure of this chart's apps admits once they are isolated (the ingress
   * controller, the Gateway of routes, Prometheus), and the cluster's ranges that are not "the
   * internet" (`clusterCidrs`) and the API server (`apiServer`), each field over the App's `traffic`; an app's own
   * `ingress.controller`, `route.controller` or `metrics.scraper` wins.
   * @default - the App's `traffic`, else DEFAULTS.traffic
   */
  readonly traffic?: TrafficDefaults;
}

export type { PodSecurityLevel } from '../core/pod-security';

/** A chart's Pod Security level with the reason for it (`podSecurity: { level: 'privileged', reason: '…' }`). */
export interface PodSecurityChoice {
  /** The level the chart's Namespace enforces. */
  readonly level: PodSecurityLevel;
  /**
   * Why the namespace admits pods below 'restricted' (at least 10 characters). Written on the
   * Namespace as the reason of the rule `practice-pod-security-lowered`
   * (`timonel.dev/suppress.practice-pod-security-lowered`), so reviewers see it in the YAML.
   */
  readonly reason: string;
}

/** Each chart's `podSecurity` prop, as given (read by the App's namespace check). */
const givenPodSecurity = new WeakMap<Chart, PodSecurityLevel | undefined>();

/**
 * The base of every timonel chart: readable names without hashes, output in apply
 * order, the chart's namespace created with Pod Security "restricted" enforced.
 */
export class TimonelChart extends Chart {
  /** Finds the timonel chart a construct belongs to. */
  public static of(c: IConstruct): TimonelChart {
    return timonelChartOf(c).chart as TimonelChart;
  }

  /** The value of `app.kubernetes.io/part-of` for this chart's objects. */
  public readonly partOf: string;
  /** The traffic defaults of this chart's apps: its `traffic` over the App's (undefined fields: DEFAULTS.traffic). */
  public readonly traffic: TrafficDefaults;
  /** The Namespace object, when the chart creates one. */
  public readonly namespaceObject?: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: TimonelChartProps = {}) {
    super(scope, id, { ...checkProps(CHART_PROPS, props, childPath(scope, id)), disableResourceNameHashes: true });
    checkChartId(this, id);
    this.partOf = props.partOf ?? partOfFromId(this, id);
    const fromApp = appContextOf(this).traffic ?? {};
    this.traffic = {
      ingressController: props.traffic?.ingressController ?? fromApp.ingressController,
      gateway: props.traffic?.gateway ?? fromApp.gateway,
      prometheus: props.traffic?.prometheus ?? fromApp.prometheus,
      clusterCidrs: props.traffic?.clusterCidrs ?? fromApp.clusterCidrs,
      apiServer: props.traffic?.apiServer ?? fromApp.apiServer,
    };
    setChartContext(this, { partOf: this.partOf, traffic: this.traffic, profile: () => profileOf(this) ?? Profile.RESTRICTED });
    configureChartPolicy(this, props.policy);
    const podSecurity = typeof props.podSecurity === 'object' ? props.podSecurity.level : props.podSecurity;
    const reason = typeof props.podSecurity === 'object' ? props.podSecurity.reason.trim() : undefined;
    givenPodSecurity.set(this, podSecurity);
    if (props.namespace) {
      validateName(props.namespace, NameRule.DNS_1123_LABEL, { scope: this, prop: 'namespace' });
      const system = SYSTEM_NAMESPACES.includes(props.namespace);
      if (system && props.createNamespace === true) {
        fail({
          scope: this, prop: 'createNamespace', value: true, allowed: `false for '${props.namespace}' (or leave it out)`,
          message: `is true, but '${props.namespace}' is a namespace Kubernetes creates itself: a Namespace object would relabel it `
            + "(Pod Security enforced on the cluster's own pods) and deleting the output would delete it",
          fix: `remove createNamespace: timonel writes no Namespace object for '${props.namespace}'`,
        });
      }
      if (props.createNamespace ?? !system) {
        this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
          metadata: {
            name: props.namespace,
            labels: {
              [LABELS.name]: props.namespace,
              [LABELS.partOf]: this.partOf,
              [LABELS.managedBy]: DEFAULTS.managedBy,
              // Resolved at synth: the profile may be set on the app after the chart exists.
              [ENFORCE_LABEL]: Lazy.any({ produce: () => this.podSecurityLevel(podSecurity) }) as unknown as string,
              'pod-security.kubernetes.io/enforce-version': 'v1.28',
            },
            annotations: reason !== undefined && podSecurity !== 'restricted' ? { [suppressionAnnotation(LOWERED_RULE)]: reason } : undefined,
          },
        });
        // A Namespace is cluster-scoped; cdk8s would stamp the chart namespace on it.
        ApiObject.of(this.namespaceObject).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
    if (reason !== undefined && !this.namespaceObject) {
      fail({
        scope: this, prop: 'podSecurity.reason', message: 'is written on the Namespace the chart creates, but this chart creates none', value: reason,
        allowed: 'a reason on a chart that creates its Namespace (namespace set, createNamespace not false)',
        fix: `give the reason on the chart that creates namespace '${props.namespace ?? '…'}', or write podSecurity: '${podSecurity}' here`,
      });
    }
    // With the chart's own profile the level is known now; else the app's profile decides at synth.
    if (props.policy?.profile !== undefined && (podSecurity !== undefined || this.namespaceObject)) this.podSecurityLevel(podSecurity);
  }

  /**
   * The level the Namespace enforces: the given one, else the profile's. Fails when the given
   * level is stricter than the profile's.
   */
  private podSecurityLevel(given: PodSecurityLevel | undefined): PodSecurityLevel {
    const profile = profileOf(this) ?? Profile.RESTRICTED;
    const fromProfile = profile.podSecurityLevel();
    if (given !== undefined && !isPodSecurityLevel(given)) {
      fail({ scope: this, prop: 'podSecurity', message: 'is not a Pod Security level', value: given, allowed: "'restricted', 'baseline' or 'privileged'", fix: "write 'restricted' (the default), 'baseline' or 'privileged' in lower case" });
    }
    if (given !== undefined && levelRank(given) > levelRank(fromProfile)) {
      fail({
        scope: this, prop: 'podSecurity', message: `enforces more than the chart's profile '${profile.name}' checks ('${fromProfile}'), so pods that pass the policies would be rejected at admission`,
        value: given, allowed: `'${fromProfile}' or lower`,
        fix: `leave podSecurity out (the profile's level, '${fromProfile}'), or check the pods as strictly: policy: { profile: '${given}' }`,
      });
    }
    const relaxed = given === undefined && this.namespaceObject ? profile._relaxedPodSecurity() : [];
    if (relaxed.length) {
      // Lowering the Namespace lowers admission for every pod in it: a choice the chart states.
      const declared = profile._declaredPodSecurity;
      fail({
        scope: this, prop: 'podSecurity',
        message: `is not set, but the chart's profile '${profile.name}' relaxes Pod Security '${declared}' rules (${relaxed.join(', ')}), `
          + `so namespace '${this.namespace}' would enforce only '${fromProfile}' for every pod in it`,
        value: undefined, allowed: `podSecurity: '${fromProfile}' written on the chart, or a profile that keeps every Pod Security '${declared}' rule an error`,
        fix: `to lower the whole namespace, say so: podSecurity: '${fromProfile}' on chart '${this.node.path}'; to relax one workload, keep the rules errors in the profile `
          + `and give that workload a chart of its own with podSecurity: '${fromProfile}' and Policy.suppress(workload, '${relaxed[0].split(':')[0]}', '<why>')`,
      });
    }
    return given ?? fromProfile;
  }

  /**
   * Renders the chart's objects in apply order (used by `Testing.synth` and `App.synth`) and
   * runs the policies over them: a PolicyError lists every error at once.
   */
  public toJson(): any[] {
    // cdk8s renders chartToKube's objects in order, one document each.
    let rendered: any[];
    try {
      rendered = rendering(() => super.toJson());
    } catch (e) {
      throw explainCycle(explainValidation(e, this.node.root), this.node.root);
    }
    checkPodsRendered(this);
    const sources = chartToKube(this);
    if (sources.length === rendered.length) sources.forEach((source, i) => checkAddedJsonPatches(source, rendered[i]));
    const docs = sources.length === rendered.length
      ? orderForApply(rendered.map((doc, i) => ({ kind: doc?.kind, doc, source: sources[i] })), (x) => x.source).map((x) => x.doc)
      : orderForApply(rendered);
    checkPodSecurity(this, docs);
    checkChart(this, docs);
    return docs;
  }
}

/**
 * The chart id begins the name of every object in it (`shop` -> `shop-web`): a lowercased id that
 * cannot begin a name fails here, on the chart, not later on its first child.
 */
function checkChartId(chart: Chart, id: string): void {
  // A leading digit is left to the objects: a DNS-1123 name may start with one, a Service's may not.
  const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  if (typeof id !== 'string' || LABEL.test(id.toLowerCase())) return;
  const lower = id.toLowerCase();
  const near = lower.replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const suggestion = LABEL.test(near) ? near : undefined;
  fail({
    scope: chart, prop: 'id', message: `cannot begin object names: the chart id starts the name of every object in the chart (e.g. '${lower}-web')`, value: id,
    allowed: "letters, digits and '-', starting and ending with a letter or digit (uppercase is lowercased)",
    fix: suggestion ? `name the chart '${suggestion}', e.g. new TimonelChart(app, '${suggestion}', ...)` : "name the chart with letters, digits and '-', e.g. 'shop'",
  });
}

/** `app.kubernetes.io/part-of` from the chart id: lowercase, shortened like names to 63 characters. */
function partOfFromId(chart: Chart, id: string): string {
  const partOf = shortenName(id.toLowerCase(), 63);
  if (!isValidLabelValue(partOf)) {
    fail({
      scope: chart, prop: 'id', message: 'cannot be the label app.kubernetes.io/part-of', value: id,
      allowed: "letters, digits, '-', '_' and '.', starting and ending with a letter or digit", fix: "set 'partOf', or choose an id such as 'shop'",
    });
  }
  return partOf;
}

/**
 * Fails when an object of a chart suppresses a Pod Security rule that the chart's Namespace
 * enforces: admission would reject its pods. Reads the rendered documents (no tree walk).
 */
export function checkPodSecurity(chart: Chart, docs: readonly any[]): void {
  // cdk8s' Chart[Symbol.hasInstance] is true for any chart, so `instanceof` cannot tell.
  if (!isTimonelChart(chart) || !(chart as TimonelChart).namespaceObject) return;
  const ns = docs.find((d) => d?.kind === 'Namespace' && d?.metadata?.name === chart.namespace);
  const level = ns?.metadata?.labels?.[ENFORCE_LABEL];
  if (!isPodSecurityLevel(level)) return;
  // Every object of a construct carries its suppressions (Policy.suppress): name the one with pods,
  // which admission would reject, rather than the first (a NetworkPolicy).
  let found: { d: any; key: string; rule: string; needs: PodSecurityLevel } | undefined;
  for (const d of docs) {
    for (const key of Object.keys(d?.metadata?.annotations ?? {})) {
      if (!key.startsWith(SUPPRESS_PREFIX)) continue;
      const rule = key.slice(SUPPRESS_PREFIX.length);
      const needs = levelNeededBySuppression(rule);
      if (!needs || levelRank(needs) >= levelRank(level)) continue;
      if (!found || (isPodKind(d.kind) && !isPodKind(found.d.kind))) found = { d, key, rule, needs };
    }
  }
  if (!found) return;
  const { d, key, rule, needs } = found;
  const object = chart.node.findAll().find((c) => ApiObject.isApiObject(c) && c.kind === d.kind && c.name === d.metadata?.name);
  fail({
    path: object?.node.path ?? chart.node.path,
    prop: `metadata.annotations["${key}"]`,
    message: `of ${d.kind} ${d.metadata?.name} suppresses '${rule}', but namespace '${chart.namespace}' enforces Pod Security '${level}', which would reject its pods at admission`,
    value: d.metadata.annotations[key],
    allowed: `a chart whose Namespace enforces '${needs}'`,
    fix: `make it a chart-level choice: put the workload in a chart with { podSecurity: '${needs}' }${needs === 'baseline' ? " (or policy: { profile: 'baseline' })" : ''}, in its own namespace`,
  });
}

/** A chart and its rendered documents, as the App checks them. */
export interface ChartDocs {
  readonly chart: Chart;
  readonly docs: readonly any[];
}

/**
 * Fails when a chart's pods run in a namespace that another chart of the app creates with a
 * stricter Pod Security level than the chart checks them against: admission would reject pods
 * that pass the chart's policies. Needs every chart, so the App runs it (a chart alone cannot
 * see who creates its namespace); a namespace the app does not create is not checked.
 *
 * What a chart's pods are checked against is the chart's level: its profile's (`podSecurity`, when
 * lower), lowered further by an object's suppression of a Pod Security rule. The rule compares
 * levels, not pods: pods of a baseline chart that happen to pass 'restricted' today are still an
 * error, since nothing keeps the next change to them within 'restricted'.
 */
export function checkSharedNamespaces(charts: readonly ChartDocs[]): void {
  const namespaces = new Map<string, { chart: Chart; level: PodSecurityLevel }>();
  for (const { chart, docs } of charts) {
    for (const d of docs) {
      const name = d?.kind === 'Namespace' ? d?.metadata?.name : undefined;
      const level = d?.metadata?.labels?.[ENFORCE_LABEL];
      if (typeof name === 'string' && isPodSecurityLevel(level) && !namespaces.has(name)) namespaces.set(name, { chart, level });
    }
  }
  if (namespaces.size === 0) return;
  for (const { chart, docs } of charts) {
    if (!isTimonelChart(chart)) continue;
    const own = chartLevel(chart);
    for (const d of docs) {
      const nsName = d?.metadata?.namespace;
      const ns = typeof nsName === 'string' && isPodKind(d?.kind) ? namespaces.get(nsName) : undefined;
      // A chart's own Namespace follows its level; checkPodSecurity covers its suppressions.
      if (!ns || ns.chart === chart) continue;
      let needs = own;
      for (const key of Object.keys(d?.metadata?.annotations ?? {})) {
        const rule = key.startsWith(SUPPRESS_PREFIX) ? key.slice(SUPPRESS_PREFIX.length) : '';
        const level = levelNeededBySuppression(rule);
        if (level && levelRank(level) < levelRank(needs.level)) needs = { level, why: `${d.kind} ${d.metadata?.name} suppresses '${rule}'` };
      }
      if (levelRank(needs.level) >= levelRank(ns.level)) continue;
      const creator = ns.chart;
      const createsIt = isTimonelChart(creator) && (creator as TimonelChart).namespaceObject !== undefined && creator.namespace === nsName;
      fail({
        scope: chart, prop: 'namespace',
        message: `is '${nsName}', whose Namespace chart '${creator.node.path}' writes with Pod Security '${ns.level}' enforced, but ${needs.why}, so admission would reject pods that pass its policies (${d.kind} ${d.metadata?.name})`,
        allowed: `a namespace that enforces '${needs.level}' or less`,
        fix: `give chart '${chart.node.path}' its own namespace (${ownNamespace(chart)}), or `
          + (createsIt
            ? `set podSecurity: '${needs.level}' on chart '${creator.node.path}', which creates namespace '${nsName}'`
            : `label namespace '${nsName}' in chart '${creator.node.path}' with ${ENFORCE_LABEL}: ${needs.level}`),
      });
    }
  }
}

/** A namespace of its own for a chart, as props. */
function ownNamespace(chart: Chart): string {
  const id = chart.node.id.toLowerCase();
  return isValidName(id, NameRule.DNS_1123_LABEL) && id !== chart.namespace ? `namespace: '${id}', createNamespace: true` : 'a namespace of its own, createNamespace: true';
}

/** The level a chart checks its pods against, and why, in words. */
function chartLevel(chart: Chart): { level: PodSecurityLevel; why: string } {
  const profile = profileOf(chart) ?? Profile.RESTRICTED;
  const fromProfile = profile.podSecurityLevel();
  const given = givenPodSecurity.get(chart);
  if (given !== undefined && isPodSecurityLevel(given) && levelRank(given) < levelRank(fromProfile)) {
    return { level: given, why: `chart '${chart.node.path}' sets podSecurity: '${given}'` };
  }
  return {
    level: fromProfile,
    why: fromProfile === 'restricted' ? `chart '${chart.node.path}' has the profile '${profile.name}'` : `chart '${chart.node.path}' has the profile '${profile.name}', which checks its pods against '${fromProfile}' only`,
  };
}
