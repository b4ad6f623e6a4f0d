import { ApiObject, Chart, ChartProps, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { appContextOf, isTimonelChart, setChartContext, timonelChartOf } from '../core/chart-context';
import type { TrafficDefaults } from '../core/traffic';
import { DEFAULTS } from '../core/defaults';
import { LABELS } from '../core/labels';
import { NameRule, validateName } from '../core/names';
import { fail } from '../core/errors';
import { profileOf } from '../policies/config';
import { checkChart, configureChartPolicy, PolicyOptions } from '../policies/policy';
import { Profile } from '../policies/profiles';
import { SUPPRESS_PREFIX } from '../policies/suppression';
import { chartToKube, explainCycle } from '../synth/cdk8s-internals';
import { orderForApply } from './order';
import { CHART_PROPS } from './specs';
import { childPath, checkProps } from '../core/validation';
import { isValidLabelValue } from '../core/labels';
import { shortenName } from '../core/names';

/** Props of a timonel chart: one chart, one file in `dist/`. */
export interface TimonelChartProps extends ChartProps {
  /**
   * Namespace of every object in the chart. A Namespace object is emitted for it
   * unless `createNamespace` is false.
   * @default - no namespace (objects land in the namespace kubectl is pointed at)
   */
  readonly namespace?: string;
  /**
   * Whether to emit the Namespace object (with Pod Security "restricted" enforced).
   * @default true when `namespace` is set
   */
  readonly createNamespace?: boolean;
  /**
   * The Pod Security level the Namespace enforces (`pod-security.kubernetes.io/enforce`). A level
   * below the profile's is a reasoned, chart-level choice; above it, the namespace would reject
   * pods that pass the policies, so it is an error.
   * @default - the profile's: 'restricted' for the restricted profile, 'baseline' for baseline
   *   (a custom profile: the strictest level whose Pod Security rules are all errors)
   */
  readonly podSecurity?: PodSecurityLevel;
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
   * controller or Gateway, Prometheus), each field over the App's `traffic`; an app's own
   * `ingress.controller` or `metrics.scraper` wins.
   * @default - the App's `traffic`, else DEFAULTS.traffic
   */
  readonly traffic?: TrafficDefaults;
}

/** A Pod Security Standards level. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

const PSS_LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

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
    this.partOf = props.partOf ?? partOfFromId(this, id);
    const fromApp = appContextOf(this).traffic ?? {};
    this.traffic = {
      ingressController: props.traffic?.ingressController ?? fromApp.ingressController,
      prometheus: props.traffic?.prometheus ?? fromApp.prometheus,
    };
    setChartContext(this, { partOf: this.partOf, traffic: this.traffic });
    configureChartPolicy(this, props.policy);
    if (props.namespace) {
      validateName(props.namespace, NameRule.DNS_1123_LABEL, { scope: this, prop: 'namespace' });
      if (props.createNamespace ?? true) {
        this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
          metadata: {
            name: props.namespace,
            labels: {
              [LABELS.name]: props.namespace,
              [LABELS.partOf]: this.partOf,
              [LABELS.managedBy]: DEFAULTS.managedBy,
              // Resolved at synth: the profile may be set on the app after the chart exists.
              'pod-security.kubernetes.io/enforce': Lazy.any({ produce: () => this.podSecurityLevel(props.podSecurity) }) as unknown as string,
              'pod-security.kubernetes.io/enforce-version': 'v1.28',
            },
          },
        });
        // A Namespace is cluster-scoped; cdk8s would stamp the chart namespace on it.
        ApiObject.of(this.namespaceObject).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
  }

  /**
   * The level the Namespace enforces: the given one, else the profile's. Fails when the given
   * level is stricter than the profile's.
   */
  private podSecurityLevel(given: PodSecurityLevel | undefined): PodSecurityLevel {
    const profile = profileOf(this) ?? Profile.RESTRICTED;
    const fromProfile = profileLevel(profile);
    if (given !== undefined && !PSS_LEVELS.includes(given)) {
      fail({ scope: this, prop: 'podSecurity', message: 'is not a Pod Security level', value: given, allowed: "'restricted', 'baseline' or 'privileged'" });
    }
    if (given !== undefined && rank(given) > rank(fromProfile)) {
      fail({
        scope: this, prop: 'podSecurity', message: `enforces more than the chart's profile '${profile.name}' checks ('${fromProfile}'), so pods that pass the policies would be rejected at admission`,
        value: given, allowed: `'${fromProfile}' or lower`, fix: `use a stricter profile, or podSecurity: '${fromProfile}'`,
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
      rendered = super.toJson();
    } catch (e) {
      throw explainCycle(e, this.node.root);
    }
    const sources = chartToKube(this);
    const docs = sources.length === rendered.length
      ? orderForApply(rendered.map((doc, i) => ({ kind: doc?.kind, doc, source: sources[i] })), (x) => x.source).map((x) => x.doc)
      : orderForApply(rendered);
    checkPodSecurity(this, docs);
    checkChart(this, docs);
    return docs;
  }
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
  const level = ns?.metadata?.labels?.['pod-security.kubernetes.io/enforce'] as PodSecurityLevel | undefined;
  if (!level || !PSS_LEVELS.includes(level)) return;
  for (const d of docs) {
    for (const key of Object.keys(d?.metadata?.annotations ?? {})) {
      if (!key.startsWith(SUPPRESS_PREFIX)) continue;
      const rule = key.slice(SUPPRESS_PREFIX.length);
      const needs: PodSecurityLevel | undefined = rule.startsWith('pss-restricted-') ? 'baseline' : rule.startsWith('pss-baseline-') ? 'privileged' : undefined;
      if (needs && rank(needs) < rank(level)) {
        fail({
          path: chart.node.path,
          message: `${d.kind} ${d.metadata?.name} suppresses '${rule}', but namespace '${chart.namespace}' enforces Pod Security '${level}', which would reject its pods at admission`,
          allowed: `a chart whose Namespace enforces '${needs}'`,
          fix: `make it a chart-level choice: put the workload in a chart with { podSecurity: '${needs}' }${needs === 'baseline' ? " (or policy: { profile: 'baseline' })" : ''}, in its own namespace`,
        });
      }
    }
  }
}

// The strictest level whose Pod Security rules the profile treats as errors.
function profileLevel(profile: Profile): PodSecurityLevel {
  const rules = profile.rules();
  const all = (category: string) => rules.filter((r) => r.category === category).every((r) => r.level === 'error');
  if (!all('pss-baseline')) return 'privileged';
  return all('pss-restricted') ? 'restricted' : 'baseline';
}

function rank(level: PodSecurityLevel): number {
  return PSS_LEVELS.indexOf(level);
}
